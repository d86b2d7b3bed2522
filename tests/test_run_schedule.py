from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpcenter.management.commands.run_schedule import run_due
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)


def test_each_scheduled_command_runs_once_per_period(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    solved = Ticket.objects.create(subject="해결됨", requester_email="a@example.com", status="solved")
    Ticket.objects.filter(pk=solved.pk).update(solved_at=timezone.now() - datetime.timedelta(days=30))

    assert run_due(NOON) == ["close_solved_tickets", "refund_reminders", "purge_expired_data"]
    assert Ticket.objects.get(pk=solved.pk).status == "closed"
    assert run_due(NOON + datetime.timedelta(minutes=30)) == []  # another server, same hour: skipped
    assert run_due(NOON + datetime.timedelta(hours=1)) == ["close_solved_tickets"]
    assert run_due(NOON + datetime.timedelta(days=1)) == [
        "close_solved_tickets",
        "refund_reminders",
        "purge_expired_data",
    ]


def test_a_failing_command_does_not_stop_the_others_and_is_tried_again(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    real = call_command

    def flaky(name, *args, **kwargs):
        if name == "refund_reminders":
            raise RuntimeError("database hiccup")
        return real(name, *args, stdout=io.StringIO(), **kwargs)

    with mock.patch("helpcenter.management.commands.run_schedule.call_command", side_effect=flaky):
        assert run_due(NOON) == ["close_solved_tickets", "purge_expired_data"]
    assert run_due(NOON + datetime.timedelta(minutes=1)) == ["refund_reminders"]


def test_once_makes_one_pass(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)
    assert "ran close_solved_tickets\n" in out.getvalue() and "ran purge_expired_data\n" in out.getvalue()
