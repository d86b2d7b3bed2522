"""Agents' internal comments on a claim: never shown to the customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClaimNote(models.Model):
    """An agent's internal comment on a claim (Agents may comment; only reviewers decide)."""

    claim = models.ForeignKey("refunds.RefundClaim", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("by"))
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")

    def __str__(self) -> str:
        return f"{self.claim.reference}: {self.body[:40]}"
