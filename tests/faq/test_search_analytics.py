"""The admin's failing searches: each listed with the articles it could map to; one click maps it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from faq import search
from faq.models import Article, SearchQueryStat, Synonym
from tests.faq.relevance_set import DEMO_FAQ

pytestmark = pytest.mark.django_db

FAILING_URL = "/admin/faq/searchquerystat/failing/"


@pytest.fixture
def faq(db):
    call_command("import_faq", str(DEMO_FAQ), stdout=StringIO())


def searched(client, query: str, times: int = 1, language: str = "ko", **params: str) -> SearchQueryStat:
    for _ in range(times):
        client.get(f"/{language}/faq/search/", {"q": query, **params})
    return SearchQueryStat.objects.get(query=query, language=language)


def test_failing_searches_are_listed_with_the_articles_they_could_map_to(faq, editor, client):
    visitor = client.__class__()
    # A slip searched as typed (the engine would correct it otherwise): resembles 환불.
    searched(visitor, "환뷸", times=2, spell="0")
    searched(visitor, "가라오케")  # nothing resembles it
    searched(visitor, "환불 기간", times=3)  # results shown three times, never opened
    answered = searched(visitor, "비밀번호 재설정", times=3)
    response = visitor.get("/ko/faq/articles/reset-password/", {"from_search": "비밀번호 재설정"})
    assert (response.status_code, response["Location"]) == (302, "/ko/faq/articles/reset-password/")
    answered.refresh_from_db()
    assert answered.results_opened == 1

    html = editor.get(FAILING_URL).content.decode()
    assert html.count('<tr class="failing-query">') == 3
    assert (
        html.index("<strong>환불 기간</strong>")
        < html.index("<strong>환뷸</strong>")
        < html.index("<strong>가라오케</strong>")
    )
    assert "<strong>비밀번호 재설정</strong>" not in html
    assert "환불은 언제 들어오나요? (환불 처리 기간)</a>" in html  # the low-click query's own results
    assert ">환뷸 → 환불</button>" in html
    slip = html[html.index("<strong>환뷸</strong>") : html.index("<strong>가라오케</strong>")]
    assert slip.index("환불 정책 안내") < slip.index("환불이 거절됐을 때")
    assert "(비슷한 단어: “환불”)" in html
    assert "이 검색어와 비슷한 도움말이 없어요. 답이 되는 도움말을 골라 주세요." in html
    assert "답을 못 찾는 검색어를 도움말에 연결" in editor.get("/admin/faq/searchquerystat/").content.decode()


def test_one_click_adds_the_synonym_and_the_query_then_finds_the_article(faq, editor, client):
    stat = searched(client.__class__(), "가라오케")
    assert search.search("가라오케", "ko") == []
    lyrics = Article.objects.get(slug="lyrics-not-showing")

    response = editor.post(
        f"/admin/faq/searchquerystat/{stat.pk}/map/", {"article": lyrics.pk, "word": "가사"}, follow=True
    )

    assert response.redirect_chain[-1][0] == FAILING_URL
    assert "이제 “가라오케”(으)로 검색하면 “가사”도 함께 찾아요." in response.content.decode()
    synonym = Synonym.objects.get(term="가라오케")
    assert (synonym.expands_to, synonym.origin, synonym.bidirectional) == ("가사", Synonym.Origin.ANALYTICS, False)
    assert synonym.note == "From search analytics: 1 searches; answered by “가사가 보이지 않아요 (실시간 가사 오류)”."
    assert search.search("가라오케", "ko")[0].article.slug == "lyrics-not-showing"
    assert "<strong>가라오케</strong>" not in response.content.decode()  # answered now


def test_mapping_to_a_chosen_article_uses_its_main_word(faq, editor, client):
    stat = searched(client.__class__(), "떼창")
    article = Article.objects.get(slug="lyrics-not-showing")
    assert editor.post(f"/admin/faq/searchquerystat/{stat.pk}/map/", {"article": article.pk}).status_code == 302
    assert Synonym.objects.get(term="떼창").expands_to == "가사"
    assert search.search("떼창 하고 싶어요", "ko")[0].article.slug == "lyrics-not-showing"


def test_other_roles_may_neither_see_nor_map(faq, agent, finance, client):
    stat = searched(client.__class__(), "가라오케")
    article = Article.objects.get(slug="lyrics-not-showing")
    for stranger in (agent, finance):
        assert stranger.get(FAILING_URL).status_code == 403
        response = stranger.post(f"/admin/faq/searchquerystat/{stat.pk}/map/", {"article": article.pk, "word": "가사"})
        assert response.status_code == 403
    assert not Synonym.objects.filter(term="가라오케").exists()


def test_a_superuser_may_map(faq, admin_client, client):
    stat = searched(client.__class__(), "가라오케")
    article = Article.objects.get(slug="lyrics-not-showing")
    response = admin_client.post(f"/admin/faq/searchquerystat/{stat.pk}/map/", {"article": article.pk, "word": "가사"})
    assert response.status_code == 302
    assert Synonym.objects.filter(term="가라오케", expands_to="가사").exists()


def test_bad_mapping_requests_get_a_clear_answer(faq, editor, client):
    stat = searched(client.__class__(), "가라오케")
    article = Article.objects.get(slug="lyrics-not-showing")
    url = f"/admin/faq/searchquerystat/{stat.pk}/map/"
    response = editor.post(url, {"article": "lyrics"})
    assert (response.status_code, response.content.decode()) == (400, "도움말을 선택해 주세요.")
    response = editor.post(url, {"article": article.pk, "word": "환불"})
    assert (response.status_code, response.content.decode()) == (
        400,
        "이 검색어에는 그 도움말이나 단어를 고를 수 없어요.",
    )
    assert editor.post(url, {"article": 999999, "word": "가사"}).status_code == 400
    assert editor.get(url).status_code == 405
    assert editor.post("/admin/faq/searchquerystat/999999/map/", {"article": article.pk}).status_code == 404
    assert not Synonym.objects.filter(term="가라오케").exists()


def test_a_hand_made_link_counts_nothing_new(faq, client):
    client.get("/ko/faq/articles/reset-password/", {"from_search": "아무거나"})
    assert not SearchQueryStat.objects.exists()
