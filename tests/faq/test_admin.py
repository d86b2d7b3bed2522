"""The FAQ's part of the console, as an editor uses it and as members of other roles may not."""

from __future__ import annotations

import pytest

from faq import search
from faq.models import Article, ArticleVote, Category, ContactChannel, SearchQueryStat, Synonym

pytestmark = pytest.mark.django_db


def inline_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "2",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def new_article_data() -> dict:
    category = Category.objects.get(slug="playback")
    data = {"slug": "offline-download", "category": category.pk, "status": "published"}
    return data | inline_data(
        "translations",
        [
            {"language": "ko", "title": "오프라인 저장 방법", "body": "**저장** 버튼을 누르세요."},
            {"language": "en", "title": "Saving music for offline", "body": "Tap **Save**."},
        ],
    )


def test_an_article_is_written_in_both_languages_on_one_page(editor, corpus):
    page = editor.get("/admin/faq/article/add/").content.decode()
    assert 'name="translations-0-title"' in page and 'name="translations-1-title"' in page
    response = editor.post("/admin/faq/article/add/", new_article_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="offline-download")
    assert article.languages() == ["en", "ko"]
    assert [hit.article.slug for hit in search.search("오프라인", "ko")] == ["offline-download"]
    change = editor.get(f"/admin/faq/article/{article.pk}/change/").content.decode()
    assert "<strong>저장</strong>" in change  # the rendered preview


