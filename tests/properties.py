"""Shared pieces of the property-based tests (hypothesis): random form values and per-example
isolation. Each test file keeps its own strategies for what is valid there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from hypothesis import strategies as st

# Any text a browser can send: every plane, controls and NUL included; no lone surrogates (a
# browser cannot encode them, and the test client would fail before the view is reached).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
# Values forms meet in the wild, besides plain random text.
AWKWARD_VALUES = st.sampled_from(
    ["", " ", "\x00", "가" * 20_000, "a" * 101, "0", "-1", "1e309", "NaN", "2026-02-30", "９９", "<script>", "' OR 1=1"]
)
FIELD_VALUE = st.one_of(ANY_TEXT, AWKWARD_VALUES)
# Valid text for free-text fields: Korean, Latin letters and punctuation, no digits (a random
# digit run may form a card number, which is masked on purpose and so not stored as typed).
PLAIN_CHARACTERS = st.one_of(
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?-'()"),
)


def plain_text(max_size: int, *, lines: bool = False) -> st.SearchStrategy[str]:
    alphabet = st.one_of(PLAIN_CHARACTERS, st.just("\n")) if lines else PLAIN_CHARACTERS
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda text: text.strip())


EMAIL = st.builds(
    "{}@{}.{}".format,
    st.text("abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=20).filter(
        lambda local: not local.startswith(".") and not local.endswith(".") and ".." not in local
    ),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.sampled_from(["com", "kr", "net", "co.kr"]),
)


def random_form(fields: list[str]) -> st.SearchStrategy[dict[str, object]]:
    """A POST body a bot, a fuzzer or a broken client could send: the form's fields (and a stranger)
    missing, present, repeated or holding anything."""
    value = st.one_of(FIELD_VALUE, st.lists(FIELD_VALUE, min_size=2, max_size=3))
    return st.dictionaries(st.sampled_from([*fields, "unexpected"]), value, max_size=len(fields) + 1)


class _Undo(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's rows (and rate-limit counters) vanish before the next: hypothesis runs many
    examples inside one test, and pytest-django only resets the database between tests."""
    cache.clear()
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass
