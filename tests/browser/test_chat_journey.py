"""Live chat in two browsers against a real Daphne server: the customer starts from a help article,
the agent answers in the console, typing shows, a reload keeps the history, the customer sends a
screenshot that the agent downloads, the agent ends, the customer rates, and the ticket holds the
conversation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.chat.live import daphne_servers, manage, server_env

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200

SETUP = """
from django.contrib.auth.models import Group, User
from chat.models import AgentAvailability
from faq.models import ContactChannel
from faq.portable import import_document
from tests.conftest import SMALL_CORPUS
import_document(SMALL_CORPUS)
ContactChannel.objects.create(kind="chat", label_ko="채팅 상담", value="/ko/contact/#chat", hours_ko="매일 00:00–24:00")
agent = User.objects.create_user("kim", "kim@example.com", "kim-pass-2026", is_staff=True)
agent.groups.add(Group.objects.get(name="Agents"))
AgentAvailability.objects.create(agent=agent, status="online", capacity=3)
"""

REPORT = """
import json
from pathlib import Path
from chat.models import Chat
chat = Chat.objects.select_related("ticket").get()
print(json.dumps({"rating": chat.rating, "state": chat.state, "channel": chat.ticket.channel,
                  "messages": list(chat.ticket.messages.order_by("pk").values_list("body", flat=True))}))
"""


@pytest.fixture
def server(tmp_path):
    env = server_env(tmp_path / "browser.sqlite3", "")
    env.pop("REDIS_URL")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "--no-imports", "-c", SETUP)
    with daphne_servers(env, 1) as (ports, _processes):
        yield env, f"http://127.0.0.1:{ports[0]}"


def test_a_chat_from_an_article_to_the_rating(server, new_context):
    env, base = server
    customer = new_context().new_page()
    customer.goto(f"{base}/ko/faq/articles/refund-policy/")
    customer.click("#chat-launcher")
    customer.fill("#chat-name", "홍길동")
    customer.fill("#chat-email", "hong@example.com")
    customer.select_option("#chat-topic", "refund")
    customer.fill("#chat-question", "환불 정책이 궁금해요")
    customer.click("#chat-start-button")
    expect(customer.locator("#chat-suggestion-list a").first).to_have_text("환불 정책 안내")
    customer.click("#chat-still-talk")
    expect(customer.locator("#chat-state")).to_have_text("kim 상담원과 대화 중입니다.")

    agent = new_context().new_page()
    agent.goto(f"{base}/admin/login/?next=/admin/chat/chat/console/")
    agent.fill("#id_username", "kim")
    agent.fill("#id_password", "kim-pass-2026")
    agent.click("input[type=submit]")
    agent.locator("#chat-mine button").first.click()
    expect(agent.locator("#chat-room-log li").first).to_contain_text("환불 정책이 궁금해요")

    agent.fill("#chat-room-input", "확인")
    agent.type("#chat-room-input", "해 드릴게요.")
    expect(customer.locator("#chat-typing")).to_have_text("입력 중…")
    agent.click("#chat-room-send")
    expect(customer.locator("#chat-log li").last).to_contain_text("확인해 드릴게요.")

    customer.type("#chat-input", "감사합니다")
    expect(agent.locator("#chat-room-typing")).to_have_text("고객이 입력 중…")
    customer.press("#chat-input", "Enter")
    expect(agent.locator("#chat-room-log li").last).to_contain_text("감사합니다")

    customer.reload()
    expect(customer.locator("#chat-log li")).to_have_count(3)
    expect(customer.locator("#chat-log li").nth(1)).to_contain_text("확인해 드릴게요.")

    # A screenshot from the customer: in the agent's panel at once, and downloadable there.
    customer.set_input_files("#chat-file", files=[{"name": "영수증.png", "mimeType": "image/png", "buffer": PNG}])
    expect(customer.locator("#chat-log li").last.locator(".chat-files a")).to_have_text("영수증.png")
    file_link = agent.locator("#chat-room-log li").last.locator("a.chat-file")
    expect(file_link).to_have_text("영수증.png")
    with agent.expect_download() as download_info:
        file_link.click()
    assert download_info.value.suggested_filename == "영수증.png"
    assert Path(download_info.value.path()).read_bytes() == PNG

    agent.click("#chat-room-end")
    expect(customer.locator("#chat-state")).to_have_text("채팅이 종료되었습니다.")
    customer.click("#chat-rating button[data-score='5']")
    expect(customer.locator("#chat-after-status")).to_have_text("평가해 주셔서 감사합니다.")

    customer.wait_for_timeout(500)
    report = json.loads(manage(env, "shell", "--no-imports", "-c", REPORT).strip().splitlines()[-1])
    assert report == {
        "rating": 5,
        "state": "ended",
        "channel": "chat",
        "messages": ["환불 정책이 궁금해요", "확인해 드릴게요.", "감사합니다", "영수증.png"],
    }
