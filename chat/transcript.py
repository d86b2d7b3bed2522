"""The conversation e-mailed to the customer at their request, in the language of their page,
queued in the outbox like every other mail of the help center."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chat.models import Chat, ChatRefused
from outbox.models import AutoSubmitted, OutgoingEmail
from outbox.queue import address_allowed, send_later

KIND = "chat_transcript"


def send_transcript(chat: Chat, language: str) -> OutgoingEmail:
    """Queue the transcript to the chat's address; a few an hour at most, as for any mail anyone can
    make us send (the address is the customer's own, but a token could be passed around)."""
    chat.refresh_from_db()
    address = chat.ticket.requester_email
    with translation.override(language):
        if not address_allowed(KIND, address):
            raise ChatRefused("too_many_transcripts", _("The transcript has already been sent several times."))
        subject = _("Your chat with us [%(reference)s]") % {"reference": chat.ticket.reference}
        intro = _("Here is your conversation with our support team, as you asked.")
        reply = _("Reply to this e-mail to continue the conversation.")
        body = f"{intro}\n\n{chat.transcript()}\n\n{reply}\n"
        with transaction.atomic():
            # Threaded with the ticket's other mail, so a reply reaches the same ticket.
            return send_later(
                KIND, address, subject, body, automatic=AutoSubmitted.GENERATED, thread=chat.ticket.reference
            )
