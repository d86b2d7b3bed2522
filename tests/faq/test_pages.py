from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils.http import http_date

from faq.models import Article, ArticleTranslation, ContactChannel

pytestmark = pytest.mark.django_db


def _tags(html: str) -> list[tuple[str, list]]:
    """Every element a browser would build from this HTML, with its attributes."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


@pytest.fixture
def channels(db):
    ContactChannel.objects.create(
        kind="phone",
        label_ko="전화 상담",
        label_en="Call us",
        value="1588-0000",
        hours_ko="평일 10:00–18:00",
        hours_en="Weekdays 10:00–18:00",
    )
    ContactChannel.objects.create(kind="email", label_ko="이메일 문의", label_en="E-mail us", value="help@example.com")


def test_root_sends_visitors_to_the_korean_help_center(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ko/"


def test_home_page_has_search_categories_popular_articles_and_contact_options(client, corpus, channels):
    Article.objects.filter(slug="reset-password").update(view_count=50)
    response = client.get("/ko/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and 'name="q"' in html
    for name in ["환불", "계정·로그인", "재생·앱"]:
        assert name in html
    assert html.index("비밀번호 재설정 방법") < html.index("환불 정책 안내")  # most read first
    assert "1588-0000" in html and "평일 10:00–18:00" in html and "help@example.com" in html
    assert 'href="tel:15880000"' in html


def test_contact_channels_are_edited_in_the_admin_not_the_templates(client, corpus, channels):
    ContactChannel.objects.filter(kind="phone").update(value="02-123-4567", hours_ko="연중무휴 24시간")
    html = client.get("/ko/").content.decode()
    assert "02-123-4567" in html and "연중무휴 24시간" in html and "1588-0000" not in html
    # Saved as the admin saves it (queryset.update() sends no signal, so it would not reach cached pages).
    phone = ContactChannel.objects.get(kind="phone")
    phone.is_active = False
    phone.save()
    assert "02-123-4567" not in client.get("/ko/").content.decode()


def test_english_pages_show_english_content(client, corpus, channels):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Refunds" in html and "Call us" in html and "Weekdays 10:00–18:00" in html
    html = client.get("/en/faq/articles/refund-policy/").content.decode()
    assert "Our refund policy" in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, corpus):
    html = client.get("/ko/faq/articles/reset-password/").content.decode()
    assert 'href="/en/faq/articles/reset-password/"' in html
    assert 'hreflang="en"' in html


def test_category_list_and_category_pages(client, corpus):
    html = client.get("/ko/faq/").content.decode()
    assert "환불 정책 안내" in html and "비밀번호 재설정 방법" in html
    html = client.get("/ko/faq/categories/refund/").content.decode()
    assert "환불 정책 안내" in html and "환불 신청 방법과 준비할 것" in html
    assert "비밀번호 재설정 방법" not in html
    assert client.get("/ko/faq/categories/nope/").status_code == 404


def test_article_page_has_breadcrumbs_update_time_related_articles_and_meta(client, corpus):
    response = client.get("/ko/faq/articles/refund-policy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="article-title">환불 정책 안내</h1>' in html
    assert 'class="breadcrumb"' in html and 'href="/ko/faq/categories/refund/"' in html
    assert "<time datetime=" in html
    assert "환불 신청 방법과 준비할 것" in html  # related: same category
    assert '<link rel="canonical" href="http://testserver/ko/faq/articles/refund-policy/">' in html
    assert '<link rel="alternate" hreflang="ko" href="http://testserver/ko/faq/articles/refund-policy/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/faq/articles/refund-policy/">' in html
    assert '<meta name="description" content="환불이 가능한 경우' in html
    assert "<h2>환불이 가능한 경우</h2>" in html and "<strong>중복 결제</strong>" in html


def test_the_meta_description_follows_the_body_until_an_editor_writes_one(client, corpus):
    item = Article.objects.get(slug="refund-policy").translations.get(language="ko")
    item.body = "## 새 안내\n\n**2026년부터** 환불은 앱에서 바로 신청합니다."
    item.save()
    html = client.get("/ko/faq/articles/refund-policy/").content.decode()
    assert '<meta name="description" content="새 안내 2026년부터 환불은 앱에서 바로 신청합니다.">' in html
    category = client.get("/ko/faq/categories/refund/").content.decode()
    assert "새 안내 2026년부터 환불은 앱에서 바로 신청합니다." in category

    item.summary = "편집자가 쓴 설명"
    item.save()
    item.body = "또 바뀐 본문"
    item.save()
    html = client.get("/ko/faq/articles/refund-policy/").content.decode()
    assert '<meta name="description" content="편집자가 쓴 설명">' in html


def test_migrating_clears_descriptions_that_were_copied_from_the_body(corpus):
    from importlib import import_module

    from django.apps import apps

    from faq.markdown import summarise

    migration = import_module("faq.migrations.0003_derived_meta_descriptions_are_not_stored")
    copied, written = ArticleTranslation.objects.filter(article__slug="refund-policy").order_by("language")
    ArticleTranslation.objects.filter(pk=copied.pk).update(summary=summarise(copied.body, 160))
    ArticleTranslation.objects.filter(pk=written.pk).update(summary="An editor's own words")
    migration.clear_derived_descriptions(apps, None)
    copied.refresh_from_db()
    written.refresh_from_db()
    assert (copied.summary, written.summary) == ("", "An editor's own words")


def test_hreflang_lists_only_languages_the_article_is_written_in(client, corpus):
    html = client.get("/ko/faq/articles/app-crashes/").content.decode()
    assert 'hreflang="en" href="http://testserver/en/faq/articles/app-crashes/"' not in html


def test_article_missing_in_a_language_sends_to_the_language_it_exists_in(client, corpus):
    response = client.get("/en/faq/articles/app-crashes/")
    assert response.status_code == 302
    assert response["Location"] == "/ko/faq/articles/app-crashes/"


def test_drafts_and_unknown_articles_are_not_found(client, corpus):
    Article.objects.get(slug="refund-policy").unpublish()
    response = client.get("/ko/faq/articles/refund-policy/")
    assert response.status_code == 404
    assert "검색" in response.content.decode() or "Search" in response.content.decode()
    assert client.get("/ko/faq/articles/does-not-exist/").status_code == 404


def test_article_pages_answer_conditional_requests_with_304(client, corpus):
    first = client.get("/ko/faq/articles/refund-policy/")
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/ko/faq/articles/refund-policy/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/ko/faq/articles/refund-policy/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Editing the article makes the old copy stale.
    item = Article.objects.get(slug="refund-policy").translations.get(language="ko")
    item.body += "\n\n추가 안내"
    item.save()
    assert client.get("/ko/faq/articles/refund-policy/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/ko/faq/articles/refund-policy/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_article_views_are_counted(client, corpus):
    client.get("/ko/faq/articles/refund-policy/")
    client.get("/ko/faq/articles/refund-policy/")
    assert Article.objects.get(slug="refund-policy").view_count == 2


def test_markdown_cannot_carry_scripts_event_handlers_or_javascript_links(client, corpus):
    item = Article.objects.get(slug="refund-policy").translations.get(language="ko")
    item.body = (
        "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[클릭](javascript:alert(1)) "
        '[링크](JaVaScRiPt:alert(1)) <a href="javascript:alert(1)" onclick="x()">a</a> '
        "![그림](javascript:alert(1)) [안전](https://example.com)"
    )
    item.save()
    html = client.get("/ko/faq/articles/refund-policy/").content.decode()
    body = html[html.index('class="article-body"') : html.index('id="feedback"')]
    tags = _tags(body)
    assert "script" not in [name for name, _attrs in tags]
    for _name, attrs in tags:
        for attr, value in attrs:
            assert not attr.startswith("on"), attr
            assert not (value or "").strip().lower().startswith("javascript:"), value
    assert '<a href="https://example.com" rel="noopener noreferrer">안전</a>' in body


def test_sitemap_lists_every_published_article_in_each_language(client, corpus):
    Article.objects.get(slug="request-refund").unpublish()
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/ko/faq/articles/refund-policy/" in xml
    assert "http://testserver/en/faq/articles/refund-policy/" in xml
    assert "http://testserver/ko/faq/articles/app-crashes/" in xml
    assert "http://testserver/en/faq/articles/app-crashes/" not in xml
    assert "request-refund" not in xml
    assert "/ko/faq/categories/refund/" in xml


def test_unknown_pages_get_a_friendly_404(client, db):
    response = client.get("/ko/this/does/not/exist/")
    assert response.status_code == 404
    assert 'role="search"' in response.content.decode()


def test_an_article_left_without_translations_is_not_found_not_an_error(client, corpus):
    article = Article.objects.get(slug="app-crashes")
    article.translations.all().delete()
    assert client.get("/ko/faq/articles/app-crashes/").status_code == 404
    assert client.post("/ko/faq/articles/app-crashes/vote/", {"helpful": "yes"}).status_code == 404
    assert client.get("/ko/contact/suggestion/app-crashes/").status_code == 404


def test_control_characters_in_queries_are_ignored(client, corpus):
    response = client.get("/api/faq/search", {"q": "환불\x00", "lang": "ko"})
    assert response.status_code == 200 and response.json()["results"]
    assert client.get("/ko/contact/suggestion/refund-policy/", {"q": "a\x00b"}).status_code == 302
