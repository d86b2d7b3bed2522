from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from outbox.models import OutgoingEmail
from tests.tickets.conftest import form_data, upload
from tickets import actions
from tickets.models import Message, SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data(attachments=[upload()]))
    return Ticket.objects.get()


@pytest.fixture
def agent(db):
    return get_user_model().objects.create_user("agent", "agent@example.com", "pw", is_staff=True)


def test_the_tracking_page_shows_the_conversation_without_internal_notes(client, ticket, agent):
    actions.agent_reply(ticket, agent, "확인해 보니 중복 결제가 맞습니다. 환불해 드릴게요.")
    actions.agent_reply(ticket, agent, "고객이 화가 많이 났음", internal=True)
    html = client.get(ticket.tracking_path()).content.decode()
    assert "11월 3일에" in html and "중복 결제가 맞습니다" in html
    assert "화가 많이" not in html
    assert "screenshot.png" in html


def test_a_forged_or_altered_link_finds_nothing(client, ticket):
    path = ticket.tracking_path()
    assert client.get(path[:-3] + "abc/").status_code == 404
    assert client.get("/ko/requests/HC-AAAAAAA/").status_code == 404


def test_the_customer_replies_with_a_file_and_reopens_a_waiting_ticket(client, ticket, agent):
    actions.agent_reply(ticket, agent, "카드 명세서를 보내 주시겠어요?", pending=True)
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    token = ticket.tracking_token()
    response = client.post(
        f"/ko/requests/{token}/reply/",
        {"body": "명세서 첨부합니다.", "attachments": [upload("statement.png")]},
        follow=True,
    )
    assert "명세서 첨부합니다." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "open"
    last = ticket.messages.last()
    assert last.author_kind == "customer" and last.attachments.get().filename == "statement.png"


def test_attachments_download_only_through_the_private_link(client, ticket):
    attachment = ticket.messages.first().attachments.get()
    response = client.get(f"/ko/requests/{ticket.tracking_token()}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    other = Ticket.objects.create(subject="x", requester_email="other@example.com")
    assert client.get(f"/ko/requests/{other.tracking_token()}/files/{attachment.pk}/").status_code == 404


def test_marking_solved_asks_for_a_rating_once(client, ticket):
    token = ticket.tracking_token()
    client.post(f"/ko/requests/{token}/solved/")
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.solved_at
    survey_mail = OutgoingEmail.objects.get(kind="survey")
    # The mail's link is signed afresh (its timestamp may differ by a second): compare what it opens.
    mailed = re.search(r"/ko/requests/([^/\s]+)/survey/\?rating=5", survey_mail.body).group(1)
    assert Ticket.from_tracking_token(mailed) == ticket
    response = client.post(f"/ko/requests/{token}/survey/", {"rating": "4", "comment": "빨랐어요"}, follow=True)
    status = re.search(r'<p role="status">(.*?)</p>', response.content.decode()).group(1)
    assert status == "감사합니다! 5점 만점에 4점을 주셨습니다."
    client.post(f"/ko/requests/{token}/survey/", {"rating": "1", "comment": "다시"})
    answer = SatisfactionResponse.objects.get()
    assert (answer.rating, answer.comment) == (4, "빨랐어요")


def test_the_rating_link_preselects_the_rating(client, ticket):
    actions.solve(ticket)
    html = client.get(f"/ko/requests/{ticket.tracking_token()}/survey/", {"rating": "5"}).content.decode()
    assert re.search(r'value="5"[^>]*checked', html)
    assert not re.search(r'value="4"[^>]*checked', html)


def test_a_reply_after_solving_reopens_the_ticket(client, ticket):
    actions.solve(ticket)
    client.post(f"/ko/requests/{ticket.tracking_token()}/reply/", {"body": "아직 해결이 안 됐어요"})
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.solved_at is None


def test_the_lookup_sends_a_fresh_link_and_never_reveals_whether_a_ticket_exists(client, ticket):
    found = client.post(
        "/ko/requests/find/", {"reference": ticket.reference.lower(), "email": "HONG@example.com"}, follow=True
    )
    missing = client.post("/ko/requests/find/", {"reference": "HC-ZZZZZZZ", "email": "hong@example.com"}, follow=True)
    wrong_email = client.post(
        "/ko/requests/find/", {"reference": ticket.reference, "email": "x@example.com"}, follow=True
    )

    def alert(response):
        html = response.content.decode()
        return html[html.index('role="status"') :][:400]

    assert alert(found) == alert(missing) == alert(wrong_email)
    links = OutgoingEmail.objects.filter(kind="link")
    assert links.count() == 1 and links.get().to == "hong@example.com"
    assert "/ko/requests/" in links.get().body


def test_solved_tickets_close_by_themselves_after_the_configured_days(ticket, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.TICKETS_AUTOCLOSE_DAYS = 3
    actions.solve(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=4))
    fresh = Ticket.objects.create(subject="y", requester_email="y@example.com")
    actions.solve(fresh)
    call_command("close_solved_tickets", stdout=open("/dev/null", "w"))
    ticket.refresh_from_db()
    fresh.refresh_from_db()
    assert ticket.status == "closed" and fresh.status == "solved"


def test_closed_tickets_take_no_more_replies_on_the_page(client, ticket):
    ticket.close()
    response = client.post(f"/ko/requests/{ticket.tracking_token()}/reply/", {"body": "hello"}, follow=True)
    assert Message.objects.filter(body="hello").count() == 0
    assert "/ko/contact/" in response.content.decode()


def test_a_dead_link_offers_a_fresh_one(client, db):
    response = client.get("/ko/requests/not-a-real-token/")
    assert response.status_code == 404
    assert 'href="/ko/requests/find/"' in response.content.decode()
    response = client.get("/ko/refunds/status/not-a-real-token/")
    assert response.status_code == 404 and 'href="/ko/refunds/find/"' in response.content.decode()


def test_an_attachment_whose_file_is_gone_is_not_found(client, ticket):
    attachment = ticket.messages.first().attachments.get()
    attachment.file.delete(save=False)
    assert client.get(f"/ko/requests/{ticket.tracking_token()}/files/{attachment.pk}/").status_code == 404


def test_the_customers_own_solving_is_noted_in_their_language(client, ticket):
    client.post(f"/ko/requests/{ticket.tracking_token()}/solved/")
    note = ticket.messages.get(author_kind="system")
    assert "solved" not in note.body  # written in Korean for a Korean request


def test_the_private_link_does_not_carry_the_email_address(ticket):
    import base64

    token = ticket.tracking_token()
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"hong" not in decoded and b"example.com" not in decoded
    ticket.requester_email = "someone-else@example.com"
    ticket.save()
    assert Ticket.from_tracking_token(token) is None  # the link was for the old address


def test_links_survive_a_secret_key_rotation(ticket, settings):
    token = ticket.tracking_token()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert Ticket.from_tracking_token(token) == ticket


def test_asking_again_and_again_for_the_link_sends_a_few_then_nothing(client, ticket, settings):
    settings.TICKETS_ACKS_PER_ADDRESS = 3
    settings.TICKETS_RATE_PER_IP = 100
    for _ in range(10):
        response = client.post("/ko/requests/find/", {"reference": ticket.reference, "email": "hong@example.com"})
        assert response.status_code == 302
    assert OutgoingEmail.objects.filter(kind="link", to="hong@example.com").count() == 3
