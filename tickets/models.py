"""Tickets: one contact request, whatever channel it came through, with one conversation.

The rules about a ticket's life (who may move it where, what reopens it, when it is due) live here
on the model; views, the admin and the mail commands call these methods.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpcenter import privacy
from helpcenter.bulkwrites import AnnouncingQuerySet
from helpcenter.businesstime import add_business_hours
from helpcenter.masking import mask_sensitive
from helpcenter.uploads import safe_filename

TRACKING_SALT = "tickets.tracking"
TRACKING_LINK = privacy.PrivateLink(salt=TRACKING_SALT, url_name="tickets:track", email_field="requester_email")


def new_reference() -> str:
    return privacy.new_reference("HC")


class TicketQuerySet(AnnouncingQuerySet):
    # What the agents' search document is made of (tickets/search.py): a bulk write of these is
    # announced so the document follows; one of anything else (status, assignee) costs no extra query.
    SEARCHED_FIELDS = frozenset({"reference", "requester_email", "requester_name", "subject"})

    def announces(self, fields: frozenset[str]) -> bool:
        return bool(fields & self.SEARCHED_FIELDS)

    def active(self) -> TicketQuerySet:
        return self.exclude(status__in=[Ticket.Status.SOLVED, Ticket.Status.CLOSED])

    def overdue(self, now=None) -> TicketQuerySet:
        now = now or timezone.now()
        unanswered = models.Q(first_responded_at__isnull=True, first_response_due__lt=now)
        unresolved = models.Q(resolution_due__lt=now)
        return self.active().filter(unanswered | unresolved)


class Ticket(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Waiting for the customer")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Topic(models.TextChoices):
        ACCOUNT = "account", _("Account and log-in")
        SUBSCRIPTION = "subscription", _("Subscription")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        PLAYBACK = "playback", _("Playback and app")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    requester_name = models.CharField(_("name"), max_length=100, blank=True)
    requester_email = models.EmailField(_("e-mail"), db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    # What the help articles ask customers to tell us.
    device = models.CharField(_("device"), max_length=100, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=100, blank=True)
    app_version = models.CharField(_("app version"), max_length=50, blank=True)
    error_message = models.TextField(_("error message"), blank=True, max_length=2000)
    # A call-back request (phone channel).
    callback_number = models.CharField(_("call-back number"), max_length=30, blank=True)
    callback_time = models.CharField(_("preferred call-back time"), max_length=100, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True, db_index=True)  # the dashboard's chart
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    linked_ticket = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_from",
        verbose_name=_("linked to"),
        help_text=_("The request this one named: a follow-up to a closed one, or mail about it from someone else."),
    )
    # One form submission, one ticket: a double click or a replayed POST carries the same key, and
    # the unique constraint (not a look-up before the insert) makes the second insert fail.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        editable=False,
        verbose_name=_("merged into"),
        help_text=_("The request this duplicate was merged into: its conversation and its links live there now."),
    )

    objects = TicketQuerySet.as_manager()
    # updated_at changes on every save and says nothing an agent needs in a diff.
    history = HistoricalRecords(excluded_fields=["updated_at", "submission_key"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "priority"], name="tickets_status_priority"),
            # The customer page and the agents' search by address match it case-insensitively
            # (requester_email__iexact is UPPER(...) = UPPER(...)): without this they read every ticket.
            models.Index(Upper("requester_email"), name="tickets_requester_email_upper"),
            # The queues (mine, unassigned, past SLA) read the open tickets only: a few percent of a
            # million, found here without visiting the solved and closed ones.
            models.Index(
                fields=["assignee", "resolution_due"],
                condition=~models.Q(status__in=["solved", "closed"]),
                name="tickets_active_by_assignee",
            ),
            # The list's topic and channel filters: their newest tickets and their count (up to
            # 10,000) read from these, rather than the table until that many turn up (18–28 ms at
            # a million tickets). With created_at second, not alone: SQLite would otherwise pick
            # the one-column index and sort every email ticket to show the newest fifty.
            models.Index(fields=["topic", "created_at"], name="tickets_topic_by_created"),
            models.Index(fields=["channel", "created_at"], name="tickets_channel_by_created"),
        ]
        # Anyone who works tickets may take one; handing it to someone else is a supervisor's call.
        permissions = [("assign_others", "Can assign tickets to other agents")]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"], condition=~models.Q(submission_key=""), name="unique_ticket_submission"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.reference}] {self.subject}"

    def save(self, *args, **kwargs) -> None:
        for name in ("subject", "error_message", "device", "operating_system", "app_version", "requester_name"):
            setattr(self, name, mask_sensitive(getattr(self, name)))
        if self.first_response_due is None or self.resolution_due is None:
            self.set_due_times()
        super().save(*args, **kwargs)

    # --- SLA ----------------------------------------------------------------------------------

    def set_due_times(self) -> None:
        """Due times in business hours (helpcenter/businesstime.py): nights, weekends and public
        holidays do not count against the service level."""
        first, resolution = settings.TICKETS_SLA_HOURS[self.priority]
        start = self.created_at or timezone.now()
        self.first_response_due = add_business_hours(start, first)
        self.resolution_due = add_business_hours(start, resolution)

    def change_priority(self, priority: str) -> bool:
        """A new priority with the service level it promises: the due times are counted again from
        the ticket's opening. False when the ticket already had that priority."""
        if priority == self.priority:
            return False
        self.priority = priority
        self.set_due_times()
        self.save(update_fields=["priority", "first_response_due", "resolution_due", "updated_at"])
        return True

    @property
    def next_due(self) -> datetime | None:
        """The due time the agent works against now: the first response's until someone has
        answered, then the resolution's; none once the ticket is solved or closed."""
        if self.status in (self.Status.SOLVED, self.Status.CLOSED):
            return None
        return self.resolution_due if self.first_responded_at else self.first_response_due

    @property
    def is_overdue(self) -> bool:
        if self.status in (self.Status.SOLVED, self.Status.CLOSED):
            return False
        now = timezone.now()
        if self.first_responded_at is None and self.first_response_due and self.first_response_due < now:
            return True
        return bool(self.resolution_due and self.resolution_due < now)

    # --- links ----------------------------------------------------------------------------------

    def surviving(self) -> Ticket:
        """The ticket this one lives on in: itself, or the ticket it was merged into (tickets/merging.py)."""
        ticket, seen = self, {self.pk}
        while ticket.merged_into_id and ticket.merged_into_id not in seen:
            seen.add(ticket.merged_into_id)
            ticket = ticket.merged_into
        return ticket

    def tracking_token(self) -> str:
        """A new private token for the tracking page (helpcenter.privacy: random, stored hashed)."""
        return TRACKING_LINK.token(self)

    @classmethod
    def from_tracking_token(cls, token: str) -> Ticket | None:
        return TRACKING_LINK.find(cls.objects.all(), token)

    def tracking_path(self, token: str | None = None) -> str:
        return TRACKING_LINK.path(self, token)

    def tracking_url(self, token: str | None = None) -> str:
        return TRACKING_LINK.url(self, token)

    def rotate_tracking_link(self, by: str = "") -> str:
        """Every link to this request stops working; returns the one new link's token."""
        return TRACKING_LINK.rotate(self, by=by)

    def subject_tag(self) -> str:
        return f"[{self.reference}]"

    def is_on_conversation(self, address: str) -> bool:
        """The requester, someone who already wrote on this conversation, or someone the
        customers' mail was also addressed to (a colleague in Cc)."""
        address = address.strip().lower()
        if not address:
            return False
        if address == self.requester_email.strip().lower():
            return True
        customer_mail = self.messages.filter(author_kind=Message.Author.CUSTOMER).values_list(
            "sender_email", "recipients"
        )
        return any(
            address == sender.lower() or address in recipients.lower().split() for sender, recipients in customer_mail
        )

    # --- life cycle -----------------------------------------------------------------------------

    def add_customer_message(self, body: str, **fields) -> Message:
        """A message from the customer; a reply reopens a ticket that was waiting or solved."""
        with transaction.atomic():
            message = Message.objects.create(ticket=self, author_kind=Message.Author.CUSTOMER, body=body, **fields)
            if self.status in (self.Status.PENDING, self.Status.SOLVED):
                self.status = self.Status.OPEN
                self.solved_at = None
                self.save(update_fields=["status", "solved_at", "updated_at"])
        return message

    def log_contact(self, agent, notes: str) -> Message:
        """What the customer said on the phone or in a chat, written down by the agent who took it."""
        return Message.objects.create(ticket=self, author_kind=Message.Author.CUSTOMER, author=agent, body=notes)

    def add_agent_reply(self, agent, body: str, *, internal: bool = False, pending: bool = False) -> Message:
        """An agent's answer (e-mailed to the customer) or internal note (never sent)."""
        with transaction.atomic():
            message = Message.objects.create(
                ticket=self,
                author_kind=Message.Author.AGENT,
                author=agent,
                body=body,
                is_internal=internal,
            )
            if not internal:
                fields = ["updated_at"]
                if self.first_responded_at is None:
                    self.first_responded_at = message.created_at
                    fields.append("first_responded_at")
                if pending:
                    self.status = self.Status.PENDING
                    fields.append("status")
                elif self.status == self.Status.NEW:
                    self.status = self.Status.OPEN
                    fields.append("status")
                self.save(update_fields=fields)
        return message

    def mark_solved(self) -> None:
        self.status = self.Status.SOLVED
        self.solved_at = timezone.now()
        self.save(update_fields=["status", "solved_at", "updated_at"])

    def reopen(self, status: str = Status.OPEN) -> None:
        self.status = status
        self.solved_at = self.closed_at = None
        self.save(update_fields=["status", "solved_at", "closed_at", "updated_at"])

    def close(self) -> None:
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at", "updated_at"])


