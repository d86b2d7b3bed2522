from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from helpcenter.privacy import PRIVATE_REFERRER_POLICY, LinkExpired


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, except that a dead private link offers a fresh one."""
    if isinstance(exception, LinkExpired):
        lookup_url = reverse(exception.lookup_url_name)
        response = render(request, "link_expired.html", {"lookup_url": lookup_url}, status=404)
        response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY  # the dead link may still work elsewhere
        return response
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, saying which of the two usual causes it was: a Host header for a site we do not
    serve (typed address, stale DNS, a scanner), or too much in one form (Django's limits)."""
    if isinstance(exception, DisallowedHost):
        reason = _("This help center does not answer at the address you used. Please check the address.")
    else:
        reason = _(
            "Something in what was sent was too large or not as expected (for example more than 20 files at "
            "once). Please go back and try again with fewer or smaller files."
        )
    return render(request, "400.html", {"reason": reason}, status=400)
