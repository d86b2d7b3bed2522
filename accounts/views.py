"""The two-factor pages of the console (in the admin's look) and the lock-out page."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import two_factor
from accounts.forms import CodeForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _render(request: HttpRequest, template: str, title: str, context: dict, status: int = 200) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, "next": _next_url(request), **context}
    return render(request, f"accounts/{template}", context, status=status)


@staff_member_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return _render(
        request,
        "overview.html",
        _("Two-factor authentication"),
        {
            "enrolled": two_factor.is_enrolled(user),
            "required": two_factor.is_required_for(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@staff_member_required
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Replacing an authenticator takes the current one first: a stolen password alone must not be
    # enough to enrol the thief's phone.
    if two_factor.is_enrolled(user) and not user.is_verified():
        return redirect(f"{reverse('two_factor:verify')}?next={reverse('two_factor:setup')}")
    device = two_factor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_authenticator(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return _render(request, "recovery_codes.html", _("Your recovery codes"), {"codes": codes})
        form.add_error("code", _("That code is not right. Enter the six digits your app shows now."))
    return _render(
        request,
        "setup.html",
        _("Set up two-factor authentication"),
        {"form": form, "qr_code": two_factor.qr_code_svg(device), "key": two_factor.key_for_typing(device)},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@staff_member_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.is_enrolled(user):
        return redirect(f"{reverse('two_factor:setup')}?next={_next_url(request)}")
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        # django-otp makes each wrong code wait longer before the next is even tried (1, 2, 4 … s).
        throttled = two_factor.is_throttled(user)
        device = None if throttled else two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                text = ngettext(
                    "You used a recovery code; %(count)d is left. Each works only once.",
                    "You used a recovery code; %(count)d are left. Each works only once.",
                    left,
                )
                messages.warning(request, text % {"count": left})
            return HttpResponseRedirect(_next_url(request))
        if throttled:
            form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
        else:
            form.add_error("code", _("That code is not right. Enter the code your app shows now, or a recovery code."))
    status = 400 if request.method == "POST" else 200
    return _render(request, "verify.html", _("Enter your verification code"), {"form": form}, status=status)


@require_POST
@staff_member_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect(f"{reverse('two_factor:verify')}?next={reverse('two_factor:overview')}")
    codes = two_factor.new_recovery_codes(request.user)
    return _render(request, "recovery_codes.html", _("Your recovery codes"), {"codes": codes})


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes calls this once a log-in is refused for too many failures (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request) or timedelta(0)
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return _render(
        request,
        "locked_out.html",
        _("Log-in locked"),
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
