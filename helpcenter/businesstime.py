"""The help center's business calendar: opening hours on working days, Korean public holidays off.

Tickets count their service-level times in business hours and refunds count the payout window in
business days, so both read the same calendar from settings: HELPCENTER_OPENING_HOURS
("09:00-18:00"), HELPCENTER_BUSINESS_DAYS (ISO weekdays, "1-5" = Monday to Friday) and the public
holidays of HELPCENTER_HOLIDAY_COUNTRY (KR, with substitute holidays, as the `holidays` package
knows them), in the site's TIME_ZONE.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# Far more than any service level: a calendar with no open day must not loop for ever.
_MAX_DAYS_SEARCHED = 3660


def opening_hours() -> tuple[time, time]:
    return _opening_hours(settings.HELPCENTER_OPENING_HOURS)


@lru_cache(maxsize=8)
def _opening_hours(value: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        opens = closes = None
    if opens is None or closes is None or opens >= closes:
        raise ImproperlyConfigured(f"HELPCENTER_OPENING_HOURS must look like 09:00-18:00, not {value!r}")
    return opens, closes


def business_weekdays() -> frozenset[int]:
    return _weekdays(settings.HELPCENTER_BUSINESS_DAYS)


@lru_cache(maxsize=8)
def _weekdays(value: str) -> frozenset[int]:
    """ISO weekday numbers from "1-5" or "1,2,3,4,5,6"."""
    days: set[int] = set()
    try:
        for item in value.split(","):
            first, _, last = item.strip().partition("-")
            days.update(range(int(first), int(last or first) + 1))
    except ValueError:
        days = set()
    if not days or not days <= set(range(1, 8)):
        raise ImproperlyConfigured(f"HELPCENTER_BUSINESS_DAYS must list ISO weekdays such as 1-5, not {value!r}")
    return frozenset(days)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_holiday(day: date) -> bool:
    return day in _holidays(settings.HELPCENTER_HOLIDAY_COUNTRY, day.year)


def is_business_day(day: date) -> bool:
    return day.isoweekday() in business_weekdays() and not is_holiday(day)


def add_business_days(start: date, count: int) -> date:
    """The day `count` business days after `start` (start itself not counted)."""
    day = start
    added = 0
    for _ in range(_MAX_DAYS_SEARCHED + count):
        if added >= count:
            break
        day += timedelta(days=1)
        if is_business_day(day):
            added += 1
    return day


def add_business_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of opening time after `start`. Time outside opening hours, weekends and
    public holidays does not count: a ticket filed at 17:39 on a Friday with 9 hours to go is due
    at 17:39 on the next working day (09:00-18:00), not at 02:39 on Saturday."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(start, zone)
    opens, closes = opening_hours()
    remaining = timedelta(hours=hours)
    day = local.date()
    cursor = local
    for _ in range(_MAX_DAYS_SEARCHED):
        day_open = timezone.make_aware(datetime.combine(day, opens), zone)
        day_close = timezone.make_aware(datetime.combine(day, closes), zone)
        if is_business_day(day) and cursor < day_close:
            begin = max(cursor, day_open)
            available = day_close - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)
        cursor = timezone.make_aware(datetime.combine(day, time.min), zone)
    return cursor
