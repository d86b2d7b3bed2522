"""The refund claim's state machine as one table.

Each row says where an action may start, where it leads, who may take it, what it is called on the
admin's button and in the customer's timeline, and what must be written down for it. The claim's
methods check against this table, the admin draws its buttons and forms from it, the assignee list
offers the people it names, and the timeline reads its labels from it: a new rule goes here once.

This module imports nothing from the rest of the app (only the core's role names), so models,
policy, forms and admin can all import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpcenter import roles

# The console's groups are declared in helpcenter.roles; the table names who may take each step.
REVIEWERS = roles.REFUND_REVIEWERS
FINANCE = roles.FINANCE
AGENTS = roles.AGENTS


class TransitionNotAllowed(Exception):
    """A move the state machine does not allow from the claim's current state (nothing changed)."""


class StaleClaim(TransitionNotAllowed):
    """Someone else changed the claim since it was loaded (nothing changed)."""


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, under review")
    INFO_REQUESTED = "info_requested", _("Waiting for your information")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    PAID = "paid", _("Paid")


OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED)
DECIDED_STATUSES = (Status.APPROVED, Status.DENIED, Status.PAID)


def _denier_of_an_appeal(claim) -> int | None:
    # Four eyes on appeals: the reviewer who denied does not decide the second look.
    return claim.denied_by_id if claim.appealed else None


def _approver(claim) -> int | None:
    # Four eyes on money: whoever approved does not also confirm the payment.
    return claim.approved_by_id


def _appealed_already(claim) -> Promise | None:
    return _("This claim has already been appealed once.") if claim.appealed else None


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[Status, ...]
    target: Status
    event_label: Promise
    wrong_state: Promise = _("A claim that is “%(status)s” cannot be moved that way.")
    # Console actions name the group that takes them; None is the customer (through the private
    # link) or the scheduled command, which the views and the command authenticate themselves.
    group: str | None = None
    button: Promise | None = None
    # Who in the group may still not act, and why (the id of that user on the claim).
    excluded_actor: Callable[[object], int | None] | None = None
    excluded_because: Promise | None = None
    # A refusal that depends on the claim rather than on the person.
    refused_when: Callable[[object], Promise | None] | None = None
    # The note the action records: its label in the admin form, whether it may be empty (the
    # message when it is), the claim field that keeps it, and whether it is one line.
    note_label: Promise | None = None
    note_missing: Promise | None = None
    files_count_as_note: bool = False
    recorded_in: str | None = None
    one_line: bool = False

    def starts_from(self, status: str) -> bool:
        return status in self.sources

    def note_problem(self, note: str, files=()) -> Promise | None:
        if self.note_missing and not note.strip() and not (self.files_count_as_note and files):
            return self.note_missing
        return None


_REVIEWER_ACTION = {
    "group": REVIEWERS,
    "excluded_actor": _denier_of_an_appeal,
    "excluded_because": _("The reviewer who denied this claim cannot decide its appeal."),
}

TABLE = [
    Transition(
        "submit",
        sources=(),
        target=Status.SUBMITTED,
        event_label=_("Refund request received"),
    ),
    Transition(
        "request_info",
        sources=(Status.SUBMITTED,),
        target=Status.INFO_REQUESTED,
        event_label=_("More information requested"),
        button=_("Request information"),
        note_label=_("What is missing? (sent to the customer)"),
        note_missing=_("Tell the customer what is missing."),
        recorded_in="info_request",
        **_REVIEWER_ACTION,
    ),
    Transition(
        "provide_info",
        sources=(Status.INFO_REQUESTED,),
        target=Status.SUBMITTED,
        event_label=_("Your information received"),
        wrong_state=_("No information was asked for on this claim."),
        note_missing=_("Please write an answer or attach a file."),
        files_count_as_note=True,
    ),
    Transition(
        "approve",
        sources=(Status.SUBMITTED,),
        target=Status.APPROVED,
        event_label=_("Approved"),
        button=_("Approve"),
        note_label=_("Note (optional)"),
        **_REVIEWER_ACTION,
    ),
    Transition(
        "deny",
        sources=(Status.SUBMITTED, Status.INFO_REQUESTED),
        target=Status.DENIED,
        event_label=_("Denied"),
        button=_("Deny"),
        note_label=_("Reason for the denial (sent to the customer)"),
        note_missing=_("A denial needs a reason; it is sent to the customer."),
        recorded_in="denial_reason",
        **_REVIEWER_ACTION,
    ),
    Transition(
        "deny_for_no_answer",
        sources=(Status.INFO_REQUESTED,),
        target=Status.DENIED,
        event_label=_("Closed: no answer received"),
        wrong_state=_("Only a claim waiting for information expires."),
        recorded_in="denial_reason",
    ),
    Transition(
        "mark_paid",
        sources=(Status.APPROVED,),
        target=Status.PAID,
        event_label=_("Refund paid"),
        group=FINANCE,
        button=_("Mark paid"),
        excluded_actor=_approver,
        excluded_because=_("The person who approved a refund cannot also mark it paid."),
        note_label=_("Payment reference"),
        note_missing=_("Enter the payment reference."),
        recorded_in="payment_reference",
        one_line=True,
    ),
    Transition(
        "appeal",
        sources=(Status.DENIED,),
        target=Status.SUBMITTED,
        event_label=_("Appeal received"),
        wrong_state=_("Only a denied claim can be appealed."),
        refused_when=_appealed_already,
        note_missing=_("Please explain why the decision should change."),
    ),
]
TRANSITIONS: dict[str, Transition] = {row.action: row for row in TABLE}
# The actions the console offers as buttons, in the order they are shown.
CONSOLE_ACTIONS = [row.action for row in TABLE if row.button]
EVENT_LABELS = {row.action: row.event_label for row in TABLE}

