"""The roles of the console and the starting policy rules, made after `migrate` (idempotently)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from refunds.models import AGENTS, FINANCE, REVIEWERS, PolicyRule
from refunds.policy import DEFAULT_RULES

# Commenting is an inline on the claim page, which Django only saves for users who may change the
# claim; the only field that form edits is the assignee. Decisions are guarded by the groups.
READ_AND_COMMENT = [
    "refunds.view_refundclaim",
    "refunds.change_refundclaim",
    "refunds.view_claimevent",
    "refunds.view_evidence",
    "refunds.view_policyrule",
    "refunds.view_claimnote",
    "refunds.add_claimnote",
    "refunds.view_claimfeedback",
]
GROUP_PERMISSIONS = {
    REVIEWERS: READ_AND_COMMENT + ["refunds.add_policyrule", "refunds.change_policyrule"],
    FINANCE: READ_AND_COMMENT,
    AGENTS: READ_AND_COMMENT
    + [
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.add_ticket",
        "tickets.view_cannedreply",
        "tickets.view_attachment",
        "tickets.view_satisfactionresponse",
        "faq.view_article",
        "faq.view_category",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            found.append(permission)
    return found


def ensure_groups_and_rules(sender=None, **kwargs) -> None:
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(permissions))
    for reason, values in DEFAULT_RULES.items():
        if not PolicyRule.objects.filter(reason=reason).exists():
            PolicyRule.objects.create(reason=reason, **values)
