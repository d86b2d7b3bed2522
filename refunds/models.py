"""Refund claims and their reviewed state machine.

Every transition is a method on RefundClaim. Each one checks who may make it, moves the status
with a conditional UPDATE (so two agents acting on stale copies cannot both succeed), and writes
one ClaimEvent in the same transaction. The admin, the customer's status page and the scheduled
command all call these methods; none of them changes `status` by hand.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from helpcenter import privacy, roles
from helpcenter.languages import current_language
from helpcenter.masking import mask_sensitive

# The console's groups are declared in helpcenter.roles; decisions here are guarded by their names.
REVIEWERS = roles.REFUND_REVIEWERS
FINANCE = roles.FINANCE
AGENTS = roles.AGENTS
STATUS_SALT = "refunds.status"
STATUS_LINK = privacy.PrivateLink(salt=STATUS_SALT, url_name="refunds:status", email_field="email")


class TransitionNotAllowed(Exception):
    """A move the state machine does not allow from the claim's current state (nothing changed)."""


class StaleClaim(TransitionNotAllowed):
    """Someone else changed the claim since it was loaded (nothing changed)."""


def new_reference() -> str:
    return privacy.new_reference("RF")


class Reason(models.TextChoices):
    DUPLICATE_CHARGE = "duplicate_charge", _("Charged twice for the same thing")
    SERVICE_UNAVAILABLE = "service_unavailable", _("The service did not work")
    WITHDRAWAL_WITHIN_7_DAYS = "withdrawal_within_7_days", _("Cancel an unused purchase within 7 days")
    UNRECOGNISED_CHARGE = "unrecognised_charge", _("A charge I do not recognise")
    OTHER = "other", _("Other (for example the rest of a month after cancelling)")


class PolicyRuleQuerySet(models.QuerySet):
    def current(self) -> dict[str, PolicyRule]:
        """The rule in force for each reason: the newest version."""
        rules: dict[str, PolicyRule] = {}
        for rule in self.order_by("reason", "-version"):
            rules.setdefault(rule.reason, rule)
        return rules


