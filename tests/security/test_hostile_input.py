"""What an attacker would try on the public side, and the clear refusal each one gets, with nothing
stored that should not be: someone else's request, claim or chat; forged CSRF; script in every
field; disguised uploads; pathological search strings; path tricks in file names; header
injection; a forged X-Forwarded-For against the rate limit."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chat.models import Chat, ChatDeflection
from faq.models import ArticleVote
from helpcenter.models import RateCounter
from outbox.delivery import build
from outbox.models import OutgoingEmail
from refunds.models import ClaimEvent, Evidence, RefundClaim
from tests.refunds.conftest import make_claim
from tests.refunds.test_claim_form import data as claim_data
from tests.tickets.conftest import PNG, form_data, staff_member, upload
from tickets.models import Attachment, Message, SatisfactionResponse, Ticket

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ticket(client) -> Ticket:
    client.post("/ko/contact/", form_data(attachments=[upload()]))
    return Ticket.objects.get()


def stored_counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "claims": RefundClaim.objects.count(),
        "events": ClaimEvent.objects.count(),
        "evidence": Evidence.objects.count(),
        "mail": OutgoingEmail.objects.count(),
        "votes": ArticleVote.objects.count(),
        "surveys": SatisfactionResponse.objects.count(),
        "chats": Chat.objects.count(),
        "deflections": ChatDeflection.objects.count(),
    }


# --- someone else's request, claim or chat ---------------------------------------------------------


def test_a_reference_or_a_neighbours_token_opens_no_one_elses_request(client, ticket):
    client.post("/ko/contact/", form_data(requester_email="kim@example.com", subject="김의 문의"))
    other = Ticket.objects.get(requester_email="kim@example.com")
    mine = ticket.tracking_token()
    for guess in (other.reference, other.reference.lower(), f"{other.pk}", mine[:-2], mine + "A", mine.upper()):
        assert client.get(f"/ko/requests/{guess}/").status_code == 404, guess
    # My own link does not reach their files, nor their survey, nor their reply form.
    their_file = other.messages.get().attachments.first()
    my_file = ticket.messages.get().attachments.get()
    assert their_file is None or client.get(f"/ko/requests/{mine}/files/{their_file.pk}/").status_code == 404
    assert client.get(f"/ko/requests/{other.tracking_token()}/files/{my_file.pk}/").status_code == 404
    before = Message.objects.filter(ticket=other).count()
    assert client.post(f"/ko/requests/{mine[:-1]}x/reply/", {"body": "끼어들기"}).status_code == 404
    assert Message.objects.filter(ticket=other).count() == before


def test_a_claims_reference_or_altered_token_opens_no_claim(client):
    mine, theirs = make_claim(), make_claim(email="kim@example.com", amount="5900")
    token = mine.status_token()
    for guess in (theirs.reference, token[:-1] + ("B" if token[-1] != "B" else "C"), "RF-" + "2" * 7):
        assert client.get(f"/ko/refunds/status/{guess}/").status_code == 404
        response = client.post(f"/ko/refunds/status/{guess}/appeal/", {"note": "항의"})
        assert response.status_code == 404
    assert ClaimEvent.objects.filter(claim=theirs).count() == 1  # only its filing


def test_another_chat_cannot_be_opened_with_a_guessed_cookie(client):
    from tests.chat.conftest import start_chat

    chat, token = start_chat()
    for guess in (token[:-1] + ("A" if token[-1] != "A" else "B"), chat.token_hash, str(chat.pk)):
        client.cookies["hc_chat"] = guess
        assert client.get("/ko/chat/status/").json()["chat"] is None


# --- forged CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def every_public_form(client, ticket, corpus):
    """(path, data) of every form a visitor can post, with data that would otherwise be accepted."""
    Ticket.objects.filter(pk=ticket.pk).update(status="solved")
    claim = make_claim(email="park@example.com", amount="7900")
    token, status = ticket.tracking_token(), claim.status_token()
    return [
        ("/ko/contact/", form_data(requester_email="new@example.com", subject="새 문의")),
        (
            "/ko/contact/callback/",
            {
                "callback-requester_name": "홍",
                "callback-requester_email": "cb@example.com",
                "callback-callback_number": "010-1234-5678",
                "callback-callback_time": "오후",
                "callback-topic": "payment",
                "callback-subject": "전화 주세요",
            },
        ),
        ("/ko/requests/find/", {"reference": ticket.reference, "email": "hong@example.com"}),
        (f"/ko/requests/{token}/reply/", {"body": "추가 정보"}),
        (f"/ko/requests/{token}/solved/", {}),
        (f"/ko/requests/{token}/survey/", {"rating": "5", "comment": "좋아요"}),
        ("/ko/refunds/", claim_data(email="other@example.com")),
        ("/ko/refunds/find/", {"reference": claim.reference, "email": claim.email}),
        (f"/ko/refunds/status/{status}/appeal/", {"note": "다시 봐 주세요"}),
        (f"/ko/refunds/status/{status}/answer/", {"note": "답변"}),
        (f"/ko/refunds/status/{status}/feedback/", {"clarity": "5", "speed": "5", "agrees_with_decision": "yes"}),
        ("/ko/faq/articles/refund-policy/vote/", {"helpful": "yes"}),
        ("/ko/faq/articles/refund-policy/comment/", {"comment": "부족해요"}),
        (
            "/ko/chat/start/",
            {"name": "홍", "email": "c@example.com", "topic": "payment", "text": "도와주세요", "confirm": "1"},
        ),
        (
            "/ko/chat/leave-message/",
            {"name": "홍", "email": "c@example.com", "topic": "payment", "text": "연락 주세요"},
        ),
        ("/ko/chat/deflected/", {"question": "환불", "article": "refund-policy"}),
        ("/ko/chat/forget/", {}),
        ("/i18n/setlang/", {"language": "en", "next": "/"}),
    ]


def test_every_public_form_refuses_a_post_without_its_csrf_token_and_stores_nothing(every_public_form):
    before = stored_counts()
    strict = Client(enforce_csrf_checks=True)
    refused = {path: strict.post(path, data).status_code for path, data in every_public_form}
    assert refused == {path: 403 for path, _data in every_public_form}
    assert stored_counts() == before


def test_a_csrf_token_from_another_browser_is_refused(client, every_public_form):
    other = Client(enforce_csrf_checks=True)
    other.get("/ko/contact/")
    stolen = other.cookies["csrftoken"].value
    strict = Client(enforce_csrf_checks=True)
    strict.get("/ko/contact/")  # this browser's own cookie
    path, data = every_public_form[0]
    assert strict.post(path, {**data, "csrfmiddlewaretoken": stolen}).status_code == 403
    assert not Ticket.objects.filter(requester_email="new@example.com").exists()


# --- script in every text field, file name and mail header ---------------------------------------------


def test_script_in_every_contact_field_is_shown_escaped_to_the_customer_and_the_agent(client):
    fields = ["requester_name", "subject", "description", "device", "operating_system", "app_version", "error_message"]
    client.post("/ko/contact/", form_data(**{name: f"{name} {SCRIPT}" for name in fields}))
    ticket = Ticket.objects.get()
    public = client.get(f"/ko/requests/{ticket.tracking_token()}/").content.decode()
    agent = Client()
    agent.force_login(staff_member("agent", groups=("Agents",)))
    console = agent.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    listing = agent.get("/admin/tickets/ticket/").content.decode()
    assert SCRIPT not in public and SCRIPT not in console and SCRIPT not in listing
    assert f"subject {ESCAPED}" in public
    assert f"description {ESCAPED}" in public
    for name in fields:
        assert f"{name} {ESCAPED}" in console, name
    assert f"subject {ESCAPED}" in listing
    # The acknowledgement is text/plain: the subject arrives as typed, never as markup.
    ack = OutgoingEmail.objects.get(kind="acknowledgement")
    assert f"subject {SCRIPT}" in ack.subject
    assert build(ack).message()["Content-Type"] == 'text/plain; charset="utf-8"'


def test_script_in_a_claim_is_shown_escaped_on_its_status_page_and_in_the_console(client):
    client.post("/ko/refunds/", claim_data(description=f"설명 {SCRIPT}", username=f"user{SCRIPT}"))
    claim = RefundClaim.objects.get()
    reviewer_user = staff_member("reviewer", groups=("Refund reviewers",))
    claim.request_info(reviewer_user, "명세서를 보내 주세요.")
    client.post(f"/ko/refunds/status/{claim.status_token()}/answer/", {"note": f"답변 {SCRIPT}"})
    public = client.get(f"/ko/refunds/status/{claim.status_token()}/").content.decode()
    reviewer = Client()
    reviewer.force_login(reviewer_user)
    console = reviewer.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()
    assert SCRIPT not in public and SCRIPT not in console
    assert f"답변 {ESCAPED}" in public
    for shown in (f"설명 {ESCAPED}", f"user{ESCAPED}", f"답변 {ESCAPED}"):
        assert shown in console, shown


def test_a_file_name_with_markup_is_shown_escaped_or_cut_wherever_it_appears(client, ticket):
    message = ticket.messages.get()
    Attachment.objects.filter(message=message).update(filename=f"{SCRIPT}.png")  # as mail could bring
    public = client.get(f"/ko/requests/{ticket.tracking_token()}/").content.decode()
    agent = Client()
    agent.force_login(staff_member("agent", groups=("Agents",)))
    console = agent.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    files = agent.get("/admin/tickets/attachment/").content.decode()
    for html in (public, console, files):
        assert SCRIPT not in html
        assert f"{ESCAPED}.png" in html
    # What is saved from now on has no markup characters at all.
    client.post(
        f"/ko/requests/{ticket.tracking_token()}/reply/", {"body": "첨부", "attachments": [upload(f"{SCRIPT}.png")]}
    )
    # Django keeps the part after the last "/" ("script>.png"); the markup characters go too.
    assert Attachment.objects.latest("pk").filename == "script.png"


def test_crlf_in_names_and_subjects_never_becomes_a_mail_header(client):
    client.post(
        "/ko/contact/",
        form_data(requester_name="홍길동\r\nBcc: victim@example.com", subject="결제\r\nBcc: victim@example.com"),
    )
    ticket = Ticket.objects.get()
    ack = OutgoingEmail.objects.get(kind="acknowledgement")
    sent = email.message_from_bytes(build(ack).message().as_bytes(), policy=email.policy.default)
    assert sent.get_all("Bcc") is None and sent.get_all("Cc") is None
    assert sent["To"] == "hong@example.com"
    # One line (the parser's folding aside): the CR/LF became a space when the mail was queued.
    assert sent["Subject"].strip() == ack.subject
    assert "결제 Bcc: victim@example.com" in ack.subject and "\n" not in ack.subject
    assert ticket.requester_email == "hong@example.com"


@pytest.mark.parametrize("address", ["hong@example.com\r\nBcc: victim@example.com", "hong@example.com\nCc: x@y.z"])
def test_crlf_in_an_address_is_a_form_error_and_nothing_is_stored(client, address):
    response = client.post("/ko/contact/", form_data(requester_email=address))
    assert response.status_code == 200
    assert "올바른 이메일 주소를 입력하세요." in response.content.decode()
    assert (Ticket.objects.count(), OutgoingEmail.objects.count()) == (0, 0)
    response = client.post("/ko/refunds/", claim_data(email=address))
    assert "올바른 이메일 주소를 입력하세요." in response.content.decode()
    assert RefundClaim.objects.count() == 0


# --- disguised and oversized uploads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.png", b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode"),  # an .exe
        ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ],
)
def test_a_disguised_file_is_refused_by_its_content_and_nothing_is_stored(client, media, name, data):
    response = client.post("/ko/contact/", form_data(attachments=[upload(name, data, "image/png")]))
    assert f"{name} 파일은 이미지나 PDF 파일이 아닙니다." in response.content.decode()
    response = client.post("/ko/refunds/", claim_data(evidence=[SimpleUploadedFile(name, data)]))
    assert f"{name} 파일은 이미지나 PDF 파일이 아닙니다." in response.content.decode()
    assert stored_counts()["tickets"] == 0 and stored_counts()["claims"] == 0
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_a_png_with_a_script_appended_is_kept_and_only_ever_served_as_a_png_download(client):
    # Its first bytes are a real PNG: refusing it would need a full image decoder for what the
    # download headers already make harmless (never rendered as a page, never sniffed).
    polyglot = PNG + b"<script>alert(document.cookie)</script>"
    client.post("/ko/contact/", form_data(attachments=[upload("chart.png", polyglot)]))
    ticket = Ticket.objects.get()
    attachment = ticket.messages.get().attachments.get()
    response = client.get(f"/ko/requests/{ticket.tracking_token()}/files/{attachment.pk}/")
    assert (response["Content-Type"], response["Content-Disposition"], response["X-Content-Type-Options"]) == (
        "image/png",
        'attachment; filename="chart.png"',
        "nosniff",
    )


def test_an_oversized_file_is_refused_with_its_size_and_nothing_is_stored(client, settings, media):
    settings.HELPCENTER_MAX_ATTACHMENT_BYTES = 1024
    response = client.post("/ko/contact/", form_data(attachments=[upload("big.png", PNG + b"\x00" * 2048)]))
    assert "big.png" in response.content.decode() and "최대 1.0" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


# --- path tricks in file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../../../etc/cron.d/evil.png", "evil.png"),
        ("/etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\win.png", "win.png"),
        ("CON.png", "_CON.png"),
        ("aux", "_aux"),
        ("LPT1.pdf", "_LPT1.pdf"),
        ("보고서.png.", "보고서.png"),
    ],
)
def test_path_tricks_in_an_uploaded_name_are_cut_and_the_file_stays_in_its_folder(client, media, name, kept):
    client.post("/ko/contact/", form_data(attachments=[upload(name)]))
    attachment = Attachment.objects.get()
    assert attachment.filename == kept
    stored = media / attachment.file.name
    assert stored.is_file() and stored.resolve().is_relative_to((media / "tickets").resolve())
    assert [p.name for p in media.rglob("*") if p.is_file()] == [stored.name]


def test_a_nul_in_a_name_or_text_field_is_a_form_error(client):
    response = client.post("/ko/contact/", form_data(subject="결제\x00오류"))
    assert response.context["form"].errors["subject"] == ["null 문자는 사용할 수 없습니다. "]
    assert Ticket.objects.count() == 0


# --- search strings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "환불'; DROP TABLE faq_article; --",
        "%_%",
        "\\",
        '"unclosed',
        "환" * 10_000,
        "은 는 이 가 을 를 의 에 에서",  # particles only
        "a\x00b",
        "\ufffd",  # what a lone surrogate (%ED%A0%80) becomes once Django decodes the URL
        "((((((((((",
        "🙂" * 500,
    ],
)
def test_sql_ish_and_pathological_search_strings_get_an_answer(client, corpus, query):
    page = client.get("/ko/faq/search/", {"q": query})
    api = client.get("/api/faq/search", {"q": query, "lang": "ko"})
    assert page.status_code == 200
    assert api.status_code == 200 and isinstance(api.json()["results"], list)
    assert client.get("/ko/faq/").status_code == 200  # the tables are all still there


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%ED%A0%80%00%FF%FE", "q=%C0%AF..%C0%AF", "q=%"])
def test_undecodable_bytes_in_the_query_string_get_an_answer(client, corpus, raw):
    assert client.get("/ko/faq/search/", QUERY_STRING=raw).status_code == 200
    response = client.get("/api/faq/search", QUERY_STRING=f"{raw}&lang=ko")
    assert response.status_code == 200 and isinstance(response.json()["results"], list)


def test_the_search_itself_copes_with_a_lone_surrogate(corpus):
    from faq import search

    assert search.answer("\ud800", "ko", limit=5).ids == []


def test_the_search_api_refuses_an_unknown_language_clearly(client, corpus):
    response = client.get("/api/faq/search", {"q": "환불", "lang": "xx'; --"})
    assert response.status_code == 400
    assert response.json() == {"error": "지원하지 않는 언어입니다.", "results": []}


# --- the rate limit and X-Forwarded-For ----------------------------------------------------------------


def test_a_forged_x_forwarded_for_does_not_reset_the_rate_limit(client, settings):
    settings.HELPCENTER_RATE_PER_IP = 3
    settings.HELPCENTER_RATE_PER_ADDRESS = 100
    for number in range(5):
        client.post(
            "/ko/contact/",
            form_data(requester_email=f"n{number}@example.com", subject=f"문의 {number}"),
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
            HTTP_X_REAL_IP=f"198.51.100.{number}",
            HTTP_FORWARDED=f"for=198.51.100.{number}",
        )
    assert Ticket.objects.count() == 3  # the same REMOTE_ADDR every time: the fourth is refused
    assert RateCounter.objects.filter(counter__startswith="ip:").count() == 1


def test_only_the_configured_proxies_may_set_the_client_address(settings):
    # The ASGI server (manage.py serve) believes X-Forwarded-For from these addresses only.
    assert settings.HELPCENTER_FORWARDED_ALLOW_IPS == "127.0.0.1"
