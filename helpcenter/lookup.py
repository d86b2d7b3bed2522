"""The "send me my link again" page that tickets and refund claims share."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpcenter import ratelimit
from helpcenter.forms import LookupForm


def send_fresh_link(
    request: HttpRequest,
    find: Callable[[str, str], object | None],
    send: Callable[[object], None],
    url_name: str,
    *,
    title: str,
    reference_example: str,
) -> HttpResponse:
    """find(reference, email) names the item; send(item) e-mails its private link. The answer is
    the same whether or not it exists: the form must not reveal that. `title` and
    `reference_example` say what is looked up (a ticket, a refund claim)."""
    form = LookupForm(request.POST or None, reference_example=reference_example)
    if request.method == "POST" and form.is_valid():
        if ratelimit.allow(request):
            item = find(form.cleaned_data["reference"].strip().upper(), form.cleaned_data["email"])
            if item is not None:
                send(item)
        messages.success(
            request, _("If a request with that reference and e-mail address exists, we have sent a fresh link to it.")
        )
        return redirect(url_name)
    return render(request, "lookup.html", {"form": form, "title": title})