class PolicyRule(models.Model):
    """How the published policy treats one reason. Rules are never edited in place: a change is a
    new version, so every decision keeps pointing at the rule it was made under."""

    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    eligible = models.BooleanField(_("eligible for a refund"))
    max_days_since_charge = models.PositiveIntegerField(
        _("at most days since the charge"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    hint_ko = models.TextField(_("hint for customers (Korean)"))
    hint_en = models.TextField(_("hint for customers (English)"), blank=True)
    created_at = models.DateTimeField(_("in force since"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )

    objects = PolicyRuleQuerySet.as_manager()

    class Meta:
        ordering = ["reason", "-version"]
        constraints = [models.UniqueConstraint(fields=["reason", "version"], name="one_rule_version_per_reason")]
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} (v{self.version})"

    @property
    def hint(self) -> str:
        language = current_language()
        return (self.hint_en if language == "en" else self.hint_ko) or self.hint_ko


class ClaimQuerySet(models.QuerySet):
    def open(self) -> ClaimQuerySet:
        return self.filter(status__in=RefundClaim.OPEN_STATUSES)

    def open_duplicate_of(self, email: str, charge_date, amount) -> RefundClaim | None:
        """An open claim for the same charge: a second one is not filed."""
        return self.open().filter(email__iexact=email, charge_date=charge_date, amount=amount).first()

    def overdue(self, now=None) -> ClaimQuerySet:
        # The review clock only runs while the claim is with us: a claim waiting for the
        # customer's information is never overdue.
        now = now or timezone.now()
        limit = now - timedelta(days=settings.REFUNDS_OVERDUE_DAYS)
        return self.filter(
            status__in=[RefundClaim.Status.SUBMITTED, RefundClaim.Status.APPROVED], status_changed_at__lt=limit
        )


class RefundClaim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, under review")
        INFO_REQUESTED = "info_requested", _("Waiting for your information")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        PAID = "paid", _("Paid")

    class Plan(models.TextChoices):
        PREMIUM_INDIVIDUAL = "premium_individual", _("Premium Individual")
        PREMIUM_DUO = "premium_duo", _("Premium Duo")
        PREMIUM_FAMILY = "premium_family", _("Premium Family")
        PREMIUM_STUDENT = "premium_student", _("Premium Student")

    class PaymentMethod(models.TextChoices):
        CARD = "card", _("Credit or debit card")
        PHONE_BILL = "phone_bill", _("Phone bill")
        APP_STORE = "app_store", _("App Store or Google Play")
        OTHER = "other", _("Other (KakaoPay, Naver Pay, bank transfer…)")

    OPEN_STATUSES = [Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED]
    DECIDED_STATUSES = [Status.APPROVED, Status.DENIED, Status.PAID]

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    email = models.EmailField(_("account e-mail"), db_index=True)
    username = models.CharField(_("username"), max_length=100)
    subscription_type = models.CharField(_("plan"), max_length=30, choices=Plan.choices)
    charge_date = models.DateField(_("charge date"))
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    description = models.TextField(_("what happened"), max_length=5000, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True, editable=False
    )
    # Bumped by every transition: the guard against two agents acting on stale copies.
    version = models.PositiveIntegerField(default=0, editable=False)
    status_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_refund_claims",
        verbose_name=_("assignee"),
    )
    within_policy = models.BooleanField(_("within policy"), null=True, editable=False)
    appealed = models.BooleanField(_("appealed"), default=False, editable=False)
    denied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    denial_reason = models.TextField(_("reason for the denial"), blank=True, editable=False)
    info_request = models.TextField(_("information requested"), blank=True, editable=False)
    info_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True, editable=False)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund claim")
        verbose_name_plural = _("refund claims")

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_reason_display()})"

    def save(self, *args, **kwargs) -> None:
        self.description = mask_sensitive(self.description)
        self.username = mask_sensitive(self.username)
        if self.status in (self.Status.SUBMITTED, self.Status.INFO_REQUESTED) or self.within_policy is None:
            from refunds.policy import assess  # the policy module reads claims; import here avoids a cycle

            self.within_policy = assess(self).within_policy
        super().save(*args, **kwargs)

    @classmethod
    def file(cls, claim: RefundClaim, evidence=()) -> RefundClaim:
        """File a new claim from the public form: the claim, its first event, files and e-mail."""
        with transaction.atomic():
            claim.status = cls.Status.SUBMITTED
            claim.language = current_language()
            claim.save()
            event = ClaimEvent.objects.create(
                claim=claim, action="submit", from_status="", to_status=cls.Status.SUBMITTED, note=""
            )
            for upload, content_type in evidence:
                Evidence.store(claim, upload, content_type, event=event)
            if evidence:
                claim.save()  # re-assess now that the evidence is there
            from refunds import notifications

            notifications.claim_filed(claim)
        return claim

    # --- links ----------------------------------------------------------------------------------

    def status_token(self) -> str:
        return STATUS_LINK.token(self)

    @classmethod
    def from_status_token(cls, token: str) -> RefundClaim | None:
        return STATUS_LINK.find(cls.objects.all(), token)

    def status_path(self) -> str:
        return STATUS_LINK.path(self)

    def status_url(self) -> str:
        return STATUS_LINK.url(self)

    # --- who may do what --------------------------------------------------------------------------

    @staticmethod
    def _in_group(user, group: str) -> bool:
        # Group membership only: a superuser decides claims after joining the group, like anyone else.
        return bool(user and user.is_active and user.groups.filter(name=group).exists())

    def available_actions(self, user) -> list[str]:
        """The transitions this agent may make now: exactly the buttons the admin shows."""
        actions = []
        reviewer = self._in_group(user, REVIEWERS) and not (self.appealed and user == self.denied_by)
        if reviewer and self.status == self.Status.SUBMITTED:
            actions += ["request_info", "approve", "deny"]
        elif reviewer and self.status == self.Status.INFO_REQUESTED:
            actions += ["deny"]
        if self.status == self.Status.APPROVED and self._in_group(user, FINANCE) and user != self.approved_by:
            actions.append("mark_paid")
        return actions

    def _require(self, user, action: str) -> None:
        if action not in self.available_actions(user):
            if self.status not in TRANSITIONS[action]:
                raise TransitionNotAllowed(
                    _("A claim that is “%(status)s” cannot be moved that way.") % {"status": self.get_status_display()}
                )
            if action == "mark_paid" and user == self.approved_by:
                raise PermissionDenied(_("The person who approved a refund cannot also mark it paid."))
            if self.appealed and user == self.denied_by:
                raise PermissionDenied(_("The reviewer who denied this claim cannot decide its appeal."))
            raise PermissionDenied(_("You are not allowed to do that."))

    # --- the transitions --------------------------------------------------------------------------

    def _move(self, action: str, actor, note: str, changes: dict, files=()) -> ClaimEvent:
        """Move to the action's target state if the claim is still in the state (and version) this
        copy saw; otherwise raise StaleClaim. Status, fields and event commit together."""
        target = TARGETS[action]
        now = timezone.now()
        with transaction.atomic():
            updated = RefundClaim.objects.filter(pk=self.pk, version=self.version, status=self.status).update(
                status=target, version=self.version + 1, status_changed_at=now, **changes
            )
            if updated != 1:
                raise StaleClaim(_("Someone else changed this claim a moment ago. Reload it and try again."))
            event = ClaimEvent.objects.create(
                claim=self,
                from_status=self.status,
                to_status=target,
                actor=actor,
                note=mask_sensitive(note),
                action=action,
                policy_rule=self.current_rule() if action in ("approve", "deny") else None,
                created_at=now,
            )
            for upload, content_type in files:
                Evidence.store(self, upload, content_type, event=event)
            self.status, self.version, self.status_changed_at = target, self.version + 1, now
            for name, value in changes.items():
                setattr(self, name, value)
            from refunds import notifications

            notifications.status_changed(self, event)
        return event

    def request_info(self, by, note: str) -> ClaimEvent:
        self._require(by, "request_info")
        if not note.strip():
            raise TransitionNotAllowed(_("Tell the customer what is missing."))
        return self._move(
            "request_info",
            by,
            note,
            {"info_request": note, "info_requested_at": timezone.now(), "reminder_sent_at": None},
        )

    def provide_info(self, note: str, files=()) -> ClaimEvent:
        if self.status != self.Status.INFO_REQUESTED:
            raise TransitionNotAllowed(_("No information was asked for on this claim."))
        if not note.strip() and not files:
            raise TransitionNotAllowed(_("Please write an answer or attach a file."))
        return self._move("provide_info", None, note, {}, files)

    def approve(self, by, note: str = "") -> ClaimEvent:
        self._require(by, "approve")
        return self._move("approve", by, note, {"approved_by_id": by.pk, "approved_at": timezone.now()})

    def deny(self, by, reason: str) -> ClaimEvent:
        self._require(by, "deny")
        if not reason.strip():
            raise TransitionNotAllowed(_("A denial needs a reason; it is sent to the customer."))
        return self._move("deny", by, reason, {"denied_by_id": by.pk, "denial_reason": reason})

    def mark_paid(self, by, payment_reference: str) -> ClaimEvent:
        self._require(by, "mark_paid")
        if not payment_reference.strip():
            raise TransitionNotAllowed(_("Enter the payment reference."))
        return self._move(
            "mark_paid",
            by,
            payment_reference,
            {"payment_reference": payment_reference.strip(), "paid_at": timezone.now()},
        )

    def appeal(self, note: str, files=()) -> ClaimEvent:
        if self.status != self.Status.DENIED:
            raise TransitionNotAllowed(_("Only a denied claim can be appealed."))
        if self.appealed:
            raise TransitionNotAllowed(_("This claim has already been appealed once."))
        if not note.strip():
            raise TransitionNotAllowed(_("Please explain why the decision should change."))
        return self._move("appeal", None, note, {"appealed": True}, files)

    def deny_for_no_answer(self) -> ClaimEvent:
        """The scheduled command's denial when the customer never sent what was asked for."""
        if self.status != self.Status.INFO_REQUESTED:
            raise TransitionNotAllowed(_("Only a claim waiting for information expires."))
        with translation.override(self.language):  # the reason is sent to the customer, in their language
            reason = str(_("No answer: we did not receive the information we asked for."))
        return self._move("deny", None, reason, {"denial_reason": reason})

    # --- what reviewers and customers see -----------------------------------------------------------

    def current_rule(self) -> PolicyRule | None:
        return PolicyRule.objects.filter(reason=self.reason).order_by("-version").first()

    def payout_window(self):
        from refunds.policy import payout_window

        return payout_window(self.approved_at) if self.approved_at else None

    def is_overdue_at(self, now) -> bool:
        """Waiting on us for more than REFUNDS_OVERDUE_DAYS in one state; the clock stops while the
        claim waits for the customer (info_requested) and after the decision."""
        limit = now - timedelta(days=settings.REFUNDS_OVERDUE_DAYS)
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED) and self.status_changed_at < limit

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATUSES


