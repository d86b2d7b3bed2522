"""The roles of the console: its groups, exactly what each may do, and the demo staff who hold them.

The one place to read or change who may do what in the admin. Permissions are named
"app_label.codename" so the core imports no app. The groups are set up after every `migrate`
(once: see helpcenter/apps.py) and their permissions are SET, not added to: a permission taken out
here is taken away on the next migrate, and one granted by hand in the admin does not survive it.
Decisions on refund claims are guarded by group name as well (refunds.models), so the names are
part of the interface and stay stable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

AGENTS = "Agents"
REFUND_REVIEWERS = "Refund reviewers"
FINANCE = "Finance"
EDITORS = "Editors"
SUPERVISORS = "Supervisors"


def _crud(app_label: str, *models: str, actions: tuple[str, ...] = ("view", "add", "change", "delete")) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


# Reading a claim and commenting on it. Commenting is an inline on the claim page, which Django only
# saves for users who may change the claim; the only field that form edits is the assignee, and the
# decisions themselves are guarded by the refund groups.
CLAIM_READ_AND_COMMENT = [
    "refunds.view_refundclaim",
    "refunds.change_refundclaim",
    "refunds.view_claimevent",
    "refunds.view_policyrule",
    "refunds.view_claimnote",
    "refunds.add_claimnote",
    "refunds.view_claimfeedback",
]

# Opening the files customers attach to a claim (bank statements, card screenshots): those who
# decide or pay claims, not everyone who may read one. Agents see the file names only.
CLAIM_EVIDENCE = ["refunds.view_evidence"]

# Answering customers: the ticket page (conversation, reply, status, files), logging a call as a new
# ticket, the canned replies they write and reuse, and the help articles they point customers to.
TICKET_WORK = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.view_attachment",
    *_crud("tickets", "cannedreply", actions=("view", "add", "change")),
    "faq.view_article",
    "faq.view_category",
    # Live chat: the chats they answer (a chat is a ticket) and their own availability.
    "chat.view_chat",
    "chat.change_chat",
    "chat.view_agentavailability",
    "chat.change_agentavailability",
]

# The console's saved views: an agent keeps their own (the admin lets each change only theirs);
# sharing one with the team is a supervisor's call.
PERSONAL_VIEWS = _crud("console", "savedview")

# A customer who asks for a refund on the phone, in a chat or by mail gets the claim filed for them
# from their ticket; deciding it stays with the reviewers.
CLAIM_FILING = ["refunds.add_refundclaim"]

GROUP_PERMISSIONS: dict[str, list[str]] = {
    AGENTS: TICKET_WORK + CLAIM_READ_AND_COMMENT + CLAIM_FILING + PERSONAL_VIEWS,
    # Decide claims: request information, approve, deny (refunds.models checks the group).
    REFUND_REVIEWERS: CLAIM_READ_AND_COMMENT + CLAIM_EVIDENCE,
    # Pay approved claims (refunds.models checks the group and that the approver is someone else).
    FINANCE: CLAIM_READ_AND_COMMENT + CLAIM_EVIDENCE,
    # Write the FAQ, and read what customers search for and how they vote, to know what to write.
    EDITORS: _crud("faq", "article", "articletranslation", "category", "tag", "synonym", "contactchannel")
    + ["faq.view_searchquerystat", "faq.view_articlevote"],
    # Lead the agents: everything agents do, plus tidy the canned replies, change the refund policy,
    # read satisfaction and deflections, hand tickets to someone else (which needs the user list),
    # and look after the outgoing mail queue (see what failed, retry it); and turn a good answer into
    # an FAQ draft (an unpublished article they may edit; Editors publish and file it).
    SUPERVISORS: TICKET_WORK
    + CLAIM_READ_AND_COMMENT
    + CLAIM_FILING
    + CLAIM_EVIDENCE
    + PERSONAL_VIEWS
    + _crud("faq", "article", "articletranslation", actions=("add", "change"))
    + [
        "console.share_savedview",
        "tickets.delete_cannedreply",
        "tickets.assign_others",
        "tickets.view_satisfactionresponse",
        "tickets.view_suggestionclick",
        "chat.view_chatdeflection",
        "refunds.add_policyrule",
        "refunds.change_policyrule",
        "auth.view_user",
        "outbox.view_outgoingemail",
        "outbox.change_outgoingemail",
    ],
}

# Only ever created with DJANGO_DEBUG on: known passwords are for a laptop, never for a server.
# One of each role, so every step can be tried (two reviewers: an appeal goes to a reviewer other
# than the one who denied).
DEMO_STAFF: list[tuple[str, str | None]] = [
    ("admin", None),  # the superuser
    ("editor", EDITORS),
    ("agent", AGENTS),
    ("supervisor", SUPERVISORS),
    ("reviewer", REFUND_REVIEWERS),
    ("reviewer2", REFUND_REVIEWERS),
    ("finance", FINANCE),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


def permissions_named(names: list[str], using: str = DEFAULT_DB_ALIAS) -> list[Permission]:
    """The Permission rows for "app_label.codename" names; a name that matches none is a mistake here."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise ImproperlyConfigured(
            "helpcenter.roles names permissions that do not exist: "
            + ", ".join(sorted(f"{app}.{codename}" for app, codename in missing))
        )
    return found


def set_up_roles(sender=None, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, stdout=None, **kwargs) -> None:
    """Create the console's groups with exactly their permissions (post_migrate, sent by this app)."""
    # post_migrate reaches this app before the apps listed after it have made their permissions:
    # make them all now (idempotent), so that a fresh database gets complete groups in one migrate.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for name, permission_names in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions_named(permission_names, using))
    if verbosity >= 1 and stdout is not None:
        stdout.write(f"Console roles set up: {', '.join(GROUP_PERMISSIONS)}.\n")


def create_demo_staff(write: Callable[[str], None]) -> None:
    """The demo accounts, one per role, with known passwords; printed with the admin's address."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo staff accounts are only created with DJANGO_DEBUG on.")
    User = get_user_model()
    write(f"Demo staff accounts (DJANGO_DEBUG is on), log in at {settings.SITE_URL}/admin/ :")
    for username, group in DEMO_STAFF:
        user, _created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        user.is_staff = True
        user.is_superuser = group is None
        user.set_password(demo_password(username))
        user.save()
        user.user_permissions.clear()
        user.groups.set(Group.objects.filter(name=group) if group else [])
        write(f"  {username} / {demo_password(username)}  ({group or 'superuser'})")


def people_with(permission: str):
    """Active staff who hold "app_label.codename", through a group, directly, or as superusers:
    the people an item may be handed to."""
    app_label, codename = permission.split(".", 1)
    grants = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = Q(is_superuser=True) | Q(groups__permissions__in=grants) | Q(user_permissions__in=grants)
    User = get_user_model()
    return User.objects.filter(
        pk__in=User.objects.filter(holders).values("pk"), is_active=True, is_staff=True
    ).order_by("username")
