from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from faq import search
from faq.models import Article, ArticleTranslation, Category

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "categories": [{"slug": "playback", "name": {"ko": "재생", "en": "Playback"}}],
    "articles": [
        {
            "slug": "lyrics-not-showing",
            "category": "playback",
            "translations": {
                "ko": {"title": "가사가 보이지 않을 때", "body": "가사 보기 설정을 켜 주세요."},
                "en": {"title": "Lyrics are not showing", "body": "Turn on *show lyrics* in settings."},
            },
        }
    ],
}


def write(tmp_path, data, name="faq.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_import_creates_publishes_and_indexes(tmp_path):
    out = StringIO()
    call_command("import_faq", write(tmp_path, DOCUMENT), stdout=out)
    assert "1 articles created" in out.getvalue()
    article = Article.objects.get(slug="lyrics-not-showing")
    assert article.is_published and article.category.name_en == "Playback"
    assert article.translation("en").title == "Lyrics are not showing"
    assert [hit.article.slug for hit in search.search("가사가", "ko")] == ["lyrics-not-showing"]


def test_import_upserts_by_slug(tmp_path):
    call_command("import_faq", write(tmp_path, DOCUMENT), stdout=StringIO())
    Article.objects.get(slug="lyrics-not-showing").unpublish()
    changed = json.loads(json.dumps(DOCUMENT))
    changed["articles"][0]["translations"]["ko"]["title"] = "가사 표시 문제 해결"
    out = StringIO()
    call_command("import_faq", write(tmp_path, changed), stdout=out)
    assert "0 articles created, 1 updated" in out.getvalue()
    assert Article.objects.count() == 1 and ArticleTranslation.objects.count() == 2
    article = Article.objects.get()
    assert article.is_published and article.translation("ko").title == "가사 표시 문제 해결"
    assert search.search("표시", "ko")


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "not valid JSON"),
        ('{"articles": [{"slug": 1}]', "not valid JSON"),
        ('{"articles": [{"slug": 1}]}', "articles[0].slug"),
        ('["a list"]', "JSON object"),
        (
            '{"articles": [{"slug": "ok", "category": "unknown", "translations": {"ko": {"title": "t", "body": "b"}}}]}',
            "unknown category",
        ),
        (
            '{"articles": [{"slug": "ok", "category": "playback", "translations": {"fr": {"title": "t", "body": "b"}}}]}',
            "unknown language",
        ),
        (
            '{"articles": [{"slug": "ok", "category": "playback", "translations": {"ko": {"title": "", "body": "b"}}}]}',
            "title",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_problem_and_changes_nothing(tmp_path, content, problem):
    Category.objects.create(slug="playback", name_ko="재생")
    call_command("import_faq", write(tmp_path, DOCUMENT), stdout=StringIO())
    with pytest.raises(CommandError) as error:
        call_command("import_faq", write(tmp_path, content, "bad.json"), stdout=StringIO())
    assert problem in str(error.value)
    assert Article.objects.count() == 1 and Article.objects.get().translation("ko").title == "가사가 보이지 않을 때"


def test_a_bad_article_late_in_the_file_leaves_earlier_ones_unwritten(tmp_path):
    data = json.loads(json.dumps(DOCUMENT))
    data["articles"].append({"slug": "second", "category": "playback", "translations": {}})
    with pytest.raises(CommandError, match="articles\\[1\\].translations"):
        call_command("import_faq", write(tmp_path, data), stdout=StringIO())
    assert Article.objects.count() == 0 and Category.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_faq", str(tmp_path / "nope.json"))


def test_export_writes_the_import_format_and_round_trips(tmp_path, corpus):
    out = StringIO()
    call_command("export_faq", stdout=out)
    exported = json.loads(out.getvalue())
    assert {c["slug"] for c in exported["categories"]} == {"refund", "account", "playback"}
    article = next(a for a in exported["articles"] if a["slug"] == "refund-policy")
    assert article["category"] == "refund"
    assert article["translations"]["ko"]["title"] == "환불 정책 안내"
    assert set(article["translations"]) == {"ko", "en"}

    Article.objects.all().delete()
    call_command("import_faq", write(tmp_path, exported), stdout=StringIO())
    assert Article.objects.published().count() == 4
    again = StringIO()
    call_command("export_faq", stdout=again)
    assert json.loads(again.getvalue()) == exported


def test_export_to_a_file(tmp_path, corpus):
    target = tmp_path / "out.json"
    call_command("export_faq", "--output", str(target), stdout=StringIO())
    assert len(json.loads(target.read_text(encoding="utf-8"))["articles"]) == 4
