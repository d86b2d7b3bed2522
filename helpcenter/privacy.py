"""Private links and anonymous visitors: how customers are recognised without accounts.

A request or claim is reached through a private link: a long random token, of which the database
keeps only a hash, so it can be neither guessed nor opened from a stolen copy of the database, and
which staff can replace when it has leaked. A browser is told apart by a hash of
its session key, so votes and deflections can be counted once without keeping who anyone is.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from helpcenter.models import PrivateLinkRotation, PrivateLinkToken

# Letters and digits a customer can read aloud on the phone without confusion (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str, length: int = 7) -> str:
    """A short random reference such as HC-7K3M9QX: unguessable, and telling no one how many we get."""
    return f"{prefix}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


def _email_digest(email: str, key: str | None = None) -> str:
    # The link proves the e-mail address without carrying it: signed payloads are only encoded,
    # and links end up in access logs and browser histories.
    key = key or settings.SECRET_KEY
    return hashlib.sha256(f"{key}:{email.strip().lower()}".encode()).hexdigest()[:20]


def sign_reference(reference: str, email: str, salt: str) -> str:
    return signing.dumps({"r": reference, "h": _email_digest(email)}, salt=salt)


def read_link(token: str, salt: str, max_age_days: int) -> tuple[str, str] | None:
    """(reference, e-mail digest) from a link made by sign_reference; None if forged, altered or expired."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("r", "")), str(data.get("h", ""))


def email_digests(email: str) -> list[str]:
    """The address's digest under the current key and under the keys of before a key rotation."""
    return [_email_digest(email, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def same_email(digest: str, email: str) -> bool:
    return any(hmac.compare_digest(digest, known) for known in email_digests(email))


class PrivateLink:
    """One kind of private link, for any item with a `reference`, an e-mail address and a `language`:
    the salt that keeps its links apart from other kinds, the page it opens, and how long it lives
    (HELPCENTER_LINK_MAX_AGE_DAYS). Tickets and refund claims each declare one.

    A link is a random token of TOKEN_BYTES (helpcenter.models.PrivateLinkToken keeps its SHA-256).
    Links sent before random tokens were signed (reference and e-mail digest, sign_reference); they
    still open their item until it expires or staff issue a new link (rotate)."""

    TOKEN_BYTES = 32  # 256 bits from `secrets`; 43 URL-safe characters

    def __init__(self, salt: str, url_name: str, email_field: str) -> None:
        self.salt = salt
        self.url_name = url_name
        self.email_field = email_field
        KINDS.append(self)

    def token(self, item: Any) -> str:
        """A new link for the item; each e-mail gets its own, and all of them open the item."""
        token = secrets.token_urlsafe(self.TOKEN_BYTES)
        PrivateLinkToken.objects.create(
            kind=self.salt,
            object_id=item.pk,
            token_hash=token_hash(token),
            email_digest=_email_digest(getattr(item, self.email_field)),
        )
        return token

    def find(self, items: QuerySet, token: str) -> Model | None:
        """The item the token was made for, or None if unknown, altered, expired, replaced by a
        newer link, or no longer its address."""
        if ":" in token:  # the signed form: base64 parts joined by colons, never in a random token
            found = read_link(token, self.salt, settings.HELPCENTER_LINK_MAX_AGE_DAYS)
            item = items.filter(reference=found[0]).first() if found else None
            if item is None or not same_email(found[1], getattr(item, self.email_field)):
                return None
            if PrivateLinkRotation.objects.filter(kind=self.salt, object_id=item.pk).exists():
                return None
            return item
        oldest = timezone.now() - timedelta(days=settings.HELPCENTER_LINK_MAX_AGE_DAYS)
        row = PrivateLinkToken.objects.filter(
            kind=self.salt, token_hash=token_hash(token), created_at__gte=oldest
        ).first()
        item = items.filter(pk=row.object_id).first() if row else None
        if item is None or not same_email(row.email_digest, getattr(item, self.email_field)):
            return None
        return item

    def rotate(self, item: Any, by: str = "") -> str:
        """Replace every link of the item by one new one, returned (to be mailed): the old ones,
        random or signed, stop working with this transaction."""
        with transaction.atomic():
            PrivateLinkToken.objects.filter(kind=self.salt, object_id=item.pk).delete()
            PrivateLinkRotation.objects.update_or_create(
                kind=self.salt, object_id=item.pk, defaults={"rotated_at": timezone.now(), "rotated_by": by[:150]}
            )
            token = self.token(item)
        link_rotated.send(sender=type(item), item=item, link=self)
        return token

    def path(self, item: Any, token: str | None = None) -> str:
        # In the customer's language, whatever language the agent who triggered the e-mail uses.
        with translation.override(item.language):
            return reverse(self.url_name, args=[token or self.token(item)])

    def url(self, item: Any, token: str | None = None) -> str:
        return settings.SITE_URL + self.path(item, token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# Every kind of private link, for the log filter (helpcenter.logredact) to find their paths.
KINDS: list[PrivateLink] = []

# Sent once an item's links are replaced: an app with its own way in to the same item (a chat's
# cookie, for its ticket) closes that too, without the core knowing of it.
link_rotated = Signal()


def anonymous_visitor(request: HttpRequest) -> str:
    """A stable id for this browser: a keyed hash of its session key, never the key itself."""
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(f"{settings.SECRET_KEY}:{request.session.session_key}".encode()).hexdigest()


class LinkExpired(Http404):
    """A forged, altered or expired private link. Raised with the URL name of the page that sends a
    fresh one; the 404 handler shows that page's link instead of a bare "not found"."""

    def __init__(self, lookup_url_name: str) -> None:
        super().__init__(lookup_url_name)
        self.lookup_url_name = lookup_url_name


# Pages under a private link send at most the site's origin as Referer, never their path, to any
# site (ours included), so no page they link to or load from learns the link. Not "no-referrer":
# under it the browser posts the page's own forms with "Origin: null" (and, over HTTPS, without a
# Referer), and Django's CSRF check rightly refuses both; "strict-origin" keeps Origin verifiable.
PRIVATE_REFERRER_POLICY = "strict-origin"


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view under a private link (PRIVATE_REFERRER_POLICY); the 404 of a dead link does the
    same (helpcenter.views)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
        return response

    return wrapper
