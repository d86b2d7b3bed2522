"""The few tables the shared core keeps for itself."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Submissions counted for one client (a hashed IP or e-mail address) in one clock hour.

    In the database rather than the cache: the default cache lives in each server process, so with
    several processes every one of them would allow the full limit."""

    counter = models.CharField(max_length=80)
    hour = models.BigIntegerField(help_text="Hours since the Unix epoch.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["counter", "hour"], name="helpcenter_ratecounter_once")]
        indexes = [models.Index(fields=["hour"], name="helpcenter_ratecounter_hour")]

    def __str__(self) -> str:
        return f"{self.counter} @ {self.hour}: {self.hits}"
