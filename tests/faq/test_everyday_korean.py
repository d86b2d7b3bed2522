"""Everyday phrasing: verb forms, "it doesn't work" said several ways, intent words, misspellings
and Korean on the English page, each with the demo article that answers it (everyday.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faq import search
from helpcenter.text_analysis import COMPLAINT, WEAK_TERMS, analyse

CASES = json.loads((Path(__file__).parent / "everyday.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_demo", stdout=open("/dev/null", "w"))
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['why']}:{c['query']}" for c in CASES])
def test_the_answer_is_the_first_result(demo_db, django_db_blocker, case):
    with django_db_blocker.unblock():
        found = search.answer(case["query"], case["lang"], limit=10)
        slugs = [hit.article.slug for hit in search.hits_for(found.ids, found.query)]
    assert slugs and slugs[0] in case["expect"], f"{case['query']!r} → {slugs[:5]}"


@pytest.mark.parametrize(
    "forms",
    [
        ["바꾸고 싶어요", "바꿨는데", "바꾸기", "바꿔", "바꿔요", "바꾸려면", "바꿀래요"],
        ["돌려받고", "돌려받을 수", "돌려받았어요", "돌려받으려면"],
        ["해지하고", "해지했는데", "해지하려면", "해지"],
    ],
)
def test_verb_forms_are_one_word(forms):
    meaningful = [[term for term in analyse(form) if term not in WEAK_TERMS] for form in forms]
    assert all(terms == meaningful[0] for terms in meaningful), dict(zip(forms, meaningful, strict=True))
    assert len(meaningful[0]) >= 1


def test_doesnt_work_said_any_way_is_the_same_complaint():
    for phrase in ["안 나와요", "안 나요", "안 돼요", "안돼요", "안 되나요", "나오지 않아요", "안 될 때"]:
        assert analyse(phrase) in (["안", COMPLAINT], [COMPLAINT, "않"], ["안", COMPLAINT, "때"]), phrase
    assert (
        analyse("결제가 안 나와요")
        == analyse("결제가 안 나요")
        == analyse("결제가 안 돼요")
        == ["결제", "안", COMPLAINT]
    )
    # Without the negation they are words of their own.
    assert COMPLAINT not in analyse("결제가 돼요") + analyse("소리가 나와요")


def test_nouns_keep_their_last_syllable():
    assert analyse("광고")[0] == "광고"
    assert analyse("해지") == ["해지"]
    assert analyse("구독해지") == ["구독", "독해", "해지", "구독해지"]
    assert analyse("기기에서")[0] == "기기"
