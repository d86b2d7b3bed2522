from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from faq.models import Article, ArticleTranslation, Category, ContactChannel, Synonym

pytestmark = pytest.mark.django_db

TOPICS = {
    # what the help center must cover → words its articles must contain
    "account recovery": "비밀번호",
    "log-in problems": "로그인",
    "plans": "요금제",
    "cancelling": "해지",
    "failed payments": "결제 실패",
    "duplicate charges": "중복 결제",
    "refund policy": "청약철회",
    "what to prepare": "증빙",
    "processing time": "영업일",
    "denied refunds": "이의",
    "contacting support": "오류 메시지",
    "survey": "만족도",
}


def load(settings, debug: bool) -> str:
    settings.DEBUG = debug
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_a_real_bilingual_faq(settings):
    load(settings, debug=False)
    published = Article.objects.published()
    assert published.count() >= 30
    bilingual = published.filter(translations__language="en").count()
    assert bilingual >= 0.75 * published.count()
    assert Category.objects.count() >= 5
    assert Synonym.objects.filter(term="비번").exists()
    assert ContactChannel.objects.filter(kind="phone", hours_ko__contains="10:00").exists()
    everything = " ".join(ArticleTranslation.objects.filter(language="ko").values_list("body", flat=True))
    for topic, word in TOPICS.items():
        assert word in everything, topic
    assert "5–10" in everything or "5~10" in everything or "5-10" in everything


def test_it_is_idempotent(settings):
    load(settings, debug=False)
    counts = (
        Article.objects.count(),
        ArticleTranslation.objects.count(),
        Synonym.objects.count(),
        ContactChannel.objects.count(),
        Category.objects.count(),
    )
    load(settings, debug=False)
    assert counts == (
        Article.objects.count(),
        ArticleTranslation.objects.count(),
        Synonym.objects.count(),
        ContactChannel.objects.count(),
        Category.objects.count(),
    )


def test_demo_staff_only_with_debug(settings, client):
    output = load(settings, debug=False)
    assert not get_user_model().objects.exists()
    assert "admin-demo" not in output
    output = load(settings, debug=True)
    assert "admin / admin-demo-2026" in output and "finance / finance-demo-2026  (Finance)" in output
    assert client.login(username="editor", password="editor-demo-2026")
    assert client.get("/admin/faq/article/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_the_demo_home_page_is_full(settings, client):
    load(settings, debug=False)
    html = client.get("/ko/").content.decode()
    assert html.count('class="card h-100 p-3 text-decoration-none category-card"') >= 5
    assert "1588-0000" in html
