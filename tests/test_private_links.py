"""Private links (helpcenter.privacy) for tickets and refund claims: long random tokens stored as a
hash, the same age limit, each kind its own, the signed links of before still open until replaced,
and staff who may work an item can replace its links."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core import mail, signing
from django.utils import timezone

from helpcenter.models import PrivateLinkRotation, PrivateLinkToken
from helpcenter.privacy import sign_reference
from outbox.models import OutgoingEmail
from refunds.models import STATUS_SALT
from tests.refunds.conftest import make_claim
from tests.tickets.conftest import form_data, staff_member
from tickets.models import TRACKING_SALT, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


def later(monkeypatch, days: int) -> None:
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=days))


def test_a_link_is_43_random_url_safe_characters_and_each_one_differs(ticket):
    first, second = ticket.tracking_token(), ticket.tracking_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first)  # 32 bytes from `secrets`: 256 bits
    assert first != second
    assert Ticket.from_tracking_token(first) == ticket
    assert Ticket.from_tracking_token(second) == ticket


def test_the_database_keeps_only_the_sha256_of_a_link(ticket):
    PrivateLinkToken.objects.all().delete()
    token = ticket.tracking_token()
    row = PrivateLinkToken.objects.get()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(value) for value in PrivateLinkToken.objects.values_list().get())
    assert token not in stored
    # What a stolen copy of the table holds does not open the request.
    assert Ticket.from_tracking_token(row.token_hash) is None


def test_an_altered_or_guessed_link_opens_nothing(client, ticket):
    token = ticket.tracking_token()
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/ko/requests/{altered}/").status_code == 404
    assert client.get(f"/ko/requests/{'A' * 43}/").status_code == 404
    assert client.get(f"/ko/requests/{ticket.reference}/").status_code == 404
    assert client.get(f"/ko/requests/{token}/").status_code == 200


def test_links_of_both_kinds_expire_after_helpcenter_link_max_age_days(settings, monkeypatch, ticket):
    settings.HELPCENTER_LINK_MAX_AGE_DAYS = 30
    claim = make_claim()
    tracking, status = ticket.tracking_token(), claim.status_token()
    later(monkeypatch, 29)
    assert Ticket.from_tracking_token(tracking) == ticket
    assert type(claim).from_status_token(status) == claim
    later(monkeypatch, 31)
    assert Ticket.from_tracking_token(tracking) is None
    assert type(claim).from_status_token(status) is None


def test_a_ticket_link_does_not_open_a_claim_with_the_same_pk_or_reference(ticket):
    claim = make_claim(email=ticket.requester_email)
    type(claim).objects.filter(pk=claim.pk).update(reference=ticket.reference)
    PrivateLinkToken.objects.filter(kind=TRACKING_SALT).update(object_id=claim.pk)
    assert type(claim).from_status_token(ticket.tracking_token()) is None


def test_a_link_stops_working_when_the_address_changes(ticket):
    token = ticket.tracking_token()
    Ticket.objects.filter(pk=ticket.pk).update(requester_email="someone-else@example.com")
    assert Ticket.from_tracking_token(token) is None


def test_links_name_the_site_url_and_the_customers_language(settings, ticket):
    settings.SITE_URL = "http://127.0.0.1:8200"
    claim = make_claim()
    claim.language = "en"
    assert re.fullmatch(r"http://127\.0\.0\.1:8200/ko/requests/[A-Za-z0-9_-]{43}/", ticket.tracking_url())
    assert re.fullmatch(r"http://127\.0\.0\.1:8200/en/refunds/status/[A-Za-z0-9_-]{43}/", claim.status_url())


def test_signed_links_already_in_mailboxes_still_open_their_item(client, ticket):
    old = sign_reference(ticket.reference, ticket.requester_email, TRACKING_SALT)
    assert client.get(f"/ko/requests/{old}/").status_code == 200
    claim = make_claim()
    old_status = sign_reference(claim.reference, claim.email, STATUS_SALT)
    assert client.get(f"/ko/refunds/status/{old_status}/").status_code == 200
    # …and are no more guessable than before: another salt, or an altered payload, opens nothing.
    assert client.get(f"/ko/refunds/status/{old}/").status_code == 404
    forged = signing.dumps({"r": ticket.reference, "h": "0" * 20}, salt=TRACKING_SALT)
    assert client.get(f"/ko/requests/{forged}/").status_code == 404


# --- replacing the links ---------------------------------------------------------------------


def issue_new_link(client, model: str, pk: int):
    return client.post(
        f"/admin/{model}/", {"action": "issue_new_link", "_selected_action": [pk], "index": 0}, follow=True
    )


def mailed_token(kind: str, path: str) -> str:
    email = OutgoingEmail.objects.filter(kind=kind).latest("pk")
    return re.search(rf"{path}([A-Za-z0-9_-]{{43}})/", email.body).group(1)


def test_an_agent_issues_a_new_link_the_old_ones_stop_and_the_customer_is_mailed_the_new_one(client, ticket):
    random_link = ticket.tracking_token()
    signed_link = sign_reference(ticket.reference, ticket.requester_email, TRACKING_SALT)
    client.force_login(staff_member("agent", groups=("Agents",)))
    response = issue_new_link(client, "tickets/ticket", ticket.pk)
    assert [str(m) for m in response.context["messages"]] == [
        "1개 문의에 새 비공개 링크를 발급했습니다. 고객에게 이메일로 보냈습니다."
    ]
    client.logout()
    assert client.get(f"/ko/requests/{random_link}/").status_code == 404
    assert client.get(f"/ko/requests/{signed_link}/").status_code == 404
    email = OutgoingEmail.objects.get(kind="new-link")
    assert email.to == "hong@example.com"
    assert email.subject == f"문의 {ticket.reference}의 새 비공개 링크 [{ticket.reference}]"
    assert "이전 링크는 더 이상 열리지 않습니다" in email.body
    new = mailed_token("new-link", "/ko/requests/")
    assert client.get(f"/ko/requests/{new}/").status_code == 200
    assert PrivateLinkRotation.objects.get(kind=TRACKING_SALT, object_id=ticket.pk).rotated_by == "agent"


@pytest.mark.parametrize("group", ["Editors", "Refund reviewers", "Finance"])
def test_staff_who_do_not_work_tickets_cannot_replace_a_ticket_link(client, ticket, group):
    link = ticket.tracking_token()
    client.force_login(staff_member("stranger", groups=(group,)))
    response = client.post(
        "/admin/tickets/ticket/", {"action": "issue_new_link", "_selected_action": [ticket.pk], "index": 0}
    )
    assert response.status_code == 403
    assert client.get(f"/ko/requests/{link}/").status_code == 200
    assert not OutgoingEmail.objects.filter(kind="new-link").exists()


def test_a_reviewer_replaces_a_claims_link_and_an_editor_cannot(client):
    claim = make_claim()
    link = claim.status_token()
    client.force_login(staff_member("editor", groups=("Editors",)))
    assert issue_new_link(client, "refunds/refundclaim", claim.pk).status_code == 403
    assert client.get(f"/ko/refunds/status/{link}/").status_code == 200
    client.force_login(staff_member("reviewer", groups=("Refund reviewers",)))
    response = issue_new_link(client, "refunds/refundclaim", claim.pk)
    assert [str(m) for m in response.context["messages"]] == [
        "1개 환불 요청에 새 비공개 링크를 발급했습니다. 고객에게 이메일로 보냈습니다."
    ]
    client.logout()
    assert client.get(f"/ko/refunds/status/{link}/").status_code == 404
    email = OutgoingEmail.objects.get(kind="refund-new-link")
    assert email.subject == f"환불 요청의 새 비공개 링크 [{claim.reference}]"
    new = mailed_token("refund-new-link", "/ko/refunds/status/")
    assert client.get(f"/ko/refunds/status/{new}/").status_code == 200
    assert mail.outbox == []  # queued for the worker, not sent from the request
    assert PrivateLinkRotation.objects.get(kind=STATUS_SALT, object_id=claim.pk).rotated_by == "reviewer"
    # The mail carries the one link made by the replacement, not a second one made for the mail.
    assert PrivateLinkToken.objects.filter(kind=STATUS_SALT, object_id=claim.pk).count() == 1


def test_a_claim_link_replaced_by_no_one_in_particular_records_no_name():
    claim = make_claim()
    claim.rotate_status_link()
    assert PrivateLinkRotation.objects.get(kind=STATUS_SALT, object_id=claim.pk).rotated_by == ""


def test_replacing_one_customers_link_leaves_another_customers_links_alone(client, ticket):
    client.post("/ko/contact/", form_data(requester_email="kim@example.com"))
    other = Ticket.objects.get(requester_email="kim@example.com")
    others_link = other.tracking_token()
    ticket.rotate_tracking_link()
    assert Ticket.from_tracking_token(others_link) == other


def test_the_daily_purge_removes_only_expired_link_hashes(settings, ticket):
    import io

    from django.core.management import call_command

    settings.HELPCENTER_LINK_MAX_AGE_DAYS = 30
    fresh = ticket.tracking_token()
    PrivateLinkToken.objects.exclude(token_hash=hashlib.sha256(fresh.encode()).hexdigest()).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    expired = PrivateLinkToken.objects.count() - 1
    out = io.StringIO()
    call_command("purge_expired_data", stdout=out)
    assert out.getvalue().startswith(f"Purged: expired private links {expired},")
    assert list(PrivateLinkToken.objects.values_list("token_hash", flat=True)) == [
        hashlib.sha256(fresh.encode()).hexdigest()
    ]
    assert Ticket.from_tracking_token(fresh) == ticket
