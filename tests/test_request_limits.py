"""What the site answers to requests it must refuse, under production settings (DEBUG off)."""

from __future__ import annotations

import asyncio

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.tickets.conftest import form_data
from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("path", ["/ko/", "/admin/", "/api/faq/search"])
def test_an_unknown_host_gets_a_readable_400(settings, path):
    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>요청을 처리할 수 없어요</h1>" in html
    assert "이 고객센터는 입력하신 주소로는 열리지 않아요. 주소를 다시 확인해 주세요." in html
    assert "evil.example" not in html  # no link to the stranger's host


def test_the_unknown_host_page_speaks_english_on_english_pages():
    response = Client(raise_request_exception=False).get("/en/faq/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "This help center does not answer at the address you used." in response.content.decode()


def picture(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * (size - len(PNG)), content_type="image/png")


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_a_60_mb_post_is_refused_before_anything_is_stored(client, media):
    files = [picture(f"shot{i}.png", 10 * MB) for i in range(6)]
    response = client.post("/ko/contact/", form_data(attachments=files))
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>보내신 내용이 너무 커요</h1>" in html
    assert "아무것도 전송되거나 저장되지 않았어요. 파일은 5개까지, 하나에 10.0\xa0MB 이하로 첨부할 수 있어요." in html
    assert response["Connection"] == "close"
    assert Ticket.objects.count() == 0
    assert stored_files(media) == []


def test_five_files_of_almost_10_mb_still_go_through(client, media):
    files = [picture(f"shot{i}.png", 10 * MB - 4096) for i in range(5)]
    response = client.post("/ko/contact/", form_data(attachments=files))
    assert response.status_code == 302
    assert Attachment.objects.filter(message__ticket=Ticket.objects.get()).count() == 5


def test_form_fields_beyond_the_text_limit_get_the_400_page(client):
    response = Client(raise_request_exception=False).post("/ko/contact/", form_data(description="가" * (3 * MB)))
    assert response.status_code == 400
    assert "<h1>요청을 처리할 수 없어요</h1>" in response.content.decode()
    assert Ticket.objects.count() == 0


class Upload:
    """An ASGI client's body arriving in chunks, counting how much of it the server asked for."""

    def __init__(self, chunks: int, chunk_size: int):
        self.left, self.chunk = chunks, b"x" * chunk_size
        self.delivered = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if self.left == 0:  # all sent: the client waits for the answer
            await asyncio.sleep(3600)
        self.left -= 1
        self.delivered += len(self.chunk)
        return {"type": "http.request", "body": self.chunk, "more_body": self.left > 0}

    async def send(self, message: dict) -> None:
        self.sent.append(message)


def asgi_post(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"multipart/form-data; boundary=x"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("declared", [False, True], ids=["chunked", "content-length"])
async def test_the_asgi_server_stops_reading_a_body_over_the_cap(settings, media, declared):
    from helpcenter.asgi import django_application
    from helpcenter.asgi_limits import RequestBodyLimit

    settings.HELPCENTER_MAX_REQUEST_BYTES = 64 * 1024
    given_to_django = 0

    async def counting(scope, receive, send):
        async def counted_receive():
            nonlocal given_to_django
            message = await receive()
            given_to_django += len(message.get("body", b""))
            return message

        return await django_application(scope, counted_receive, send)

    upload = Upload(chunks=1000, chunk_size=16 * 1024)  # 16 MB offered
    headers = (
        [(b"content-length", str(1000 * 16 * 1024).encode())] if declared else [(b"transfer-encoding", b"chunked")]
    )
    await RequestBodyLimit(counting)(asgi_post("/ko/contact/", headers), upload.receive, upload.send)

    start = upload.sent[0]
    assert start["status"] == 413
    assert {name.lower(): value for name, value in start["headers"]}[b"connection"] == b"close"
    body = b"".join(message.get("body", b"") for message in upload.sent[1:]).decode()
    assert "<h1>보내신 내용이 너무 커요</h1>" in body
    # Declared too large: not a byte reaches Django. Chunked: Django gets no more than the cap;
    # what the client keeps sending is skipped, never stored.
    assert given_to_django == (0 if declared else 64 * 1024)
    assert await Ticket.objects.acount() == 0
    assert stored_files(media) == []


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_chunked_body_under_the_cap_is_read_whole(settings, media):
    from helpcenter.asgi_limits import RequestBodyLimit

    settings.HELPCENTER_MAX_REQUEST_BYTES = 64 * 1024
    seen: list[bytes] = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    upload = Upload(chunks=3, chunk_size=16 * 1024)
    await RequestBodyLimit(app)(
        asgi_post("/ko/contact/", [(b"transfer-encoding", b"chunked")]), upload.receive, upload.send
    )
    assert b"".join(seen) == b"x" * 48 * 1024
    assert upload.sent[0]["status"] == 204


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_served_application_carries_the_cap(settings, media):
    from helpcenter.asgi import application

    settings.HELPCENTER_MAX_REQUEST_BYTES = 64 * 1024
    upload = Upload(chunks=100, chunk_size=16 * 1024)
    await application(asgi_post("/en/contact/", [(b"transfer-encoding", b"chunked")]), upload.receive, upload.send)
    assert upload.sent[0]["status"] == 413
    assert (
        "Nothing was sent or saved. You can attach up to 5 files"
        in b"".join(m.get("body", b"") for m in upload.sent[1:]).decode()
    )
    assert await Ticket.objects.acount() == 0
