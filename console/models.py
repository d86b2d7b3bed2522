"""Saved views: named filters of a console list, shared by the team or kept by one agent.

A view is the query string of an admin changelist (the same filters the side bar sets), so a view
shows exactly the rows its list shows, and its count is that list's row count (console.counting).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Parameters that say where one is in a list, not which rows it holds.
NOT_FILTERS = {"p", "e", "_changelist_filters", "_to_field", "_popup", "all"}


def clean_querystring(querystring: str) -> str:
    """The filters of a changelist query string, in a stable order, without page or popup state."""
    pairs = parse_qsl(querystring.lstrip("?"), keep_blank_values=False)
    return urlencode(sorted((key, value) for key, value in pairs if key not in NOT_FILTERS))


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedViewQuerySet:
        """The team's views and this person's own, team views first."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user)).order_by(
            models.F("owner").asc(nulls_first=True), "position", "name"
        )


class SavedView(models.Model):
    class List(models.TextChoices):
        TICKETS = "tickets.ticket", _("Tickets")
        CLAIMS = "refunds.refundclaim", _("Refund claims")

    name = models.CharField(_("name"), max_length=60)
    list = models.CharField(_("list"), max_length=40, choices=List.choices, default=List.TICKETS)
    querystring = models.CharField(
        _("filters"), max_length=500, blank=True, help_text=_("The list's query string, e.g. queue=mine.")
    )
    # No owner: a team view, which everyone who may read the list sees.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
        help_text=_("Empty: shared with the team."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        permissions = [("share_savedview", "Can share saved views with the team")]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list", "name"], name="one_view_name_per_owner_and_list"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.querystring = clean_querystring(self.querystring)
        if len(self.querystring) > 500:
            raise ValidationError({"querystring": _("These filters are too long to save.")})

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def app_label(self) -> str:
        return self.list.split(".")[0]

    @property
    def model_name(self) -> str:
        return self.list.split(".")[1]

    def changelist_url(self) -> str:
        url = reverse(f"admin:{self.app_label}_{self.model_name}_changelist")
        return f"{url}?{self.querystring}" if self.querystring else url
