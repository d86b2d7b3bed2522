"""The console's Korean as staff members see it: Django's own wording where it reads well, ours where
Django's Korean catalogue is broken ("보기위한 1%s 를(을) 선택", "%(filter_title)s (으)로"), and our own
words never leaking onto Django's links ("Change" is not "변경 내용" outside the claim timeline)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from faq.models import Tag
from tests.faq.conftest import console_member
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html).group(1)


def filter_headings(html: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<summary>(.*?)</summary>", html, re.DOTALL)]


def test_the_change_links_on_the_index_read_change(corpus):
    editor = console_member("editor", "Editors")
    html = editor.get("/admin/").content.decode()
    links = re.findall(r'class="changelink" aria-describedby="[^"]+">([^<]+)</a>', html)
    assert links and set(links) == {"변경"}
    assert "변경 내용" not in html


def test_list_titles_read_naturally_for_changing_and_for_viewing(corpus):
    editor = console_member("editor", "Editors")
    assert h1(editor.get("/admin/faq/article/").content.decode()) == "변경할 문서 선택"
    assert h1(editor.get("/admin/faq/searchquerystat/").content.decode()) == "조회할 검색어 선택"
    agent = console_member("agent", "Agents")  # reads categories, may not change them
    html = agent.get("/admin/faq/category/").content.decode()
    assert h1(html) == "조회할 카테고리 선택"
    assert "를(을)" not in html and "보기위한" not in html


def test_filter_headings_are_the_field_names(corpus):
    editor = console_member("editor", "Editors")
    html = editor.get("/admin/faq/article/").content.decode()
    assert filter_headings(html) == ["상태", "카테고리", "작성 언어", "태그", "수정일"]
    assert "(으)로" not in html
    votes = editor.get("/admin/faq/articlevote/").content.decode()
    assert filter_headings(votes) == ["도움됨", "언어", "작성일"]


def test_buttons_and_messages_of_the_change_pages(corpus):
    editor = console_member("editor", "Editors")
    html = editor.get("/admin/faq/tag/add/").content.decode()
    assert 'value="저장 후 하나 더 추가"' in html
    tag = Tag.objects.create(name="임시")
    response = editor.post(
        "/admin/faq/tag/", {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"}, follow=True
    )
    assert "태그 1개를 삭제했습니다." in response.content.decode()


def test_the_user_list_is_named_without_a_plural_marker(admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert re.search(r'<a href="/admin/auth/user/">사용자</a>', html)
    assert "사용자(들)" not in html


def test_the_claim_timeline_keeps_its_own_words(db):
    reviewer = console_member("reviewer", "Refund reviewers")
    claim = make_claim()
    html = reviewer.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    assert "<h2>처리 내역</h2>" in html and "<th>변경 내용</th>" in html
    assert re.search(r'class="historylink">히스토리</a>', html)  # Django's own link, not our heading
