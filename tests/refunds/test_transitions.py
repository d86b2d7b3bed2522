"""The transition table is the one place the state machine is written: the methods, the admin's
buttons and forms and the timeline all read it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from refunds import transitions
from refunds.forms import TransitionForm
from refunds.transitions import CONSOLE_ACTIONS, TRANSITIONS
from tests.refunds.conftest import make_claim

pytestmark = pytest.mark.django_db
APP = Path(transitions.__file__).parent


def ko(message) -> str:
    with translation.override("ko"):
        return str(message)


def test_the_admin_buttons_are_the_tables_labels(client, claim, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    shown = dict(re.findall(r'data-transition="(\w+)">(.*?)</a>', html))
    assert shown == {action: ko(TRANSITIONS[action].button) for action in ("request_info", "approve", "deny")}
    assert CONSOLE_ACTIONS == ["request_info", "approve", "deny", "mark_paid"]


@pytest.mark.parametrize(
    "action, required, widget, max_length",
    [
        ("request_info", True, forms.Textarea, 5000),
        ("approve", False, forms.Textarea, 5000),
        ("deny", True, forms.Textarea, 5000),
        ("mark_paid", True, forms.TextInput, 100),
    ],
)
def test_each_form_asks_for_what_its_row_says(action, required, widget, max_length):
    note = TransitionForm(action).fields["note"]
    assert (note.label, note.required, type(note.widget), note.max_length) == (
        TRANSITIONS[action].note_label,
        required,
        widget,
        max_length,
    )
    if required:
        form = TransitionForm(action, {"note": "   ", "version": "0"})
        assert form.errors == {"note": [TRANSITIONS[action].note_missing]}


def test_a_too_long_payment_reference_is_a_form_error_not_a_crash(client, reviewer, finance):
    claim = make_claim()
    claim.approve(reviewer, "")
    client.force_login(finance)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/mark_paid/", {"note": "P" * 101, "version": claim.version}
    )
    assert response.status_code == 200 and list(response.context["form"].errors) == ["note"]
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_timeline_reads_the_tables_labels(client, reviewer):
    claim = make_claim()
    claim.request_info(reviewer, "명세서?")
    claim.deny_for_no_answer()
    assert [event.label for event in claim.events.all()] == [
        str(TRANSITIONS[action].event_label) for action in ("submit", "request_info", "deny_for_no_answer")
    ]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }


@pytest.mark.parametrize(
    "module", ["policy.py", "transitions.py", "currencies.py", "evidence.py", "events.py", "notifications.py"]
)
def test_the_modules_below_the_models_never_import_them(module):
    # models imports these at the top; none of them may import models back, even inside a function.
    assert "refunds.models" not in imported_modules(APP / module)
