"""The relevance set: queries real customers type, each with the article that answers it.

Kept as a test so that any change to analysis or ranking that makes one of them worse is seen.
relevance.json lists the query, its language, the expected article and why the case is hard
(particle, nospace, english, synonym, choseong, keyboard).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faq import search

CASES = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_demo", stdout=open("/dev/null", "w"))
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['why']}:{c['query']}" for c in CASES])
def test_the_answer_is_the_first_result(demo_db, django_db_blocker, case):
    with django_db_blocker.unblock():
        hits = search.search(case["query"], case["lang"], limit=10)
    slugs = [hit.article.slug for hit in hits]
    assert slugs and slugs[0] == case["expect"], f"{case['query']!r} → {slugs[:5]}"


def test_the_set_covers_every_kind_of_query():
    kinds = {case["why"] for case in CASES}
    assert {"particle", "nospace", "english", "synonym", "choseong", "keyboard"} <= kinds
    assert len(CASES) >= 50
