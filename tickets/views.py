from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from faq.models import Article
from faq.search import normalise
from helpcenter import ratelimit
from helpcenter.downloads import stored_file
from helpcenter.filestore import StorageUnavailable
from helpcenter.lookup import send_fresh_link
from helpcenter.privacy import LinkExpired, anonymous_visitor, private_page
from tickets import actions, notifications
from tickets.forms import CallbackForm, ContactForm, ReplyForm, SurveyForm
from tickets.models import Attachment, SatisfactionResponse, SuggestionClick, Ticket

THANKS_SESSION_KEY = "tickets:submitted"


def _limited(request: HttpRequest, email: str | None) -> bool:
    if not ratelimit.allow(request, address=email):
        messages.error(
            request,
            _(
                "We have received several requests from you in the last hour. Please wait a little before "
                "sending another, or call us."
            ),
        )
        return True
    return False


def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, request.FILES or None)
    callback_form = CallbackForm(prefix="callback")
    if request.method == "POST" and form.is_valid():
        if not _limited(request, form.cleaned_data["requester_email"]):
            try:
                ticket = actions.open_from_web_form(form, visitor=anonymous_visitor(request))
            except StorageUnavailable:
                messages.error(request, StorageUnavailable.message())
                context = {"form": form, "callback_form": callback_form}
                return render(request, "tickets/contact.html", context, status=503)
            request.session[THANKS_SESSION_KEY] = ticket.reference
            return redirect("tickets:submitted")
    elif request.method == "POST":
        messages.error(request, _("Please check the highlighted fields. Nothing has been sent yet."))
    return render(request, "tickets/contact.html", {"form": form, "callback_form": callback_form})


@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    form = CallbackForm(request.POST, prefix="callback")
    if form.is_valid() and not _limited(request, form.cleaned_data["requester_email"]):
        ticket = actions.open_callback_request(form)
        request.session[THANKS_SESSION_KEY] = ticket.reference
        return redirect("tickets:submitted")
    if not form.is_valid():
        messages.error(request, _("Please check the call-back details."))
    return render(request, "tickets/contact.html", {"form": ContactForm(), "callback_form": form}, status=200)


def submitted(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(THANKS_SESSION_KEY)
    ticket = Ticket.objects.filter(reference=reference).first() if reference else None
    if ticket is None:
        return redirect("tickets:new")
    return render(request, "tickets/submitted.html", {"ticket": ticket})


def suggestion(request: HttpRequest, slug: str) -> HttpResponse:
    """A help article opened from the contact form's suggestions: counted, then shown."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    item = article.translation() or article.translations.first()
    if item is None:
        raise Http404
    query = normalise(request.GET.get("q") or "")
    SuggestionClick.objects.create(visitor=anonymous_visitor(request), article_slug=slug, query=query)
    return redirect(item.get_absolute_url())


def _linked_ticket(token: str) -> Ticket:
    ticket = Ticket.from_tracking_token(token)
    if ticket is None:
        raise LinkExpired("tickets:lookup")
    return ticket


def _ticket_for(token: str) -> Ticket:
    """The ticket the private link acts on: a merged request's link acts on the ticket it went to."""
    return _linked_ticket(token).surviving()


@private_page
def track(request: HttpRequest, token: str) -> HttpResponse:
    linked = _linked_ticket(token)
    if linked.merged_into_id:  # the old link of a merged request: the conversation lives on there
        return redirect(linked.surviving().tracking_path())
    ticket = linked
    conversation = ticket.messages.filter(is_internal=False).select_related("author").prefetch_related("attachments")
    return render(
        request,
        "tickets/track.html",
        {"ticket": ticket, "conversation": conversation, "token": token, "reply_form": ReplyForm()},
    )


@require_POST
@private_page
def reply(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_for(token)
    if ticket.status == Ticket.Status.CLOSED:
        messages.error(request, _("This request is closed. Please send a new request instead."))
        return redirect("tickets:track", token)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        conversation = ticket.messages.filter(is_internal=False).prefetch_related("attachments")
        return render(
            request,
            "tickets/track.html",
            {"ticket": ticket, "conversation": conversation, "token": token, "reply_form": form},
        )
    try:
        actions.customer_reply(ticket, form.cleaned_data["body"], form.cleaned_data["attachments"])
    except StorageUnavailable:
        messages.error(request, StorageUnavailable.message())
        conversation = ticket.messages.filter(is_internal=False).prefetch_related("attachments")
        context = {"ticket": ticket, "conversation": conversation, "token": token, "reply_form": form}
        return render(request, "tickets/track.html", context, status=503)
    messages.success(request, _("Your reply was added. We will answer by e-mail."))
    return redirect(reverse("tickets:track", args=[token]) + "#latest")


@require_POST
@private_page
def mark_solved(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_for(token)
    if actions.solve(ticket, by_customer=True):
        messages.success(request, _("Thank you! We marked your request as solved."))
    return redirect("tickets:track", token)


@private_page
def attachment(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    ticket = _ticket_for(token)
    item = get_object_or_404(Attachment, pk=pk, message__ticket=ticket, message__is_internal=False)
    return stored_file(item.file, item.filename, item.content_type)


def _find_by_reference(reference: str, email: str) -> Ticket | None:
    ticket = Ticket.objects.filter(reference=reference, requester_email__iexact=email).first()
    return ticket.surviving() if ticket else None


def lookup(request: HttpRequest) -> HttpResponse:
    return send_fresh_link(
        request,
        _find_by_reference,
        notifications.tracking_link,
        "tickets:lookup",
        title=_("Find your request"),
        reference_example="HC-7K3M9QX",
    )


@private_page
def survey(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_for(token)
    answered = SatisfactionResponse.objects.filter(ticket=ticket).first()
    if answered is not None:
        return render(request, "tickets/survey.html", {"ticket": ticket, "answered": answered})
    if ticket.status not in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        messages.info(request, _("We will ask for your rating once your request is solved."))
        return redirect("tickets:track", token)
    initial = {"rating": request.GET.get("rating")} if request.GET.get("rating") in list("12345") else {}
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        SatisfactionResponse.objects.get_or_create(
            ticket=ticket,
            defaults={
                "rating": form.cleaned_data["rating"],
                "comment": form.cleaned_data["comment"],
                "agent": ticket.assignee,
            },
        )
        messages.success(request, _("Thank you for your rating!"))
        return redirect("tickets:survey", token)
    return render(request, "tickets/survey.html", {"ticket": ticket, "form": form})
