"""manage.py generate_load_data: the sizes asked for, related rows that hold together, clear errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from faq.models import Article
from refunds.models import ClaimEvent, RefundClaim
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_it_writes_the_sizes_asked_for_and_adds_to_what_is_there():
    out = StringIO()
    call_command("generate_load_data", tickets=30, messages=70, claims=12, articles=5, stdout=out)
    assert (Ticket.objects.count(), Message.objects.count(), RefundClaim.objects.count(), Article.objects.count()) == (
        30,
        70,
        12,
        5,
    )
    assert not Ticket.objects.filter(messages__isnull=True).exists()
    assert ClaimEvent.objects.filter(action="submit").count() == 12
    paid = RefundClaim.objects.filter(status="paid")
    assert all(claim.events.last().to_status == "paid" for claim in paid)
    assert "tickets_ticket: 30 rows" in out.getvalue()
    call_command("generate_load_data", tickets=10, messages=10, claims=1, articles=1, seed=7, stdout=StringIO())
    assert Ticket.objects.count() == 40
    Ticket.objects.create(subject="새 문의", requester_email="new@example.com")  # the sequence moved past them
    assert Ticket.objects.count() == 41


def test_the_scale_makes_a_fraction_of_the_default():
    out = StringIO()
    call_command("generate_load_data", scale=0.00002, stdout=out)
    assert "20 tickets, 60 messages, 4 claims, 1 articles" in out.getvalue()
    assert Message.objects.count() == 60


@pytest.mark.parametrize(
    ("options", "message"),
    [({"scale": 0}, "--scale must be above 0 and at most 100."), ({"tickets": 0}, "--tickets must be at least 1.")],
)
def test_bad_sizes_are_refused_with_a_message(options, message):
    with pytest.raises(CommandError) as error:
        call_command("generate_load_data", **options, stdout=StringIO())
    assert str(error.value) == message
    assert not Ticket.objects.exists()


def index_names(cursor, table: str) -> set[str]:
    from django.db import connection

    return set(connection.introspection.get_constraints(cursor, table))


def test_generated_tickets_and_articles_are_searchable_and_the_indexes_are_back():
    from django.db import connection

    from faq import search as faq_search
    from tickets import search
    from tickets.models import TicketSearchDocument

    tables = ["tickets_ticket", "tickets_message", "tickets_ticketsearchdocument", "faq_articletranslation"]
    with connection.cursor() as cursor:
        before = {table: index_names(cursor, table) for table in tables}
    call_command("generate_load_data", tickets=60, messages=150, claims=3, articles=20, stdout=StringIO())
    with connection.cursor() as cursor:
        assert {table: index_names(cursor, table) for table in tables} == before
    assert TicketSearchDocument.objects.count() == 60
    refunds = Ticket.objects.filter(topic="refund")
    assert refunds.exists()
    # Each generated ticket's document has exactly the words of its subject and messages.
    for ticket in Ticket.objects.all()[:10]:
        bodies = ticket.messages.values_list("body", flat=True)
        assert ticket.search_document.text == search.ticket_document(ticket, bodies)
    found = search.matching(Ticket.objects.all(), "환불을")
    assert set(refunds.filter(language="ko")) <= set(found)
    assert Ticket.objects.filter(language="en", messages__body__regex=r"^[A-Za-z]").exists()
    published = Article.objects.filter(status="published", slug__startswith="load-")
    hits = faq_search.search("환불", "ko")
    assert published.exists() and {article.slug for article in published} & {hit.article.slug for hit in hits}


def test_ids_grow_with_the_creation_time_as_when_rows_are_written_as_they_come():
    call_command("generate_load_data", tickets=200, messages=400, claims=50, articles=1, stdout=StringIO())
    for model in (Ticket, RefundClaim):
        by_id = list(model.objects.order_by("pk").values_list("created_at", flat=True))
        assert len(by_id) in (200, 50)
        assert by_id == sorted(by_id), model.__name__
        # Still two years of them, the recent days busier.
        assert (by_id[-1] - by_id[0]).days > 300