# Where each action may start, and where it leads.
TRANSITIONS = {
    "request_info": [RefundClaim.Status.SUBMITTED],
    "provide_info": [RefundClaim.Status.INFO_REQUESTED],
    "approve": [RefundClaim.Status.SUBMITTED],
    "deny": [RefundClaim.Status.SUBMITTED, RefundClaim.Status.INFO_REQUESTED],
    "mark_paid": [RefundClaim.Status.APPROVED],
    "appeal": [RefundClaim.Status.DENIED],
}
TARGETS = {
    "request_info": RefundClaim.Status.INFO_REQUESTED,
    "provide_info": RefundClaim.Status.SUBMITTED,
    "approve": RefundClaim.Status.APPROVED,
    "deny": RefundClaim.Status.DENIED,
    "mark_paid": RefundClaim.Status.PAID,
    "appeal": RefundClaim.Status.SUBMITTED,
}


class ClaimEvent(models.Model):
    claim = models.ForeignKey(RefundClaim, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=RefundClaim.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RefundClaim.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    policy_rule = models.ForeignKey(
        PolicyRule, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("under policy rule")
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
        return str(EVENT_LABELS.get(self.action, self.get_to_status_display()))


EVENT_LABELS = {
    "submit": _("Refund request received"),
    "request_info": _("More information requested"),
    "provide_info": _("Your information received"),
    "approve": _("Approved"),
    "deny": _("Denied"),
    "mark_paid": _("Refund paid"),
    "appeal": _("Appeal received"),
}


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"refunds/{timezone.now():%Y/%m}/{secrets.token_hex(12)}"


class Evidence(models.Model):
    claim = models.ForeignKey(RefundClaim, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(ClaimEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    file = models.FileField(upload_to=evidence_path)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def store(cls, claim: RefundClaim, upload, content_type: str, event: ClaimEvent | None = None) -> Evidence:
        item = cls(
            claim=claim,
            event=event,
            filename=mask_sensitive(upload.name)[:255],
            content_type=content_type,
            size=upload.size,
        )
        item.file.save(upload.name, upload, save=False)
        item.save()
        return item

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ClaimNote(models.Model):
    """An agent's internal comment on a claim (Agents may comment; only reviewers decide)."""

    claim = models.ForeignKey(RefundClaim, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("by"))
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")

    def __str__(self) -> str:
        return f"{self.claim.reference}: {self.body[:40]}"


class ClaimFeedback(models.Model):
    """How the service was, asked after the decision and kept apart from whether the customer
    agrees with it, so agents are not rated for the policy."""

    class Agreement(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    claim = models.OneToOneField(RefundClaim, on_delete=models.CASCADE, related_name="feedback")
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
