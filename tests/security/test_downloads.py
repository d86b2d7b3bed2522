"""Ticket attachments and refund evidence leave only through views that check who asks, and always as
downloads (helpcenter.downloads): Content-Disposition attachment with a safe name, nosniff, a type
that cannot render as a page, a sandbox policy. Every check is tried with a stranger."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from refunds.models import Evidence
from tests.refunds.conftest import make_claim
from tests.tickets.conftest import PNG, form_data, staff_member, upload
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def download_headers(response) -> dict[str, str]:
    names = ["Content-Type", "Content-Disposition", *DOWNLOAD_HEADERS]
    return {name: response[name] for name in names}


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data(attachments=[upload("screenshot.png")]))
    return Ticket.objects.get()


@pytest.fixture
def attachment(ticket) -> Attachment:
    return ticket.messages.get().attachments.get()


def test_the_owner_downloads_an_attachment_through_the_private_link(client, ticket, attachment):
    response = client.get(f"/ko/requests/{ticket.tracking_token()}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert download_headers(response) == {
        "Content-Type": "image/png",
        "Content-Disposition": 'attachment; filename="screenshot.png"',
        **DOWNLOAD_HEADERS,
    }
    assert b"".join(response.streaming_content) == PNG


def test_another_customers_link_does_not_open_the_attachment(client, ticket, attachment):
    client.post("/ko/contact/", form_data(requester_email="kim@example.com", subject="다른 문의"))
    other = Ticket.objects.get(requester_email="kim@example.com")
    assert client.get(f"/ko/requests/{other.tracking_token()}/files/{attachment.pk}/").status_code == 404


def test_an_internal_notes_file_is_not_reachable_through_the_customers_link(client, ticket):
    note = Message.objects.create(ticket=ticket, author_kind=Message.Author.AGENT, body="내부 메모", is_internal=True)
    internal = Attachment(message=note, filename="내부.png", content_type="image/png", size=len(PNG))
    internal.file.save("x", ContentFile(PNG), save=False)
    internal.save()
    assert client.get(f"/ko/requests/{ticket.tracking_token()}/files/{internal.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("group", "status"), [("Agents", 200), ("Supervisors", 200), ("Editors", 403), ("Finance", 403)]
)
def test_in_the_console_only_those_who_work_tickets_download_attachments(client, attachment, group, status):
    client.force_login(staff_member("someone", groups=(group,)))
    response = client.get(f"/admin/tickets/ticket/attachment/{attachment.pk}/")
    assert response.status_code == status
    if status == 200:
        assert download_headers(response)["Content-Disposition"] == 'attachment; filename="screenshot.png"'


def test_a_mail_attachment_that_says_it_is_html_is_served_as_bytes(client, ticket):
    message = ticket.messages.get()
    html = Attachment(message=message, filename="invoice.html", content_type="text/html", size=30)
    html.file.save("x", ContentFile(b"<script>alert(document.cookie)</script>"), save=False)
    html.save()
    response = client.get(f"/ko/requests/{ticket.tracking_token()}/files/{html.pk}/")
    assert download_headers(response) == {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": 'attachment; filename="invoice.html"',
        **DOWNLOAD_HEADERS,
    }


@pytest.mark.parametrize(
    ("stored_name", "disposition"),
    [
        ('evil"\r\nSet-Cookie: session=x.png', 'attachment; filename="evilSet-Cookie session=x.png"'),
        ("../../../etc/passwd", 'attachment; filename="passwd"'),
        ("C:\\Windows\\system32\\calc.exe", 'attachment; filename="calc.exe"'),
        ("CON.png", 'attachment; filename="_CON.png"'),
        ("a\x07b\x1b.png", 'attachment; filename="ab.png"'),  # control characters (NUL: below)
        ("\u202egnp.exe", 'attachment; filename="gnp.exe"'),  # a right-to-left override hides .exe
        ("...", 'attachment; filename="attachment"'),
        ("영수증.png", "attachment; filename*=utf-8''%EC%98%81%EC%88%98%EC%A6%9D.png"),
    ],
)
def test_a_hostile_stored_file_name_cannot_break_the_header_or_name_a_path(
    client, ticket, attachment, stored_name, disposition
):
    Attachment.objects.filter(pk=attachment.pk).update(filename=stored_name)  # as an older row may hold
    response = client.get(f"/ko/requests/{ticket.tracking_token()}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition


def test_a_nul_in_a_name_never_reaches_the_row_or_the_header():
    # PostgreSQL refuses NUL in text, so no stored row can hold one: the name is cleaned first.
    from helpcenter.uploads import safe_filename

    assert safe_filename("a\x00b.png") == "ab.png"
    assert safe_filename("\x00") == "attachment"


# --- refund evidence --------------------------------------------------------------------------


@pytest.fixture
def evidence(db) -> Evidence:
    claim = make_claim()
    return Evidence.store(claim, SimpleUploadedFile("명세서.png", PNG), "image/png")


def test_the_claimant_downloads_evidence_as_a_file_and_another_claimant_cannot(client, evidence):
    response = client.get(f"/ko/refunds/status/{evidence.claim.status_token()}/files/{evidence.pk}/")
    assert download_headers(response) == {
        "Content-Type": "image/png",
        "Content-Disposition": "attachment; filename*=utf-8''%EB%AA%85%EC%84%B8%EC%84%9C.png",
        **DOWNLOAD_HEADERS,
    }
    other = make_claim(email="kim@example.com", amount="5900")
    assert client.get(f"/ko/refunds/status/{other.status_token()}/files/{evidence.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("group", "status"),
    [("Refund reviewers", 200), ("Finance", 200), ("Supervisors", 200), ("Agents", 403), ("Editors", 403)],
)
def test_in_the_console_evidence_opens_for_reviewers_finance_and_supervisors_only(client, evidence, group, status):
    client.force_login(staff_member("someone", groups=(group,)))
    response = client.get(f"/admin/refunds/refundclaim/evidence/{evidence.pk}/")
    assert response.status_code == status
    if status == 200:
        assert download_headers(response)["Content-Type"] == "image/png"


def test_an_agent_reading_a_claim_sees_the_evidence_names_but_no_link(client, evidence):
    client.force_login(staff_member("agent", groups=("Agents",)))
    html = client.get(f"/admin/refunds/refundclaim/{evidence.claim.pk}/change/").content.decode()
    assert '<span class="evidence-name">명세서.png</span>' in html
    assert f"/admin/refunds/refundclaim/evidence/{evidence.pk}/" not in html
    client.force_login(staff_member("reviewer", groups=("Refund reviewers",)))
    html = client.get(f"/admin/refunds/refundclaim/{evidence.claim.pk}/change/").content.decode()
    assert f'<a href="/admin/refunds/refundclaim/evidence/{evidence.pk}/">명세서.png</a>' in html


def test_the_attachment_admin_page_links_to_the_checked_download_not_to_media(client, attachment):
    client.force_login(staff_member("agent", groups=("Agents",)))
    html = client.get(f"/admin/tickets/attachment/{attachment.pk}/change/").content.decode()
    assert f'<a href="/admin/tickets/ticket/attachment/{attachment.pk}/">screenshot.png</a>' in html
    assert "/media/" not in html
