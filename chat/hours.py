"""Chat hours, read from the chat contact channel's opening hours ("평일 10:00–22:00",
"Weekdays 10:00–22:00 KST", "매일 09:00-18:00"), so that editors change them in one place.

Weekdays skip Korean public holidays. Hours that name no time range ("24시간", "always") are open
all the time; no active chat channel means no chat at all.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from django.core.cache import cache
from django.utils import timezone

from faq.models import ContactChannel
from helpcenter.businesstime import is_holiday

_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~〜]\s*(\d{1,2}):(\d{2})")
_WEEKDAYS = ("weekday", "평일", "mon-fri", "월-금", "월~금")
_WEEKENDS = ("weekend", "주말")


def chat_channel() -> ContactChannel | None:
    return ContactChannel.objects.filter(kind=ContactChannel.Kind.CHAT, is_active=True).first()


def open_in(hours: str, now: datetime) -> bool:
    """Whether hours written like the contact channels' are open at this local time."""
    text = hours.lower()
    day = now.date()
    # The holiday calendar is the help center's own (built once per year), as for SLA times.
    is_workday = day.weekday() < 5 and not is_holiday(day)
    if any(word in text for word in _WEEKDAYS) and not is_workday:
        return False
    if any(word in text for word in _WEEKENDS) and not any(word in text for word in _WEEKDAYS) and is_workday:
        return False
    match = _RANGE.search(text)
    if not match:
        return True
    start = time(int(match[1]) % 24, int(match[2]))
    end_hour = int(match[3])
    end = time(23, 59, 59) if end_hour >= 24 else time(end_hour, int(match[4]))
    return start <= now.time() < end


def chat_is_open(now: datetime | None = None, channel: ContactChannel | None = None) -> bool:
    channel = channel or chat_channel()
    if channel is None:
        return False
    hours = channel.hours_en or channel.hours_ko
    return open_in(hours, timezone.localtime(now or timezone.now()))


def page_variant(generation: int) -> str:
    """The chat launcher's state for the shared page cache (helpcenter/pagecache.py): "open",
    "closed" or "none". The opening hours are a contact-channel setting, read once per content
    generation (an edit of the channel moves it on); whether they are open is asked every time."""
    key = f"chat:hours:{generation}"
    known = cache.get(key)
    if known is None:
        channel = chat_channel()
        known = (channel is not None, (channel.hours_en or channel.hours_ko) if channel else "")
        cache.set(key, known, 3600)
    has_channel, hours = known
    if not has_channel:
        return "none"
    return "open" if open_in(hours, timezone.localtime()) else "closed"
