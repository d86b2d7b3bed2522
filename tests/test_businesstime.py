"""The business calendar both tickets and refunds count in (helpcenter/businesstime.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpcenter.businesstime import add_business_days, add_business_hours, is_business_day

SEOUL = ZoneInfo("Asia/Seoul")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 12, 1, 17, 39), 9, at(2026, 12, 2, 17, 39)),  # Tuesday evening: Wednesday, not 02:39
        (at(2026, 12, 1, 10, 0), 1, at(2026, 12, 1, 11, 0)),  # within the day
        (at(2026, 12, 1, 6, 30), 2, at(2026, 12, 1, 11, 0)),  # before opening: counted from 09:00
        (at(2026, 12, 1, 21, 0), 1, at(2026, 12, 2, 10, 0)),  # after closing: from the next opening
        (at(2026, 12, 4, 17, 39), 9, at(2026, 12, 7, 17, 39)),  # Friday evening: the weekend does not count
        (at(2026, 12, 5, 12, 0), 4, at(2026, 12, 7, 13, 0)),  # filed on a Saturday
        (at(2026, 12, 24, 17, 39), 9, at(2026, 12, 28, 17, 39)),  # Christmas Day, then the weekend
        (at(2026, 9, 23, 17, 0), 9, at(2026, 9, 28, 17, 0)),  # Chuseok, Thursday 24 to Saturday 26
        (at(2026, 10, 2, 15, 0), 18, at(2026, 10, 7, 15, 0)),  # Foundation Day's substitute Monday 5
        (at(2026, 12, 1, 18, 0), 9, at(2026, 12, 2, 18, 0)),  # exactly at closing time
    ],
)
def test_business_hours_skip_nights_weekends_and_korean_holidays(start, hours, due):
    assert add_business_hours(start, hours) == due


def test_opening_hours_and_days_come_from_settings(settings):
    settings.HELPCENTER_OPENING_HOURS = "10:00-16:00"
    settings.HELPCENTER_BUSINESS_DAYS = "1-6"  # Saturdays too
    assert add_business_hours(at(2026, 12, 4, 15, 0), 3) == at(2026, 12, 5, 12, 0)
    assert is_business_day(date(2026, 12, 5)) and not is_business_day(date(2026, 12, 6))


def test_the_result_is_in_utc_or_local_time_alike():
    utc = datetime(2026, 12, 1, 8, 39, tzinfo=ZoneInfo("UTC"))  # 17:39 in Seoul
    assert add_business_hours(utc, 9) == at(2026, 12, 2, 17, 39)


def test_business_days_skip_holidays():
    assert add_business_days(date(2026, 9, 23), 1) == date(2026, 9, 28)
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 1), 5) == date(2026, 12, 8)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HELPCENTER_OPENING_HOURS", "18:00-09:00"),
        ("HELPCENTER_OPENING_HOURS", "9시"),
        ("HELPCENTER_BUSINESS_DAYS", "mon-fri"),
        ("HELPCENTER_BUSINESS_DAYS", "0-8"),
    ],
)
def test_a_malformed_calendar_setting_is_refused_clearly(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        add_business_hours(at(2026, 12, 1, 10, 0), 1)
