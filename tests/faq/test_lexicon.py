"""The shipped lexicon: present after `migrate`, in every new help center, and agents' edits stand."""

from __future__ import annotations

import importlib
import json
from io import StringIO

import pytest
from django.apps import apps as current_apps
from django.core.management import CommandError, call_command

from faq import search
from faq.lexicon import LexiconEntry, LexiconError, load_lexicon, read_lexicon
from faq.models import ShippedSynonym, Synonym
from tests.faq.relevance_set import DEMO_FAQ

pytestmark = pytest.mark.django_db

ENTRIES = read_lexicon()
TOPICS = {"account", "devices", "subscription", "payment", "refund", "playback", "contact"}


def rerun_migration() -> None:
    migration = importlib.import_module("faq.migrations.0006_load_support_lexicon")
    migration.load(current_apps, None)


def slugs(query: str, language: str = "ko") -> list[str]:
    return [hit.article.slug for hit in search.search(query, language)]


def test_the_lexicon_is_there_after_migrate_alone():
    assert len(ENTRIES) >= 300
    assert Synonym.objects.count() == len(ENTRIES)
    assert Synonym.objects.filter(origin=Synonym.Origin.LEXICON).count() == len(ENTRIES)
    synonym = Synonym.objects.get(term="노래", expands_to="음악 곡")
    assert not synonym.bidirectional
    assert synonym.note == "Customers say 노래 (song); the articles say 음악 and 곡."
    assert ShippedSynonym.objects.count() == len(ENTRIES)


def test_every_entry_says_why_and_every_topic_is_covered():
    assert all(entry.why.strip() for entry in ENTRIES)
    assert {entry.topic for entry in ENTRIES} == TOPICS
    one_way = sum(not entry.bidirectional for entry in ENTRIES)
    assert one_way > 0.9 * len(ENTRIES)  # broader words lead to narrower ones, not back
    people = {entry.term for entry in ENTRIES if entry.topic == "contact"}
    assert {"상담사", "사람이랑", "human"} <= people


def test_a_help_center_started_with_import_faq_answers_the_issues_examples(tmp_path):
    call_command("import_faq", str(DEMO_FAQ), stdout=StringIO())
    assert slugs("노래")[:1] == ["music-not-playing"]
    assert slugs("카드 바꾸기")[:1] == ["change-payment-method"]
    assert slugs("돈 돌려받고 싶어요")[:1] == ["refund-policy"]
    assert slugs("상담사 연결")[:1] == ["contact-support"]
    assert slugs("비번 생각이 안 나요")[:1] == ["reset-password"]
    assert slugs("정기결제 끊기")[:1] == ["cancel-subscription"]
    assert slugs("가격 올랐어요")[:1] == ["plans-and-prices"]
    assert slugs("talk to a human", "en")[:1] == ["contact-support"]
    assert slugs("money back", "en")[:1] == ["refund-policy"]


def test_import_faq_into_emptied_tables_brings_the_lexicon_back():
    # As after `manage.py flush`: no synonyms, and no memory of having shipped any.
    Synonym.objects.all().delete()
    ShippedSynonym.objects.all().delete()
    out = StringIO()
    call_command("import_faq", str(DEMO_FAQ), stdout=out)
    assert f"{len(ENTRIES)} lexicon synonyms added." in out.getvalue()
    assert Synonym.objects.count() == len(ENTRIES)
    assert slugs("노래")[:1] == ["music-not-playing"]


def test_agent_edits_survive_reloading_the_lexicon():
    edited = Synonym.objects.get(term="노래", expands_to="음악 곡")
    edited.expands_to = "음악"
    edited.bidirectional = True
    edited.save()
    Synonym.objects.get(term="비번", expands_to="비밀번호").delete()
    Synonym.objects.create(term="뮤비", expands_to="뮤직비디오")
    before = Synonym.objects.count()

    rerun_migration()
    call_command("load_lexicon", stdout=StringIO())
    call_command("import_faq", str(DEMO_FAQ), stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    assert Synonym.objects.count() == before
    edited.refresh_from_db()
    assert (edited.expands_to, edited.bidirectional) == ("음악", True)
    assert not Synonym.objects.filter(term="비번").exists()
    assert Synonym.objects.filter(term="뮤비", origin=Synonym.Origin.AGENT).exists()


def test_a_newer_lexicon_adds_only_its_new_entries():
    Synonym.objects.get(term="비번", expands_to="비밀번호").delete()
    newer = ENTRIES + [LexiconEntry("뮤비", "뮤직비디오", False, "playback", "Short for music video.")]
    assert load_lexicon(entries=newer) == 1
    assert Synonym.objects.get(term="뮤비").note == "Short for music video."
    assert not Synonym.objects.filter(term="비번").exists()


def test_a_pair_an_agent_made_first_is_kept_as_theirs():
    Synonym.objects.all().delete()
    ShippedSynonym.objects.all().delete()
    Synonym.objects.create(term="비번", expands_to="비밀번호", bidirectional=True)
    assert load_lexicon() == len(ENTRIES) - 1
    mine = Synonym.objects.get(term="비번", expands_to="비밀번호")
    assert mine.bidirectional and mine.origin == Synonym.Origin.AGENT


def test_the_command_says_what_it_did():
    out = StringIO()
    call_command("load_lexicon", stdout=out)
    assert out.getvalue() == f"0 synonyms added from support_ko_en.json ({len(ENTRIES)} entries in the lexicon).\n"


def test_a_broken_lexicon_file_is_refused_with_where_and_why(tmp_path):
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"entries": [{"term": "Refund", "expands_to": "환불", "topic": "refund", "why": "x"}]}))
    with pytest.raises(LexiconError, match=r"lexicon.json, entry 1: 'Refund' must be lower case"):
        read_lexicon(path)
    path.write_text(json.dumps({"entries": [{"term": "환불"}]}))
    with pytest.raises(LexiconError, match="entry 1: needs term, expands_to, topic and why"):
        read_lexicon(path)


def test_the_command_reports_a_broken_file(monkeypatch, tmp_path):
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"entries": [{"term": "a", "expands_to": "b", "topic": "t", "why": " "}]}))
    monkeypatch.setattr("faq.management.commands.load_lexicon.read_lexicon", lambda: read_lexicon(path))
    with pytest.raises(CommandError, match="entry 1: says nothing about why"):
        call_command("load_lexicon", stdout=StringIO())
