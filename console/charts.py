"""Two server-rendered SVG bar charts for the dashboard: no script and no inline style (the console
will run under a Content-Security-Policy); the colours come from classes in static/css/console.css."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from console.counting import changelist_url
from refunds.models import RefundClaim
from refunds.transitions import Status
from tickets.models import Ticket

WIDTH = 600
HEIGHT = 160
BOTTOM = 20  # room for the axis labels


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    title: str
    css_class: str
    url: str = ""


@dataclass
class BarChart:
    bars: list[Bar]
    labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    maximum: int = 0

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM


def _height(value: int, maximum: int) -> float:
    return round((HEIGHT - BOTTOM - 4) * value / maximum, 1) if maximum else 0


# The days before today are counted once an hour; only today's bar is counted on each page load. At
# a million tickets the thirty days hold over a hundred thousand, and yesterday's numbers move only
# when a ticket is reopened (its solved time cleared).
PAST_DAYS_SECONDS = 3600


def _counts_by_day(queryset, field: str, since: datetime, until: datetime | None = None) -> dict:
    rows = queryset.filter(**{f"{field}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{field}__lt": until})
    return dict(
        rows.annotate(day=TruncDate(field, tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )


def _per_day(queryset, field: str, since: datetime) -> dict:
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    key = f"console:chart:{queryset.model._meta.label}:{field}:{since.isoformat()}:{today.isoformat()}"
    past = cache.get(key)
    if past is None:
        past = _counts_by_day(queryset, field, since, until=today)
        cache.set(key, past, PAST_DAYS_SECONDS)
    return {**past, **_counts_by_day(queryset, field, max(since, today))}


def tickets_per_day(since: datetime, days: int) -> BarChart:
    """Tickets opened and solved on each local day since `since`, side by side."""
    opened = _per_day(Ticket.objects.all(), "created_at", since)
    solved = _per_day(Ticket.objects.all(), "solved_at", since)
    maximum = max([*opened.values(), *solved.values(), 0])
    slot = WIDTH / days
    bars, labels = [], []
    for index in range(days):
        start = since + timedelta(days=index)
        day = timezone.localdate(start)
        end = start + timedelta(days=1)
        shown = date_format(day, "n/j")
        for offset, counts, css_class, field in [
            (0, opened, "chart-opened", "created_at"),
            (1, solved, "chart-solved", "solved_at"),
        ]:
            value = counts.get(day, 0)
            height = _height(value, maximum)
            querystring = urlencode({f"{field}__gte": start.isoformat(), f"{field}__lt": end.isoformat()})
            bars.append(
                Bar(
                    x=round(index * slot + 1 + offset * (slot - 2) / 2, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round((slot - 2) / 2, 1),
                    height=height,
                    value=value,
                    title=f"{shown}: {value}",
                    css_class=css_class,
                    url=changelist_url(Ticket, querystring),
                )
            )
        if index % 5 == 0:
            labels.append((round(index * slot + slot / 2, 1), shown))
    return BarChart(bars=bars, labels=labels, maximum=maximum)


# Counting claims by state reads every claim (two hundred thousand at the load data's size: 50–100
# ms on each dashboard); the chart is a glance, so a minute-old count will do.
CLAIM_STATES_SECONDS = 60


def _claims_per_state() -> dict[str, int]:
    key = "console:chart:claims-by-state"
    counts = cache.get(key)
    if counts is None:
        counts = dict(RefundClaim.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
        cache.set(key, counts, CLAIM_STATES_SECONDS)
    return counts


def claims_by_state() -> BarChart:
    counts = _claims_per_state()
    maximum = max([*counts.values(), 0])
    slot = WIDTH / len(Status)
    bars, labels = [], []
    for index, status in enumerate(Status):
        value = counts.get(status.value, 0)
        height = _height(value, maximum)
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.2, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.6, 1),
                height=height,
                value=value,
                title=f"{status.label}: {value}",
                css_class=f"chart-claim-{status.value}",
                url=changelist_url(RefundClaim, urlencode({"status__exact": status.value})),
            )
        )
        labels.append((round(index * slot + slot / 2, 1), str(status.label)))
    return BarChart(bars=bars, labels=labels, maximum=maximum)
