from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from faq.lexicon import load_lexicon
from faq.models import ContactChannel, Synonym
from faq.portable import import_document
from helpcenter import roles

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

CONTACT_CHANNELS = [
    {
        "kind": ContactChannel.Kind.EMAIL,
        "label_ko": "이메일 문의",
        "label_en": "E-mail us",
        "value": "help@example.com",
        "hours_ko": "24시간 접수, 영업일 기준 1일 이내 답변",
        "hours_en": "Received 24/7, answered within one business day",
    },
    {
        "kind": ContactChannel.Kind.PHONE,
        "label_ko": "전화 상담",
        "label_en": "Call us",
        "value": "1588-0000",
        "hours_ko": "평일 10:00–18:00 (점심 12:00–13:00, 주말·공휴일 휴무)",
        "hours_en": "Weekdays 10:00–18:00 KST (lunch 12:00–13:00; closed weekends and holidays)",
    },
    {
        "kind": ContactChannel.Kind.CHAT,
        "label_ko": "채팅 상담",
        "label_en": "Chat with us",
        "value": "/ko/contact/#chat",  # the widget opens on it; without JavaScript, the contact form
        "hours_ko": "평일 10:00–22:00",
        "hours_en": "Weekdays 10:00–22:00 KST",
    },
]


class Command(BaseCommand):
    help = "Load the demo help center: the Korean and English FAQ, the lexicon and contact channels. Safe to re-run."

    def handle(self, *args, **options):
        with transaction.atomic():
            faq = json.loads((DEMO_DIR / "faq.json").read_text(encoding="utf-8"))
            counts = import_document(faq)
            # The synonyms are the shipped lexicon (normally already there since `migrate`).
            load_lexicon()
            for position, channel in enumerate(self.channels()):
                ContactChannel.objects.update_or_create(
                    kind=channel["kind"], defaults={**channel, "position": position}
                )
        self.stdout.write(
            f"FAQ: {counts['categories']} categories, {counts['articles_created'] + counts['articles_updated']} "
            f"articles; {Synonym.objects.count()} synonyms; contact channels."
        )
        if settings.DEBUG:
            self.create_demo_staff()

    def channels(self) -> list[dict]:
        channels = list(CONTACT_CHANNELS)
        web_form = self.web_form_url()
        if web_form:
            channels.insert(
                0,
                {
                    "kind": ContactChannel.Kind.WEB,
                    "label_ko": "문의하기",
                    "label_en": "Send us a request",
                    "value": web_form,
                    "hours_ko": "24시간 접수",
                    "hours_en": "Open 24/7",
                },
            )
        return channels

    def web_form_url(self) -> str | None:
        # The contact form belongs to the tickets app; it is offered once that app serves it.
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("tickets:new")
        except NoReverseMatch:
            return None

    def create_demo_staff(self) -> None:
        # The accounts, one per console role, are declared with the roles themselves.
        roles.create_demo_staff(self.stdout.write)
