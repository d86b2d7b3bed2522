"""A refund claim opened from a support ticket: what the agent's add form starts with.

The customer already told us who they are and what happened; the agent should not type it again.
The reason is a first guess from the customer's words (the agent checks it before filing): the
policy's reasons are few, and customers name them in a handful of ways.
"""

from __future__ import annotations

from refunds.policy import PaymentMethod, Reason
from tickets.models import Message, Ticket

# Checked in this order: "두 번 결제" says duplicate even when the message also says "환불".
REASON_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (Reason.DUPLICATE_CHARGE, ("두 번", "두번", "중복", "이중 결제", "이중결제", "twice", "double", "duplicate")),
    (
        Reason.UNRECOGNISED_CHARGE,
        ("모르는 결제", "모르는 청구", "결제한 적", "don't recognise", "unrecognised", "unknown charge"),
    ),
    (Reason.WITHDRAWAL_WITHIN_7_DAYS, ("청약철회", "청약 철회", "7일", "사용하지 않", "withdraw", "unused")),
    (
        Reason.SERVICE_UNAVAILABLE,
        ("재생이 안", "재생 안", "안 돼", "안돼", "오류", "장애", "did not work", "doesn't work", "not working"),
    ),
]
PAYMENT_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (PaymentMethod.APP_STORE, ("앱스토어", "앱 스토어", "구글 플레이", "구글플레이", "app store", "google play")),
    (PaymentMethod.PHONE_BILL, ("휴대폰 결제", "휴대폰결제", "소액결제", "phone bill")),
    (PaymentMethod.CARD, ("카드", "card")),
]


def _first_match(text: str, table: list[tuple[str, tuple[str, ...]]], default: str = "") -> str:
    lowered = text.lower()
    for value, words in table:
        if any(word in lowered for word in words):
            return str(value)
    return default


def reason_in(text: str) -> str:
    """The policy reason the customer's words point to; "other" when none does."""
    return _first_match(text, REASON_WORDS, Reason.OTHER)


def initial_from_ticket(ticket: Ticket) -> dict[str, object]:
    """The claim add form's starting values for a ticket: who, what they wrote, and the link."""
    first_words = ticket.messages.filter(author_kind=Message.Author.CUSTOMER).order_by("created_at", "pk").first()
    description = first_words.body if first_words else ""
    text = f"{ticket.subject}\n{description}"
    initial: dict[str, object] = {
        "ticket": ticket.pk,
        "email": ticket.requester_email,
        "username": ticket.requester_name,
        "reason": reason_in(text),
        "description": description or ticket.subject,
        "currency": "KRW",
    }
    if payment_method := _first_match(text, PAYMENT_WORDS):
        initial["payment_method"] = payment_method
    return initial
