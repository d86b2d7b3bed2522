"""Canned replies: a useful Korean and English set from the start, which agents extend and use."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.tickets.conftest import form_data
from tests.tickets.test_admin_tickets import change_data
from tickets.models import CannedReply, Ticket

pytestmark = pytest.mark.django_db


def member(username: str, group: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def test_a_fresh_install_has_replies_in_korean_and_english():
    titles = list(CannedReply.objects.values_list("title", flat=True))
    assert len([t for t in titles if t.startswith("[KO] ")]) == 7
    assert len([t for t in titles if t.startswith("[EN] ")]) == 7
    assert "[KO] 중복 결제 환불 안내" in titles and "[EN] Duplicate charge refund" in titles


def test_a_seeded_reply_fills_in_the_ticket(client, ticket):
    client.force_login(member("agent", "Agents"))
    canned = CannedReply.objects.get(title="[KO] 접수 확인")
    client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, canned_reply=canned.pk))
    body = ticket.messages.get(author_kind="agent").body
    assert body.startswith("안녕하세요, 홍길동님.\n\n")
    assert f"보내 주신 문의({ticket.reference})를 잘 받았습니다." in body


def test_an_agent_adds_a_reply_and_answers_with_it(client, ticket):
    client.force_login(member("agent", "Agents"))
    response = client.post(
        "/admin/tickets/cannedreply/add/",
        {"title": "[KO] 해지 안내", "body": "{{ name }}님, 해지는 앱의 설정 > 이용권 관리에서 하실 수 있습니다."},
    )
    assert response.status_code == 302
    canned = CannedReply.objects.get(title="[KO] 해지 안내")
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", change_data(ticket, canned_reply=canned.pk))
    assert response.status_code == 302
    assert (
        ticket.messages.get(author_kind="agent").body
        == "홍길동님, 해지는 앱의 설정 > 이용권 관리에서 하실 수 있습니다."
    )


def test_only_a_supervisor_deletes_a_reply(client):
    canned = CannedReply.objects.get(title="[EN] Request received")
    client.force_login(member("agent", "Agents"))
    assert client.post(f"/admin/tickets/cannedreply/{canned.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CannedReply.objects.filter(pk=canned.pk).exists()
    client.force_login(member("lead", "Supervisors"))
    assert client.post(f"/admin/tickets/cannedreply/{canned.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not CannedReply.objects.filter(pk=canned.pk).exists()


@pytest.mark.parametrize("group", ["Editors", "Finance"])
def test_other_roles_cannot_add_or_read_canned_replies(client, group):
    client.force_login(member("stranger", group))
    assert client.get("/admin/tickets/cannedreply/").status_code == 403
    response = client.post("/admin/tickets/cannedreply/add/", {"title": "낯선 답변", "body": "..."})
    assert response.status_code == 403
    assert not CannedReply.objects.filter(title="낯선 답변").exists()
