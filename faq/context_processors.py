from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from faq.models import ContactChannel


def contact_channels(request: HttpRequest) -> dict:
    # Lazy: pages that never show the contact options (the admin, the API) never query for them.
    return {"contact_channels": SimpleLazyObject(lambda: list(ContactChannel.objects.filter(is_active=True)))}
