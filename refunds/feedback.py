"""The short service survey a customer answers once their claim is decided."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClaimFeedback(models.Model):
    """How the service was, asked after the decision and kept apart from whether the customer
    agrees with it, so agents are not rated for the policy."""

    class Agreement(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    claim = models.OneToOneField("refunds.RefundClaim", on_delete=models.CASCADE, related_name="feedback")
    clarity = models.PositiveSmallIntegerField(_("clarity"), choices=[(i, str(i)) for i in range(1, 6)])
    speed = models.PositiveSmallIntegerField(_("speed"), choices=[(i, str(i)) for i in range(1, 6)])
    agrees_with_decision = models.CharField(_("agrees with the decision"), max_length=10, choices=Agreement.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service feedback")
        verbose_name_plural = _("service feedback")

    def __str__(self) -> str:
        return f"{self.claim.reference}: clarity {self.clarity}, speed {self.speed}"
