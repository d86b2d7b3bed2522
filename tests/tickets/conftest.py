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


def staff_member(username: str, *, groups: tuple[str, ...] = (), permissions: tuple[str, ...] = ()):
    """A console user as the roles make them: staff, in the given groups, with these permissions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for codename in permissions:
        app_label, codename = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def agent_member(db):
    return staff_member("agent-kim", groups=("Agents",))


@pytest.fixture
def editor(db):
    return staff_member("editor-lee", groups=("Editors",))


@pytest.fixture
def supervisor(db):
    return staff_member("supervisor-choi", groups=("Supervisors",))


@pytest.fixture
def finance_member(db):
    return staff_member("finance-park", groups=("Finance",))


@pytest.fixture(params=["editor", "finance_member"])
def stranger(request):
    """Staff of another team: they work in the same console and must see no ticket."""
    return request.getfixturevalue(request.param)
