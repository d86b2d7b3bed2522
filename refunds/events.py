"""A claim's history: one row per step, which the timeline and the admin's history show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refunds.transitions import EVENT_LABELS, Status


class ClaimEvent(models.Model):
    claim = models.ForeignKey("refunds.RefundClaim", on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    policy_rule = models.ForeignKey(
        "refunds.PolicyRule", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("under policy rule")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.claim.reference}: {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        """What happened, in the customer's words: two steps can lead to the same status."""
        label = EVENT_LABELS.get(self.action)
        return str(label) if label else str(self.get_to_status_display())
