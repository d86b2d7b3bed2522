"""{% blank_form %}: the empty contact and refund forms rendered once per process, each with its own key."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from helpcenter.templatetags import blank_forms
from refunds.forms import ClaimForm
from tickets.forms import CallbackForm, ContactForm

pytestmark = pytest.mark.django_db
KEY = re.compile(r'name="(?:callback-)?submission_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def nothing_kept():
    blank_forms._rendered.clear()
    yield
    blank_forms._rendered.clear()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(("form_class", "prefix"), [(ContactForm, None), (CallbackForm, "callback"), (ClaimForm, None)])
def test_the_kept_html_is_what_crispy_renders(form_class, prefix, language):
    crispy = Template("{% load crispy_forms_tags %}{% crispy form %}")
    with translation.override(language):
        for _ in range(2):  # rendered, then from what was kept
            form = form_class(prefix=prefix)
            assert str(blank_forms.blank_form(form)) == crispy.render(Context({"form": form}))


def test_each_visitor_gets_a_fresh_submission_key_from_one_rendering(client, monkeypatch):
    rendered = []
    real = blank_forms.render_crispy_form
    monkeypatch.setattr(blank_forms, "render_crispy_form", lambda form: rendered.append(form) or real(form))
    first, second = (client.get("/ko/contact/").content.decode() for _ in range(2))
    assert len(rendered) == 2  # the contact form and the call-back form, once each
    first_keys, second_keys = KEY.findall(first), KEY.findall(second)
    assert len(first_keys) == 2 and len(set(first_keys + second_keys)) == 4
    assert KEY.sub("", CSRF.sub("", first)) == KEY.sub("", CSRF.sub("", second))


def test_a_form_sent_back_with_errors_is_rendered_with_them(client):
    html = client.post("/ko/refunds/", {"email": "not-an-address"}).content.decode()
    assert "올바른 이메일 주소를 입력하세요." in html
    assert 'value="not-an-address"' in html
