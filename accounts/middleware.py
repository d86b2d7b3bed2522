"""Send staff who must prove a second factor to enrolment or to the code page before any admin page."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts import two_factor


@cache
def _admin_paths() -> tuple[str, tuple[str, ...]]:
    # Reversed once per process: four reverse() calls on every request were a tenth of the time of
    # a public page served from the cache.
    open_paths = (reverse("two_factor:setup"), reverse("two_factor:verify"), reverse("admin:logout"))
    return reverse("admin:index"), open_paths


class RequireTwoFactorMiddleware:
    """After django_otp's OTPMiddleware, which tells whether this session has been verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self.redirect_for(request)
        return redirect or self.get_response(request)

    def redirect_for(self, request: HttpRequest) -> HttpResponse | None:
        # The path first: reading request.user loads the session, and a public page that touched
        # the session would be sent with "Vary: Cookie" and never be shared by a cache.
        path = request.path_info
        admin_prefix, open_paths = _admin_paths()
        if not path.startswith(admin_prefix) or path in open_paths:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        if two_factor.is_enrolled(user):
            target = "two_factor:verify"
        elif two_factor.is_required_for(user):
            target = "two_factor:setup"
        else:
            return None
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
