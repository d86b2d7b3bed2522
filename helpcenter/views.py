from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

from helpcenter.privacy import LinkExpired


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, except that a dead private link offers a fresh one."""
    if isinstance(exception, LinkExpired):
        lookup_url = reverse(exception.lookup_url_name)
        return render(request, "link_expired.html", {"lookup_url": lookup_url}, status=404)
    return defaults.page_not_found(request, exception)
