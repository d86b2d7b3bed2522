"""Realistic volume for the console's benchmarks: tickets with their conversations, refund claims
with their events and FAQ articles, spread over two years, written by console.bulk.

Deterministic for a seed. Older tickets are mostly solved or closed, recent ones still open; a
customer comes back with several tickets; agents are a handful of load-agent-NN accounts.
"""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from console import bulk, loadtext
from console.loadtext import NAMES, PROBLEMS
from faq import search as faq_search
from faq.models import Article, ArticleTranslation, Category
from helpcenter import pagecache, roles
from refunds.models import ClaimEvent, RefundClaim
from refunds.transitions import Status as ClaimStatus
from tickets import search as ticket_search
from tickets.models import Message, Ticket, TicketSearchDocument

SPAN = timedelta(days=730)
AGENT_COUNT = 20


@dataclass
class Sizes:
    tickets: int = 1_000_000
    messages: int = 3_000_000
    claims: int = 200_000
    articles: int = 50_000

    def scaled(self, factor: float) -> Sizes:
        return Sizes(*(max(1, round(value * factor)) for value in vars(self).values()))


def load_agents() -> list[int]:
    """The agents the generated tickets are assigned to (created once, in the Agents group)."""
    User = get_user_model()
    agents = Group.objects.get(name=roles.AGENTS)
    ids = []
    for number in range(1, AGENT_COUNT + 1):
        user, created = User.objects.get_or_create(
            username=f"load-agent-{number:02d}",
            defaults={"email": f"load-agent-{number:02d}@example.com", "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(agents)
        ids.append(user.pk)
    return ids


def _when(rng: random.Random, now: datetime) -> datetime:
    # More recent days are busier: the service grew over the two years.
    return now - SPAN * (rng.random() ** 1.6)


def _in_order(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """`count` creation times, oldest first, so that ids grow with time as they do when rows are
    written as they come: the newest tickets, which every queue and page reads, then sit together
    at the end of the table, not one per page all over it (a page of the fifty newest read fifty
    table pages, and the open tickets were spread over all of a million tickets' pages)."""
    return sorted(_when(rng, now) for _ in range(count))


@dataclass
class Drawn:
    """What tickets() drew for each ticket, kept compactly for the messages and search documents
    that follow (a million tickets: a few megabytes, not a million dicts)."""

    created: list[datetime]
    problems: bytearray
    english: bytearray
    customers: array
    names: bytearray


def _email(customer: int) -> str:
    return f"customer{customer}@example.com"


def _reference(ticket_id: int) -> str:
    return f"HC-L{ticket_id:07d}"


def tickets(
    size: Sizes, first_id: int, agents: list[int], now: datetime, rng: random.Random, drawn: Drawn
) -> Iterator[dict]:
    """The tickets; what each one drew is appended to `drawn` for its messages."""
    priorities = ["low"] * 2 + ["normal"] * 6 + ["high"] * 2 + ["urgent"]
    for number, created in enumerate(_in_order(rng, now, size.tickets)):
        age_days = (now - created).days
        problem_index = rng.randrange(len(PROBLEMS))
        problem = PROBLEMS[problem_index]
        language = "ko" if rng.random() < 0.9 else "en"
        customer = rng.randrange(max(1, size.tickets // 3))
        name = rng.randrange(len(NAMES))
        drawn.names.append(name)
        drawn.created.append(created)
        drawn.problems.append(problem_index)
        drawn.english.append(language == "en")
        drawn.customers.append(customer)
        priority = rng.choice(priorities)
        first_hours, resolution_hours = settings.TICKETS_SLA_HOURS[priority]
        if age_days > 14:
            status = rng.choice(["closed"] * 8 + ["solved"] * 2)
        else:
            status = rng.choice(["new", "open", "open", "pending", "solved", "closed"])
        responded = created + timedelta(hours=rng.uniform(0.2, first_hours * 1.5)) if status != "new" else None
        solved = (
            created + timedelta(hours=rng.uniform(1, resolution_hours * 1.3))
            if status in ("solved", "closed")
            else None
        )
        yield {
            "id": first_id + number,
            "reference": _reference(first_id + number),
            "subject": loadtext.subject(number, problem, language),
            "requester_name": NAMES[name],
            "requester_email": _email(customer),
            "language": language,
            "channel": rng.choice(["web", "web", "email", "email", "phone", "chat"]),
            "status": status,
            "priority": priority,
            "topic": problem.topic,
            "assignee_id": rng.choice(agents) if status != "new" or rng.random() < 0.3 else None,
            "created_at": created,
            "updated_at": solved or responded or created,
            "first_response_due": created + timedelta(hours=first_hours),
            "resolution_due": created + timedelta(hours=resolution_hours),
            "first_responded_at": responded,
            "solved_at": solved,
            "closed_at": solved + timedelta(days=7) if status == "closed" else None,
        }


def _message_counts(size: Sizes) -> Iterator[int]:
    per_ticket, extra = divmod(size.messages, size.tickets)
    for index in range(size.tickets):
        yield per_ticket + (1 if index < extra else 0)


def _conversation(index: int, drawn: Drawn, count: int) -> list[tuple[bool, str]]:
    language = "en" if drawn.english[index] else "ko"
    return loadtext.conversation(index, PROBLEMS[drawn.problems[index]], language, count)


def messages(
    size: Sizes, first_ticket: int, first_id: int, agents: list[int], now: datetime, rng: random.Random, drawn: Drawn
):
    """size.messages messages over the tickets: the customer's question first, then replies."""
    message_id = first_id
    for index, count in enumerate(_message_counts(size)):
        created = drawn.created[index]
        for turn, (from_agent, body) in enumerate(_conversation(index, drawn, count)):
            yield {
                "id": message_id,
                "ticket_id": first_ticket + index,
                "author_kind": "agent" if from_agent else "customer",
                "author_id": rng.choice(agents) if from_agent else None,
                "body": body,
                "created_at": min(now, created + timedelta(hours=turn * 3)),
            }
            message_id += 1


def search_documents(size: Sizes, first_ticket: int, drawn: Drawn) -> Iterator[dict]:
    """Each ticket's search document, from the same words as its subject and messages."""
    for index, count in enumerate(_message_counts(size)):
        language = "en" if drawn.english[index] else "ko"
        problem = PROBLEMS[drawn.problems[index]]
        yield {
            "ticket_id": first_ticket + index,
            "text": ticket_search.document_text(
                _reference(first_ticket + index),
                _email(drawn.customers[index]),
                loadtext.subject(index, problem, language),
                [body for _agent, body in _conversation(index, drawn, count)],
                NAMES[drawn.names[index]],
            ),
        }


CLAIM_STATES = [
    (ClaimStatus.PAID, 5, ["submit", "approve", "mark_paid"]),
    (ClaimStatus.DENIED, 3, ["submit", "deny"]),
    (ClaimStatus.APPROVED, 1, ["submit", "approve"]),
    (ClaimStatus.SUBMITTED, 1, ["submit"]),
    (ClaimStatus.INFO_REQUESTED, 1, ["submit", "request_info"]),
]
TARGETS = {
    "submit": "submitted",
    "approve": "approved",
    "deny": "denied",
    "mark_paid": "paid",
    "request_info": "info_requested",
}


def claims_and_events(
    size: Sizes, first_id: int, first_event: int, agents: list[int], now: datetime, rng: random.Random
):
    """(claims, events): two lists of rows; a claim's events follow its state."""
    weighted = [state for state in CLAIM_STATES for _ in range(state[1])]
    claims, events = [], []
    event_id = first_event
    for number, created in enumerate(_in_order(rng, now, size.claims)):
        status, _weight, steps = rng.choice(weighted)
        claim_id = first_id + number
        at = created
        previous = ""
        for step in steps:
            events.append(
                {
                    "id": event_id,
                    "claim_id": claim_id,
                    "action": step,
                    "from_status": previous,
                    "to_status": TARGETS[step],
                    "actor_id": None if step == "submit" else rng.choice(agents),
                    "created_at": at,
                }
            )
            event_id += 1
            previous = TARGETS[step]
            at = at + timedelta(hours=rng.uniform(2, 72))
        claims.append(
            {
                "id": claim_id,
                "reference": f"RF-L{claim_id:07d}",
                # One address per claim: the open-claim-per-charge rule holds by construction.
                "email": f"claimant{claim_id}@example.com",
                "username": f"user{claim_id}",
                "subscription_type": "premium_individual",
                "charge_date": timezone.localdate(created) - timedelta(days=rng.randrange(1, 20)),
                "amount": Decimal(rng.choice(["10900.00", "16500.00", "7900.00"])),
                "payment_method": rng.choice(["card", "card", "mobile"]),
                "reason": rng.choice(["duplicate_charge", "service_outage", "unused_purchase"]),
                "description": "결제 내역을 확인해 주세요.",
                "status": status,
                "status_changed_at": at,
                "created_at": created,
                "assignee_id": rng.choice(agents) if rng.random() < 0.5 else None,
                "approved_at": at if status in (ClaimStatus.APPROVED, ClaimStatus.PAID) else None,
                "paid_at": at if status == ClaimStatus.PAID else None,
                "info_requested_at": at if status == ClaimStatus.INFO_REQUESTED else None,
            }
        )
    return claims, events


def articles_and_translations(size: Sizes, first_id: int, first_translation: int, now: datetime, rng: random.Random):
    category, _created = Category.objects.get_or_create(
        slug="load-data", defaults={"name_ko": "대량 데이터", "name_en": "Load data"}
    )
    articles, translations = [], []
    for number in range(size.articles):
        created = _when(rng, now)
        article_id = first_id + number
        problem = rng.choice(PROBLEMS)
        subject = problem.subjects["ko"][number % len(problem.subjects["ko"])]
        body = " ".join(problem.bodies["ko"])
        articles.append(
            {
                "id": article_id,
                "slug": f"load-{article_id}",
                "category_id": category.pk,
                "status": "published" if rng.random() < 0.8 else "draft",
                "view_count": rng.randrange(5000),
                "helpful_yes": rng.randrange(200),
                "helpful_no": rng.randrange(50),
                "created_at": created,
                "updated_at": created,
            }
        )
        translations.append(
            {
                "id": first_translation + number,
                "article_id": article_id,
                "language": "ko",
                "title": f"{problem.word} 도움말 {number}: {subject}",
                "body": body,
                "body_html": f"<p>{body}</p>",
                "updated_at": created,
            }
        )
    return articles, translations


def generate(size: Sizes, seed: int, report) -> dict[str, int]:
    """Write everything; `report(table, count, seconds)` after each table. Returns the counts."""
    rng = random.Random(seed)
    now = timezone.now()
    agents = load_agents()
    counts = {}

    def timed(model, rows):
        started = time.perf_counter()
        counts[model._meta.db_table] = bulk.insert(model, rows)
        report(model._meta.db_table, counts[model._meta.db_table], time.perf_counter() - started)

    with bulk.indexes_built_at_the_end(Ticket, Message, RefundClaim, ClaimEvent, Article, ArticleTranslation):
        first_ticket = bulk.next_id(Ticket)
        drawn = Drawn(created=[], problems=bytearray(), english=bytearray(), customers=array("l"), names=bytearray())
        timed(Ticket, tickets(size, first_ticket, agents, now, rng, drawn))
        timed(Message, messages(size, first_ticket, bulk.next_id(Message), agents, now, rng, drawn))
        with ticket_search.index_built_at_the_end():
            timed(TicketSearchDocument, search_documents(size, first_ticket, drawn))
            started = time.perf_counter()
        report("ticket search: trigram index built", None, time.perf_counter() - started)
        del drawn
        claims, events = claims_and_events(size, bulk.next_id(RefundClaim), bulk.next_id(ClaimEvent), agents, now, rng)
        timed(RefundClaim, claims)
        timed(ClaimEvent, events)
        articles, translations = articles_and_translations(
            size, bulk.next_id(Article), bulk.next_id(ArticleTranslation), now, rng
        )
        timed(Article, articles)
        timed(ArticleTranslation, translations)
        started = time.perf_counter()
    report("secondary indexes built again", None, time.perf_counter() - started)
    started = time.perf_counter()
    counts["faq articles indexed"] = faq_search.rebuild_index()  # every article, the generated ones too
    report("faq_searchterm (rebuild_index): articles", counts["faq articles indexed"], time.perf_counter() - started)
    # The articles went in by COPY, past the ORM and its signals: the cached public pages must
    # not go on showing the help center without them.
    pagecache.advance_generation()
    return counts
