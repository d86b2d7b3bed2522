"""Public pages served from the cache until something they show is edited.

A page is shared only with visitors who have nothing of their own on it: a GET without a session
cookie (staff, a visitor who voted or was just shown a message all have one) and without a flash
message waiting in the messages cookie. Everyone else gets the page rendered for them.

Invalidation is by generation rather than by deleting keys: every cached page's key holds the
content generation (ContentGeneration in the database), and the apps' signals move it on whenever
an article, category, synonym or contact channel is saved, deleted or written in bulk
(helpcenter/bulkwrites.py). Each request reads that one
number (a primary-key lookup), so an edit shows on the very next request in every server process,
whatever cache backend holds the pages; the old entries are never read again and expire.

Parts of a page that change with the clock rather than with an edit (is chat open right now?) are
named by the functions listed in HELPCENTER_PAGE_VARIANTS, whose answers are part of the key.
Entries live HELPCENTER_PAGE_CACHE_SECONDS at most, which bounds what no edit signals: popularity
order (view and vote counts) and the year in the footer.

The views decorated with `shared_page` fill the cache; `SharedPageMiddleware`, placed just after
WhiteNoise, answers from it before the rest of the middleware runs (sessions, locale, CSRF,
authentication, history, two-factor, messages, axes: nothing any of them would do for a visitor
without cookies), with the headers the whole chain gave the page when it was stored. Under ASGI
that also saves the hop from the synchronous middleware back to the event loop and out to a thread
for the view, which was most of a cached page's cost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as memoize
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string
from django.utils.translation import get_language, get_language_from_path

from helpcenter.models import ContentGeneration

MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage, tried first by FallbackStorage
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified")
# Headers the middleware does not keep from a page as the inner middleware left it: the server and
# the outer middleware (security, CSP) set them again on every answer.
UNKEPT_HEADERS = frozenset({"content-length", "set-cookie", "date", "server"})


def current_generation() -> int:
    # Raw SQL: read on every public page, where the ORM's query building would cost more than the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {ContentGeneration._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def advance_generation() -> None:
    """Make every cached public page stale, in every process, from the next request on."""
    from django.db.models import F

    if not ContentGeneration.objects.filter(pk=1).update(number=F("number") + 1):
        ContentGeneration.objects.get_or_create(pk=1, defaults={"number": 1})


@memoize
def _variant_functions() -> list[Callable[[int], str]]:
    return [import_string(path) for path in settings.HELPCENTER_PAGE_VARIANTS]


def is_shareable(request: HttpRequest) -> bool:
    """Whether this request may get (and give) the page every anonymous visitor gets."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def page_version(request: HttpRequest) -> str:
    """The content generation and the clock-dependent variants ("17:open"): what a cached page or
    a cached fragment of one (the footer, the chat launcher) depends on besides its language."""
    version = getattr(request, "page_version", None)
    if version is None:
        generation = current_generation()
        version = ":".join([str(generation), *(function(generation) for function in _variant_functions())])
        request.page_version = version
    return version


def _key(request: HttpRequest, language: str | None = None) -> str:
    # The host and scheme too: canonical and hreflang links are absolute.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"helpcenter:page:{page_version(request)}:{language or get_language()}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        # A template that used {% csrf_token %} (the cookie comes later, from the middleware), the
        # session or a CSP nonce made a page for this visitor only.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.accessed)
        and getattr(request, "_csp_nonce", None) is None
    )


def _rebuilt(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["Content-Length"] = str(len(response.content))  # what CommonMiddleware sets on the way
    return response


@memoize
def _hit_function(path: str) -> Callable[[HttpRequest, Any], None]:
    return import_string(path)


def _answer_from(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    """The stored page, after what the view did besides rendering (`on_hit`), or 304 if unchanged."""
    if entry.get("on_hit") and entry["replay"] is not None:
        _hit_function(entry["on_hit"])(request, entry["replay"])
    response = _rebuilt(entry)
    last_modified = parse_http_date_safe(entry["headers"].get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=entry["headers"].get("ETag"), last_modified=last_modified, response=response
    )


class SharedPageMiddleware:
    """Answer a shareable request from the page cache before the middleware below runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only addresses with a language prefix: what the locale middleware would do for the others
        # (pick a language from the headers, redirect) is not known yet here.
        language = get_language_from_path(request.path_info) if is_shareable(request) else None
        if language is not None:
            try:
                entry = cache.get(_key(request, language))
            except DisallowedHost:
                # The chain below answers 400, in the page's language once the locale is known.
                language, entry = None, None
            if entry is not None and entry.get("complete"):
                return _answer_from(request, entry)
        response = self.get_response(request)
        stored = getattr(response, "shared_page", None)
        if language is not None and stored is not None and not response.cookies and not response.has_header("Vary"):
            key, entry = stored
            # Every header the page has now, so that an answer from here equals one from the whole chain.
            headers = {name: value for name, value in response.items() if name.lower() not in UNKEPT_HEADERS}
            cache.set(key, {**entry, "headers": headers, "complete": True}, settings.HELPCENTER_PAGE_CACHE_SECONDS)
        return response


def shared_page(on_hit: Callable[[HttpRequest, Any], None] | None = None):
    """Serve the decorated view's page from the cache to visitors who may share it.

    What the view did besides rendering (counting a view, logging a search) must happen on a hit
    too: the view sets `response.replay` to what `on_hit(request, replay)` needs to do it again."""

    hit_function = f"{on_hit.__module__}.{on_hit.__qualname__}" if on_hit is not None else None

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_shareable(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            entry = cache.get(key)
            if entry is not None:
                return _answer_from(request, entry)
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                if not response.has_header("ETag"):
                    set_response_etag(response)
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                entry = {
                    "content": response.content,
                    "headers": headers,
                    "replay": getattr(response, "replay", None),
                    "on_hit": hit_function,
                }
                cache.set(key, entry, settings.HELPCENTER_PAGE_CACHE_SECONDS)
                last_modified = parse_http_date_safe(headers.get("Last-Modified", ""))
                response = get_conditional_response(
                    request, etag=headers.get("ETag"), last_modified=last_modified, response=response
                )
                if response.status_code == 200:
                    response.shared_page = (key, entry)  # for SharedPageMiddleware to complete
            return response

        return wrapper

    return decorator
