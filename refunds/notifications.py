"""E-mail to the customer, in their language, whenever their claim moves; always with the status link.

Delivery goes through the help center's mail queue (tickets.notifications.send_later), so a
transition never waits on the mail server.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tickets.notifications import recently_sent, send_later


def _send(claim, kind: str, template: str, context: dict) -> None:
    with translation.override(claim.language):
        context = {"claim": claim, "status_url": claim.status_url(), **context}
        subject = render_to_string(f"refunds/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"refunds/email/{template}.txt", context)
    send_later(kind, claim.email, f"{subject} [{claim.reference}]", body)


def claim_filed(claim) -> None:
    _send(claim, "refund-filed", "filed", {})


def status_changed(claim, event) -> None:
    _send(claim, f"refund-{event.action}", "status", {"event": event, "window": claim.payout_window()})


def reminder(claim) -> None:
    _send(claim, "refund-reminder", "reminder", {})


def status_link(claim) -> None:
    # Sent on request by anyone who knows the claim's details: a few per hour, then silence.
    if recently_sent("refund-link", claim.email) < settings.TICKETS_ACKS_PER_ADDRESS:
        _send(claim, "refund-link", "link", {})
