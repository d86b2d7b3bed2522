"""The widget asks for its CSRF token when first used: the pages around it are shared and set no cookie."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_widget_gets_a_token_and_its_cookie_only_when_it_asks():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/ko/chat/forget/").status_code == 403  # nothing asked yet: refused
    response = browser.get("/ko/chat/token/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    token = response.json()["token"]
    assert browser.post("/ko/chat/forget/", HTTP_X_CSRFTOKEN=token).status_code == 200
    assert Client(enforce_csrf_checks=True).post("/ko/chat/forget/", HTTP_X_CSRFTOKEN=token).status_code == 403
