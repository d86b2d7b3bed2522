"""Every e-mail about a claim is written by the machine and says so (RFC 3834)."""

from __future__ import annotations

import datetime
import io
from email import policy
from email.parser import BytesParser

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from refunds.models import RefundClaim
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db


def test_filed_status_reminder_and_link_mail_carry_auto_submitted(client, reviewer, settings):
    settings.REFUNDS_REMINDER_DAYS = 3
    claim = make_claim()
    claim.request_info(reviewer, "카드 명세서를 보내 주세요.")
    RefundClaim.objects.filter(pk=claim.pk).update(info_requested_at=timezone.now() - datetime.timedelta(days=4))
    call_command("refund_reminders", stdout=io.StringIO())
    client.post("/ko/refunds/find/", {"reference": claim.reference, "email": claim.email})
    call_command("send_queued_mail", stdout=io.StringIO())

    received = [BytesParser(policy=policy.default).parsebytes(m.message().as_bytes()) for m in mail.outbox]
    assert len(received) == 4  # filed, information requested, reminder, link
    assert [m["Auto-Submitted"] for m in received] == ["auto-generated"] * 4
    assert all(m["Subject"].endswith(f"[{claim.reference}]") for m in received)
