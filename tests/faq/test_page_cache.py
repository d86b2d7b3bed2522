"""The public FAQ pages shared from the cache: what an edit changes at once, and who never shares."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from faq.models import Article, ArticleTranslation, Category, ContactChannel, SearchQueryStat, Synonym
from helpcenter.models import ContentGeneration
from tests.unannounced import update_unannounced

pytestmark = pytest.mark.django_db
ARTICLE = {"ko": "/ko/faq/articles/refund-policy/", "en": "/en/faq/articles/refund-policy/"}
CATEGORY = {"ko": "/ko/faq/categories/refund/", "en": "/en/faq/categories/refund/"}


@pytest.fixture
def chat_channel(db):
    # The chat widget is on every page: with it the pages are the ones visitors really get.
    return ContactChannel.objects.create(
        kind="chat", label_ko="채팅 상담", label_en="Chat", value="/ko/", hours_ko="24시간"
    )


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_edited_article_shows_on_the_next_request(client, corpus, chat_channel, language):
    assert "추가 안내 문단" not in _page(client, ARTICLE[language])
    item = ArticleTranslation.objects.get(article__slug="refund-policy", language=language)
    item.title = f"{item.title} (개정)"
    item.body += "\n\n추가 안내 문단"
    item.save()
    html = _page(client, ARTICLE[language])
    assert "추가 안내 문단" in html
    assert f"{item.title}</h1>" in html
    assert f"{item.title}</a>" in _page(client, CATEGORY[language])


@pytest.mark.parametrize(("language", "new_name"), [("ko", "환불·취소"), ("en", "Refunds & cancellations")])
def test_a_renamed_category_shows_on_the_next_request_everywhere(client, corpus, chat_channel, language, new_name):
    pages = ["/ko/" if language == "ko" else "/en/", f"/{language}/faq/", CATEGORY[language], ARTICLE[language]]
    for path in pages:
        assert new_name.replace("&", "&amp;") not in _page(client, path)
    category = Category.objects.get(slug="refund")
    setattr(category, f"name_{language}", new_name)
    category.save()
    for path in pages:
        assert new_name.replace("&", "&amp;") in _page(client, path), path


def test_a_deleted_article_disappears_on_the_next_request(client, corpus, chat_channel):
    assert "환불 신청 방법과 준비할 것" in _page(client, CATEGORY["ko"])
    Article.objects.get(slug="request-refund").delete()
    assert "환불 신청 방법과 준비할 것" not in _page(client, CATEGORY["ko"])
    assert client.get("/ko/faq/articles/request-refund/").status_code == 404


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_new_synonym_changes_cached_search_results_at_once(client, corpus, without_lexicon, language):
    typed = "비번" if language == "ko" else "money back"
    meant = "비밀번호" if language == "ko" else "refund"
    title = "비밀번호 재설정 방법" if language == "ko" else "Our refund policy"
    link = f'href="/{language}/faq/articles/' + ("reset-password/" if language == "ko" else "refund-policy/")
    page = f"/{language}/faq/search/?q={typed}"
    api = f"/api/faq/search?q={typed}&lang={language}"
    assert link not in _page(client, page)
    assert client.get(api).json()["results"] == []
    Synonym.objects.create(term=typed, expands_to=meant)
    assert link in _page(client, page)
    assert title in [result["title"] for result in client.get(api).json()["results"]]


def test_a_changed_contact_channel_shows_on_the_next_request(client, corpus, chat_channel):
    phone = ContactChannel.objects.create(kind="phone", label_ko="전화 상담", value="1588-0000")
    assert "1588-0000" in _page(client, "/ko/")
    phone.value = "02-123-4567"
    phone.save()
    html = _page(client, "/ko/")
    assert "02-123-4567" in html and "1588-0000" not in html


def test_a_repeated_page_is_served_from_the_cache(client, corpus, chat_channel, django_assert_num_queries):
    first = _page(client, "/ko/")
    # The content generation only: no category, article or channel is read again.
    with django_assert_num_queries(1):
        assert _page(client, "/ko/") == first


def test_an_edit_made_by_another_process_is_seen(client, corpus, chat_channel):
    # Another server process's edit reaches this one only through the database: its own cache
    # (here: this process's) is never told. Written here without any signal, as that process would.
    assert "다른 서버에서 고친 제목" not in _page(client, ARTICLE["ko"])
    update_unannounced(
        ArticleTranslation.objects.filter(article__slug="refund-policy", language="ko"), title="다른 서버에서 고친 제목"
    )
    assert "다른 서버에서 고친 제목" not in _page(client, ARTICLE["ko"])  # still the shared copy
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ContentGeneration._meta.db_table} SET number = number + 1 WHERE id = 1")
    assert "다른 서버에서 고친 제목" in _page(client, ARTICLE["ko"])


def test_an_anonymous_article_page_sets_no_cookie_and_does_not_vary_by_cookie(client, corpus, chat_channel):
    for _ in range(2):  # rendered, then from the cache
        response = client.get(ARTICLE["ko"])
        assert response.status_code == 200
        assert response.cookies == {}
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert 'id="chat-widget"' in response.content.decode()
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_views_and_searches_are_counted_on_cached_pages_too(client, corpus):
    for _ in range(3):
        _page(client, ARTICLE["ko"])
        _page(client, "/ko/faq/search/?q=환불")
        client.get("/api/faq/search?q=비밀번호&lang=ko")
    assert Article.objects.get(slug="refund-policy").view_count == 3
    assert SearchQueryStat.objects.get(query="환불", language="ko").searches == 3
    assert SearchQueryStat.objects.get(query="비밀번호", language="ko").searches == 3


def test_a_conditional_get_answers_304_until_an_edit_then_200(client, corpus, chat_channel):
    etag = client.get(ARTICLE["ko"])["ETag"]
    assert client.get(ARTICLE["ko"], HTTP_IF_NONE_MATCH=etag).status_code == 304  # from the cache
    assert client.get(ARTICLE["ko"], HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Not the article itself: its category's name, shown in the breadcrumb.
    category = Category.objects.get(slug="refund")
    category.name_ko = "환불·취소"
    category.save()
    response = client.get(ARTICLE["ko"], HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag and "환불·취소" in response.content.decode()
    assert client.get(ARTICLE["ko"], HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_home_page_answers_304_from_the_cache(client, corpus, chat_channel):
    etag = client.get("/ko/")["ETag"]
    assert client.get("/ko/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    Category.objects.filter(slug="refund").first().save()  # an edit, even one that changes nothing shown
    assert client.get("/ko/", HTTP_IF_NONE_MATCH='"not-this-page"').status_code == 200


def test_staff_always_get_a_fresh_page(client, corpus, chat_channel):
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("editor", "editor@example.com", "pw", is_staff=True))
    _page(client, ARTICLE["ko"])  # the shared copy
    update_unannounced(
        ArticleTranslation.objects.filter(article__slug="refund-policy", language="ko"),
        title="아직 저장 신호 없는 제목",
    )
    assert "아직 저장 신호 없는 제목" not in _page(client, ARTICLE["ko"])
    assert "아직 저장 신호 없는 제목" in _page(staff, ARTICLE["ko"])
    # A stranger to the staff (another anonymous visitor) still gets the shared copy.
    assert "아직 저장 신호 없는 제목" not in _page(Client(), ARTICLE["ko"])


def test_a_voter_gets_their_own_page_and_never_shares_it(client, corpus, chat_channel):
    stranger = Client()
    _page(stranger, ARTICLE["ko"])  # the shared copy, with the buttons
    thanked = client.post(ARTICLE["ko"] + "vote/", {"helpful": "yes"}, follow=True).content.decode()
    assert "의견을 보내 주셔서 감사합니다!" in thanked
    assert 'name="helpful"' not in thanked
    own = _page(client, ARTICLE["ko"])
    assert 'name="helpful"' not in own and 'role="status"' in own
    shared = _page(stranger, ARTICLE["ko"])
    assert 'name="helpful" value="yes"' in shared
    assert "의견을 보내 주셔서 감사합니다!" not in shared


def test_views_reach_the_database_in_batches(client, corpus, settings):
    from faq.models import VIEW_COUNTS

    settings.HELPCENTER_COUNTS_FLUSH_SECONDS = 3600
    for _ in range(4):
        _page(client, ARTICLE["ko"])
    _page(client, "/ko/faq/articles/reset-password/")
    assert Article.objects.get(slug="refund-policy").view_count == 0  # not yet written
    VIEW_COUNTS.flush()  # as the next request after the interval, or the process's exit, does
    assert Article.objects.get(slug="refund-policy").view_count == 4
    assert Article.objects.get(slug="reset-password").view_count == 1


class ReachedTheEnd:
    """Appended to the middleware: counts the requests that went through all of it."""

    calls = 0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ReachedTheEnd.calls += 1
        return self.get_response(request)


@pytest.fixture
def counted_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.faq.test_page_cache.ReachedTheEnd"]
    ReachedTheEnd.calls = 0
    return ReachedTheEnd


@pytest.mark.parametrize("path", ["/ko/", "/en/faq/", CATEGORY["ko"], ARTICLE["en"], "/ko/faq/search/?q=환불"])
def test_a_cached_page_is_answered_before_the_rest_of_the_middleware(
    client, corpus, chat_channel, counted_middleware, path
):
    first = client.get(path)
    assert counted_middleware.calls == 1
    second = client.get(path)
    assert counted_middleware.calls == 1  # sessions, locale, CSRF, authentication … never ran
    assert second.content == first.content
    # The same headers as the page rendered through the whole chain, the inner middleware's included.
    assert {k: v for k, v in second.items() if k != "Date"} == {k: v for k, v in first.items() if k != "Date"}
    assert second["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == path.split("/")[1]


def test_the_early_answer_still_counts_the_view_and_answers_304(client, corpus, chat_channel, counted_middleware):
    etag = client.get(ARTICLE["ko"])["ETag"]
    assert client.get(ARTICLE["ko"], HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(ARTICLE["ko"]).status_code == 200
    assert counted_middleware.calls == 1
    assert Article.objects.get(slug="refund-policy").view_count == 3


def test_a_visitor_with_a_session_or_a_message_goes_through_the_whole_chain(
    client, corpus, chat_channel, counted_middleware
):
    client.get("/ko/")
    client.cookies["sessionid"] = "a-session"
    client.get("/ko/")
    del client.cookies["sessionid"]
    client.cookies["messages"] = "a-message"
    client.get("/ko/")
    assert counted_middleware.calls == 3


def test_an_address_without_a_language_prefix_is_not_answered_early(client, corpus, counted_middleware):
    # The API's language comes from its query, and the locale middleware decides for such addresses.
    for _ in range(2):
        assert client.get("/api/faq/search?q=환불&lang=ko").status_code == 200
    assert counted_middleware.calls == 2
