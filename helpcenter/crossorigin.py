"""Forms on shared (cached) pages, protected from cross-site posts without a CSRF cookie.

Django's CSRF protection pairs a token in the form with a cookie set on the page that shows the
form. A page served to every anonymous visitor from the cache cannot set a cookie for each one (and
a cookie makes the response `Vary: Cookie`, so no cache may share it). Such a form is protected in
two ways instead:

- The browser says where the post comes from. Every current browser sends `Sec-Fetch-Site` on a
  form post (Chrome 76, Firefox 90, Safari 16.4) and `Origin` on every cross-origin POST; a post
  whose Sec-Fetch-Site is not "same-origin", or whose Origin (or, failing that, Referer) is not
  this site, is refused. That is the whole of the CSRF defence of Go's `http.CrossOriginProtection`
  (Go 1.25) and of Rails' and Django's own Origin checks; a request that carries none of these
  headers does not come from a browser a forged page could drive.
- The form carries a signed token naming what it is for ("vote:refund-policy") and when it was
  made. A post without it, or with one made for another form or altered, is refused: only a page
  we rendered can be answered, and a copied token ages out (PAGE_TOKEN_MAX_AGE).

The token is the same for every visitor of a page, so it is no secret; the header check is what a
forged cross-site form cannot pass.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

PAGE_TOKEN_FIELD = "page_token"
PAGE_TOKEN_MAX_AGE = 2 * 24 * 3600  # longer than a cached page lives, long enough for an open tab
_SALT = "helpcenter.crossorigin.page_token"


def page_token(purpose: str) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(purpose)


class TokenExpired(Exception):
    """A genuine token, but from a page opened too long ago: the visitor should simply try again."""


def _page_token_reason(request: HttpRequest, purpose: str) -> str | None:
    """Why this post's page token is refused, or None. Raises TokenExpired for an old genuine one."""
    token = request.POST.get(PAGE_TOKEN_FIELD, "")
    if not token:
        return "page token missing"
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        signed_for = signer.unsign(token, max_age=PAGE_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        return "page token forged"
    if signed_for != purpose:
        return "page token made for another form"
    return None


def _our_origin(request: HttpRequest, origin: str) -> bool:
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        return origin == f"{request.scheme}://{request.get_host()}"
    except Exception:  # DisallowedHost: not a site we serve, so not ours
        return False


def cross_site_reason(request: HttpRequest) -> str | None:
    """Why this post looks cross-site, or None when the browser says it comes from our own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return None if fetch_site in ("same-origin", "none") else f"Sec-Fetch-Site is {fetch_site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if _our_origin(request, origin) else f"Origin {origin} is not this site"
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        if not _our_origin(request, f"{parts.scheme}://{parts.netloc}"):
            return "Referer is not this site"
    return None


def refusal_reason(request: HttpRequest, purpose: str) -> str | None:
    """Why this post to the form made for `purpose` is refused as cross-site or forged, or None.

    Raises TokenExpired when only the token's age is wrong."""
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return None  # Django's test client, exactly as CsrfViewMiddleware lets it through
    return cross_site_reason(request) or _page_token_reason(request, purpose)
