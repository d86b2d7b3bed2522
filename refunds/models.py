"""Refund claims and their reviewed state machine.

Every transition is a method on RefundClaim, checked against the table in refunds/transitions.py.
Each one moves the status with a conditional UPDATE (so two agents acting on stale copies cannot
both succeed) and writes one ClaimEvent in the same transaction. The admin, the customer's status
page and the scheduled command all call these methods; none of them changes `status` by hand.
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpcenter import privacy
from helpcenter.filestore import FilesWritten
from helpcenter.history import record_update
from helpcenter.languages import current_language
from helpcenter.masking import mask_sensitive
from refunds import notifications
from refunds.comments import ClaimNote
from refunds.currencies import validate_currency
from refunds.events import ClaimEvent
from refunds.evidence import Evidence, evidence_path
from refunds.feedback import ClaimFeedback
from refunds.policy import Assessment, PaymentMethod, Reason, assess, payout_window
from refunds.transitions import (
    AGENTS,
    DECIDED_STATUSES,
    EVENT_LABELS,
    FINANCE,
    OPEN_STATUSES,
    REVIEWERS,
    TRANSITIONS,
    StaleClaim,
    Status,
    TransitionNotAllowed,
    allowed_actions,
    groups_of,
    possible_assignees,
    refusal_of,
    refusals,
)

# Importable from here as before: the roles' names, the choices and the claim's exceptions.
__all__ = [
    "AGENTS",
    "EVENT_LABELS",
    "ClaimEvent",
    "ClaimFeedback",
    "ClaimNote",
    "FINANCE",
    "REVIEWERS",
    "Evidence",
    "evidence_path",
    "PaymentMethod",
    "Reason",
    "StaleClaim",
    "TransitionNotAllowed",
]

STATUS_SALT = "refunds.status"
STATUS_LINK = privacy.PrivateLink(salt=STATUS_SALT, url_name="refunds:status", email_field="email")
# Still with the reviewers: a verdict may be re-assessed; after a decision it stays as decided.
UNDER_REVIEW = (Status.SUBMITTED, Status.INFO_REQUESTED)


class DuplicateClaim(Exception):
    """An open claim for the same charge exists: the new one was not filed."""

    def __init__(self, existing: RefundClaim) -> None:
        super().__init__(existing.reference)
        self.existing = existing


def new_reference() -> str:
    return privacy.new_reference("RF")


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
    history = HistoricalRecords()

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

    def publish(self, by) -> int:
        """Put this rule in force as the reason's next version and re-assess the claims still
        under review for that reason; returns how many were re-assessed. Decided claims keep the
        verdict and the rule they were decided under."""
        with transaction.atomic():
            latest = PolicyRule.objects.filter(reason=self.reason).aggregate(v=Max("version"))["v"] or 0
            self.pk = None  # never rewrite a rule a past decision points to
            self._state.adding = True
            self.version = latest + 1
            self.created_at = timezone.now()
            self.created_by = by
            self.save()
            open_claims = RefundClaim.objects.filter(reason=self.reason, status__in=UNDER_REVIEW)
            for claim in open_claims:
                claim.record_assessment(RefundClaim.AssessedBecause.RULE_CHANGED, by)
        return len(open_claims)


class ClaimQuerySet(models.QuerySet):
    def open(self) -> ClaimQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def open_duplicate_of(self, email: str, charge_date, amount) -> RefundClaim | None:
        """An open claim for the same charge: a second one is not filed."""
        return self.open().filter(email__iexact=email, charge_date=charge_date, amount=amount).first()

    def overdue(self, now=None) -> ClaimQuerySet:
        # The review clock only runs while the claim is with us: a claim waiting for the
        # customer's information is never overdue.
        now = now or timezone.now()
        limit = now - timedelta(days=settings.REFUNDS_OVERDUE_DAYS)
        return self.filter(status__in=[Status.SUBMITTED, Status.APPROVED], status_changed_at__lt=limit)

    def past_answer_deadline(self, today: datetime.date | None = None) -> ClaimQuerySet:
        """Waiting for the customer past the day their answer was due (see answer_deadline)."""
        today = today or timezone.localdate()
        first_day_too_late = today - timedelta(days=settings.REFUNDS_NO_ANSWER_DAYS)
        cutoff = timezone.make_aware(datetime.datetime.combine(first_day_too_late, datetime.time.min))
        return self.filter(status=Status.INFO_REQUESTED, info_requested_at__lt=cutoff)


class RefundClaim(models.Model):
    Status = Status
    PaymentMethod = PaymentMethod

    class Plan(models.TextChoices):
        PREMIUM_INDIVIDUAL = "premium_individual", _("Premium Individual")
        PREMIUM_DUO = "premium_duo", _("Premium Duo")
        PREMIUM_FAMILY = "premium_family", _("Premium Family")
        PREMIUM_STUDENT = "premium_student", _("Premium Student")

    class AssessedBecause(models.TextChoices):
        FILED = "filed", _("at filing")
        REVIEWER = "reviewer", _("a reviewer asked")
        RULE_CHANGED = "rule_changed", _("the policy rule changed")

    OPEN_STATUSES = list(OPEN_STATUSES)
    DECIDED_STATUSES = list(DECIDED_STATUSES)

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    email = models.EmailField(_("account e-mail"), db_index=True)
    username = models.CharField(_("username"), max_length=100)
    subscription_type = models.CharField(_("plan"), max_length=30, choices=Plan.choices)
    charge_date = models.DateField(_("charge date"))
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="KRW", validators=[validate_currency])
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    description = models.TextField(_("what happened"), max_length=5000, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")
    # The conversation the claim was opened from, when an agent filed it for the customer.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refund_claims",
        verbose_name=_("opened from ticket"),
    )

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
    # The verdict is taken when the claim is filed and only taken again when a reviewer asks or the
    # rule changes; these say when, under which rule version, why and by whom.
    within_policy = models.BooleanField(_("within policy"), null=True, editable=False)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True, editable=False)
    assessed_rule = models.ForeignKey(
        PolicyRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    assessed_because = models.CharField(
        _("assessed because"), max_length=20, choices=AssessedBecause.choices, blank=True, editable=False
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
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
    # The transitions move a claim with a guarded UPDATE, not save(): they write their history row
    # themselves (record_history), with the person who acted.
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund claim")
        verbose_name_plural = _("refund claims")
        # The customer page matches addresses case-insensitively (email__iexact).
        indexes = [models.Index(Upper("email"), name="refunds_claim_email_upper")]
        constraints = [
            # The open-duplicate rule is the database's to keep: a check before the insert lets two
            # requests posted at the same moment both through.
            models.UniqueConstraint(
                Lower("email"),
                "charge_date",
                "amount",
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="one_open_claim_per_charge",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_reason_display()})"

    def save(self, *args, **kwargs) -> None:
        self.description = mask_sensitive(self.description)
        self.username = mask_sensitive(self.username)
        super().save(*args, **kwargs)

    @classmethod
    def file(cls, claim: RefundClaim, evidence=(), *, by=None, language: str | None = None) -> RefundClaim:
        """File a new claim from the public form, or for the customer by an agent (`by`, writing in
        the customer's `language`): the claim, its first event, files, the policy verdict and the
        e-mail. Raises DuplicateClaim when the same charge has an open claim."""
        try:
            with FilesWritten() as files, transaction.atomic():
                claim.status = Status.SUBMITTED
                claim.language = language or current_language()
                claim.save()
                event = ClaimEvent.objects.create(
                    claim=claim, action="submit", from_status="", to_status=Status.SUBMITTED, note="", actor=by
                )
                for upload, content_type in evidence:
                    Evidence.store(claim, upload, content_type, event=event, files=files)
                claim.record_assessment(cls.AssessedBecause.FILED)
                notifications.claim_filed(claim)
        except IntegrityError:
            existing = cls.objects.open_duplicate_of(claim.email, claim.charge_date, claim.amount)
            if existing is None:
                raise
            raise DuplicateClaim(existing) from None
        return claim

    # --- links ----------------------------------------------------------------------------------

    def status_token(self) -> str:
        return STATUS_LINK.token(self)

    @classmethod
    def from_status_token(cls, token: str) -> RefundClaim | None:
        return STATUS_LINK.find(cls.objects.all(), token)

    def status_path(self, token: str | None = None) -> str:
        return STATUS_LINK.path(self, token)

    def status_url(self, token: str | None = None) -> str:
        return STATUS_LINK.url(self, token)

    def rotate_status_link(self, by: str = "") -> str:
        """Every link to this claim stops working; returns the one new link's token."""
        return STATUS_LINK.rotate(self, by=by)

    def issue_new_link(self, by: str = "") -> None:
        """For a link that reached the wrong person: every earlier link stops working, and the
        customer is mailed the one new link."""
        with transaction.atomic():
            notifications.new_link(self, self.rotate_status_link(by=by))

    # --- who may do what (the table's answers for this claim) -------------------------------------

    def available_actions(self, user) -> list[str]:
        """The transitions this agent may make now: exactly the buttons the admin shows."""
        return allowed_actions(self, user)

    def refusals(self, user) -> list[str]:
        """Why this agent has no button for a step the claim could take next."""
        return refusals(self, user)

    def possible_assignees(self) -> models.QuerySet:
        """The staff who may take one of the claim's next steps."""
        return possible_assignees(self)

    # --- the transitions --------------------------------------------------------------------------

    def _take(self, action: str, by, note: str, changes: dict | None = None, files=()) -> ClaimEvent:
        """Check the step against the table, then move to its target if the claim is still in the
        state (and version) this copy saw; otherwise raise StaleClaim. Status, fields and event
        commit together."""
        row = TRANSITIONS[action]
        if (refusal := refusal_of(self, row, by)) is not None:
            raise refusal
        if problem := row.note_problem(note, files):
            raise TransitionNotAllowed(problem)
        changes = dict(changes or {})
        if row.recorded_in:
            changes[row.recorded_in] = note.strip()
        now = timezone.now()
        try:
            with FilesWritten() as written, transaction.atomic():
                updated = RefundClaim.objects.filter(pk=self.pk, version=self.version, status=self.status).update(
                    status=row.target, version=self.version + 1, status_changed_at=now, **changes
                )
                if updated != 1:
                    raise StaleClaim(_("Someone else changed this claim a moment ago. Reload it and try again."))
                event = ClaimEvent.objects.create(
                    claim=self,
                    from_status=self.status,
                    to_status=row.target,
                    actor=by,
                    note=mask_sensitive(note),
                    action=action,
                    policy_rule=self.current_rule() if action in ("approve", "deny") else None,
                    created_at=now,
                )
                for upload, content_type in files:
                    Evidence.store(self, upload, content_type, event=event, files=written)
                self.status, self.version, self.status_changed_at = row.target, self.version + 1, now
                for name, value in changes.items():
                    setattr(self, name, value)
                record_update(RefundClaim, [self.pk], by)
                notifications.status_changed(self, event)
        except IntegrityError:
            # Only an appeal re-opens a claim, and a new claim for the same charge may have been
            # filed after the denial: that one is the open one now.
            if self.status == row.target or not self._has_open_twin():
                raise
            raise TransitionNotAllowed(
                _("Another refund request for this charge is open; it is reviewed there.")
            ) from None
        return event

    def _has_open_twin(self) -> bool:
        twin = RefundClaim.objects.open_duplicate_of(self.email, self.charge_date, self.amount)
        return twin is not None and twin.pk != self.pk

    def request_info(self, by, note: str) -> ClaimEvent:
        return self._take("request_info", by, note, {"info_requested_at": timezone.now(), "reminder_sent_at": None})

    def provide_info(self, note: str, files=()) -> ClaimEvent:
        return self._take("provide_info", None, note, files=files)

    def approve(self, by, note: str = "") -> ClaimEvent:
        return self._take("approve", by, note, {"approved_by_id": by.pk, "approved_at": timezone.now()})

    def deny(self, by, reason: str) -> ClaimEvent:
        return self._take("deny", by, reason, {"denied_by_id": by.pk})

    def mark_paid(self, by, payment_reference: str) -> ClaimEvent:
        return self._take("mark_paid", by, payment_reference, {"paid_at": timezone.now()})

    def appeal(self, note: str, files=()) -> ClaimEvent:
        return self._take("appeal", None, note, {"appealed": True}, files)

    def deny_for_no_answer(self) -> ClaimEvent:
        """The scheduled command's denial when the customer never sent what was asked for."""
        with translation.override(self.language):  # the reason is sent to the customer, in their language
            reason = str(_("No answer: we did not receive the information we asked for."))
        return self._take("deny_for_no_answer", None, reason)

    # --- the policy verdict ---------------------------------------------------------------------

    def current_rule(self) -> PolicyRule | None:
        return PolicyRule.objects.filter(reason=self.reason).order_by("-version").first()

    def record_assessment(self, because: str, by=None) -> Assessment:
        """Assess under the rule in force now and keep the verdict, with when, why and by whom."""
        now = timezone.now()
        rule = self.current_rule()
        verdict = assess(self, rule, now)
        fields = {
            "within_policy": verdict.within_policy,
            "assessed_at": now,
            "assessed_rule": rule,
            "assessed_because": because,
            "assessed_by": by,
        }
        # An UPDATE of these fields only: the status and version belong to the transitions.
        RefundClaim.objects.filter(pk=self.pk).update(**fields)
        record_update(RefundClaim, [self.pk], by)
        for name, value in fields.items():
            setattr(self, name, value)
        return verdict

    def may_be_reassessed_by(self, user) -> bool:
        return self.status in UNDER_REVIEW and REVIEWERS in groups_of(user)

    def reassess(self, by) -> Assessment:
        """A reviewer asks for the verdict again, under the rule in force now."""
        if REVIEWERS not in groups_of(by):
            raise PermissionDenied(_("Only refund reviewers re-assess a claim."))
        if self.status not in UNDER_REVIEW:
            raise TransitionNotAllowed(_("A decided claim keeps the verdict it was decided under."))
        return self.record_assessment(self.AssessedBecause.REVIEWER, by)

    def assessment(self) -> Assessment | None:
        """The recorded verdict with its reasons, as it was when it was taken."""
        if self.assessed_at is None:
            return None
        return assess(self, self.assessed_rule, self.assessed_at)

    # --- what reviewers and customers see -----------------------------------------------------------

    @property
    def status_label(self) -> str:
        if self.status == Status.SUBMITTED and self.appealed:
            return str(_("Appeal under review"))
        return str(self.get_status_display())

    def answer_deadline(self) -> datetime.date | None:
        """The last day the customer can answer an information request; the claim is closed as
        denied for no answer on the next run of refund_reminders after it."""
        if self.status != Status.INFO_REQUESTED or self.info_requested_at is None:
            return None
        return timezone.localdate(self.info_requested_at) + timedelta(days=settings.REFUNDS_NO_ANSWER_DAYS)

    def payout_window(self):
        return payout_window(self.approved_at) if self.approved_at else None

    def is_overdue_at(self, now) -> bool:
        """Waiting on us for more than REFUNDS_OVERDUE_DAYS in one state; the clock stops while the
        claim waits for the customer (info_requested) and after the decision."""
        limit = now - timedelta(days=settings.REFUNDS_OVERDUE_DAYS)
        return self.status in (Status.SUBMITTED, Status.APPROVED) and self.status_changed_at < limit

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES
