"""One customer, one page: every ticket, chat and refund claim of an e-mail address, their
satisfaction answers and one timeline, limited to what the viewer's own admin lists show them.

Each list is the model admin's own queryset (its scoping: an agent's chats are theirs and the
waiting ones), so the page never shows a row the list behind its link would hide. Every section is
paginated and the timeline is one UNION query sliced in the database, so a customer with thousands
of tickets costs the same few queries as one with three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Avg, CharField, Count, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Substr
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chat.models import Chat
from console.counting import model_admin_for
from refunds.models import EVENT_LABELS, ClaimEvent, ClaimFeedback, RefundClaim
from tickets.models import Message, SatisfactionResponse, Ticket

ROWS_PER_PAGE = 20
EVENTS_PER_PAGE = 50
# Enough of a message to recognise it in the timeline; the ticket page has the whole text.
EXCERPT_LENGTH = 280


def customer_page_url(email: str) -> str:
    return f"{reverse('console:customer')}?{urlencode({'email': email})}"


def visible(request: HttpRequest, model) -> QuerySet | None:
    """The rows of `model` this person's admin list shows, or None when they may not read it."""
    model_admin = model_admin_for(model)
    if model_admin is None or not model_admin.has_view_permission(request):
        return None
    return model_admin.get_queryset(request)


def may_look_up_customers(request: HttpRequest) -> bool:
    return any(visible(request, model) is not None for model in (Ticket, Chat, RefundClaim))


@dataclass
class Event:
    at: datetime
    kind: str  # message | claim | chat_started | chat_ended
    reference: str
    url: str
    text: str
    label: str


@dataclass
class Satisfaction:
    survey_average: float | None = None
    survey_answers: int = 0
    chat_average: float | None = None
    chat_ratings: int = 0
    clarity_average: float | None = None
    speed_average: float | None = None
    feedback_answers: int = 0


@dataclass
class CustomerRecord:
    email: str
    tickets: Page | None = None
    chats: Page | None = None
    claims: Page | None = None
    timeline: Page | None = None
    satisfaction: Satisfaction = field(default_factory=Satisfaction)


def _with_links(request: HttpRequest, page: Page, param: str) -> Page:
    """The page's "newer"/"older" links: this address with only `param` changed."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""
    return page


def _page(request: HttpRequest, queryset: QuerySet, param: str, per_page: int = ROWS_PER_PAGE) -> Page:
    return _with_links(request, Paginator(queryset, per_page).get_page(request.GET.get(param)), param)


def _text(value) -> Value:
    return Value(value, output_field=CharField())


def _message_events(tickets: QuerySet) -> QuerySet:
    return Message.objects.filter(ticket__in=tickets.values("pk")).values(
        at=F("created_at"),
        kind=_text("message"),
        reference=F("ticket__reference"),
        target=F("ticket_id"),
        text=Substr("body", 1, EXCERPT_LENGTH),
        detail=F("author_kind"),
        internal=Cast("is_internal", IntegerField()),
    )


def _claim_events(claims: QuerySet) -> QuerySet:
    return ClaimEvent.objects.filter(claim__in=claims.values("pk")).values(
        at=F("created_at"),
        kind=_text("claim"),
        reference=F("claim__reference"),
        target=F("claim_id"),
        text=Substr("note", 1, EXCERPT_LENGTH),
        detail=F("action"),
        internal=Value(0, output_field=IntegerField()),
    )


def _chat_events(chats: QuerySet, kind: str, moment: str) -> QuerySet:
    return Chat.objects.filter(pk__in=chats.values("pk"), **{f"{moment}__isnull": False}).values(
        at=F(moment),
        kind=_text(kind),
        reference=F("ticket__reference"),
        target=F("ticket_id"),
        text=_text(""),
        detail=F("state"),
        internal=Value(0, output_field=IntegerField()),
    )


def _event(row: dict) -> Event:
    at, kind, reference, target, text, detail, internal = (
        row[name] for name in ("at", "kind", "reference", "target", "text", "detail", "internal")
    )
    if kind == "claim":
        label = EVENT_LABELS.get(detail, detail)
        url = reverse("admin:refunds_refundclaim_change", args=[target])
        return Event(at, kind, reference, url, text, str(label))
    url = reverse("admin:tickets_ticket_change", args=[target])
    if kind == "chat_started":
        return Event(at, kind, reference, url, text, _("Chat started"))
    if kind == "chat_ended":
        return Event(at, kind, reference, url, text, _("Chat ended"))
    if internal:
        label = _("Internal note")
    else:
        label = str(Message.Author(detail).label) if detail in Message.Author.values else detail
    return Event(at, kind, reference, url, text, label)


def _timeline(request: HttpRequest, parts: list[QuerySet]) -> Page | None:
    if not parts:
        return None
    parts = [part.order_by() for part in parts]  # a compound statement takes one ORDER BY, at the end
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    page = _page(request, union.order_by("-at", "-target"), "page", EVENTS_PER_PAGE)
    # Only this page's rows are turned into events: the slice is taken in the database.
    page.object_list = [_event(row) for row in page.object_list]
    return page


def customer_record(request: HttpRequest, email: str) -> CustomerRecord:
    """What this person may see of the customer behind `email` (matched case-insensitively)."""
    record = CustomerRecord(email=email)
    events: list[QuerySet] = []

    tickets = visible(request, Ticket)
    if tickets is not None:
        tickets = tickets.filter(requester_email__iexact=email)
        rows = tickets.select_related("assignee", "satisfaction").order_by("-created_at", "-pk")
        record.tickets = _page(request, rows, "tickets")
        survey = SatisfactionResponse.objects.filter(ticket__in=tickets.values("pk")).aggregate(
            average=Avg("rating"), answers=Count("pk")
        )
        record.satisfaction.survey_average = survey["average"]
        record.satisfaction.survey_answers = survey["answers"]
        events.append(_message_events(tickets))

    chats = visible(request, Chat)
    if chats is not None:
        chats = chats.filter(ticket__requester_email__iexact=email)
        rows = chats.select_related("ticket", "agent").order_by("-created_at", "-pk")
        record.chats = _page(request, rows, "chats")
        ratings = chats.filter(rating__isnull=False).aggregate(average=Avg("rating"), answers=Count("pk"))
        record.satisfaction.chat_average = ratings["average"]
        record.satisfaction.chat_ratings = ratings["answers"]
        events += [_chat_events(chats, "chat_started", "created_at"), _chat_events(chats, "chat_ended", "ended_at")]

    claims = visible(request, RefundClaim)
    if claims is not None:
        claims = claims.filter(email__iexact=email)
        rows = claims.select_related("assignee", "feedback").order_by("-created_at", "-pk")
        record.claims = _page(request, rows, "claims")
        feedback = ClaimFeedback.objects.filter(claim__in=claims.values("pk")).aggregate(
            clarity=Avg("clarity"), speed=Avg("speed"), answers=Count("pk")
        )
        record.satisfaction.clarity_average = feedback["clarity"]
        record.satisfaction.speed_average = feedback["speed"]
        record.satisfaction.feedback_answers = feedback["answers"]
        events.append(_claim_events(claims))

    record.timeline = _timeline(request, events)
    return record