# Why someone outside the group sees no button: the group's work in a sentence.
GROUP_WORK = {
    REVIEWERS: _("Only refund reviewers request information, approve or deny."),
    FINANCE: _("Only Finance marks an approved refund paid."),
}


# --- what the table decides for one claim and one person ---------------------------------------


def groups_of(user) -> set[str]:
    # Group membership only: a superuser decides claims after joining the group, like anyone else.
    if not (user and user.is_active):
        return set()
    return set(user.groups.values_list("name", flat=True))


def refusal_of(claim, row: Transition, user, groups: set[str] | None = None) -> Exception | None:
    """Why `user` may not take this step on the claim now, as the exception to raise; None: they may."""
    if not row.starts_from(claim.status):
        return TransitionNotAllowed(row.wrong_state % {"status": claim.status_label})
    if row.refused_when and (why := row.refused_when(claim)):
        return TransitionNotAllowed(why)
    if row.group is not None:
        if row.group not in (groups if groups is not None else groups_of(user)):
            return PermissionDenied(GROUP_WORK[row.group])
        if row.excluded_actor and row.excluded_actor(claim) == user.pk:
            return PermissionDenied(row.excluded_because)
    return None


def allowed_actions(claim, user) -> list[str]:
    groups = groups_of(user)
    return [action for action in CONSOLE_ACTIONS if refusal_of(claim, TRANSITIONS[action], user, groups) is None]


def refusals(claim, user) -> list[str]:
    """One sentence for each reason this person has no button for a step the claim could take next."""
    groups = groups_of(user)
    reasons: list[str] = []
    for action in CONSOLE_ACTIONS:
        row = TRANSITIONS[action]
        refusal = refusal_of(claim, row, user, groups) if row.starts_from(claim.status) else None
        if refusal is not None and str(refusal) not in reasons:
            reasons.append(str(refusal))
    return reasons


def _next_steps(claim) -> tuple[tuple[str, int | None], ...]:
    """(group, excluded person) of each step the claim can take next: all that decides who may be
    assigned to it."""
    steps = []
    for action in CONSOLE_ACTIONS:
        row = TRANSITIONS[action]
        if not row.starts_from(claim.status) or (row.refused_when and row.refused_when(claim)):
            continue
        steps.append((row.group, row.excluded_actor(claim) if row.excluded_actor else None))
    return tuple(steps)


def _staff_for(steps: tuple[tuple[str, int | None], ...]) -> models.QuerySet:
    who = Q(pk__in=[])
    for group, excluded in steps:
        members = Q(groups__name=group)
        if excluded is not None:
            members &= ~Q(pk=excluded)
        who |= members
    return get_user_model().objects.filter(who, is_active=True, is_staff=True).distinct().order_by("username")


def possible_assignees(claim) -> models.QuerySet:
    """Active staff in the group of a step the claim can take next, less whoever that step
    excludes: reviewers while it is reviewed (not the one who denied, on appeal), Finance once it
    is approved (not the approver); nobody once it is decided for good."""
    return _staff_for(_next_steps(claim))


def assignable_to_all(claims) -> models.QuerySet:
    """The people who may take the next step on every one of these claims (a bulk assignment):
    one subquery for each distinct set of next steps, however many claims share it."""
    people = None
    for steps in dict.fromkeys(_next_steps(claim) for claim in claims):
        eligible = _staff_for(steps)
        people = eligible if people is None else people.filter(pk__in=eligible.values("pk"))
    return people if people is not None else _staff_for(())
