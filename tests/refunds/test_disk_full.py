"""A full disk while a claim's evidence is written: the customer is told to try again, and neither a
claim, an event, an evidence row nor a partial file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outbox.models import OutgoingEmail
from refunds.models import ClaimEvent, Evidence, RefundClaim
from tests.refunds.conftest import make_claim
from tests.refunds.test_claim_form import data as claim_data

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
TRY_AGAIN = "지금은 파일을 저장할 수 없어 아무것도 보내지 않았습니다. 잠시 후 다시 시도해 주세요."


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def disk_full(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.tickets.test_faults.DiskFullHalfWay",
            "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
        },
    }
    return Path(settings.MEDIA_ROOT)


def test_filing_a_claim_on_a_full_disk_says_try_again_and_keeps_nothing(client, disk_full):
    response = client.post("/ko/refunds/", claim_data(evidence=[SimpleUploadedFile("명세서.png", PNG)]))
    assert response.status_code == 503
    assert [str(m) for m in response.context["messages"]] == [TRY_AGAIN]
    assert (RefundClaim.objects.count(), ClaimEvent.objects.count(), Evidence.objects.count()) == (0, 0, 0)
    assert OutgoingEmail.objects.count() == 0
    assert files_under(disk_full) == []


def test_answering_with_a_file_on_a_full_disk_says_try_again_and_the_claim_waits(client, reviewer, settings):
    claim = make_claim()
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    token = claim.status_token()
    events_before = claim.events.count()
    media = Path(settings.MEDIA_ROOT)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.tickets.test_faults.DiskFullHalfWay", "OPTIONS": {"location": str(media)}},
    }
    response = client.post(
        f"/ko/refunds/status/{token}/answer/", {"note": "첨부합니다.", "files": [SimpleUploadedFile("a.png", PNG)]}
    )
    assert [str(m) for m in response.wsgi_request._messages] == [TRY_AGAIN]
    claim.refresh_from_db()
    assert claim.status == "info_requested"
    assert (claim.events.count(), Evidence.objects.count()) == (events_before, 0)
    assert files_under(media) == []


def test_an_answer_whose_step_fails_after_its_file_was_written_keeps_no_file(reviewer, settings):
    from unittest import mock

    from django.db import DatabaseError

    claim = make_claim()
    claim.request_info(reviewer, "명세서를 보내 주세요.")
    media = Path(settings.MEDIA_ROOT)
    before = files_under(media)
    with mock.patch("refunds.notifications.status_changed", side_effect=DatabaseError("queue unavailable")):
        with pytest.raises(DatabaseError):
            claim.provide_info("첨부합니다.", files=[(SimpleUploadedFile("a.png", PNG), "image/png")])
    assert Evidence.objects.count() == 0
    assert files_under(media) == before


def test_evidence_sent_with_a_claim_belongs_to_its_filing_event(client):
    client.post("/ko/refunds/", claim_data(evidence=[SimpleUploadedFile("명세서.png", PNG)]))
    filed = ClaimEvent.objects.get(action="submit")
    assert [evidence.filename for evidence in filed.files.all()] == ["명세서.png"]
