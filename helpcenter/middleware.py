"""Request checks that come before any view reads the request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from helpcenter.asgi_limits import TOO_LARGE


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than every allowed file plus its form (HELPCENTER_MAX_REQUEST_BYTES).

    Django caps the form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files, which it
    streams to temporary files however large they are. Judged on Content-Length before anything
    reads the body, so nothing of a refused request is written anywhere; under ASGI, where Django
    reads the body first, helpcenter.asgi_limits cuts it (chunked bodies too) and marks the
    request. Listed after
    LocaleMiddleware so that the page speaks the visitor's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unreadable length as an empty body
        # Under ASGI a body over the cap (chunked ones included) was cut short by RequestBodyLimit.
        cut_short = getattr(request, "scope", {}).get(TOO_LARGE, False)
        if cut_short or length > settings.HELPCENTER_MAX_REQUEST_BYTES:
            context = {
                "files": settings.HELPCENTER_MAX_ATTACHMENTS,
                "file_size": filesizeformat(settings.HELPCENTER_MAX_ATTACHMENT_BYTES),
            }
            response = render(request, "413.html", context, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)
