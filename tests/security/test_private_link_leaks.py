"""Private links stay private: no token in a log line (Django's, runserver's, uvicorn's access log),
and no more than our origin as Referer from a page under one."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from uvicorn.logging import AccessFormatter

from helpcenter.logredact import RedactPrivateLinks
from tests.refunds.conftest import make_claim
from tests.tickets.conftest import form_data
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data())
    return Ticket.objects.get()


@pytest.fixture
def console_lines():
    """What the root console handler of settings.LOGGING would write, with its own filters (its
    stream itself is pytest's, which other tests may have closed)."""
    (configured,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    logging.getLogger().addHandler(handler)
    yield buffer
    logging.getLogger().removeHandler(handler)


def test_djangos_404_and_403_log_lines_carry_no_token(client, ticket, console_lines):
    token = ticket.tracking_token()
    Ticket.objects.filter(pk=ticket.pk).update(requester_email="changed@example.com")  # the link is dead now
    client.get(f"/ko/requests/{token}/")
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.post(f"/ko/requests/{token}/reply/", {"body": "x"})
    written = console_lines.getvalue()
    assert written.splitlines() == [
        "Not Found: /ko/requests/[private]/",
        "Forbidden (CSRF cookie not set.): /ko/requests/[private]/reply/",
    ]
    assert token not in written


def test_handlers_below_the_root_see_the_record_already_cut(client, ticket):
    # Django's own "django" handlers (its DEBUG console, mail to ADMINS) sit below the root one.
    token = ticket.tracking_token()
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logging.getLogger("django").addHandler(handler)
    try:
        client.get(f"/ko/requests/{token}/reply/")  # GET on a POST-only page: logged as 405
    finally:
        logging.getLogger("django").removeHandler(handler)
    assert seen == ["Method Not Allowed (GET): /ko/requests/[private]/reply/"]


def test_the_uvicorn_access_log_line_carries_no_token(caplog, ticket):
    token, status = ticket.tracking_token(), make_claim().status_token()
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        # As uvicorn's HTTP protocols log each request: client, method, path, version, status.
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:51234", "GET", f"/ko/requests/{token}/", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:51234", "GET", f"/en/refunds/status/{status}/", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:51234", "GET", "/ko/requests/find/", "1.1", 200)
    formatter = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    assert [formatter.format(record) for record in caplog.records] == [
        '203.0.113.9:51234 - "GET /ko/requests/[private]/ HTTP/1.1" 200 OK',
        '203.0.113.9:51234 - "GET /en/refunds/status/[private]/ HTTP/1.1" 200 OK',
        '203.0.113.9:51234 - "GET /ko/requests/find/ HTTP/1.1" 200 OK',
    ]


def test_runservers_own_logger_is_filtered_too(ticket):
    token = ticket.tracking_token()
    assert any(isinstance(f, RedactPrivateLinks) for f in logging.getLogger("django.server").filters)
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /ko/requests/{token}/ HTTP/1.1", 200, 512),
        None,
    )
    RedactPrivateLinks().filter(record)
    assert record.getMessage() == '"GET /ko/requests/[private]/ HTTP/1.1" 200 512'


def test_signed_links_of_before_are_cut_out_as_well(ticket):
    from helpcenter.privacy import sign_reference
    from tickets.models import TRACKING_SALT

    signed = sign_reference(ticket.reference, ticket.requester_email, TRACKING_SALT)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Not Found: %s", (f"/ko/requests/{signed}/",), None)
    RedactPrivateLinks().filter(record)
    assert record.getMessage() == "Not Found: /ko/requests/[private]/"


def test_pages_under_a_private_link_send_their_origin_at_most(client, ticket):
    token = ticket.tracking_token()
    claim = make_claim()
    for path in (
        f"/ko/requests/{token}/",
        f"/ko/refunds/status/{claim.status_token()}/",
        "/ko/requests/not-a-real-token-at-all-0123456789/",  # a dead link's page too
    ):
        assert client.get(path)["Referrer-Policy"] == "strict-origin", path
    # Everywhere else the site-wide policy stands.
    assert client.get("/ko/")["Referrer-Policy"] == "same-origin"
    assert client.get("/ko/contact/")["Referrer-Policy"] == "same-origin"


def test_a_customer_reply_redirect_under_a_private_link_keeps_the_policy(client, ticket):
    token = ticket.tracking_token()
    response = client.post(f"/ko/requests/{token}/reply/", {"body": "추가 정보입니다"})
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "strict-origin"


def test_the_pages_own_forms_pass_the_csrf_origin_check_under_its_policy(ticket):
    # Under strict-origin the browser sends the page's origin with its forms (under no-referrer it
    # would send "Origin: null", refused below): the reply goes through with its token.
    browser = Client(enforce_csrf_checks=True)
    path = f"/ko/requests/{ticket.tracking_token()}/"
    page = browser.get(path)
    csrf = page.context["csrf_token"]
    refused = browser.post(path + "reply/", {"body": "첨부", "csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="null")
    assert refused.status_code == 403
    sent = browser.post(
        path + "reply/", {"body": "추가 정보", "csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="http://testserver"
    )
    assert sent.status_code == 302
    assert ticket.messages.latest("pk").body == "추가 정보"
