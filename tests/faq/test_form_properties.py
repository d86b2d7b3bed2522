"""Property-based tests of the FAQ's public inputs: the search page, the search API and the article
vote. Whatever is asked, the answer is a page, JSON or a redirect (never a 500), and a vote is
counted exactly once per visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faq.models import Article, ArticleVote
from tests.properties import FIELD_VALUE, plain_text, random_form, rolled_back

pytestmark = pytest.mark.django_db
FIXTURES_OK = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Search words people type, and the odd things they paste: jamo, full-width, mixed scripts, emoji.
QUERY = st.one_of(
    FIELD_VALUE,
    st.text(st.sampled_from("환불 비밀번호 ㅎㅂ ghksqnf refund ＲＥＦＵＮＤ 🙂 \"' * - OR AND ( )"), max_size=60),
)
PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        "q": QUERY,
        "lang": st.one_of(st.sampled_from(["ko", "en", "", "xx", "KO"]), FIELD_VALUE),
        "spell": st.sampled_from(["0", "1", "", "x"]),
        "suggest": st.sampled_from(["1", "0", ""]),
        "page": st.one_of(st.sampled_from(["1", "2", "0", "-1", "last", "999999999999999999999"]), FIELD_VALUE),
        "category": st.one_of(st.sampled_from(["refund", "account", "nope"]), FIELD_VALUE),
    },
)


@FIXTURES_OK
@given(parameters=PARAMETERS, language=st.sampled_from(["ko", "en"]))
def test_any_search_page_query_gets_a_page(corpus, parameters, language):
    with rolled_back():
        response = Client().get(f"/{language}/faq/search/", parameters)
        assert response.status_code == 200


@FIXTURES_OK
@given(parameters=PARAMETERS)
def test_any_search_api_query_gets_json_with_results_or_a_clear_error(corpus, parameters):
    with rolled_back():
        response = Client().get("/api/faq/search", parameters)
        body = response.json()
        if response.status_code == 400:
            assert body == {"error": "지원하지 않는 언어입니다.", "results": []}
            return
        assert response.status_code == 200
        published = {
            f"/{body['language']}/faq/articles/{slug}/" for slug in Article.objects.values_list("slug", flat=True)
        }
        assert all(set(hit) == {"slug", "title", "url", "snippet"} for hit in body["results"])
        assert {hit["url"] for hit in body["results"]} <= published
        assert len(body["results"]) == len({hit["slug"] for hit in body["results"]})


@FIXTURES_OK
@given(data=random_form(["helpful", "comment"]))
def test_any_vote_post_redirects_to_the_feedback_box_and_counts_at_most_once(corpus, data):
    with rolled_back():
        response = Client().post("/ko/faq/articles/refund-policy/vote/", data)
        assert (response.status_code, response["Location"]) == (302, "/ko/faq/articles/refund-policy/#feedback")
        article = Article.objects.get(slug="refund-policy")
        assert article.helpful_yes + article.helpful_no == ArticleVote.objects.count() <= 1


@FIXTURES_OK
@given(helpful=st.sampled_from(["yes", "no"]), comment=st.one_of(st.just(""), plain_text(2000, lines=True)))
def test_a_valid_vote_is_counted_once_with_its_comment_even_when_sent_twice(corpus, helpful, comment):
    with rolled_back():
        client = Client()
        for _ in range(2):
            client.post("/ko/faq/articles/refund-policy/vote/", {"helpful": helpful, "comment": comment})
        vote = ArticleVote.objects.get()
        assert (vote.helpful, vote.comment) == (helpful == "yes", comment.strip())
        article = Article.objects.get(slug="refund-policy")
        assert (article.helpful_yes, article.helpful_no) == ((1, 0) if helpful == "yes" else (0, 1))
