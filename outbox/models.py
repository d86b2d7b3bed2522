"""The help center's outgoing mail queue: one row per e-mail, whichever app wrote it.

Requests only ever write a row here (outbox.queue.send_later); `send_queued_mail`
(outbox/delivery.py) delivers it with retries, so a slow or broken SMTP server never fails or
delays what the customer was doing. This app imports no other app: a conversation is named by a
neutral `thread` key (a ticket's reference, later a chat's) and attachments by their stored files.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AutoSubmitted(models.TextChoices):
    """RFC 3834 `Auto-Submitted` values: machine-written mail says so, so that other robots
    (vacation responders, other help desks) do not answer it and start a mail loop."""

    NO = "no", _("No (written by a person)")
    GENERATED = "auto-generated", _("Automatic (a notice)")
    REPLIED = "auto-replied", _("Automatic (an answer to a received message)")


class OutgoingEmail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    kind = models.CharField(_("kind"), max_length=30)
    thread = models.CharField(
        _("thread"), max_length=64, blank=True, db_index=True, help_text=_("The ticket reference, if any.")
    )
    auto_submitted = models.CharField(
        _("automatic"), max_length=20, choices=AutoSubmitted.choices, default=AutoSubmitted.NO
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    # [{"name": storage name, "filename": shown to the recipient, "content_type": …}, …]
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    # A worker claims a row before sending it; the others leave it alone until the lease ends.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        # The per-address limit looks at the last hour of one kind of mail only.
        indexes = [models.Index(fields=["kind", "created_at"], name="outbox_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"

    @property
    def is_automatic(self) -> bool:
        return self.auto_submitted != AutoSubmitted.NO
