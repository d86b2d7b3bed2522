"""Edges of the FAQ search's text handling that a visitor or an editor would notice."""

from __future__ import annotations

import pytest

from faq.search import MAX_QUERY_LENGTH, initials_terms, normalise


@pytest.mark.parametrize(
    "typed, logged",
    [
        ("  비밀번호   재설정 ", "비밀번호 재설정"),
        ("Refund\tPOLICY\n", "refund policy"),
        ("환\x00불\x1f요\x7f", "환불요"),
        ("탭\t과\n줄", "탭 과 줄"),
        (None, ""),
        ("", ""),
    ],
)
def test_a_query_is_logged_and_matched_in_one_form(typed, logged):
    assert normalise(typed) == logged


def test_a_query_is_cut_at_its_maximum_length():
    assert MAX_QUERY_LENGTH == 200
    assert normalise("가" * 250) == "가" * 200
    assert normalise(" " * 10 + "a" * 200 + "b") == "a" * 200


@pytest.mark.parametrize(
    "text, terms",
    [
        ("비밀번호", ["ㅂㅁㅂㅎ", "ㅂㅁ", "ㅁㅂ", "ㅂㅎ"]),
        ("환불을", ["ㅎㅂ"]),  # the particle is not part of the word
        ("앱", []),  # one syllable makes no initials term
        ("결제 수단", ["ㄱㅈ", "ㅅㄷ"]),
        ("Refund 환불 policy", ["ㅎㅂ"]),
        ("", []),
        (None, []),
    ],
)
def test_titles_and_tags_are_findable_by_their_initial_consonants(text, terms):
    assert initials_terms(text) == terms
