"""What the site answers to requests it must refuse, under production settings (DEBUG off)."""

from __future__ import annotations

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
