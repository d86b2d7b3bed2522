"""E-mail to the customer, in their language, whenever their claim moves; always with the status link.

Delivery goes through the help center's outgoing queue (outbox.queue), so a transition never waits
on the mail server. Every one of these is written by the machine: Auto-Submitted: auto-generated.
"""

from __future__ import annotations

from outbox.models import AutoSubmitted
from outbox.plaintext import render_mail
from outbox.queue import address_allowed, send_later


def _send(claim, kind: str, template: str, context: dict) -> None:
    context = {"claim": claim, **context}
    if "status_url" not in context:
        context["status_url"] = claim.status_url()
    subject, body = render_mail(f"refunds/email/{template}", context, claim.language)
    send_later(kind, claim.email, f"{subject} [{claim.reference}]", body, automatic=AutoSubmitted.GENERATED)


def claim_filed(claim) -> None:
    _send(claim, "refund-filed", "filed", {})


def status_changed(claim, event) -> None:
    _send(claim, f"refund-{event.action}", "status", {"event": event, "window": claim.payout_window()})


def reminder(claim) -> None:
    _send(claim, "refund-reminder", "reminder", {})


def status_link(claim) -> None:
    # Sent on request by anyone who knows the claim's details: a few per hour, then silence.
    if address_allowed("refund-link", claim.email):
        _send(claim, "refund-link", "link", {})


def new_link(claim, token: str) -> None:
    # Staff replaced the claim's links: always sent (no hourly cap), the old link is dead already.
    _send(claim, "refund-new-link", "new_link", {"status_url": claim.status_url(token)})
