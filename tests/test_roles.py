"""The console's roles (helpcenter/roles.py): set up once per migrate, each with exactly its permissions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from helpcenter.roles import permissions_named
from tests.tickets.conftest import form_data
from tests.tickets.test_admin_tickets import change_data
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CLAIMS_READ_AND_COMMENT = {
    "refunds.view_refundclaim",
    "refunds.change_refundclaim",
    "refunds.view_claimevent",
    "refunds.view_policyrule",
    "refunds.view_claimnote",
    "refunds.add_claimnote",
    "refunds.view_claimfeedback",
}
TICKET_WORK = {
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.view_attachment",
    "tickets.view_cannedreply",
    "tickets.add_cannedreply",
    "tickets.change_cannedreply",
    "faq.view_article",
    "faq.view_category",
    "chat.view_chat",
    "chat.change_chat",
    "chat.view_agentavailability",
    "chat.change_agentavailability",
}
FAQ_WRITING = {
    f"faq.{action}_{model}"
    for model in ("article", "articletranslation", "category", "tag", "synonym", "contactchannel")
    for action in ("view", "add", "change", "delete")
} | {"faq.view_searchquerystat", "faq.view_articlevote"}
PERSONAL_VIEWS = {f"console.{action}_savedview" for action in ("view", "add", "change", "delete")}
CLAIM_FILING = {"refunds.add_refundclaim"}
FAQ_DRAFTING = {"faq.add_article", "faq.change_article", "faq.add_articletranslation", "faq.change_articletranslation"}
EXPECTED = {
    "Agents": TICKET_WORK | CLAIMS_READ_AND_COMMENT | CLAIM_FILING | PERSONAL_VIEWS,
    "Refund reviewers": CLAIMS_READ_AND_COMMENT | {"refunds.view_evidence"},
    "Finance": CLAIMS_READ_AND_COMMENT | {"refunds.view_evidence"},
    "Editors": FAQ_WRITING,
    "Supervisors": TICKET_WORK
    | CLAIMS_READ_AND_COMMENT
    | CLAIM_FILING
    | FAQ_DRAFTING
    | PERSONAL_VIEWS
    | {
        "refunds.view_evidence",
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
    },
}


def granted(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def member(username: str, group: str | None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def test_migrate_sets_the_roles_up_once():
    out = StringIO()
    call_command("migrate", verbosity=1, interactive=False, stdout=out)
    assert out.getvalue().count("Console roles set up: Agents, Refund reviewers, Finance, Editors, Supervisors.") == 1


def test_each_group_has_exactly_the_permissions_its_work_needs():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(EXPECTED)
    for name, permissions in EXPECTED.items():
        assert granted(Group.objects.get(name=name)) == permissions, name


def test_migrate_takes_back_a_permission_granted_by_hand():
    agents = Group.objects.get(name="Agents")
    agents.permissions.add(*permissions_named(["refunds.add_policyrule"]))
    call_command("migrate", verbosity=0, interactive=False)
    assert granted(agents) == EXPECTED["Agents"]


def test_a_permission_that_does_not_exist_is_a_mistake_not_a_silent_gap():
    with pytest.raises(ImproperlyConfigured) as error:
        permissions_named(["tickets.view_ticket", "tickets.answer_ticket"])
    assert str(error.value) == "helpcenter.roles names permissions that do not exist: tickets.answer_ticket"


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def test_an_agent_opens_and_answers_a_ticket_in_the_admin(client, ticket):
    agent = member("agent", "Agents")
    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert page.status_code == 200
    assert "11월 요금이 두 번 결제됐어요" in page.content.decode()
    assert client.get("/admin/tickets/ticket/").status_code == 200
    response = client.post(
        f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, reply="확인해 보겠습니다.", priority="high")
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.messages.get(author_kind="agent").author == agent


@pytest.mark.parametrize("group", ["Editors", "Finance", "Refund reviewers"])
def test_other_roles_cannot_open_or_change_tickets(client, ticket, group):
    client.force_login(member("stranger", group))
    assert client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").status_code == 403
    assert client.get("/admin/tickets/ticket/").status_code == 403
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, reply="남의 문의"))
    assert response.status_code == 403
    assert not ticket.messages.filter(author_kind="agent").exists()


def test_an_agent_may_take_a_ticket_but_not_hand_it_to_someone_else(client, ticket):
    agent, colleague = member("agent", "Agents"), member("colleague", "Agents")
    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert f'<option value="{agent.pk}">agent</option>' in page
    assert f'<option value="{colleague.pk}">colleague</option>' not in page
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, assignee=colleague.pk))
    assert response.status_code == 200  # the form again, with the error
    assert "올바르게 선택해 주세요" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, assignee=agent.pk))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_a_supervisor_hands_a_ticket_to_an_agent(client, ticket):
    agent = member("agent", "Agents")
    client.force_login(member("lead", "Supervisors"))
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "tickets", "model_name": "ticket", "field_name": "assignee", "term": "age"},
    )
    assert found.json()["results"] == [{"id": str(agent.pk), "text": "agent"}]
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, assignee=agent.pk))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_demo_staff_hold_the_roles_and_the_admin_address_follows_site_url(settings, client):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8200"
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert "log in at http://127.0.0.1:8200/admin/ :" in output
    assert "127.0.0.1:8000" not in output
    for line in (
        "  admin / admin-demo-2026  (superuser)",
        "  editor / editor-demo-2026  (Editors)",
        "  agent / agent-demo-2026  (Agents)",
        "  supervisor / supervisor-demo-2026  (Supervisors)",
        "  reviewer / reviewer-demo-2026  (Refund reviewers)",
        "  reviewer2 / reviewer2-demo-2026  (Refund reviewers)",
        "  finance / finance-demo-2026  (Finance)",
    ):
        assert line in output.splitlines()
    User = get_user_model()
    assert list(User.objects.get(username="editor").groups.values_list("name", flat=True)) == ["Editors"]
    assert not User.objects.get(username="editor").user_permissions.exists()
