from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpcenter import ratelimit
from helpcenter.downloads import stored_file
from helpcenter.filestore import StorageUnavailable
from helpcenter.lookup import send_fresh_link
from helpcenter.privacy import LinkExpired, private_page
from refunds import notifications
from refunds.forms import AppealForm, ClaimForm, FeedbackForm, ProvideInfoForm
from refunds.models import ClaimFeedback, DuplicateClaim, Evidence, PolicyRule, RefundClaim, TransitionNotAllowed


def new_claim(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.allow(request, address=data["email"]):
            messages.error(request, _("Too many requests from your connection. Please try again in an hour."))
            return render(request, "refunds/new_claim.html", _form_context(form))
        try:
            claim = RefundClaim.file(form.save(commit=False), data.get("evidence") or [])
        except StorageUnavailable:
            messages.error(request, StorageUnavailable.message())
            return render(request, "refunds/new_claim.html", _form_context(form), status=503)
        except DuplicateClaim as duplicate:
            # Not filed twice. The link goes to the account's address only, and the page does not
            # name the claim: knowing a charge's details must not open someone else's claim.
            notifications.status_link(duplicate.existing)
            messages.warning(
                request,
                _(
                    "A refund request for this charge is already open. We have e-mailed its status link to the "
                    "account e-mail address; you can follow it and add information there."
                ),
            )
            return render(request, "refunds/new_claim.html", _form_context(form, duplicate=duplicate.existing))
        messages.success(
            request, _("We received your refund request. This page shows every step; we also e-mailed you its link.")
        )
        return redirect("refunds:status", claim.status_token())
    if request.method == "POST":
        messages.error(request, _("Please check the highlighted fields. Nothing has been sent yet."))
    return render(request, "refunds/new_claim.html", _form_context(form))


def _form_context(form, duplicate=None) -> dict:
    rules = PolicyRule.objects.current()
    hints = [
        (value, label, rules[value].hint if value in rules else "")
        for value, label in RefundClaim._meta.get_field("reason").choices
    ]
    return {"form": form, "hints": hints, "duplicate": duplicate}


def _claim_for(token: str) -> RefundClaim:
    claim = RefundClaim.from_status_token(token)
    if claim is None:
        raise LinkExpired("refunds:lookup")
    return claim


@private_page
def status(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim_for(token)
    events = claim.events.select_related("actor").prefetch_related("files")
    feedback = ClaimFeedback.objects.filter(claim=claim).first()
    return render(
        request,
        "refunds/status.html",
        {
            "claim": claim,
            "token": token,
            "events": events,
            "window": claim.payout_window(),
            "info_form": ProvideInfoForm(),
            "appeal_form": AppealForm(),
            "feedback": feedback,
            "feedback_form": FeedbackForm(),
        },
    )


def _customer_transition(request: HttpRequest, token: str, form_class, method: str) -> HttpResponse:
    claim = _claim_for(token)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            getattr(claim, method)(form.cleaned_data.get("note", ""), files=form.cleaned_data.get("files") or [])
        except (TransitionNotAllowed, PermissionDenied) as error:
            messages.error(request, str(error))
        except StorageUnavailable:
            messages.error(request, StorageUnavailable.message())
        else:
            messages.success(request, _("Thank you. We sent your answer to the reviewers."))
        return redirect("refunds:status", token)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("refunds:status", token)


@require_POST
@private_page
def provide_info(request: HttpRequest, token: str) -> HttpResponse:
    return _customer_transition(request, token, ProvideInfoForm, "provide_info")


@require_POST
@private_page
def appeal(request: HttpRequest, token: str) -> HttpResponse:
    return _customer_transition(request, token, AppealForm, "appeal")


@require_POST
@private_page
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim_for(token)
    if not claim.is_decided or ClaimFeedback.objects.filter(claim=claim).exists():
        return redirect("refunds:status", token)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        # get_or_create: a double-click's second request finds the first answer instead of failing.
        ClaimFeedback.objects.get_or_create(claim=claim, defaults=form.cleaned_data)
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.error(request, _("Please answer the three questions."))
    return redirect("refunds:status", token)


@private_page
def evidence_file(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    claim = _claim_for(token)
    item = get_object_or_404(Evidence, pk=pk, claim=claim)
    return stored_file(item.file, item.filename, item.content_type)


def lookup(request: HttpRequest) -> HttpResponse:
    return send_fresh_link(
        request,
        lambda reference, email: RefundClaim.objects.filter(reference=reference, email__iexact=email).first(),
        notifications.status_link,
        "refunds:lookup",
        title=_("Find your refund request"),
        reference_example="RF-7K3M9QX",
    )