def test_other_roles_cannot_write_articles(agent, finance, corpus):
    for stranger in (agent, finance):
        assert stranger.get("/admin/faq/article/add/").status_code == 403
        assert stranger.post("/admin/faq/article/add/", new_article_data()).status_code == 403
    assert not Article.objects.filter(slug="offline-download").exists()
    article = Article.objects.get(slug="reset-password")
    # Agents read articles to answer customers; the page they get is read-only.
    page = agent.get(f"/admin/faq/article/{article.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "비밀번호 재설정 방법" in page
    assert finance.get(f"/admin/faq/article/{article.pk}/change/").status_code == 403


def refund_article_ids() -> list[int]:
    return list(Article.objects.filter(category__slug="refund").values_list("pk", flat=True))


def test_publish_and_unpublish_actions_update_search(editor, corpus):
    ids = refund_article_ids()
    response = editor.post("/admin/faq/article/", {"action": "unpublish", "_selected_action": ids}, follow=True)
    assert "문서 2개의 게시를 중단했습니다." in response.content.decode()
    assert not Article.objects.filter(pk__in=ids, status="published").exists()
    assert search.search("환불", "ko") == []
    response = editor.post("/admin/faq/article/", {"action": "publish", "_selected_action": ids}, follow=True)
    assert "문서 2개를 게시했습니다." in response.content.decode()
    assert len(search.search("환불", "ko")) == 2


def test_other_roles_cannot_publish_or_unpublish(agent, finance, corpus):
    ids = refund_article_ids()
    html = agent.get("/admin/faq/article/").content.decode()
    assert 'value="unpublish"' not in html and 'name="_selected_action"' not in html
    agent.post("/admin/faq/article/", {"action": "unpublish", "_selected_action": ids})
    response = finance.post("/admin/faq/article/", {"action": "unpublish", "_selected_action": ids})
    assert response.status_code == 403
    assert Article.objects.filter(pk__in=ids, status="published").count() == 2
    assert len(search.search("환불", "ko")) == 2


def test_article_list_search_and_filters(editor, agent, finance, corpus):
    for member in (editor, agent):
        html = member.get("/admin/faq/article/", {"q": "비밀번호"}).content.decode()
        assert "reset-password" in html and "refund-policy" not in html
    html = editor.get("/admin/faq/article/", {"language": "ko-only"}).content.decode()
    assert "app-crashes" in html and "refund-policy" not in html
    Article.objects.get(slug="app-crashes").unpublish()
    drafts = editor.get("/admin/faq/article/", {"status__exact": "draft"}).content.decode()
    assert "app-crashes" in drafts and "refund-policy" not in drafts and "reset-password" not in drafts
    assert finance.get("/admin/faq/article/").status_code == 403


def category_order_data(order: dict[str, int]) -> dict:
    categories = list(Category.objects.all())
    data = {"form-TOTAL_FORMS": str(len(categories)), "form-INITIAL_FORMS": str(len(categories)), "_save": "Save"}
    for i, category in enumerate(categories):
        data[f"form-{i}-id"] = category.pk
        data[f"form-{i}-position"] = order[category.slug]
    return data


def test_category_order_is_edited_in_the_list(editor, corpus, client):
    data = category_order_data({"playback": 0, "refund": 1, "account": 2})
    assert editor.post("/admin/faq/category/", data).status_code == 302
    html = client.get("/ko/").content.decode()
    html = html[html.index('id="categories-heading"') :]
    assert html.index("재생·앱") < html.index("환불") < html.index("계정·로그인")


def test_other_roles_cannot_reorder_categories(agent, finance, corpus):
    before = list(Category.objects.values_list("slug", flat=True))
    agent.post("/admin/faq/category/", category_order_data({"playback": 0, "refund": 1, "account": 2}))
    assert (
        finance.post(
            "/admin/faq/category/", category_order_data({"playback": 0, "refund": 1, "account": 2})
        ).status_code
        == 403
    )
    assert list(Category.objects.values_list("slug", flat=True)) == before


def test_synonyms_are_maintained_in_the_admin(editor, agent, finance, corpus):
    assert search.search("패쓰워드", "ko") == []
    for stranger in (agent, finance):
        assert (
            stranger.post("/admin/faq/synonym/add/", {"term": "패쓰워드", "expands_to": "비밀번호"}).status_code == 403
        )
    assert not Synonym.objects.filter(term="패쓰워드").exists()
    response = editor.post("/admin/faq/synonym/add/", {"term": "패쓰워드", "expands_to": "비밀번호"})
    assert response.status_code == 302
    assert Synonym.objects.get(term="패쓰워드").origin == Synonym.Origin.AGENT
    assert search.search("패쓰워드", "ko")[0].article.slug == "reset-password"


def test_search_analytics_list_frequent_and_fruitless_queries(editor, corpus, client):
    for _ in range(3):
        client.get("/ko/faq/search/", {"q": "환불"})
    client.get("/ko/faq/search/", {"q": "우주여행"})
    html = editor.get("/admin/faq/searchquerystat/").content.decode()
    assert html.index("환불") < html.index("우주여행")
    html = editor.get("/admin/faq/searchquerystat/", {"outcome": "none"}).content.decode()
    assert "우주여행" in html and ">환불<" not in html
    assert SearchQueryStat.objects.get(query="환불").searches == 3
    assert editor.get("/admin/faq/searchquerystat/add/").status_code == 403


def test_other_roles_do_not_see_search_analytics(agent, finance, corpus, client):
    client.get("/ko/faq/search/", {"q": "우주여행"})
    for stranger in (agent, finance):
        assert stranger.get("/admin/faq/searchquerystat/").status_code == 403


def channel_data(**overrides) -> dict:
    data = {
        "kind": "chat",
        "label_ko": "채팅 상담",
        "label_en": "Chat",
        "value": "https://example.com/chat",
        "hours_ko": "평일 10:00–22:00",
        "position": 0,
        "is_active": "on",
    }
    return data | overrides


def test_contact_channels_are_configured_in_the_admin(editor, client, db):
    response = editor.post("/admin/faq/contactchannel/add/", channel_data())
    assert response.status_code == 302
    html = client.get("/ko/").content.decode()
    assert "채팅 상담" in html and "평일 10:00–22:00" in html
    assert ContactChannel.objects.count() == 1


def test_other_roles_cannot_add_contact_channels(agent, finance, db):
    for stranger in (agent, finance):
        assert stranger.post("/admin/faq/contactchannel/add/", channel_data()).status_code == 403
    assert ContactChannel.objects.count() == 0


def test_votes_and_comments_are_visible_to_editors_only(editor, agent, finance, corpus, client):
    client.post("/ko/faq/articles/refund-policy/vote/", {"helpful": "no", "comment": "앱스토어 환불은요?"})
    html = editor.get("/admin/faq/articlevote/").content.decode()
    assert "앱스토어 환불은요?" in html
    vote = ArticleVote.objects.get()
    assert editor.post(f"/admin/faq/articlevote/{vote.pk}/change/", {"comment": "고침"}).status_code == 403
    for stranger in (agent, finance):
        assert stranger.get("/admin/faq/articlevote/").status_code == 403
    assert ArticleVote.objects.get().comment == "앱스토어 환불은요?"


def test_the_admin_needs_a_staff_login(client, corpus):
    response = client.get("/admin/faq/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_contact_channel_links_must_be_safe(editor, db):
    for kind, value in [
        ("chat", "javascript:alert(1)"),
        ("web", "//evil.example"),
        ("email", "not-an-address"),
        ("phone", "<script>"),
    ]:
        response = editor.post(
            "/admin/faq/contactchannel/add/",
            {"kind": kind, "label_ko": "x", "value": value, "position": 0, "is_active": "on"},
        )
        assert response.status_code == 200, (kind, value)
    assert ContactChannel.objects.count() == 0


def test_the_last_translation_of_an_article_cannot_be_deleted(editor, corpus):
    article = Article.objects.get(slug="app-crashes")
    item = article.translations.get()
    data = {
        "slug": article.slug,
        "category": article.category_id,
        "status": "published",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "1",
        "translations-MIN_NUM_FORMS": "1",
        "translations-MAX_NUM_FORMS": "2",
        "translations-0-id": item.pk,
        "translations-0-article": article.pk,
        "translations-0-language": "ko",
        "translations-0-title": item.title,
        "translations-0-body": item.body,
        "translations-0-DELETE": "on",
    }
    response = editor.post(f"/admin/faq/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert article.translations.count() == 1
