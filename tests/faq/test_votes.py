from __future__ import annotations

import pytest

from faq.models import Article, ArticleVote

pytestmark = pytest.mark.django_db
ARTICLE = "/ko/faq/articles/refund-policy/"
VOTE = ARTICLE + "vote/"
COMMENT = ARTICLE + "comment/"


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


def test_a_comment_sent_with_yes_is_kept(client, corpus):
    client.post(VOTE, {"helpful": "yes", "comment": "표가 특히 좋아요"})
    assert ArticleVote.objects.get().comment == "표가 특히 좋아요"


def test_the_comment_box_appears_only_after_no(client, corpus):
    before = client.get(ARTICLE).content.decode()
    assert 'name="helpful" value="no"' in before
    assert "<textarea" not in before and "어떤 내용이 부족했나요?" not in before

    client.post(VOTE, {"helpful": "no"})
    after = client.get(ARTICLE).content.decode()
    assert 'name="helpful"' not in after
    assert '<label for="id_comment" class="form-label">어떤 내용이 부족했나요?</label>' in after
    assert f'action="{COMMENT}"' in after
    assert ArticleVote.objects.get().helpful is False


def test_the_comment_after_no_is_added_to_the_vote_once(client, corpus):
    client.post(VOTE, {"helpful": "no"})
    response = client.post(COMMENT, {"comment": "앱스토어 결제 환불 방법이 없어요"}, follow=True)
    assert response.redirect_chain == [(ARTICLE + "#feedback", 302)]
    html = response.content.decode()
    assert "감사합니다! 보내 주신 의견으로 문서를 더 좋게 고치겠습니다." in html
    assert "<textarea" not in html
    assert ArticleVote.objects.get().comment == "앱스토어 결제 환불 방법이 없어요"

    again = client.post(COMMENT, {"comment": "덮어쓰기"}, follow=True).content.decode()
    assert "이 문서에 이미 의견을 보내 주셨습니다. 감사합니다!" in again
    assert ArticleVote.objects.get().comment == "앱스토어 결제 환불 방법이 없어요"
    article = Article.objects.get(slug="refund-policy")
    assert (article.helpful_yes, article.helpful_no) == (0, 1)


def test_a_comment_needs_a_vote_of_ones_own_and_some_text(client, corpus):
    from django.test import Client

    refused = client.post(COMMENT, {"comment": "투표 없이"}, follow=True).content.decode()
    assert "먼저 이 문서가 도움이 되었는지 알려 주세요." in refused
    assert ArticleVote.objects.count() == 0

    Client().post(VOTE, {"helpful": "no"})  # another visitor's vote is not ours to comment on
    client.post(COMMENT, {"comment": "남의 투표에"})
    assert ArticleVote.objects.get().comment == ""

    client.post(VOTE, {"helpful": "no"})
    empty = client.post(COMMENT, {"comment": ""}, follow=True).content.decode()
    assert "보내기 전에 부족했던 내용을 적어 주세요." in empty
    too_long = client.post(COMMENT, {"comment": "가" * 2001}, follow=True)
    assert too_long.status_code == 200
    assert set(ArticleVote.objects.values_list("comment", flat=True)) == {""}


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


def test_a_refused_vote_shows_its_message_on_the_very_next_page(client, corpus):
    """The browser revalidates its copy after the redirect: a 304 would keep the message for later."""
    client.post(VOTE, {"helpful": "yes"})
    thanked = client.get(ARTICLE)
    assert "의견을 보내 주셔서 감사합니다!" in thanked.content.decode() and "ETag" not in thanked
    cached = client.get(ARTICLE)
    assert cached.status_code == 200
    etag, modified = cached["ETag"], cached["Last-Modified"]
    assert client.get(ARTICLE, HTTP_IF_NONE_MATCH=etag).status_code == 304  # nothing new: 304 is right

    client.post(VOTE, {"helpful": "no"})  # a repeated vote
    repeated = client.get(ARTICLE, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    assert repeated.status_code == 200
    assert "이 문서에 이미 응답하셨습니다. 감사합니다!" in repeated.content.decode()
    # Shown once: the next revalidation is a 304 again.
    assert client.get(ARTICLE, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_invalid_vote_shows_its_message_on_the_very_next_page(client, corpus):
    etag = client.get(ARTICLE)["ETag"]
    client.post(VOTE, {"helpful": "maybe"})
    response = client.get(ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "“예” 또는 “아니요”를 선택해 주세요." in response.content.decode()
