"""The few tables the shared core keeps for itself."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


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


class PrivateLinkToken(models.Model):
    """One private link we have given out (e-mailed, or shown after a form): its SHA-256 only.

    The link itself is a long random token that is never stored, so a copy of the database opens no
    one's request. An item has one row per link sent, each living HELPCENTER_LINK_MAX_AGE_DAYS from
    the day it was sent; issuing a new link (PrivateLink.rotate) deletes them all."""

    kind = models.CharField(max_length=40, help_text="The PrivateLink's salt: which kind of item.")
    object_id = models.BigIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    # Links stop working when the item's e-mail address changes, as the signed ones always did.
    email_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="helpcenter_link_item")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.created_at:%Y-%m-%d})"


class PrivateLinkRotation(models.Model):
    """An item whose links were replaced by staff: from then on only links issued after `rotated_at`
    open it, and the signed links of before random tokens no longer do."""

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    rotated_at = models.DateTimeField(default=timezone.now)
    rotated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="helpcenter_link_rotated_once")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} rotated {self.rotated_at:%Y-%m-%d %H:%M}"


class ContentGeneration(models.Model):
    """One number that every edit of what the public pages show moves on (helpcenter/pagecache.py).

    In the database rather than the cache: the default cache lives in each server process, and an
    edit must reach the next request in every one of them. Moved on inside the edit's own
    transaction, so a process that reads the new number also reads the new content."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.number)
