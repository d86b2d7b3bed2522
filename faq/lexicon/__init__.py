"""The support-domain lexicon that ships with the help center: how customers write, mapped to the
words articles use.

The entries live in support_ko_en.json (one object per synonym, each with the reason it is there)
and become ordinary rows of the admin's synonym table, where agents edit them like their own. Each
entry is delivered once (ShippedSynonym remembers it), so loading the lexicon again — a later
release's migration, `import_faq`, `load_lexicon` — adds what is new and never undoes an agent's
edit or deletion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("support_ko_en.json")
MAX_WORD_LENGTH = 100  # Synonym.term and Synonym.expands_to


class LexiconError(ValueError):
    """The lexicon file is not what the loader expects; the message says where."""


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    expands_to: str
    bidirectional: bool
    topic: str
    why: str

    @property
    def key(self) -> str:
        return entry_key(self.term, self.expands_to)


def canonical(text: str) -> str:
    """The form synonyms are compared in: lower case, single spaces (as search normalises queries)."""
    return " ".join(text.lower().split())


def entry_key(term: str, expands_to: str) -> str:
    return f"{canonical(term)}→{canonical(expands_to)}"


def read_lexicon(path: Path = LEXICON_FILE) -> list[LexiconEntry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = []
    seen: set[str] = set()
    for position, item in enumerate(data.get("entries", []), start=1):
        where = f"{path.name}, entry {position}"
        try:
            entry = LexiconEntry(
                term=item["term"],
                expands_to=item["expands_to"],
                bidirectional=bool(item.get("bidirectional", False)),
                topic=item["topic"],
                why=item["why"],
            )
        except (KeyError, TypeError) as error:
            raise LexiconError(f"{where}: needs term, expands_to, topic and why") from error
        for value in (entry.term, entry.expands_to):
            if not value or value != canonical(value) or len(value) > MAX_WORD_LENGTH:
                raise LexiconError(f"{where}: {value!r} must be lower case, single-spaced, 1–100 characters")
        if not entry.why.strip():
            raise LexiconError(f"{where}: says nothing about why")
        if entry.key in seen:
            raise LexiconError(f"{where}: {entry.key} is listed twice")
        seen.add(entry.key)
        entries.append(entry)
    return entries


def load_lexicon(synonym_model=None, shipped_model=None, entries: list[LexiconEntry] | None = None) -> int:
    """Add the lexicon entries this help center has not received yet; returns how many synonyms were made.

    The models are passed in by the data migration (its historical models); everyone else uses
    the current ones.
    """
    if synonym_model is None or shipped_model is None:
        from faq.models import ShippedSynonym, Synonym

        synonym_model, shipped_model = Synonym, ShippedSynonym
    entries = read_lexicon() if entries is None else entries
    shipped = set(shipped_model.objects.values_list("key", flat=True))
    fresh = [entry for entry in entries if entry.key not in shipped]
    if not fresh:
        return 0
    existing = {entry_key(term, target) for term, target in synonym_model.objects.values_list("term", "expands_to")}
    new_rows = [
        synonym_model(
            term=entry.term,
            expands_to=entry.expands_to,
            bidirectional=entry.bidirectional,
            note=entry.why[:300],
            origin="lexicon",
        )
        for entry in fresh
        if entry.key not in existing  # an agent made the same pair already: theirs stands
    ]
    synonym_model.objects.bulk_create(new_rows, batch_size=500)
    shipped_model.objects.bulk_create([shipped_model(key=entry.key) for entry in fresh], batch_size=500)
    _forget_cached_synonyms()
    return len(new_rows)


def _forget_cached_synonyms() -> None:
    # bulk_create sends no post_save, so the search's cached synonym list is dropped here, and the
    # cached pages (search results) of every process are made stale. A migration may run this before
    # the generation's own table exists: nothing is cached then.
    from django.db import connection

    from faq import search
    from helpcenter import pagecache
    from helpcenter.models import ContentGeneration

    if ContentGeneration._meta.db_table in connection.introspection.table_names():
        search.forget_synonyms()
        pagecache.advance_generation()
