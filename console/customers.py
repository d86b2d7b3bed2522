"""One customer, one page: every ticket, chat and refund claim of an e-mail address, their
satisfaction answers and one timeline, limited to what the viewer's own admin lists show them.

Each list is the model admin's own queryset (its scoping: an agent's chats are theirs and the
waiting ones), so the page never shows a row the list behind its link would hide. Every section is
paginated and the timeline reads each source newest first, cut in the database at the page shown
(and never counted), so a customer with thousands of tickets costs the same few queries as one with
three, none of which reads every message's text.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Avg, CharField, Count, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Substr, Upper
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chat.models import Chat
from console.counting import model_admin_for
from refunds.models import EVENT_LABELS, ClaimEvent, ClaimFeedback, RefundClaim
from tickets.models import Message, SatisfactionResponse, Ticket

ROWS_PER_PAGE = 20
EVENTS_PER_PAGE = 50
# The timeline pages back through the newest 1,000 events; each ticket's own page has the rest.
TIMELINE_PAGES = 20
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
    timeline: TimelinePage | None = None
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


@dataclass(frozen=True)
class Source:
    """Where timeline events come from: the customer's rows of one model, the field that says when
    each happened, and the timeline's columns for some of those rows."""

    rows: QuerySet
    moment: str
    columns: Callable[[QuerySet], QuerySet]


def _message_columns(rows: QuerySet) -> QuerySet:
    return rows.values(
        at=F("created_at"),
        kind=_text("message"),
        reference=F("ticket__reference"),
        target=F("ticket_id"),
        text=Substr("body", 1, EXCERPT_LENGTH),
        detail=F("author_kind"),
        internal=Cast("is_internal", IntegerField()),
    )


def _claim_columns(rows: QuerySet) -> QuerySet:
    return rows.values(
        at=F("created_at"),
        kind=_text("claim"),
        reference=F("claim__reference"),
        target=F("claim_id"),
        text=Substr("note", 1, EXCERPT_LENGTH),
        detail=F("action"),
        internal=Value(0, output_field=IntegerField()),
    )


def _chat_columns(kind: str, moment: str) -> Callable[[QuerySet], QuerySet]:
    def columns(rows: QuerySet) -> QuerySet:
        return rows.values(
            at=F(moment),
            kind=_text(kind),
            reference=F("ticket__reference"),
            target=F("ticket_id"),
            text=_text(""),
            detail=F("state"),
            internal=Value(0, output_field=IntegerField()),
        )

    return columns


def _message_events(tickets: QuerySet) -> Source:
    return Source(Message.objects.filter(ticket__in=tickets.values("pk")), "created_at", _message_columns)


def _claim_events(claims: QuerySet) -> Source:
    return Source(ClaimEvent.objects.filter(claim__in=claims.values("pk")), "created_at", _claim_columns)


def _chat_events(chats: QuerySet, kind: str, moment: str) -> Source:
    rows = Chat.objects.filter(pk__in=chats.values("pk"), **{f"{moment}__isnull": False})
    return Source(rows, moment, _chat_columns(kind, moment))


COLUMNS = ("at", "kind", "reference", "target", "text", "detail", "internal")


def _event(row: dict) -> Event:
    at, kind, reference, target, text, detail, internal = (row[name] for name in COLUMNS)
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


@dataclass
class TimelinePage:
    """One page of the timeline: what the template needs of a Page, without a total, which would
    mean counting every event the customer ever had."""

    object_list: list[Event]
    number: int
    previous_url: str = ""
    next_url: str = ""
    # The older events beyond the last page are on each ticket's and claim's own page.
    cut_at_limit: bool = False

    @property
    def most_shown(self) -> str:
        return number_format(TIMELINE_PAGES * EVENTS_PER_PAGE, force_grouping=True)

    def __iter__(self):
        return iter(self.object_list)

    def has_other_pages(self) -> bool:
        return bool(self.previous_url or self.next_url)


def _page_number(request: HttpRequest, param: str) -> int:
    try:
        number = int(request.GET.get(param, 1))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), TIMELINE_PAGES)


def _timeline(request: HttpRequest, sources: list[Source]) -> TimelinePage | None:
    """The events of one page, newest first, in two steps: each source's newest (time, key) pairs,
    cut in the database at what this page needs, merged here; then the columns (excerpt, reference)
    of the rows shown, in one query. Nothing counts the customer's events, and what grows with the
    history is only the database's ordering of narrow (time, key) pairs of one customer, not the
    reading of message texts and joins for all of them. (One UNION of the sources could not be cut
    per source on SQLite.) The pages stop at TIMELINE_PAGES."""
    if not sources:
        return None
    number = _page_number(request, "page")
    start = (number - 1) * EVENTS_PER_PAGE
    wanted = start + EVENTS_PER_PAGE + 1  # one more: is there an older page?
    newest = [
        [
            (at, pk, index)
            for at, pk in source.rows.order_by(f"-{source.moment}", "-pk").values_list(source.moment, "pk")[:wanted]
        ]
        for index, source in enumerate(sources)
    ]
    chosen = list(heapq.merge(*newest, reverse=True))[start:wanted]
    shown = chosen[:EVENTS_PER_PAGE]
    # The shown rows' columns, in one query for every source.
    parts = []
    for index, source in enumerate(sources):
        keys = [pk for _at, pk, of in shown if of == index]
        if keys:
            columns = source.columns(source.rows.filter(pk__in=keys)).annotate(
                key=F("pk"), source=Value(index, output_field=IntegerField())
            )
            parts.append(columns.values(*COLUMNS, "key", "source").order_by())
    rows: dict[tuple[int, int], dict] = {}
    if parts:
        for row in parts[0].union(*parts[1:], all=True):
            rows[row["source"], row["key"]] = row
    page = TimelinePage([_event(rows[index, pk]) for _at, pk, index in shown], number)

    def url(to: int) -> str:
        query = request.GET.copy()
        query["page"] = str(to)
        return f"?{query.urlencode()}"

    has_older = len(chosen) > EVENTS_PER_PAGE
    page.previous_url = url(number - 1) if number > 1 else ""
    page.next_url = url(number + 1) if has_older and number < TIMELINE_PAGES else ""
    page.cut_at_limit = has_older and number == TIMELINE_PAGES
    return page


def customer_record(request: HttpRequest, email: str) -> CustomerRecord:
    """What this person may see of the customer behind `email` (matched case-insensitively, through
    the UPPER(email) indexes: `iexact` is a LIKE on SQLite, which reads every row of the table)."""
    record = CustomerRecord(email=email)
    events: list[Source] = []

    tickets = visible(request, Ticket)
    if tickets is not None:
        tickets = tickets.alias(email_upper=Upper("requester_email")).filter(email_upper=email.upper())
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
        chats = chats.alias(email_upper=Upper("ticket__requester_email")).filter(email_upper=email.upper())
        rows = chats.select_related("ticket", "agent").order_by("-created_at", "-pk")
        record.chats = _page(request, rows, "chats")
        ratings = chats.filter(rating__isnull=False).aggregate(average=Avg("rating"), answers=Count("pk"))
        record.satisfaction.chat_average = ratings["average"]
        record.satisfaction.chat_ratings = ratings["answers"]
        events += [_chat_events(chats, "chat_started", "created_at"), _chat_events(chats, "chat_ended", "ended_at")]

    claims = visible(request, RefundClaim)
    if claims is not None:
        claims = claims.alias(email_upper=Upper("email")).filter(email_upper=email.upper())
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
