"""An article's history page: its own changes (status, category) and its translations' (title,
body), with the editor who made them."""

from __future__ import annotations

import re

import pytest

from faq.models import Article
from tests.faq.conftest import console_member
from tests.tickets.test_history import changes, users

pytestmark = pytest.mark.django_db


def change_form(article: Article, **korean) -> dict:
    translations = list(article.translations.order_by("language"))
    data = {
        "slug": article.slug,
        "category": article.category_id,
        "status": "draft",
        "translations-TOTAL_FORMS": len(translations),
        "translations-INITIAL_FORMS": len(translations),
        "translations-MIN_NUM_FORMS": 1,
        "translations-MAX_NUM_FORMS": 2,
    }
    for index, item in enumerate(translations):
        values = {"title": item.title, "body": item.body, "summary": item.summary}
        if item.language == "ko":
            values.update(korean)
        data.update({f"translations-{index}-{name}": value for name, value in values.items()})
        data.update(
            {
                f"translations-{index}-id": item.pk,
                f"translations-{index}-article": article.pk,
                f"translations-{index}-language": item.language,
            }
        )
    return data


def test_an_editors_change_of_status_and_title_reads_on_the_articles_history(corpus):
    editor = console_member("editor-jung", "Editors")
    article = Article.objects.get(slug="reset-password")
    response = editor.post(
        f"/admin/faq/article/{article.pk}/change/", change_form(article, title="비밀번호를 잊었을 때")
    )
    assert response.status_code == 302
    html = editor.get(f"/admin/faq/article/{article.pk}/history/").content.decode()
    own, translations = html.split("<h2>번역</h2>")
    assert changes(own)[0] == "상태: 게시됨 → 임시 저장"  # then the import's own publishing
    assert changes(translations) == ["제목: 비밀번호 재설정 방법 → 비밀번호를 잊었을 때"]
    assert users(own)[0] == users(translations)[0] == "editor-jung"
    assert re.findall(r"<td>(ko|en)</td>", translations)[0] == "ko"


def test_a_finance_clerk_reads_no_article_history(corpus):
    stranger = console_member("finance-yoon", "Finance")
    article = Article.objects.get(slug="reset-password")
    assert stranger.get(f"/admin/faq/article/{article.pk}/history/").status_code == 403
