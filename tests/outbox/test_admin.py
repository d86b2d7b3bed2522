"""The outgoing mail queue in the console: who sees it, and "retry now"."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import OutgoingEmail
from outbox.queue import send_later

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/outbox/outgoingemail/"


def staff(username: str, *permissions: str, group: str | None = None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="outbox", codename__in=permissions))
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def given_up() -> OutgoingEmail:
    email = send_later("notice", "hong@example.com", "Notice", "text")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state="failed",
        attempts=8,
        last_error="SMTPRecipientsRefused",
        next_attempt_at=timezone.now() + timedelta(hours=4),
    )
    return email


def retry(client, *emails):
    return client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [e.pk for e in emails]}, follow=True)


def test_retry_now_sends_mail_that_was_given_up_on_at_the_next_run(client, given_up, settings):
    settings.MAIL_MAX_ATTEMPTS = 8
    sent = send_later("notice", "kim@example.com", "Sent", "text")
    OutgoingEmail.objects.filter(pk=sent.pk).update(state="sent", sent_at=timezone.now())
    client.force_login(staff("supervisor", "view_outgoingemail", "change_outgoingemail"))

    response = retry(client, given_up, sent)

    assert [str(m) for m in response.context["messages"]] == ["이메일 1건을 다시 전송 대기열에 넣었습니다."]
    given_up.refresh_from_db()
    assert given_up.state == "queued" and given_up.next_attempt_at <= timezone.now()
    call_command("send_queued_mail", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["hong@example.com"]]  # the sent one is not sent again
    given_up.refresh_from_db()
    assert given_up.state == "sent"


def test_someone_who_may_only_look_at_the_queue_cannot_retry(client, given_up):
    client.force_login(staff("viewer", "view_outgoingemail"))
    assert client.get(CHANGELIST).status_code == 200
    retry(client, given_up)
    given_up.refresh_from_db()
    assert given_up.state == "failed"


def test_an_agent_without_the_queue_permissions_sees_nothing_and_retries_nothing(client, given_up):
    client.force_login(staff("agent", group="Agents"))
    assert client.get(CHANGELIST).status_code == 403
    assert retry(client, given_up).status_code == 403
    given_up.refresh_from_db()
    assert given_up.state == "failed"


def test_a_supervisor_retries_mail_that_was_given_up_on(client, given_up):
    client.force_login(staff("lead", group="Supervisors"))
    assert client.get(CHANGELIST).status_code == 200
    response = retry(client, given_up)
    assert [str(m) for m in response.context["messages"]] == ["이메일 1건을 다시 전송 대기열에 넣었습니다."]
    given_up.refresh_from_db()
    assert given_up.state == "queued" and given_up.next_attempt_at <= timezone.now()
