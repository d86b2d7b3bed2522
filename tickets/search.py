"""The agents' ticket search: Korean understood the way the FAQ search understands it (particles,
verb endings and missing spaces, through helpcenter.text_analysis), over the reference, the
requester's e-mail and name, the subject and every message, with the finds marked in the list.

Each ticket has one search document (TicketSearchDocument), rewritten whenever the ticket's
subject or address or one of its messages is saved or written in bulk (helpcenter/bulkwrites.py):

    " <term> <term> … <joined> <joined> … "

The terms are the FAQ analyser's (Korean stems in two-syllable pieces and whole, English Snowball
stems), each between spaces. The joined words are each text's Korean stems written without spaces
(결제를 취소했어요 → 결제취소), so that a query typed without spaces still finds the text.

A query word becomes one LIKE pattern, chosen so that a trigram index can serve it: a Korean word
of one or two syllables must be a whole term (" 환불 ": two syllables alone give no trigram), a
longer one may occur anywhere (결제취소 in 결제취소), an English word must begin a term
(" refund" finds refunds and refunded), a single letter or digit must be a whole term. Every
word must match. An e-mail address or a reference
is looked up whole instead, on the ticket's own columns: an address through its case-insensitive
index (UPPER), a reference through its unique index.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection, models
from django.db.models.functions import Upper
from django.utils.safestring import SafeString

from helpcenter.highlight import first_match, highlight, snippet
from helpcenter.text_analysis import (
    COMPLAINT,
    TOKEN,
    WEAK_TERMS,
    english_term,
    is_hangul,
    korean_stem,
    normalise,
    surface_words,
    term_counts,
)
from tickets.models import Message, Ticket, TicketQuerySet, TicketSearchDocument

# The SQLite side: an FTS5 table with the trigram tokenizer over TicketSearchDocument.text, kept in
# step by triggers (migration 0010_ticket_search_document).
SQLITE_FTS_TABLE = "tickets_search_fts"
# A term is only ever made of these, so a pattern never needs escaping.
_SAFE_TERM = re.compile(r"^[\uac00-\ud7a3a-z0-9]+$")
_EMAIL = re.compile(r"^[^@\s%]+@[^@\s%]+\.[^@\s%]+$")
_REFERENCE = re.compile(r"^HC-[A-Z0-9]{4,16}$", re.IGNORECASE)  # tickets.models.new_reference
JOINED_FROM = 3  # joined words shorter than this are already terms


@lru_cache(maxsize=50_000)
def _text_parts(text: str) -> tuple[frozenset[str], str]:
    """(terms, joined Korean stems) of one text; memoised because replies repeat canned text."""
    lowered = (text or "").lower()
    terms = frozenset(term for term in term_counts(lowered) if _SAFE_TERM.match(term))
    joined = "".join(korean_stem(token) for token in TOKEN.findall(lowered) if is_hangul(token))
    return terms, joined


def _address_terms(text: str) -> set[str]:
    """The terms of a reference or an e-mail address, which are different for every ticket: a token
    ending in a digit is its own stem (no Snowball rule ends in a digit), which spares the stemmer a
    million distinct words when load data is generated."""
    terms = set()
    for token in TOKEN.findall(text.lower()):
        term = token if token[-1].isdigit() else english_term(token)
        if term and _SAFE_TERM.match(term):
            terms.add(term)
    return terms


def document_text(reference: str, email: str, subject: str, bodies: Iterable[str], name: str = "") -> str:
    """The search document of a ticket with this reference, requester e-mail, subject and messages
    (and the requester's name: agents look customers up by it too)."""
    terms = _address_terms(reference) | _address_terms(email)
    joined: list[str] = []
    for text in (name, subject, *bodies):
        text_terms, text_joined = _text_parts(text)
        terms |= text_terms
        if len(text_joined) >= JOINED_FROM and text_joined not in joined:
            joined.append(text_joined)
    address = email.strip().lower()
    if _EMAIL.match(address):
        terms.add(address)  # the whole address, for a search by e-mail in any letter case
    return " " + " ".join([*sorted(terms), *joined]) + " "


def ticket_document(ticket: Ticket, bodies: Iterable[str]) -> str:
    return document_text(ticket.reference, ticket.requester_email, ticket.subject, bodies, ticket.requester_name)


def refresh(ticket: Ticket) -> None:
    """Rewrite one ticket's search document from what is stored now (two queries)."""
    _write_documents([ticket])


SEARCHED_TICKET_FIELDS = TicketQuerySet.SEARCHED_FIELDS
CHUNK = 500  # tickets per round: a bounded IN list (SQLite) and bounded memory


def _write_documents(tickets: list[Ticket]) -> None:
    """Rewrite these tickets' documents: two queries for the lot."""
    bodies: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    for ticket_id, body in Message.objects.filter(ticket_id__in=bodies).values_list("ticket_id", "body"):
        bodies[ticket_id].append(body)
    TicketSearchDocument.objects.bulk_create(
        [TicketSearchDocument(ticket=t, text=ticket_document(t, bodies[t.pk])) for t in tickets],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["text"],
    )


def refresh_many(ticket_ids: Iterable[int]) -> None:
    """Rewrite the documents of these tickets (those still there: a deleted ticket's stays gone)."""
    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), CHUNK):
        tickets = list(Ticket.objects.filter(pk__in=ids[start : start + CHUNK]).only(*SEARCHED_TICKET_FIELDS))
        if tickets:
            _write_documents(tickets)


