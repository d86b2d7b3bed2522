"""The admin home for the signed-in person: their queues, the claims waiting on their role, and
what customers told us, each number counted by the list it links to (console.counting).

Who sees what follows the admin's own permissions (an Editor cannot read tickets, so sees no ticket
number); the claim queues follow the refund transition table (who decides, who pays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Avg, Count, Min
from django.http import HttpRequest
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from console import charts
from console.counting import can_view, changelist_count, changelist_url
from console.queues import QUEUES
from faq.models import Article, ArticleVote, SearchQueryStat
from helpcenter import roles
from refunds.models import RefundClaim
from refunds.transitions import TRANSITIONS, Status
from tickets.models import SatisfactionResponse, Ticket

DAYS = 30


@dataclass
class Tile:
    label: str
    count: int
    url: str
    note: str = ""


@dataclass
class Board:
    tickets: list[Tile] = field(default_factory=list)
    claims: list[Tile] = field(default_factory=list)
    satisfaction: Tile | None = None
    satisfaction_average: float | None = None
    zero_result_searches: Tile | None = None
    zero_result_queries: list[str] = field(default_factory=list)
    unhelpful_articles: list[Tile] = field(default_factory=list)
    tickets_chart: charts.BarChart | None = None
    claims_chart: charts.BarChart | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.tickets or self.claims or self.satisfaction or self.zero_result_searches)


def _tile(request: HttpRequest, model, label: str, params: dict, note: str = "") -> Tile | None:
    querystring = urlencode(params)
    count = changelist_count(request, model, querystring)
    if count is None:
        return None
    return Tile(label=label, count=count, url=changelist_url(model, querystring), note=note)


def start_of_window(now: datetime | None = None) -> datetime:
    """Midnight, local time, DAYS - 1 days ago: the window holds today and the 29 days before."""
    today = timezone.localdate(now)
    return timezone.make_aware(datetime.combine(today - timedelta(days=DAYS - 1), time.min))


def acts_on(user, action: str) -> bool:
    """Whether the claims waiting for this step are this person's work (the table names the group);
    supervisors watch every queue."""
    if user.is_superuser:
        return True
    names = set(user.groups.values_list("name", flat=True))
    return TRANSITIONS[action].group in names or roles.SUPERVISORS in names


def _oldest(status: str) -> str:
    since = RefundClaim.objects.filter(status=status).aggregate(oldest=Min("status_changed_at"))["oldest"]
    return _("oldest: %(age)s") % {"age": timesince(since)} if since else ""


def build(request: HttpRequest) -> Board:
    board = Board()
    user = request.user
    if can_view(request, Ticket):
        for value, (label, _rows) in QUEUES.items():
            tile = _tile(request, Ticket, str(label), {"queue": value})
            if tile:
                board.tickets.append(tile)
        board.tickets_chart = charts.tickets_per_day(start_of_window(), DAYS)
    if can_view(request, RefundClaim):
        for action, status, label in [
            ("approve", Status.SUBMITTED, _("Refund claims awaiting a decision")),
            ("mark_paid", Status.APPROVED, _("Refund claims awaiting payment")),
        ]:
            if acts_on(user, action):
                tile = _tile(request, RefundClaim, label, {"status__exact": status}, _oldest(status))
                if tile:
                    board.claims.append(tile)
        board.claims_chart = charts.claims_by_state()
    if can_view(request, SatisfactionResponse):
        since = start_of_window()
        board.satisfaction = _tile(
            request,
            SatisfactionResponse,
            _("Satisfaction answers, last 30 days"),
            {"created_at__gte": since.isoformat()},
        )
        board.satisfaction_average = SatisfactionResponse.objects.filter(created_at__gte=since).aggregate(
            average=Avg("rating")
        )["average"]
    if can_view(request, SearchQueryStat):
        board.zero_result_searches = _tile(
            request, SearchQueryStat, _("FAQ searches that found nothing"), {"outcome": "none"}
        )
        board.zero_result_queries = list(
            SearchQueryStat.objects.filter(last_result_count=0)
            .order_by("-searches")
            .values_list("query", flat=True)[:5]
        )
    if can_view(request, ArticleVote):
        most_unhelpful = (
            ArticleVote.objects.filter(helpful=False)
            .values("article")
            .annotate(votes=Count("id"))
            .order_by("-votes", "article")[:5]
        )
        articles = Article.objects.prefetch_related("translations").in_bulk([row["article"] for row in most_unhelpful])
        for row in most_unhelpful:
            querystring = urlencode({"article__id__exact": row["article"], "helpful__exact": 0})
            board.unhelpful_articles.append(
                Tile(str(articles[row["article"]]), row["votes"], changelist_url(ArticleVote, querystring))
            )
    return board
