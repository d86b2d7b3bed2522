"""Live chat: a conversation between a customer and an agent, held as a ticket with channel "chat".

The rules of a conversation (who may join, what a message may hold, resends, assignment, the end,
the rating) are methods here, so the customer widget, the agent panel, a mobile client and the tests
all make the same calls. Every message is a tickets.Message, stored as it happens; a ChatEntry
remembers the client's id for it, so a message resent after a reconnect is stored once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpcenter import roles
from helpcenter.filestore import FilesWritten
from helpcenter.history import update_recorded
from tickets.actions import attach
from tickets.models import Attachment, Message, Ticket

CHAT_GROUPS = (roles.AGENTS, roles.SUPERVISORS)


class ChatRefused(Exception):
    """A request the conversation's rules do not allow; `code` is part of the protocol."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def hash_token(token: str) -> str:
    # Only the hash is stored: a copy of the database opens no customer's chat.
    return hashlib.sha256(token.encode()).hexdigest()


def is_chat_staff(user: AbstractBaseUser | None) -> bool:
    """Agents and supervisors (and superusers) work chats; editors and finance do not."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or user.groups.filter(name__in=CHAT_GROUPS).exists()


def is_supervisor(user: AbstractBaseUser) -> bool:
    return user.is_superuser or user.groups.filter(name=roles.SUPERVISORS).exists()


class AgentAvailability(models.Model):
    """Whether an agent takes chats now, how many at once, and on which topics."""

    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_availability", verbose_name=_("agent")
    )
    status = models.CharField(_("availability"), max_length=10, choices=Status.choices, default=Status.AWAY)
    capacity = models.PositiveSmallIntegerField(
        _("chats at once"), default=3, help_text=_("How many chats this agent takes at the same time.")
    )
    # Ticket topics this agent answers; empty means every topic.
    topics = models.JSONField(_("topics"), default=list, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("agent availability")
        verbose_name_plural = _("agent availability")

    def __str__(self) -> str:
        return f"{self.agent} ({self.get_status_display()})"

    @classmethod
    def for_agent(cls, agent: AbstractBaseUser) -> AgentAvailability:
        availability, _created = cls.objects.get_or_create(
            agent=agent, defaults={"capacity": settings.CHAT_DEFAULT_CAPACITY}
        )
        return availability

    def covers(self, topic: str) -> bool:
        return not self.topics or topic in self.topics

    def set_status(self, status: str, capacity: int | None = None) -> list[Chat]:
        """Go online or away; going online takes waiting chats at once (returned)."""
        if status not in self.Status.values:
            raise ChatRefused("bad_status", str(_("Availability is either online or away.")))
        if capacity is not None:
            if not 1 <= capacity <= 20:
                raise ChatRefused("bad_capacity", str(_("Capacity is between 1 and 20 chats.")))
            self.capacity = capacity
        self.status = status
        self.changed_at = timezone.now()
        self.save()
        return assign_waiting_chats() if status == self.Status.ONLINE else []


class ChatQuerySet(models.QuerySet):
    def waiting(self) -> ChatQuerySet:
        return self.filter(state=Chat.State.WAITING).order_by("created_at", "pk")

    def open(self) -> ChatQuerySet:
        return self.exclude(state=Chat.State.ENDED)

    def visible_to(self, agent: AbstractBaseUser) -> ChatQuerySet:
        """The chats an agent may read: their own, and the waiting ones of their topics."""
        if not is_chat_staff(agent):
            return self.none()
        if is_supervisor(agent):
            return self
        availability = AgentAvailability.for_agent(agent)
        waiting = models.Q(state=Chat.State.WAITING)
        if availability.topics:
            waiting &= models.Q(topic__in=availability.topics)
        return self.filter(models.Q(agent=agent) | waiting)


@dataclass(frozen=True)
class Stored:
    """A message stored for a client id; `created` is False when it was a resend."""

    message: Message
    created: bool
    # The files stored with a new message (none for a resend: read them from the message).
    attachments: list[Attachment] | None = None


class Chat(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for an agent")
        ACTIVE = "active", _("In conversation")
        ENDED = "ended", _("Ended")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="chat", verbose_name=_("ticket"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Ticket.Topic.choices, default=Ticket.Topic.OTHER)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chats",
        verbose_name=_("agent"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True, max_length=1000)
    customer_read_up_to = models.BigIntegerField(default=0)  # the last message pk each side has seen
    agent_read_up_to = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = ChatQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")

    def __str__(self) -> str:
        return f"{self.ticket.reference} ({self.get_state_display()})"

    # --- starting -------------------------------------------------------------------------------

    @classmethod
    def start(cls, *, name: str, email: str, topic: str, text: str, language: str) -> tuple[Chat, str]:
        """A new chat and its ticket, with the customer's first message; returns the chat and the
        customer's token (given once, kept in their cookie)."""
        text = clean_text(text)
        if topic not in Ticket.Topic.values:
            topic = Ticket.Topic.OTHER
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        first_response = timedelta(minutes=settings.CHAT_FIRST_RESPONSE_MINUTES)
        with transaction.atomic():
            ticket = Ticket.objects.create(
                subject=text.splitlines()[0][:120] or str(_("Chat")),
                requester_name=name[:100],
                requester_email=email,
                language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
                channel=Ticket.Channel.CHAT,
                topic=topic,
                created_at=now,
                first_response_due=now + first_response,
                resolution_due=now + timedelta(hours=settings.TICKETS_SLA_HOURS[Ticket.Priority.NORMAL][1]),
            )
            chat = cls.objects.create(ticket=ticket, token_hash=hash_token(token), topic=topic, created_at=now)
            ticket.add_customer_message(text)
        assign_waiting_chats()
        chat.refresh_from_db()
        return chat, token

    def revoke_customer_token(self) -> None:
        """The cookie the customer was given stops opening this chat (their ticket's private links
        were replaced: the chat is the same conversation). The new hash is of a token nobody holds;
        the customer follows the ticket's new link, and the conversation goes on by e-mail."""
        self.token_hash = hash_token(secrets.token_urlsafe(32))
        Chat.objects.filter(pk=self.pk).update(token_hash=self.token_hash)

    @classmethod
    def for_token(cls, token: str | None) -> Chat | None:
        if not token:
            return None
        return cls.objects.select_related("ticket", "agent").filter(token_hash=hash_token(token)).first()

    # --- who may do what ------------------------------------------------------------------------

    def agent_may_read(self, agent: AbstractBaseUser) -> bool:
        return Chat.objects.visible_to(agent).filter(pk=self.pk).exists()

    def customer_attachment(self, pk: int) -> Attachment | None:
        """A file of this chat the customer may download: not one on an internal note."""
        return Attachment.objects.filter(pk=pk, message__ticket_id=self.ticket_id, message__is_internal=False).first()

    def agent_may_write(self, agent: AbstractBaseUser) -> bool:
        return self.state == self.State.ACTIVE and (self.agent_id == agent.pk or is_supervisor(agent))

    # --- the conversation -----------------------------------------------------------------------

    def post(
        self, *, client_id: str, text: str, agent: AbstractBaseUser | None = None, uploads: Sequence = ()
    ) -> Stored:
        """Store a message from the customer (agent=None) or an agent, once per client id.
        `uploads` are files already checked by helpcenter.uploads.validate_uploads (with their
        sniffed type); a message with files may have no text, and then reads as their names."""
        if self.state == self.State.ENDED:
            raise ChatRefused("ended", str(_("This chat has ended.")))
        if agent is not None and not self.agent_may_write(agent):
            raise ChatRefused("forbidden", str(_("Accept this chat before writing in it.")))
        if uploads:
            text = clean_text(text, allow_empty=True) or ", ".join(upload.name for upload, _type in uploads)
        else:
            text = clean_text(text)
        sender = sender_key(agent)
        if uploads:
            # Files are looked for first, so that a resend does not write them again. A text is
            # inserted straight away: a resend is rare, and the unique entry catches it below
            # (one query less per message, bench/chat.py).
            previous = self.entries.filter(sender=sender, client_id=client_id).select_related("message").first()
            if previous:
                return Stored(previous.message, created=False)
        try:
            with FilesWritten() as files, transaction.atomic():
                if agent is None:
                    message = self.ticket.add_customer_message(text)
                else:
                    message = self.ticket.add_agent_reply(agent, text)
                attachments = attach(message, uploads, files)
                ChatEntry.objects.create(chat=self, sender=sender, client_id=client_id, message=message)
        except IntegrityError:
            # A resend (or the same resend through another server process first): the first one stands.
            entry = self.entries.select_related("message").get(sender=sender, client_id=client_id)
            return Stored(entry.message, created=False)
        return Stored(message, created=True, attachments=attachments)

    def add_note(self, agent: AbstractBaseUser, text: str) -> Message:
        """An internal note: the agents' side of the conversation only."""
        if not self.agent_may_read(agent):
            raise ChatRefused("forbidden", str(_("You cannot read this chat.")))
        return self.ticket.add_agent_reply(agent, clean_text(text), internal=True)

    def history(self, *, for_agent: bool) -> list[Message]:
        messages = (
            self.ticket.messages.select_related("author", "chat_entry")
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        )
        if not for_agent:
            messages = messages.filter(is_internal=False)
        return list(messages)

    def mark_read(self, up_to: int, *, by_agent: bool) -> int:
        field = "agent_read_up_to" if by_agent else "customer_read_up_to"
        latest = self.ticket.messages.filter(pk__lte=up_to).order_by("-pk").values_list("pk", flat=True).first() or 0
        if latest > getattr(self, field):
            Chat.objects.filter(pk=self.pk, **{f"{field}__lt": latest}).update(**{field: latest})
            setattr(self, field, latest)
        return getattr(self, field)

    def queue_position(self) -> int:
        """1 for the next chat to be taken; 0 once an agent has it."""
        if self.state != self.State.WAITING:
            return 0
        return (
            Chat.objects.waiting()
            .filter(created_at__lte=self.created_at)
            .exclude(created_at=self.created_at, pk__gt=self.pk)
            .count()
        )

    # --- agents ---------------------------------------------------------------------------------

    def accept(self, agent: AbstractBaseUser) -> None:
        """An agent takes a waiting chat by hand (or a supervisor takes any open one)."""
        if not self.agent_may_read(agent):
            raise ChatRefused("forbidden", str(_("You cannot read this chat.")))
        with transaction.atomic():
            # Two agents clicking at once: only the first update finds the chat still waiting.
            taken = Chat.objects.filter(pk=self.pk, state=self.State.WAITING).update(
                state=self.State.ACTIVE, agent=agent, accepted_at=timezone.now()
            )
            if not taken:
                self.refresh_from_db()
                if self.agent_id != agent.pk:
                    raise ChatRefused("taken", str(_("Another agent has taken this chat.")))
                return
            self.refresh_from_db()
            update_recorded(Ticket.objects.filter(pk=self.ticket_id), agent, assignee=agent, status=Ticket.Status.OPEN)

    def transfer(self, by: AbstractBaseUser, to: AbstractBaseUser) -> None:
        if not self.agent_may_write(by):
            raise ChatRefused("forbidden", str(_("Only the chat's agent can transfer it.")))
        if not is_chat_staff(to):
            raise ChatRefused("bad_agent", str(_("Chats can only go to an agent or a supervisor.")))
        self.agent = to
        self.save(update_fields=["agent"])
        update_recorded(Ticket.objects.filter(pk=self.ticket_id), by, assignee=to)

    def end(self, *, agent: AbstractBaseUser | None = None) -> tuple[bool, list[Chat]]:
        """End the conversation (either side): whether it ended now (False when it already had),
        and the waiting chats its agent's freed room went to. The ticket is solved: a customer's
        e-mail reply reopens it, so the chat can go on by e-mail."""
        if agent is not None and not (
            self.agent_may_write(agent) or (self.agent_id is None and self.agent_may_read(agent))
        ):
            raise ChatRefused("forbidden", str(_("Only the chat's agent can end it.")))
        ended = (
            Chat.objects.filter(pk=self.pk)
            .exclude(state=self.State.ENDED)
            .update(state=self.State.ENDED, ended_at=timezone.now())
        )
        self.refresh_from_db()
        if not ended:
            return False, []
        self.ticket.mark_solved()
        return True, assign_waiting_chats()

    def rate(self, score: int, comment: str = "") -> None:
        if self.state != self.State.ENDED:
            raise ChatRefused("not_ended", str(_("You can rate the chat once it has ended.")))
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise ChatRefused("bad_rating", str(_("Choose a rating from 1 to 5.")))
        if self.rating is not None:
            raise ChatRefused("already_rated", str(_("You have already rated this chat.")))
        self.rating = score
        self.rating_comment = clean_text(comment, allow_empty=True)[:1000]
        self.save(update_fields=["rating", "rating_comment"])

    def transcript(self) -> str:
        """The conversation as the customer saw it, as plain text for e-mail."""
        lines = []
        for message in self.history(for_agent=False):
            if message.author_kind == Message.Author.AGENT:
                who = (message.author.get_short_name() or message.author.get_username()) if message.author else ""
                who = who or str(_("Agent"))
            else:
                who = self.ticket.requester_name or str(_("You"))
            stamp = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
            lines.append(f"[{stamp}] {who}: {message.text_for_customer}")
        return "\n".join(lines)


