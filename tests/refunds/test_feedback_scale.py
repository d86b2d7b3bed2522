"""The service survey on a decided claim: each 1–5 scale says what its ends mean."""

from __future__ import annotations

import re

import pytest

from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db


def scale(html: str, field: str) -> list[str]:
    return re.findall(rf'<label for="id_{field}_\d" class="form-check-label">\s*(.*?)\s*</label>', html)


def test_both_scales_name_their_ends(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "정책 대상 아님")
    html = client.get(claim.status_path()).content.decode()
    assert scale(html, "clarity") == ["1 – 매우 불명확", "2", "3", "4", "5 – 매우 명확"]
    assert scale(html, "speed") == ["1 – 매우 느림", "2", "3", "4", "5 – 매우 빠름"]


def test_the_answers_are_still_the_numbers(client, reviewer):
    claim = make_claim()
    claim.deny(reviewer, "정책 대상 아님")
    client.post(
        f"/ko/refunds/status/{claim.status_token()}/feedback/",
        {"clarity": "1", "speed": "5", "agrees_with_decision": "partly"},
    )
    claim.refresh_from_db()
    assert (claim.feedback.clarity, claim.feedback.speed) == (1, 5)
