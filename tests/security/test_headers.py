"""The security headers and cookies every response carries, with their exact values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources} (django-csp does not keep an order)."""
    directives = [part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, sources in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ko/", "/ko/contact/", "/ko/refunds/", "/admin/login/", "/ko/no-such-page/"])
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path, secure=True)
    assert {name: response[name] for name in HEADERS} == HEADERS
    assert policy(response) == POLICY


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_before_anything_else(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/ko/contact/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/ko/contact/"


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_same_site(client):
    response = client.get("/ko/contact/", secure=True)
    csrf = response.cookies["csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")

    get_user_model().objects.create_user("agent", "agent@example.com", "pw", is_staff=True)
    response = client.post("/admin/login/?next=/admin/", {"username": "agent", "password": "pw"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"}, secure=True)
    language = response.cookies["django_language"]
    assert (language["secure"], language["httponly"], language["samesite"]) == (True, True, "Lax")


def test_a_nonce_is_added_only_when_a_template_asks_for_one(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
    assert policy(response)["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy(response)["style-src"] == f"'self' 'nonce-{nonce}'"


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_script_or_style():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern, what in INLINE:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_no_python_code_writes_style_attributes():
    found = []
    for path in ROOT.glob("*/*.py"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""<[a-z][^>]*\sstyle=""", line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []


@pytest.mark.django_db
def test_a_forged_form_gets_our_own_page_without_inline_style():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/ko/contact/", {"subject": "x"}, secure=True)
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>요청을 확인하지 못했어요</h1>" in html
    assert "<style" not in html and "style=" not in html
    assert policy(response) == POLICY