class ChatEntry(models.Model):
    """The client's id for a stored message: a resend with the same id finds it instead of adding one."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="entries")
    sender = models.CharField(max_length=30)  # "customer" or "agent:<user id>"
    client_id = models.CharField(max_length=64)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="chat_entry")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chat", "sender", "client_id"], name="chat_entry_once")]

    def __str__(self) -> str:
        return f"{self.chat_id}:{self.sender}:{self.client_id}"


class ChatDeflection(models.Model):
    """A customer whose first chat message was answered by a help article before any agent saw it."""

    question = models.CharField(_("question"), max_length=200)
    article_slug = models.SlugField(_("article"), max_length=100)
    language = models.CharField(_("language"), max_length=5)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat answered by an article")
        verbose_name_plural = _("chats answered by articles")

    def __str__(self) -> str:
        return self.article_slug


def sender_key(agent: AbstractBaseUser | None) -> str:
    return "customer" if agent is None else f"agent:{agent.pk}"


# Control characters other than tab and line breaks, and lone surrogates (a JSON frame can carry
# "\ud800"): PostgreSQL refuses NUL in text and no database can encode a surrogate to UTF-8.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(text: object, *, allow_empty: bool = False) -> str:
    """A message's text as it may be stored: a string, within the size limit (refused, never cut,
    so the customer knows to split it). Masking happens when the Message is saved."""
    if not isinstance(text, str):
        raise ChatRefused("bad_message", str(_("A message is text.")))
    if UNSTORABLE.search(text):
        raise ChatRefused(
            "bad_characters", str(_("The message contains characters that cannot be sent. Remove them and try again."))
        )
    text = text.strip()
    if not text and not allow_empty:
        raise ChatRefused("empty", str(_("Write a message first.")))
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ChatRefused(
            "too_long",
            str(_("A message can be at most %(limit)d characters.") % {"limit": settings.CHAT_MAX_MESSAGE_CHARS}),
        )
    return text


def active_chat_counts() -> dict[int, int]:
    rows = Chat.objects.filter(state=Chat.State.ACTIVE, agent__isnull=False).values_list("agent_id")
    counts: dict[int, int] = {}
    for (agent_id,) in rows:
        counts[agent_id] = counts.get(agent_id, 0) + 1
    return counts


def online_agents() -> list[AgentAvailability]:
    return [
        availability
        for availability in AgentAvailability.objects.filter(status=AgentAvailability.Status.ONLINE).select_related(
            "agent"
        )
        if is_chat_staff(availability.agent)
    ]


def assign_waiting_chats() -> list[Chat]:
    """Give each waiting chat, oldest first, to the least busy online agent of its topic who has
    room; returns the chats assigned. Run when a chat starts or ends and when an agent comes online."""
    assigned = []
    agents = online_agents()
    if not agents:
        return assigned
    counts = active_chat_counts()
    for chat in Chat.objects.waiting().select_related("ticket"):
        candidates = [a for a in agents if a.covers(chat.topic) and counts.get(a.agent_id, 0) < a.capacity]
        if not candidates:
            continue
        # The least busy first; among equals, the one who has been online longest.
        chosen = min(candidates, key=lambda a: (counts.get(a.agent_id, 0), a.changed_at, a.agent_id))
        try:
            chat.accept(chosen.agent)
        except ChatRefused:
            continue  # taken by hand meanwhile
        counts[chosen.agent_id] = counts.get(chosen.agent_id, 0) + 1
        assigned.append(chat)
    return assigned


def availability_summary(topic: str | None = None) -> dict:
    """What the widget shows before a chat: is someone there, and how long is the wait."""
    agents = [a for a in online_agents() if topic is None or a.covers(topic)]
    counts = active_chat_counts()
    free = sum(max(a.capacity - counts.get(a.agent_id, 0), 0) for a in agents)
    waiting = Chat.objects.waiting().count()
    if not agents:
        wait = None
    elif free > waiting:
        wait = 0
    else:
        wait = (waiting - free + 1) * settings.CHAT_MINUTES_PER_CHAT // max(len(agents), 1)
    return {"agents_online": len(agents), "waiting": waiting, "expected_wait_minutes": wait}
