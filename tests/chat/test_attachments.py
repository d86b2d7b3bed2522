"""Files in a chat, both ways: uploaded over HTTP with the contact form's checks, announced on the
sockets, downloadable only by the chat's customer and the agents who may read it."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chat.models import Chat
from helpcenter import roles
from tests.chat.conftest import agent_socket, customer_socket, make_staff, receive_type, start_chat
from tickets.models import Attachment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200
UPLOAD = "/ko/chat/attachments/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name: str = "영수증.png", data: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def customer(token: str | None) -> Client:
    client = Client()
    if token:
        client.cookies["hc_chat"] = token
    return client


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def active_chat(topic: str = "payment") -> tuple[Chat, str, object]:
    agent = make_staff("kim", roles.AGENTS, online=True, topics=[topic])
    chat, token = start_chat(topic=topic)
    assert chat.agent_id == agent.pk
    return chat, token, agent


async def test_a_customers_file_is_stored_on_the_ticket_and_reaches_the_agent_at_once():
    chat, token, agent = await db(active_chat)()
    agent_ws, _ = await agent_socket(agent)
    await receive_type(agent_ws, "welcome")

    response = await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png(), png("내역.pdf", PDF)]})

    assert response.status_code == 201
    message = response.json()["message"]
    assert [(a["name"], a["type"]) for a in message["attachments"]] == [
        ("영수증.png", "image/png"),
        ("내역.pdf", "application/pdf"),
    ]
    assert (message["author"], message["text"], message["client_id"]) == ("customer", "영수증.png, 내역.pdf", "f-1")
    frame = await receive_type(agent_ws, "attachment")
    assert frame["chat"] == chat.pk and frame["message"] == message
    stored = await db(lambda: list(Attachment.objects.filter(message__ticket=chat.ticket).order_by("pk")))()
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("영수증.png", "image/png", len(PNG)),
        ("내역.pdf", "application/pdf", len(PDF)),
    ]
    await agent_ws.disconnect()


async def test_an_agents_file_reaches_the_customer_who_downloads_it():
    chat, token, agent = await db(active_chat)()
    customer_ws, _ = await customer_socket(token)
    await receive_type(customer_ws, "welcome")

    client = await db(staff_client)(agent)
    response = await db(client.post)(
        f"/admin/chat/chat/{chat.pk}/attachments/", {"id": "a-1", "text": "안내서입니다", "files": [png("안내.png")]}
    )

    assert response.status_code == 201
    frame = await receive_type(customer_ws, "attachment")
    assert (frame["message"]["author"], frame["message"]["text"]) == ("agent", "안내서입니다")
    [file] = frame["message"]["attachments"]
    download = await db(customer(token).get)(f"/ko/chat/attachments/{file['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''%EC%95%88%EB%82%B4.png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private"
    await customer_ws.disconnect()


async def test_the_history_after_a_reload_lists_the_files():
    chat, token, _agent = await db(active_chat)()
    await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png()]})
    customer_ws, _ = await customer_socket(token)
    welcome = await receive_type(customer_ws, "welcome")
    assert [[a["name"] for a in m["attachments"]] for m in welcome["messages"]] == [[], ["영수증.png"]]
    await customer_ws.disconnect()


async def test_the_same_upload_sent_again_is_stored_once():
    chat, token, _agent = await db(active_chat)()
    client = customer(token)
    first = await db(client.post)(UPLOAD, {"id": "f-1", "files": [png()]})
    again = await db(client.post)(UPLOAD, {"id": "f-1", "files": [png()]})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["message"] == first.json()["message"]
    assert await db(Attachment.objects.filter(message__ticket_id=chat.ticket_id).count)() == 1


async def test_files_get_the_contact_forms_checks():
    chat, token, _agent = await db(active_chat)()
    client = customer(token)
    disguised = await db(client.post)(UPLOAD, {"id": "f-1", "files": [png("virus.png", b"MZ\x90\x00 program")]})
    too_many = await db(client.post)(UPLOAD, {"id": "f-2", "files": [png(f"{n}.png") for n in range(6)]})
    none = await db(client.post)(UPLOAD, {"id": "f-3"})
    assert (disguised.status_code, disguised.json()) == (
        400,
        {"errors": {"files": ["virus.png 파일은 이미지나 PDF 파일이 아닙니다."]}},
    )
    assert too_many.json() == {"errors": {"files": ["파일은 최대 5개까지 첨부할 수 있습니다."]}}
    assert none.json() == {"errors": {"files": ["보낼 파일을 골라 주세요."]}}
    assert await db(Attachment.objects.count)() == 0


async def test_a_file_over_the_size_limit_is_refused(settings):
    settings.HELPCENTER_MAX_ATTACHMENT_BYTES = 100
    _chat, token, _agent = await db(active_chat)()
    response = await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png("big.png")]})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "files": ["big.png 파일의 크기는 208\xa0바이트입니다. 파일당 최대 100\xa0바이트까지 첨부할 수 있습니다."]
        }
    }


async def test_an_ended_chat_takes_no_more_files():
    chat, token, _agent = await db(active_chat)()
    await db(chat.end)()
    response = await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png()]})
    assert (response.status_code, response.json()) == (409, {"code": "ended", "error": "종료된 채팅입니다."})


async def test_without_a_chat_token_nothing_is_uploaded():
    response = await db(customer(None).post)(UPLOAD, {"id": "f-1", "files": [png()]})
    assert (response.status_code, response.json()) == (
        403,
        {"code": "forbidden", "error": "채팅을 먼저 시작해 주세요."},
    )
    assert await db(Attachment.objects.count)() == 0


async def test_another_customer_cannot_download_the_file():
    chat, token, _agent = await db(active_chat)()
    _other_chat, other_token = await db(start_chat)(name="김철수")
    response = await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png()]})
    file_id = response.json()["message"]["attachments"][0]["id"]

    assert (await db(customer(other_token).get)(f"/ko/chat/attachments/{file_id}/")).status_code == 404
    assert (await db(customer(None).get)(f"/ko/chat/attachments/{file_id}/")).status_code == 404
    assert (await db(customer(token).get)(f"/ko/chat/attachments/{file_id}/")).status_code == 200


async def test_an_agent_outside_the_chat_can_neither_download_nor_upload():
    chat, token, agent = await db(active_chat)()
    stranger = await db(make_staff)("lee", roles.AGENTS, online=True, topics=["refund"])
    editor = await db(make_staff)("park", roles.EDITORS)
    response = await db(customer(token).post)(UPLOAD, {"id": "f-1", "files": [png()]})
    file_id = response.json()["message"]["attachments"][0]["id"]

    for outsider in (stranger, editor):
        client = await db(staff_client)(outsider)
        assert (await db(client.get)(f"/admin/chat/chat/attachment/{file_id}/")).status_code == 404
        upload = await db(client.post)(f"/admin/chat/chat/{chat.pk}/attachments/", {"id": "x", "files": [png()]})
        assert upload.status_code == 404
    mine = await db(staff_client)(agent)
    download = await db(mine.get)(f"/admin/chat/chat/attachment/{file_id}/")
    assert (download.status_code, download["Content-Disposition"]) == (
        200,
        "attachment; filename*=utf-8''%EC%98%81%EC%88%98%EC%A6%9D.png",
    )
    assert await db(Attachment.objects.count)() == 1


async def test_an_agent_must_accept_the_chat_before_sending_files():
    agent = await db(make_staff)("kim", roles.AGENTS, topics=["payment"])  # away: the chat waits
    chat, _token = await db(start_chat)()
    client = await db(staff_client)(agent)
    response = await db(client.post)(f"/admin/chat/chat/{chat.pk}/attachments/", {"id": "a-1", "files": [png()]})
    assert (response.status_code, response.json()) == (
        403,
        {"code": "forbidden", "error": "채팅을 먼저 수락한 뒤에 답할 수 있습니다."},
    )


async def test_files_over_the_hourly_limit_are_refused_with_a_message_and_not_stored(settings):
    settings.CHAT_FILES_PER_HOUR = 2
    chat, token, agent = await db(active_chat)()
    hong = customer(token)
    sent = [await db(hong.post)(UPLOAD, {"id": f"f-{n}", "files": [png()]}) for n in range(3)]

    assert [response.status_code for response in sent] == [201, 201, 429]
    assert sent[2].json() == {
        "code": "too_many_files",
        "error": "최근 1시간 동안 파일을 여러 번 보내셨어요. 잠시 후 다시 보내 주세요.",
    }
    stored = await db(lambda: Attachment.objects.filter(message__ticket=chat.ticket).count())()
    assert stored == 2
    texts = await db(lambda: list(chat.ticket.messages.values_list("body", flat=True)))()
    assert texts.count("영수증.png") == 2

    # The agent answering with a file is not counted against the customer.
    agent_client = await db(staff_client)(agent)
    response = await db(agent_client.post)(
        f"/admin/chat/chat/{chat.pk}/attachments/", {"id": "a-1", "files": [png("안내.png")]}
    )
    assert response.status_code == 201

    # Another customer, elsewhere, in another chat, still may send files.
    def other_chat() -> str:
        make_staff("lee", roles.AGENTS, online=True, topics=["account"])
        _chat, other_token = Chat.start(
            name="김철수", email="kim@example.com", topic="account", text="로그인이 안 돼요", language="ko"
        )
        return other_token

    other = Client(REMOTE_ADDR="10.0.0.9")
    other.cookies["hc_chat"] = await db(other_chat)()
    assert (await db(other.post)(UPLOAD, {"id": "k-1", "files": [png()]})).status_code == 201