class MessageQuerySet(AnnouncingQuerySet):
    # A message's text is in its ticket's search document, and moving it moves the text.
    SEARCHED_FIELDS = frozenset({"body", "ticket"})

    def announces(self, fields: frozenset[str]) -> bool:
        return bool(fields & self.SEARCHED_FIELDS)


class Message(models.Model):
    class Author(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    class Event(models.TextChoices):
        # What the help center itself notes on a request, worded for the customer's page and shown
        # in the language of the page they read (the stored body keeps the request's language).
        SOLVED_BY_CUSTOMER = "solved_by_customer", _("You marked this request as solved.")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("from"), max_length=10, choices=Author.choices)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices, blank=True)
    # Who sent a customer message by e-mail, and whom else it went to (To and Cc, without the
    # help center): those people are on the conversation and their replies join it.
    sender_email = models.EmailField(_("sender"), blank=True)
    recipients = models.TextField(_("also sent to"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("agent")
    )
    body = models.TextField(_("message"), help_text=_("What the agent reads: quoted history folded away."))
    full_body = models.TextField(_("full text"), blank=True, help_text=_("The whole text as received."))
    is_internal = models.BooleanField(_("internal note"), default=False)
    # RFC 5322 threading: this message's id, and what it answered.
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["message_id"], condition=~models.Q(message_id=""), name="unique_message_id")
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.body = mask_sensitive(self.body)
        self.full_body = mask_sensitive(self.full_body)
        super().save(*args, **kwargs)

    @property
    def text_for_customer(self) -> str:
        """The text on the customer's own page: an event in the page's language, else the body."""
        return self.get_event_display() if self.event else self.body

    @property
    def other_sender(self) -> str:
        """The sender's address when someone other than the requester wrote this message."""
        if self.author_kind != self.Author.CUSTOMER or not self.sender_email:
            return ""
        if self.sender_email.strip().lower() == self.ticket.requester_email.strip().lower():
            return ""
        return self.sender_email

    @property
    def has_folded_history(self) -> bool:
        return bool(self.full_body) and self.full_body.strip() != self.body.strip()


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the customer's own file name is kept (masked) in the row.
    return f"tickets/{timezone.now():%Y/%m}/{secrets.token_hex(12)}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs) -> None:
        self.filename = safe_filename(mask_sensitive(self.filename))[:255]
        super().save(*args, **kwargs)