def ticket_saved(sender, instance: Ticket, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixture's documents come with it, or rebuild_ticket_search writes them
        return
    if created or update_fields is None or SEARCHED_TICKET_FIELDS & set(update_fields):
        refresh(instance)


def message_saved(sender, instance: Message, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh(instance.ticket)


# The tickets of the deletion running in this thread. Django sends every pre_delete of a deletion
# before it deletes anything, with the same `origin` (the instance or queryset delete() was called
# on) as the post_delete signals that follow: a message deleted with its ticket need not rewrite a
# document that goes with the ticket (a purge of old tickets rewrote it once per message). Kept per
# origin, by weak reference, so a deletion that failed half-way leaves nothing that a later one
# would trust.
_deletion = threading.local()


def ticket_deleting(sender, instance: Ticket, origin=None, **kwargs) -> None:
    if origin is None:  # nothing to recognise the messages' signals by
        return
    current = getattr(_deletion, "tickets", None)
    if current is None or current[0]() is not origin:
        current = _deletion.tickets = (weakref.ref(origin), set())
    current[1].add(instance.pk)


def message_deleted(sender, instance: Message, origin=None, **kwargs) -> None:
    current = getattr(_deletion, "tickets", None)
    if origin is not None and current is not None and current[0]() is origin and instance.ticket_id in current[1]:
        return  # its ticket is being deleted in the same deletion
    # An update, never an insert: when the whole ticket is being deleted its document may already
    # be gone, and must stay gone.
    ticket = Ticket.objects.filter(pk=instance.ticket_id).only(*SEARCHED_TICKET_FIELDS).first()
    if ticket is not None:
        bodies = Message.objects.filter(ticket=ticket).values_list("body", flat=True)
        TicketSearchDocument.objects.filter(ticket=ticket).update(text=ticket_document(ticket, bodies))


def tickets_written(sender, pks: list[int], **kwargs) -> None:
    """A bulk write of tickets' searched fields (helpcenter/bulkwrites.py; TicketQuerySet says which)."""
    refresh_many(pks)


def messages_written(sender, pks: list[int], earlier: dict, **kwargs) -> None:
    """A bulk write of messages' text, or a move to another ticket: the tickets they are on now and
    the ones they left."""
    tickets = set(earlier.get("ticket_id", ()))
    for start in range(0, len(pks), CHUNK):
        tickets.update(Message.objects.filter(pk__in=pks[start : start + CHUNK]).values_list("ticket_id", flat=True))
    refresh_many(tickets)


def rebuild(chunk: int = 2000) -> int:
    """Rewrite every ticket's search document (after a change that bypassed the ORM: a restored
    dump, raw SQL); returns how many tickets were indexed."""
    count = 0
    last_pk = 0
    while True:
        tickets = list(Ticket.objects.filter(pk__gt=last_pk).order_by("pk").only(*SEARCHED_TICKET_FIELDS)[:chunk])
        if not tickets:
            return count
        _write_documents(tickets)
        count += len(tickets)
        last_pk = tickets[-1].pk


POSTGRES_INDEX = "tickets_search_trgm"
_SQLITE_INSERT_TRIGGER = (
    f"CREATE TRIGGER {SQLITE_FTS_TABLE}_insert AFTER INSERT ON tickets_ticketsearchdocument BEGIN "
    f"INSERT INTO {SQLITE_FTS_TABLE}(rowid, text) VALUES (new.ticket_id, new.text); END"
)


@contextmanager
def index_built_at_the_end() -> Iterator[None]:
    """For writing many documents at once (generate_load_data): the trigram index is built once at
    the end, which is several times faster than adding a million documents to it one by one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table with pending (deferred) foreign-key checks cannot be indexed: check each row
            # as it is written instead of at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_FTS_TABLE}_insert")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index is sorted in memory
            cursor.execute(
                f"CREATE INDEX {POSTGRES_INDEX} ON tickets_ticketsearchdocument USING gin (text gin_trgm_ops)"
            )
        else:
            cursor.execute(_SQLITE_INSERT_TRIGGER)
            cursor.execute(f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}) VALUES ('rebuild')")


# --- querying ---------------------------------------------------------------------------------


def query_patterns(query: str) -> list[str]:
    """The LIKE patterns a ticket's document must all match for this query (see the module's notes)."""
    strong: list[str] = []
    weak: list[str] = []
    for token in TOKEN.findall(normalise(query)):
        if is_hangul(token):
            stem = korean_stem(token)
            if token.startswith(("안돼", "안되", "안됨")):
                stem = COMPLAINT  # 안돼요 is indexed as the complaint, like the FAQ's
            pattern = f"% {stem} %" if len(stem) <= 2 else f"%{stem}%"
        else:
            term = english_term(token)
            if not term:
                continue  # a stopword (the, is …) narrows nothing
            stem = term
            # A single letter or digit is a whole term: " 3" would be too short for a trigram, and
            # SQLite 3.40's FTS5 crashes on several LIKEs when one of them is that short.
            pattern = f"% {term}%" if len(term) > 1 else f"% {term} %"
        if not _SAFE_TERM.match(stem):
            continue  # initial consonants (ㅎㅂ) are not in the documents
        (weak if stem in WEAK_TERMS else strong).append(pattern)
    # 환불 좀: 좀 narrows nothing; but a query of nothing else still searches for what it says.
    return list(dict.fromkeys(strong or weak))


def exact_lookup(query: str) -> models.Q | None:
    """A reference, found on the ticket's own unique column."""
    text = query.strip()
    if _REFERENCE.match(text):
        return models.Q(reference=text.upper())
    return None


def matching(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """The tickets of `queryset` the agent's query finds."""
    exact = exact_lookup(query)
    if exact is not None:
        return queryset.filter(exact)
    address = query.strip().lower()
    if _EMAIL.match(address):
        # Read from the ticket's own column through its case-insensitive index: the address's
        # pieces (example, com) are in every document, so trigrams would narrow nothing.
        # UPPER(requester_email) is the index's own expression: `iexact` is a LIKE on SQLite,
        # which no index serves.
        return queryset.alias(email_upper=Upper("requester_email")).filter(email_upper=address.upper())
    patterns = query_patterns(query)
    if not patterns:
        return queryset.none()
    documents = TicketSearchDocument.objects.all()
    for pattern in patterns:
        # Django's `contains` wraps the value in %…%: " 환불 " becomes the pattern "% 환불 %".
        documents = documents.filter(text__contains=pattern.strip("%"))
    if connection.vendor == "sqlite":
        return _sqlite_matching(queryset, patterns, documents)
    return queryset.filter(pk__in=documents.values("ticket_id"))


# On SQLite, a query matching at least this many documents is common (환불: a third of the tickets).
SQLITE_COMMON_FROM = 5_000


def _sqlite_matching(queryset: models.QuerySet, patterns: list[str], documents: models.QuerySet) -> models.QuerySet:
    """SQLite's planner does not weigh the two ways PostgreSQL's does: `pk IN (FTS5 matches)` lists
    every match before the newest fifty are picked (a third of the tickets for a common word), and
    the capped count lists them again. So the FTS5 index is asked first for at most
    SQLITE_COMMON_FROM matches (it stops there). Fewer: the list and its count read just those
    tickets by their keys. As many: the query is common, and the list walks the newest tickets
    (their created_at index) reading each one's document by its key (EXISTS) until the page is
    full, a few thousand documents rather than every match."""
    where = " AND ".join(["text LIKE %s"] * len(patterns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {SQLITE_FTS_TABLE} WHERE {where} LIMIT {SQLITE_COMMON_FROM:d}",  # noqa: S608 - fixed SQL, bound patterns
            patterns,
        )
        found = [row[0] for row in cursor.fetchall()]
    if len(found) < SQLITE_COMMON_FROM:
        return queryset.filter(pk__in=found)
    return queryset.filter(models.Exists(documents.filter(ticket=models.OuterRef("pk"))))


# --- marking what was found ----------------------------------------------------------------


def words_to_mark(query: str) -> list[str]:
    if exact_lookup(query) is not None or _EMAIL.match(query.strip()):
        return [query.strip().lower()]
    return surface_words(normalise(query))


def mark_results(tickets: list[Ticket], query: str) -> None:
    """Give each ticket of a result page its subject with the finds marked (`marked_subject`) and a
    snippet of the first message that contains one (`marked_snippet`, or None): one query for the
    whole page."""
    words = words_to_mark(query)
    bodies: dict[int, list[str]] = {ticket.pk: [] for ticket in tickets}
    if bodies and words:
        messages = Message.objects.filter(ticket_id__in=bodies).exclude(body="").order_by("ticket_id", "created_at")
        for ticket_id, body in messages.values_list("ticket_id", "body"):
            bodies[ticket_id].append(body)
    for ticket in tickets:
        ticket.marked_subject = highlight(ticket.subject, words)
        ticket.marked_snippet = _first_snippet(bodies[ticket.pk], words)


def _first_snippet(bodies: list[str], words: list[str]) -> SafeString | None:
    for body in bodies:
        if first_match(body, words) is not None:
            return snippet(" ".join(body.split()), words)
    return None
