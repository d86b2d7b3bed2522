from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str = "screenshot.png", data: bytes = PNG, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(**overrides) -> dict:
    data = {
        "requester_name": "홍길동",
        "requester_email": "hong@example.com",
        "topic": "payment",
        "subject": "11월 요금이 두 번 결제됐어요",
        "description": "11월 3일에 프리미엄 요금이 두 번 청구되었습니다.",
        "device": "Galaxy S24",
        "operating_system": "Android 15",
        "app_version": "7.2.1",
        "error_message": "",
    }
    data.update(overrides)
    return data
