from __future__ import annotations

import pytest

from faq.models import Article, ArticleVote

pytestmark = pytest.mark.django_db
VOTE = "/ko/faq/articles/refund-policy/vote/"


def test_a_yes_vote_is_counted_and_thanked(client, corpus):
    response = client.post(VOTE, {"helpful": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/ko/faq/articles/refund-policy/#feedback"
    html = response.content.decode()
    assert 'role="status"' in html and 'name="helpful"' not in html
    article = Article.objects.get(slug="refund-policy")
    assert (article.helpful_yes, article.helpful_no) == (1, 0)


def test_a_no_vote_keeps_the_optional_comment(client, corpus):
    client.post(VOTE, {"helpful": "no", "comment": "앱스토어 결제는 어떻게 하나요?"})
    vote = ArticleVote.objects.get()
    assert vote.helpful is False and vote.comment == "앱스토어 결제는 어떻게 하나요?"
    assert Article.objects.get(slug="refund-policy").helpful_no == 1


def test_a_comment_sent_with_yes_is_not_kept(client, corpus):
    client.post(VOTE, {"helpful": "yes", "comment": "좋아요"})
    assert ArticleVote.objects.get().comment == ""


def test_one_vote_per_visitor_counted_once(client, corpus):
    client.post(VOTE, {"helpful": "yes"})
    client.post(VOTE, {"helpful": "no"})
    client.post(VOTE, {"helpful": "yes"})
    article = Article.objects.get(slug="refund-policy")
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert ArticleVote.objects.count() == 1


def test_another_visitor_votes_separately(client, corpus, django_user_model):
    from django.test import Client

    client.post(VOTE, {"helpful": "yes"})
    Client().post(VOTE, {"helpful": "no"})
    article = Article.objects.get(slug="refund-policy")
    assert (article.helpful_yes, article.helpful_no) == (1, 1)


def test_the_vote_stores_no_personal_data(client, corpus):
    client.post(VOTE, {"helpful": "yes"})
    vote = ArticleVote.objects.get()
    assert vote.visitor != client.session.session_key and len(vote.visitor) == 64


def test_forged_or_empty_votes_change_nothing(client, corpus):
    for data in [{}, {"helpful": "maybe"}, {"helpful": "no", "comment": "x" * 5000}]:
        response = client.post(VOTE, data)
        assert response.status_code == 302
    assert ArticleVote.objects.count() == 0
    assert client.get(VOTE).status_code == 405
    assert client.post("/ko/faq/articles/nope/vote/", {"helpful": "yes"}).status_code == 404


def test_votes_need_the_csrf_token(corpus):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VOTE, {"helpful": "yes"}).status_code == 403
    assert ArticleVote.objects.count() == 0
