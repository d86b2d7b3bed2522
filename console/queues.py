"""The ticket queues an agent works from: one list filter, so a queue, its count on the dashboard
and a saved view built on it always mean the same rows."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


def mine(queryset: QuerySet, user) -> QuerySet:
    return queryset.active().filter(assignee=user)


def unassigned(queryset: QuerySet, user) -> QuerySet:
    return queryset.active().filter(assignee__isnull=True)


def past_sla(queryset: QuerySet, user) -> QuerySet:
    return queryset.overdue()


def waiting_on_customer(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(status=Ticket.Status.PENDING)


# value in the query string: (label, rows)
QUEUES = {
    "mine": (_("My open tickets"), mine),
    "unassigned": (_("Unassigned"), unassigned),
    "past-sla": (_("Past SLA"), past_sla),
    "waiting": (_("Waiting on the customer"), waiting_on_customer),
}


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _rows) in QUEUES.items()]

    def queryset(self, request, queryset):
        queue = QUEUES.get(self.value())
        if queue is None:
            return queryset
        return queue[1](queryset, request.user)
