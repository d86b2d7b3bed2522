"""Private links and anonymous visitors: how customers are recognised without accounts.

A request or claim is reached through a link that carries its reference and e-mail address,
signed with SECRET_KEY, so it cannot be guessed or altered; a browser is told apart by a hash of
its session key, so votes and deflections can be counted once without keeping who anyone is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import translation

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


def same_email(digest: str, email: str) -> bool:
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]  # links sent before a key rotation
    return any(hmac.compare_digest(digest, _email_digest(email, key)) for key in keys)


class PrivateLink:
    """One kind of private link, for any item with a `reference`, an e-mail address and a `language`:
    the salt that keeps its tokens apart from other kinds, the page it opens, and how long it lives
    (HELPCENTER_LINK_MAX_AGE_DAYS). Tickets and refund claims each declare one."""

    def __init__(self, salt: str, url_name: str, email_field: str) -> None:
        self.salt = salt
        self.url_name = url_name
        self.email_field = email_field

    def token(self, item: Any) -> str:
        return sign_reference(item.reference, getattr(item, self.email_field), self.salt)

    def find(self, items: QuerySet, token: str) -> Model | None:
        """The item the token was made for, or None if forged, altered, expired or no longer its address."""
        found = read_link(token, self.salt, settings.HELPCENTER_LINK_MAX_AGE_DAYS)
        item = items.filter(reference=found[0]).first() if found else None
        if item is None or not same_email(found[1], getattr(item, self.email_field)):
            return None
        return item

    def path(self, item: Any) -> str:
        # In the customer's language, whatever language the agent who triggered the e-mail uses.
        with translation.override(item.language):
            return reverse(self.url_name, args=[self.token(item)])

    def url(self, item: Any) -> str:
        return settings.SITE_URL + self.path(item)


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
