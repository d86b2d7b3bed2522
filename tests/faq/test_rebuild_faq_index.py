"""`manage.py rebuild_faq_index`: an operator's repair when the search index was lost or went wrong."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from faq import search
from faq.models import Article, SearchTerm
from tests.unannounced import update_unannounced

pytestmark = pytest.mark.django_db


def rebuild() -> str:
    out = io.StringIO()
    call_command("rebuild_faq_index", stdout=out)
    return out.getvalue()


def found(query: str, language: str = "ko") -> list[str]:
    return [hit.article.slug for hit in search.search(query, language)]


def test_an_emptied_index_is_rebuilt_and_search_finds_the_articles_again(corpus):
    assert found("비밀번호") == ["reset-password"]
    SearchTerm.objects.all().delete()
    search.forget_document_counts()
    assert found("비밀번호") == []

    assert rebuild() == "Indexed 4 published articles.\n"
    assert found("비밀번호") == ["reset-password"]
    assert found("password", "en") == ["reset-password"]
    assert found("환불") == ["refund-policy", "request-refund"]


def test_a_corrupted_index_is_replaced_not_added_to(corpus):
    healthy = SearchTerm.objects.count()
    reset = Article.objects.get(slug="reset-password")
    crash = Article.objects.get(slug="app-crashes")
    # Rows gone missing for one article, a stray row pointing another at a word it does not contain,
    # and a draft whose rows survived its unpublishing.
    SearchTerm.objects.filter(article=reset).delete()
    SearchTerm.objects.create(language="ko", term="비밀", article=crash, category_id_copy=crash.category_id, weight=99)
    update_unannounced(Article.objects.filter(slug="refund-policy"), status=Article.Status.DRAFT)  # index untouched
    search.forget_document_counts()
    assert found("비밀번호") == ["app-crashes"]

    assert rebuild() == "Indexed 3 published articles.\n"
    assert found("비밀번호") == ["reset-password"]
    assert "refund-policy" not in found("환불")
    assert not SearchTerm.objects.filter(article__slug="refund-policy").exists()
    assert SearchTerm.objects.count() < healthy  # the draft's rows went, nothing was doubled
    assert rebuild() == "Indexed 3 published articles.\n"  # running it twice changes nothing
    assert found("비밀번호") == ["reset-password"]


def test_with_no_articles_it_says_so(db):
    assert rebuild() == "Indexed 0 published articles.\n"
    assert SearchTerm.objects.count() == 0


def test_it_takes_no_arguments(db):
    with pytest.raises(CommandError, match="unrecognized arguments: everything"):
        call_command("rebuild_faq_index", "everything")


def test_a_typo_on_the_command_line_exits_2_and_changes_nothing(corpus, capsys):
    """As an operator runs it (`manage.py rebuild_faq_index --all`). Success is exit 0: the command
    returns normally (the tests above); running that path through the command line here would
    close the test's database connection."""
    with pytest.raises(SystemExit) as refused:
        execute_from_command_line(["manage.py", "rebuild_faq_index", "--all"])
    assert refused.value.code == 2
    assert "unrecognized arguments: --all" in capsys.readouterr().err
    assert found("비밀번호") == ["reset-password"]
