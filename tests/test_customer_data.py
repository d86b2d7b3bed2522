"""manage.py customer_data export/erase and purge_expired_data, always beside a stranger whose data must stay."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from faq.models import Article, ArticleVote, Category
from helpcenter.roles import set_up_roles
from outbox.models import OutgoingEmail
from refunds.models import ClaimEvent, ClaimFeedback, ClaimNote, Evidence, RefundClaim
from refunds.setup import ensure_policy_rules
from tickets.models import Attachment, Message, SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db

ALICE = "alice@example.com"
BOB = "bob@example.com"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def ticket_for(email: str, subject: str, file_bytes: bytes = b"%PDF-1.4 receipt") -> Ticket:
    ticket = Ticket.objects.create(subject=subject, requester_email=email, requester_name=email.split("@")[0])
    message = Message.objects.create(ticket=ticket, author_kind="customer", body=f"{subject} 본문")
    attachment = Attachment(message=message, filename="../../영수증.pdf", content_type="application/pdf", size=16)
    attachment.file.save("x", SimpleUploadedFile("x", file_bytes))
    SatisfactionResponse.objects.create(ticket=ticket, rating=5, comment="빨라요")
    OutgoingEmail.objects.create(
        thread=ticket.reference, kind="ack", to=email, subject=subject, body="접수", message_id=f"<{subject}@x>"
    )
    return ticket


def claim_for(email: str, status: str = "submitted") -> RefundClaim:
    set_up_roles()
    ensure_policy_rules()
    claim = RefundClaim.file(
        RefundClaim(
            email=email,
            username="user-" + email.split("@")[0],
            subscription_type="premium_individual",
            # One open claim per charge: each claim here is for a charge of its own.
            charge_date=timezone.localdate() - datetime.timedelta(days=5 if status == "paid" else 3),
            amount=Decimal("10900"),
            payment_method="card",
            reason="duplicate_charge",
            description="두 번 청구됐어요. 연락처 010-1234-5678",
        )
    )
    Evidence.store(claim, SimpleUploadedFile("명세서.png", b"\x89PNG evidence"), "image/png")
    ClaimNote.objects.create(claim=claim, body=f"{email} 고객 통화함")
    if status == "paid":
        RefundClaim.objects.filter(pk=claim.pk).update(status="paid", payment_reference="PAY-2026-0042")
        ClaimFeedback.objects.create(claim=claim, clarity=5, speed=4, agrees_with_decision="yes", comment="감사")
    return claim


def run(*args) -> str:
    out = io.StringIO()
    call_command("customer_data", *args, stdout=out)
    return out.getvalue().strip()


def test_export_writes_everything_about_the_address_and_nothing_about_others(tmp_path):
    ticket = ticket_for(ALICE, "앨리스 결제 문의")
    claim = claim_for("Alice@Example.com")
    ticket_for(BOB, "밥의 문의", file_bytes=b"bob's file")
    claim_for(BOB)
    output = tmp_path / "alice.zip"

    assert run("export", ALICE, "--output", str(output)) == (
        f"Wrote {output}: private_links 1, outgoing_mail 2, tickets 1, refund_claims 1, files 2."
    )
    with zipfile.ZipFile(output) as archive:
        document = json.loads(archive.read("data.json"))
        names = sorted(archive.namelist())
        receipt = archive.read(document["data"]["tickets"][0]["messages"][0]["attachments"][0]["file"])
    exported_ticket = document["data"]["tickets"][0]
    assert exported_ticket["reference"] == ticket.reference
    assert exported_ticket["subject"] == "앨리스 결제 문의"
    assert exported_ticket["messages"][0]["body"] == "앨리스 결제 문의 본문"
    assert exported_ticket["satisfaction"]["comment"] == "빨라요"
    # The acknowledgement of the ticket and the confirmation of the claim.
    assert [(mail["to"], mail["kind"]) for mail in document["data"]["outgoing_mail"]] == [
        (ALICE, "ack"),
        ("Alice@Example.com", "refund-filed"),
    ]
    # The claim's status link, sent in that confirmation: when, never the link itself.
    assert [link["kind"] for link in document["data"]["private_links"]] == ["refunds.status"]
    exported_claim = document["data"]["refund_claims"][0]
    assert (exported_claim["reference"], exported_claim["amount"]) == (claim.reference, "10900.00")
    assert [event["action"] for event in exported_claim["events"]] == ["submit"]
    assert exported_claim["internal_comments"][0]["body"] == "Alice@Example.com 고객 통화함"
    # Each file sent with the claim is listed with the name it has in the archive.
    assert [(item["filename"], item["file"]) for item in exported_claim["evidence"]] == [
        ("명세서.png", f"files/refunds/{claim.reference}/{claim.evidence.get().pk}-명세서.png")
    ]
    # Files travel beside the JSON, under names that cannot leave the archive's folder ("../../" is
    # dropped when the attachment is saved, helpcenter.uploads.safe_filename).
    assert names == sorted(
        [
            "data.json",
            f"files/tickets/{ticket.reference}/{ticket.messages.get().attachments.get().pk}-영수증.pdf",
            f"files/refunds/{claim.reference}/{claim.evidence.get().pk}-명세서.png",
        ]
    )
    assert receipt == b"%PDF-1.4 receipt"
    text = json.dumps(document, ensure_ascii=False)
    assert BOB not in text and "밥의 문의" not in text and "user-bob" not in text


def test_faq_votes_hold_no_address_and_are_not_exported(tmp_path):
    category = Category.objects.create(slug="refund", name_ko="환불", name_en="Refunds")
    article = Article.objects.create(slug="a", category=category)
    ArticleVote.objects.create(article=article, language="ko", visitor="0" * 64, helpful=True)
    output = tmp_path / "alice.zip"
    run("export", ALICE, "--output", str(output))
    with zipfile.ZipFile(output) as archive:
        document = json.loads(archive.read("data.json"))
    assert document["data"] == {"private_links": [], "tickets": [], "outgoing_mail": [], "refund_claims": []}


def test_erase_without_yes_only_says_what_would_go():
    ticket_for(ALICE, "앨리스 문의")
    assert run("erase", ALICE) == (
        "Would erase for alice@example.com: private_links 0, outgoing_mail 1, tickets 1, refund_claims 0. Run again with --yes to erase."
    )
    assert Ticket.objects.count() == 1


def test_erase_removes_the_customer_keeps_paid_refunds_and_spares_the_stranger(
    media, django_capture_on_commit_callbacks
):
    ticket_for(ALICE, "앨리스 문의")
    open_claim = claim_for(ALICE)
    paid = claim_for(ALICE, status="paid")
    bob_ticket = ticket_for(BOB, "밥의 문의")
    bob_claim = claim_for(BOB)
    # Reviewers' notes on the claims' steps: Alice's go with her words, Bob's stay.
    ClaimEvent.objects.filter(claim__in=[paid, bob_claim]).update(note="카드 명세서를 보내 주세요.")
    files_before = {path.name for path in media.rglob("*") if path.is_file()}

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows' deletion is committed
        output = run("erase", ALICE, "--yes")
    assert output == (
        "Erased for alice@example.com: private links 2, outgoing e-mails 3, tickets 1, ticket history rows anonymised 0, "
        "refund claims deleted 1, "
        "refund claims anonymised (kept for accounting) 1."
    )
    assert list(Ticket.objects.all()) == [bob_ticket]
    assert set(OutgoingEmail.objects.values_list("to", flat=True)) == {BOB}
    assert not RefundClaim.objects.filter(pk=open_claim.pk).exists()
    kept = RefundClaim.objects.get(pk=paid.pk)
    assert (kept.email, kept.username, kept.description) == (f"erased-{paid.reference.lower()}@erased.invalid", "", "")
    assert (kept.amount, kept.payment_reference, kept.status) == (Decimal("10900.00"), "PAY-2026-0042", "paid")
    assert list(ClaimEvent.objects.filter(claim=kept).values_list("note", flat=True)) == [""]
    assert list(ClaimEvent.objects.filter(claim=bob_claim).values_list("note", flat=True)) == [
        "카드 명세서를 보내 주세요."
    ]
    assert (
        not kept.evidence.exists() and not kept.notes.exists() and not ClaimFeedback.objects.filter(claim=kept).exists()
    )
    # Bob's rows and files are all still there; Alice's files are gone from the storage.
    assert RefundClaim.objects.get(pk=bob_claim.pk).email == BOB
    assert bob_claim.evidence.count() == 1 and bob_claim.notes.count() == 1
    files_after = {path.name for path in media.rglob("*") if path.is_file()}
    bob_files = {Path(f.file.name).name for f in Attachment.objects.all()} | {
        Path(e.file.name).name for e in Evidence.objects.all()
    }
    assert files_after == bob_files and len(files_before - files_after) == 3
    assert run("export", ALICE, "--output", str(media.parent / "after.zip")).endswith(
        "outgoing_mail 0, tickets 0, refund_claims 0, files 0."
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "not-an-address"], "Not an e-mail address: 'not-an-address'"),
        (["erase", "a@b", "--yes"], "Not an e-mail address: 'a@b'"),
    ],
)
def test_bad_addresses_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_export_never_overwrites(tmp_path):
    output = tmp_path / "there.zip"
    output.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        run("export", ALICE, "--output", str(output))
    assert output.read_bytes() == b"keep me"


def purge() -> str:
    out = io.StringIO()
    call_command("purge_expired_data", stdout=out)
    return out.getvalue().strip()


def test_retention_purges_old_attachments_and_old_closed_tickets_only(
    settings, media, django_capture_on_commit_callbacks
):
    settings.HELPCENTER_RETENTION_ATTACHMENT_DAYS = 30
    settings.HELPCENTER_RETENTION_CLOSED_TICKET_DAYS = 365
    now = timezone.now()
    old_closed = ticket_for(ALICE, "오래전 종료")
    Ticket.objects.filter(pk=old_closed.pk).update(status="closed", closed_at=now - datetime.timedelta(days=400))
    recent_closed = ticket_for(ALICE, "최근 종료")
    Ticket.objects.filter(pk=recent_closed.pk).update(status="closed", closed_at=now - datetime.timedelta(days=100))
    open_old = ticket_for(BOB, "진행 중")  # open for ages: never purged, only its old files
    Message.objects.filter(ticket__in=[recent_closed, open_old]).update(created_at=now - datetime.timedelta(days=60))
    fresh = ticket_for(BOB, "새 문의")
    paid = claim_for(ALICE, status="paid")
    RefundClaim.objects.filter(pk=paid.pk).update(status_changed_at=now - datetime.timedelta(days=60))
    pending = claim_for(BOB)
    RefundClaim.objects.filter(pk=pending.pk).update(status_changed_at=now - datetime.timedelta(days=60))

    with django_capture_on_commit_callbacks(execute=True):
        assert purge() == "Purged: expired private links 0, closed tickets 1, ticket attachments 2, refund evidence 1."
    assert set(Ticket.objects.all()) == {recent_closed, open_old, fresh}
    assert list(Attachment.objects.values_list("message__ticket", flat=True)) == [fresh.pk]
    assert recent_closed.messages.count() == 1  # the conversation stays; only the old file went
    assert not paid.evidence.exists() and pending.evidence.count() == 1  # an open claim keeps its evidence
    stored = sorted(path.name for path in media.rglob("*") if path.is_file())
    expected = sorted(
        [Path(a.file.name).name for a in Attachment.objects.all()]
        + [Path(e.file.name).name for e in Evidence.objects.all()]
    )
    assert stored == expected
    assert purge() == "Purged: expired private links 0, closed tickets 0, ticket attachments 0, refund evidence 0."


def history_rows_holding(text: str) -> int:
    """History rows of any tracked model with the text in any of their values."""
    from django.apps import apps

    total = 0
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            for row in model.objects.values():
                total += any(text.lower() in str(value).lower() for value in row.values())
    return total


def test_after_erase_no_history_row_holds_the_address_or_the_customers_words(media, django_capture_on_commit_callbacks):
    ticket = ticket_for(ALICE, "앨리스 결제 문의")
    ticket.mark_solved()
    # An agent corrected a ticket's address: its earlier version still held Alice's.
    moved = Ticket.objects.create(subject="계정 문의", requester_email=ALICE)
    moved.requester_email = "carol@example.com"
    moved.save()
    claim_for(ALICE)
    paid = claim_for(ALICE, status="paid")
    paid.record_assessment(RefundClaim.AssessedBecause.REVIEWER)  # a history row of the paid claim
    bob_ticket = ticket_for(BOB, "밥의 문의")
    assert history_rows_holding(ALICE) >= 4 and history_rows_holding("앨리스") >= 1

    with django_capture_on_commit_callbacks(execute=True):
        output = run("erase", ALICE, "--yes")
    assert "tickets 1, ticket history rows anonymised 1," in output
    assert history_rows_holding(ALICE) == 0
    assert history_rows_holding("앨리스") == 0
    assert history_rows_holding("두 번 청구됐어요") == 0  # the claim's text
    assert Ticket.history.filter(id=moved.pk).count() == 2  # the ticket stays, with its history
    assert Ticket.history.filter(id=bob_ticket.pk).count() == 1 and history_rows_holding(BOB) >= 1


def test_the_export_lists_earlier_values_once_and_nothing_twice(tmp_path):
    ticket = ticket_for(ALICE, "앨리스 결제 문의")
    ticket.mark_solved()
    output = tmp_path / "alice.zip"
    run("export", ALICE, "--output", str(output))
    document = json.loads(zipfile.ZipFile(output).read("data.json"))
    exported = document["data"]["tickets"]
    assert [item["reference"] for item in exported] == [ticket.reference]
    changes = [(change["field"], change["from"], change["to"]) for change in exported[0]["earlier_values"]]
    assert ("status", "new", "solved") in changes
    assert len(changes) == len(set(changes))
    assert all(field not in ("assignee", "linked_ticket", "merged_into") for field, _old, _new in changes)