class SatisfactionResponse(models.Model):
    """The customer's rating after a ticket is solved: one per ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=[(i, str(i)) for i in range(1, 6)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.rating}"

    def save(self, *args, **kwargs) -> None:
        self.comment = mask_sensitive(self.comment)
        super().save(*args, **kwargs)


class CannedReply(models.Model):
    """A prepared answer. {{ name }} and {{ reference }} are filled in for the ticket at hand."""

    title = models.CharField(_("title"), max_length=100, unique=True)
    body = models.TextField(_("text"), help_text=_("Placeholders: {{ name }}, {{ reference }}, {{ subject }}."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title

    def render(self, ticket: Ticket) -> str:
        return render_placeholders(self.body, ticket)


def render_placeholders(text: str, ticket: Ticket) -> str:
    """{{ name }}, {{ reference }} and {{ subject }} filled in for this ticket; nothing else is
    interpreted, so an agent's text can never run template code."""
    values = {
        "name": ticket.requester_name or ticket.requester_email,
        "reference": ticket.reference,
        "subject": ticket.subject,
    }
    for key, value in values.items():
        text = re.sub(r"\{\{\s*" + key + r"\s*\}\}", lambda _m, v=value: v, text)
    return text


class SuggestionClick(models.Model):
    """A help article a customer opened from the contact form's suggestions. Unless the same
    visitor then submitted the form, the article answered them: a deflection."""

    visitor = models.CharField(max_length=64, db_index=True)
    article_slug = models.SlugField(max_length=100)
    query = models.CharField(max_length=200, blank=True)
    submitted_anyway = models.BooleanField(_("submitted the form anyway"), default=False)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion opened")
        verbose_name_plural = _("suggestions opened")

    def __str__(self) -> str:
        return self.article_slug


class TicketSearchDocument(models.Model):
    """What the agents' search reads for one ticket: the terms of its reference, requester e-mail,
    subject and every message, written by tickets/search.py whenever one of those is saved.

    One row per ticket rather than a LIKE over every message: a trigram index (pg_trgm GIN on
    PostgreSQL, an FTS5 trigram table on SQLite; migration 0010_ticket_search_document) serves the search over this column.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    text = models.TextField()

    class Meta:
        verbose_name = _("ticket search document")
        verbose_name_plural = _("ticket search documents")

    def __str__(self) -> str:
        return f"search document of ticket {self.ticket_id}"
