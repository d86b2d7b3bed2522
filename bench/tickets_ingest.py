#!/usr/bin/env python
"""Ticket e-mail ingestion benchmark: how many messages per second `manage.py ingest_email` files.

    .venv/bin/python bench/tickets_ingest.py [--messages 1000] [--pipe 100] [--database sqlite|postgres|both]
                                             [--profile] [--keep-mail DIR]

Generates --messages realistic RFC 5322 files from a fixed seed (Gmail/Naver/Daum/Outlook/Apple Mail
shapes: UTF-8 plain text, multipart/alternative with HTML, EUC-KR and ks_c_5601-1987 base64 bodies,
replies threaded by In-Reply-To/References, auto-replies and a bounce, PNG/PDF attachments, about 5 %
re-deliveries of an earlier Message-ID), then measures, as an operator runs it:

  batch  ONE process, `manage.py ingest_email <every file>`, on a fresh migrated database;
  pipe   what an MTA pipe does: --pipe separate `manage.py ingest_email < file` processes, one after
         the other, for the first --pipe files, on another fresh migrated database, to show the
         per-process start-up cost.

Each database gets its own throwaway databases (SQLite files in a temp dir; for PostgreSQL,
BENCH_POSTGRES_URL if set — databases are created on that server and dropped afterwards — else a
throwaway cluster of its own, stopped and removed at the end, even on error), MEDIA_ROOT in a temp
dir, EMAIL_BACKEND locmem and DJANGO_DEBUG=1. The figures are printed and written to
bench/results/tickets_ingest-<database>.json. --profile also runs the batch once more under
cProfile on a third fresh database and prints where the time goes.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import quopri
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from html import escape as html_escape
from pathlib import Path
from urllib.parse import quote

from _common import (
    MANAGE,
    RESULTS,
    ROOT,
    CpuMeter,
    database_facts,
    databases,
    describe_cpu,
    describe_engine,
    describe_plans,
    django_environment,
    explain_rate_queries,
    human_bytes,
    log,
    machine_conditions,
    make_png,
    migrate,
    pct,
    run_stats_worker,
    setup_django,
    ticket_counts,
)

SEED = 20261124
MARKERS = ("tickets-bench-pg-",)  # our throwaway cluster's temp dir, in its postmaster's command line
KST = timezone(timedelta(hours=9))
SUPPORT = "help@example.com"

# ---------------------------------------------------------------------------------------------
# What customers write


def pairs(text: str) -> list[tuple[str, str]]:
    words = text.split()
    return list(zip(words[0::2], words[1::2], strict=True))


# (Korean, romanised)
SURNAMES = pairs(
    "김 kim 이 lee 박 park 최 choi 정 jung 강 kang 조 cho 윤 yoon 장 jang 임 lim 한 han 오 oh 서 seo 신 shin 권 kwon "
    "황 hwang 안 ahn 송 song 류 ryu 홍 hong 전 jeon"
)
GIVEN = pairs(
    "민준 minjun 서연 seoyeon 도윤 doyun 지우 jiwoo 하준 hajun 서윤 seoyun 시우 siwoo 하은 haeun 주원 juwon 지민 jimin "
    "예준 yejun 수아 sua 지호 jiho 지유 jiyu 건우 geonwoo 채원 chaewon 현우 hyunwoo 다은 daeun 우진 woojin 은서 eunseo "
    "민지 minji 서준 seojun 하늘 haneul 유나 yuna 태윤 taeyun 똘이 ttori"
)
EN_NAMES = ["James Wilson", "Emily Clark", "Daniel Brown", "Sophie Martin", "Lucas Meyer", "Olivia Chen"]

TOPICS = {
    "payment": (
        [
            "결제가 두 번 됐어요",
            "이번 달 요금이 중복 청구되었습니다",
            "카드 결제 오류 문의",
            "결제 수단 변경이 안 됩니다",
            "해외 결제 수수료 문의드립니다",
            "결제했는데 이용권이 안 보여요",
        ],
        [
            "이번 달 프리미엄 요금이 카드에서 두 번 빠져나갔습니다.",
            "카드사 앱에서 보니 같은 금액이 두 건 승인되어 있어요.",
            "결제 수단을 새 카드로 바꾸려고 하는데 '처리할 수 없습니다'라는 오류가 나옵니다.",
            "결제는 완료됐다고 나오는데 앱에서는 여전히 무료 이용자로 표시됩니다.",
            "해외에서 결제했더니 수수료가 따로 청구되었는데 원래 그런 건가요?",
            "카카오페이로 결제했는데 영수증이 메일로 오지 않았습니다.",
        ],
    ),
    "refund": (
        [
            "환불 요청드립니다",
            "구독 해지 후 환불 문의",
            "잘못 결제한 이용권 환불 부탁드립니다",
            "미사용 기간 환불 가능한가요?",
            "자동결제 환불 문의",
        ],
        [
            "실수로 연간 이용권을 결제했습니다. 사용하지 않았으니 환불 부탁드립니다.",
            "어제 구독을 해지했는데 오늘 또 자동결제가 되었습니다.",
            "남은 기간만큼 일할 계산해서 환불받을 수 있나요?",
            "가족 요금제로 바꾸면서 기존 개인 요금제가 중복으로 결제되었습니다.",
            "환불 신청 버튼을 눌렀는데 아무 반응이 없습니다.",
        ],
    ),
    "account": (
        [
            "로그인이 안 돼요",
            "비밀번호 재설정 메일이 오지 않습니다",
            "계정 탈퇴 문의",
            "아이디를 잊어버렸어요",
            "휴대폰 번호 변경 후 인증이 안 됩니다",
            "다른 사람이 제 계정에 로그인한 것 같아요",
        ],
        [
            "어제부터 로그인하면 '계정 정보를 확인할 수 없습니다'라고 나옵니다.",
            "비밀번호 재설정 메일을 여러 번 요청했는데 스팸함에도 없습니다.",
            "카카오 계정으로 가입했는데 연동이 풀린 것 같아요.",
            "휴대폰 번호를 바꿨더니 본인 인증 문자가 예전 번호로 가는 것 같습니다.",
            "모르는 기기에서 로그인했다는 알림이 왔습니다. 비밀번호는 바로 바꿨습니다.",
            "계정을 탈퇴하면 구매한 곡 기록도 모두 삭제되나요?",
        ],
    ),
    "playback": (
        [
            "음악 재생이 자꾸 멈춰요",
            "가사가 안 보여요",
            "오프라인 재생 오류",
            "블루투스 연결 시 소리가 끊겨요",
            "앱 업데이트 후 재생이 안 됩니다",
            "음질 설정이 저장되지 않아요",
        ],
        [
            "노래를 틀면 30초쯤 지나서 재생이 멈추고 다음 곡으로 넘어갑니다.",
            "업데이트 후로 가사 화면이 빈칸으로 나옵니다.",
            "비행기 모드에서 다운로드한 곡을 재생하면 '네트워크 연결을 확인하세요'라고 나옵니다.",
            "차량 블루투스로 연결하면 몇 분마다 소리가 끊깁니다.",
            "고음질로 설정해도 앱을 다시 켜면 일반 음질로 돌아갑니다.",
            "앱을 지우고 다시 설치해 봤는데도 똑같습니다.",
        ],
    ),
    "subscription": (
        [
            "가족 요금제 초대가 안 됩니다",
            "학생 요금제 인증 문의",
            "정기결제 해지 방법",
            "요금제 변경 문의",
            "무료 체험 후 자동 결제 문의",
        ],
        [
            "가족 요금제에 동생을 초대했는데 초대 링크가 만료되었다고 나옵니다.",
            "학생 인증을 했는데 아직 학생 요금이 적용되지 않았어요.",
            "정기결제를 해지하고 싶은데 메뉴를 찾을 수가 없습니다.",
            "다음 달부터 프리미엄에서 베이직으로 바꾸고 싶습니다.",
            "무료 체험이 끝나면 자동으로 결제되는지 미리 알고 싶습니다.",
        ],
    ),
}
GREETINGS = ["안녕하세요.", "안녕하세요, 고객센터 담당자님.", "수고 많으십니다.", "안녕하세요 문의드립니다.", ""]
DETAILS = [
    "사용 기기는 {device}이고 앱 버전은 {version}입니다.",
    "{device}에서 {os} 쓰고 있습니다.",
    "주문번호는 {order} 입니다.",
    "결제일은 11월 {day}일이었습니다.",
    '오류 메시지: "{error}"',
    "카드 번호 끝자리는 {last4}입니다.",
]
CLOSINGS = [
    "확인 부탁드립니다.",
    "빠른 답변 부탁드립니다.",
    "감사합니다.",
    "확인 후 연락 주세요.",
    "처리 부탁드립니다. 감사합니다.",
]
DEVICES = [
    ("갤럭시 S24", "안드로이드 15"),
    ("아이폰 15", "iOS 18.1"),
    ("갤럭시 Z 플립5", "안드로이드 14"),
    ("아이패드 에어", "iPadOS 18"),
    ("윈도우 노트북", "Windows 11"),
    ("맥북", "macOS 15"),
]
ERRORS = [
    "일시적인 오류가 발생했습니다 (E-1042)",
    "재생할 수 없는 곡입니다",
    "결제를 처리할 수 없습니다",
    "네트워크 연결을 확인하세요",
    "인증번호가 일치하지 않습니다",
]
REPLY_TEXTS = [
    "답변 감사합니다. 말씀하신 대로 해봤는데 여전히 안 됩니다.",
    "알려주신 방법으로 해결됐습니다. 감사합니다!",
    "추가로 말씀드리면, 다른 기기에서도 같은 현상이 있습니다.",
    "스크린샷 첨부합니다. 확인 부탁드립니다.",
    "혹시 처리 상황이 어떻게 되고 있는지 알 수 있을까요?",
    "영수증 첨부드립니다.",
    "앱을 최신 버전으로 업데이트했는데도 같은 오류가 납니다.",
    "환불은 언제쯤 들어오나요?",
]
EN_SUBJECTS = [
    "Charged twice this month",
    "Cannot log in",
    "Refund request",
    "Lyrics not showing",
    "Family plan invite",
]
EN_BODIES = [
    "Hello, I was charged twice for my Premium subscription this month.",
    "Since yesterday the app says my account cannot be found.",
    "Please refund my annual plan, I bought it by mistake.",
    "After the last update the lyrics screen stays empty.",
    "The invite link for my family plan says it expired.",
]
DOMAINS = {  # client: (weight, domains)
    "gmail": (30, ["gmail.com"]),
    "naver": (30, ["naver.com"]),
    "daum": (12, ["hanmail.net", "daum.net"]),
    "outlook": (16, ["outlook.kr", "hotmail.com", "company.co.kr", "corp.example.co.kr"]),
    "apple": (8, ["icloud.com", "me.com"]),
    "kakao": (4, ["kakao.com"]),
}


# ---------------------------------------------------------------------------------------------
# Encoding helpers


def codec(charset: str) -> str:
    # What Outlook labels ks_c_5601-1987 is really CP949 (all 11,172 syllables); EUC-KR proper only
    # has 2,350, so text that needs more is written as CP949 whatever the label says, as clients do.
    return "cp949" if charset.lower() in {"ks_c_5601-1987", "euc-kr"} else charset


def encoded_words(text: str, charset: str = "UTF-8", kind: str = "B") -> str:
    """RFC 2047 encoded words, each under 76 characters, split between characters, folded."""
    if all(ord(c) < 128 for c in text):
        return text
    words, chunk = [], ""
    limit = 40 if kind == "B" else 20  # bytes of text per word
    for char in text:
        if len((chunk + char).encode(codec(charset))) > limit:
            words.append(chunk)
            chunk = ""
        chunk += char
    if chunk:
        words.append(chunk)
    out = []
    for word in words:
        data = word.encode(codec(charset))
        if kind == "B":
            payload = base64.b64encode(data).decode()
        else:
            payload = "".join(
                chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else ("_" if b == 32 else f"={b:02X}")
                for b in data
            )
        out.append(f"=?{charset}?{kind}?{payload}?=")
    return "\n ".join(out)


def address(name: str, email: str, charset: str = "UTF-8", quoted: bool = False) -> str:
    if not name:
        return email
    if quoted and all(ord(c) < 128 for c in name):
        return f'"{name}" <{email}>'
    if quoted:  # Naver writes the raw UTF-8 name in quotes; RFC 6532 allows it
        return f'"{name}" <{email}>'
    return f"{encoded_words(name, charset)} <{email}>"


def body_bytes(text: str, charset: str, transfer: str, newline: str = "\n") -> tuple[str, str]:
    """(Content-Transfer-Encoding value, encoded body) for text in charset."""
    data = text.replace("\n", newline).encode(codec(charset))
    if transfer == "base64":
        return "base64", base64.encodebytes(data).decode()
    if transfer == "quoted-printable":
        return "quoted-printable", quopri.encodestring(data).decode()
    return "8bit", data.decode(codec(charset)) + "\n"


def make_pdf(rng: random.Random, number: int) -> bytes:
    """A small valid one-page PDF receipt (about 1 KB)."""
    text = f"Receipt {number:06d} - Premium 1 month - KRW {rng.choice([10900, 13900, 16900])}"
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def attachment_part(filename: str, content_type: str, data: bytes, style: str) -> str:
    if all(ord(c) < 128 for c in filename):
        params = f'name="{filename}"', f'filename="{filename}"'
    elif style == "rfc2231":  # Gmail, Apple Mail
        encoded = quote(filename.encode(), safe="")
        params = f"name*=UTF-8''{encoded}", f"filename*=UTF-8''{encoded}"
    else:  # Outlook, Daum: RFC 2047 inside the quotes
        charset = "ks_c_5601-1987" if style == "outlook" else "EUC-KR"
        word = encoded_words(filename, charset).replace("\n ", "")
        params = f'name="{word}"', f'filename="{word}"'
    return (
        f"Content-Type: {content_type};\n\t{params[0]}\n"
        f"Content-Disposition: attachment;\n\t{params[1]}\n"
        "Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(data).decode()
    )


# ---------------------------------------------------------------------------------------------
# The messages


class MailGenerator:
    # Share of each kind; the first messages are always new so that replies and duplicates have something to refer to.
    MIX = [("new", 0.67), ("reply", 0.25), ("auto", 0.03), ("duplicate", 0.05)]

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.clock = datetime(2026, 11, 24, 8, 0, tzinfo=KST)
        self.threads: list[dict] = []  # earlier customer messages a reply or duplicate can point at
        self.sent: list[dict] = []
        self.people: list[tuple[str, str, str]] = []  # name, address, client

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        if self.people and rng.random() < 0.08:  # a customer writing about something else
            return rng.choice(self.people)
        client = rng.choices(list(DOMAINS), weights=[w for w, _ in DOMAINS.values()])[0]
        domain = rng.choice(DOMAINS[client][1])
        if rng.random() < 0.07:
            name = rng.choice(EN_NAMES)
            local = name.lower().replace(" ", ".")
        else:
            (sur, sur_r), (given, given_r) = rng.choice(SURNAMES), rng.choice(GIVEN)
            name = sur + given
            local = rng.choice(
                [
                    f"{given_r}.{sur_r}",
                    f"{sur_r}{given_r}",
                    f"{given_r}{rng.randint(1, 9999)}",
                    f"{sur_r}_{given_r}{rng.randint(70, 99)}",
                ]
            )
        email = f"{local}{len(self.people)}@{domain}"  # the counter keeps addresses apart
        person = (name, email, client)
        self.people.append(person)
        return person

    def korean_text(self, topic: str) -> str:
        rng = self.rng
        _, sentences = TOPICS[topic]
        device, os_name = rng.choice(DEVICES)
        lines = [g for g in [rng.choice(GREETINGS)] if g]
        lines += rng.sample(sentences, rng.randint(1, min(3, len(sentences))))
        for template in rng.sample(DETAILS, rng.randint(0, 3)):
            lines.append(
                template.format(
                    device=device,
                    os=os_name,
                    version=f"7.{rng.randint(0, 3)}.{rng.randint(0, 9)}",
                    order=f"2026112{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}",
                    day=rng.randint(1, 23),
                    error=rng.choice(ERRORS),
                    last4=rng.randint(1000, 9999),
                )
            )
        lines.append(rng.choice(CLOSINGS))
        paragraphs, current = [], []
        for line in lines:
            current.append(line)
            if rng.random() < 0.35:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        return "\n\n".join(paragraphs)

    def message(self, number: int) -> tuple[str, bytes, dict]:
        rng = self.rng
        self.clock += timedelta(seconds=rng.randint(20, 300))
        kind = "new" if number < 20 else rng.choices([k for k, _ in self.MIX], weights=[w for _, w in self.MIX])[0]
        if kind == "duplicate":
            original = rng.choice(self.sent[-300:])
            raw = original["raw"]
            if rng.random() < 0.5:  # re-delivered through another relay
                raw = (
                    f"Received: from relay{rng.randint(1, 9)}.example.net (relay.example.net [198.51.100.{rng.randint(1, 254)}])\n"
                    f"\tby mail.example.com with ESMTPS; {self.date()}\n"
                ).encode() + raw
            return kind, raw, {"expect": "ignored", "duplicate_of": original["number"], "client": original["client"]}
        if kind == "auto":
            raw, info = self.auto_reply(number)
            return kind, raw, info
        if kind == "reply":
            thread = rng.choice(self.threads[-200:])
            raw, info = self.customer_mail(number, thread)
        else:
            raw, info = self.customer_mail(number, None)
        self.sent.append({"number": number, "raw": raw, "client": info["client"]})
        return kind, raw, info

    def date(self) -> str:
        return self.clock.strftime("%a, %d %b %Y %H:%M:%S +0900")

    def message_id(self, client: str, number: int, domain: str) -> str:
        rng = self.rng
        token = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=22))
        return {
            "gmail": f"<CA{token}+{number}@mail.gmail.com>",
            "naver": f"<{token[:10].lower()}.{number:x}@cweb{rng.randint(1, 30):03d}.nm.nhn.com>",
            "daum": f"<{self.clock:%Y%m%d%H%M%S}.{token[:12]}.{number}@{domain}>",
            "outlook": f"<SL2P216MB{number:04d}{token[:8].upper()}@SL2P216MB{number:04d}.KORP216.PROD.OUTLOOK.COM>",
            "apple": f"<{uuid.UUID(int=rng.getrandbits(128))}@{domain}>",
            "kakao": f"<{token[:16]}.{number}@kakao.com>",
        }[client]

    def customer_mail(self, number: int, thread: dict | None) -> tuple[bytes, dict]:
        rng = self.rng
        if thread is None:
            name, email, client = self.person()
            english = name in EN_NAMES
            topic = rng.choice(list(TOPICS))
            subject = rng.choice(EN_SUBJECTS) if english else rng.choice(TOPICS[topic][0])
            text = (rng.choice(EN_BODIES) + "\n\nThanks,\n" + name) if english else self.korean_text(topic)
            if not english and rng.random() < 0.5:
                text += f"\n\n{name} 드림"
            headers_extra = ""
        else:
            name, email, client = thread["name"], thread["email"], thread["client"]
            english = name in EN_NAMES
            subject = ("RE: " if client == "outlook" else "Re: ") + thread["subject"]
            text = "Thanks for the answer, it still does not work." if english else rng.choice(REPLY_TEXTS)
            # Usually an answer to the help center's acknowledgement, whose References carry the
            # customer's first message; sometimes a follow-up to their own sent mail.
            if rng.random() < 0.7:
                ack = f"<hc.{thread['number']}.{rng.randint(100000, 999999)}@example.com>"
                headers_extra = f"In-Reply-To: {ack}\nReferences: {thread['message_id']}\n {ack}\n"
                quoted_from = "고객센터 <help@example.com>"
                quoted = ["안녕하세요, 고객센터입니다.", "문의가 접수되었습니다. 담당자가 확인 후 답변드리겠습니다."]
            else:
                headers_extra = f"In-Reply-To: {thread['message_id']}\nReferences: {thread['message_id']}\n"
                quoted_from = f"{name} <{email}>"
                quoted = thread["text"].split("\n")
            when = self.clock - timedelta(minutes=rng.randint(5, 600))
            ampm = "오전" if when.hour < 12 else "오후"
            if client == "outlook":
                history = (
                    "\n\n-----Original Message-----\nFrom: " + quoted_from + f"\nSent: {when:%Y-%m-%d %H:%M}\n"
                    f"Subject: {thread['subject']}\n\n" + "\n".join(quoted)
                )
            else:
                history = (
                    f"\n\n{when:%Y년 %m월 %d일} (화) {ampm} {when.hour % 12 or 12}:{when:%M}, {quoted_from}님이 작성:\n"
                    + "\n".join("> " + line if line else ">" for line in quoted)
                )
            text = text + history
        domain = email.rsplit("@", 1)[1]
        message_id = self.message_id(client, number, domain)
        attach = None
        if rng.random() < (0.10 if thread is None else 0.18):
            if rng.random() < 0.6:
                filename = rng.choice(
                    [
                        "스크린샷 2026-11-24 오전 10.12.03.png",
                        "image001.png",
                        "오류화면.png",
                        "Screenshot_20261124-101203.png",
                        "캡처.png",
                    ]
                )
                attach = (filename, "image/png", make_png(rng))
            else:
                attach = (
                    rng.choice(["영수증.pdf", "receipt.pdf", "결제내역_11월.pdf", "환불 신청서.pdf"]),
                    "application/pdf",
                    make_pdf(rng, number),
                )
        raw = self.render(client, number, name, email, subject, text, message_id, headers_extra, attach)
        if thread is None:
            self.threads.append(
                {
                    "number": number,
                    "name": name,
                    "email": email,
                    "client": client,
                    "subject": subject,
                    "text": text,
                    "message_id": message_id,
                }
            )
        info = {
            "expect": "created" if thread is None else "appended",
            "client": client,
            "attachment": attach[1] if attach else None,
            "thread_of": thread["number"] if thread else None,
        }
        return raw, info

    def render(self, client, number, name, email, subject, text, message_id, headers_extra, attach) -> bytes:
        rng = self.rng
        received = (
            f"Received: from mx{rng.randint(1, 4)}.{email.rsplit('@', 1)[1]} "
            f"(mx.{email.rsplit('@', 1)[1]} [203.0.113.{rng.randint(1, 254)}])\n"
            f"\tby mail.example.com (Postfix) with ESMTPS id {rng.getrandbits(40):010X}\n"
            f"\tfor <{SUPPORT}>; {self.date()}\n"
        )
        html = (
            '<div dir="ltr">'
            + "".join(f"<div>{html_escape(line)}</div>" if line else "<div><br></div>" for line in text.split("\n"))
            + "</div>\n"
        )
        boundary = f"{rng.getrandbits(64):016x}"
        parts: list[str] = []
        if client == "gmail":
            charset, subject_h = "UTF-8", encoded_words(subject, "UTF-8")
            from_h, to_h, extra = address(name, email), SUPPORT, "X-Gm-Message-State: AOJu0Y" + boundary[:10] + "\n"
            cte_t, body_t = body_bytes(text, "UTF-8", "base64")
            cte_h, body_h = body_bytes(html, "UTF-8", "base64")
            parts = [
                f'Content-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: {cte_t}\n\n{body_t}',
                f'Content-Type: text/html; charset="UTF-8"\nContent-Transfer-Encoding: {cte_h}\n\n{body_h}',
            ]
            main = ("multipart/alternative", parts)
        elif client == "naver":
            charset, subject_h = "utf-8", encoded_words(subject, "UTF-8")
            from_h, to_h, extra = address(name, email, quoted=True), f"<{SUPPORT}>", "X-Mailer: Naver Mail\n"
            if rng.random() < 0.3:  # Naver's editor sends HTML only
                cte, body = body_bytes(html, "utf-8", "base64")
                main = ('text/html; charset="utf-8"', cte, body)
            else:
                cte, body = body_bytes(text, "utf-8", "base64")
                main = ('text/plain; charset="utf-8"', cte, body)
        elif client == "daum":
            charset = "EUC-KR"
            subject_h = encoded_words(subject, "EUC-KR")
            from_h, to_h, extra = address(name, email, "EUC-KR"), SUPPORT, "X-Mailer: Daum Web Mailer v1.0\n"
            cte_t, body_t = body_bytes(text, "EUC-KR", rng.choice(["base64", "quoted-printable"]))
            cte_h, body_h = body_bytes(html, "EUC-KR", "base64")
            parts = [
                f'Content-Type: text/plain; charset="EUC-KR"\nContent-Transfer-Encoding: {cte_t}\n\n{body_t}',
                f'Content-Type: text/html; charset="EUC-KR"\nContent-Transfer-Encoding: {cte_h}\n\n{body_h}',
            ]
            main = ("multipart/alternative", parts)
        elif client == "outlook":
            charset = "ks_c_5601-1987"
            subject_h = encoded_words(subject, charset)
            from_h = address(name, email, charset)
            to_h = f'"{SUPPORT}" <{SUPPORT}>'
            extra = (
                "Thread-Topic: " + subject_h + "\nAccept-Language: ko-KR, en-US\nContent-Language: ko-KR\n"
                "X-MS-Has-Attach: " + ("yes" if attach else "") + "\nX-Auto-Response-Suppress: All\n"
            )
            cte, body = body_bytes(text, charset, "base64", "\r\n")
            if rng.random() < 0.5:
                cte_h, body_h = body_bytes(
                    f'<html><head><meta http-equiv="Content-Type" content="text/html; '
                    f'charset=ks_c_5601-1987"></head><body>{html}</body></html>',
                    charset,
                    "base64",
                )
                parts = [
                    f'Content-Type: text/plain; charset="ks_c_5601-1987"\nContent-Transfer-Encoding: {cte}\n\n{body}',
                    f'Content-Type: text/html; charset="ks_c_5601-1987"\nContent-Transfer-Encoding: {cte_h}\n\n{body_h}',
                ]
                main = ("multipart/alternative", parts)
            else:
                main = ('text/plain; charset="ks_c_5601-1987"', cte, body)
        elif client == "apple":
            charset, subject_h = "utf-8", encoded_words(subject, "utf-8")
            from_h, to_h, extra = address(name, email), SUPPORT, "X-Mailer: iPhone Mail (22B91)\n"
            cte, body = body_bytes(text, "utf-8", "quoted-printable")
            main = ("text/plain;\n\tcharset=utf-8", cte, body)
        else:  # kakao: raw 8-bit UTF-8 text
            charset, subject_h = "UTF-8", encoded_words(subject, "UTF-8")
            from_h, to_h, extra = address(name, email), SUPPORT, ""
            cte, body = body_bytes(text, "UTF-8", "8bit")
            main = ("text/plain; charset=UTF-8", cte, body)

        headers = (
            received + f"Date: {self.date()}\nFrom: {from_h}\nTo: {to_h}\nSubject: {subject_h}\n"
            f"Message-ID: {message_id}\n" + headers_extra + extra + "MIME-Version: 1.0\n"
        )
        if main[0] == "multipart/alternative":
            inner = f"--{boundary}\n" + f"\n--{boundary}\n".join(parts) + f"\n--{boundary}--\n"
            inner_ct = f'multipart/alternative; boundary="{boundary}"'
        else:
            inner = main[2]
            inner_ct = main[0]
            inner_cte = main[1]
        if attach is None:
            if main[0] == "multipart/alternative":
                return (headers + f"Content-Type: {inner_ct}\n\n" + inner).encode("utf-8")
            payload = headers + f"Content-Type: {inner_ct}\nContent-Transfer-Encoding: {inner_cte}\n\n" + inner
            return payload.encode("utf-8")
        outer = f"mixed{boundary[::-1]}"
        first = (
            f"Content-Type: {inner_ct}\n\n{inner}"
            if main[0] == "multipart/alternative"
            else f"Content-Type: {inner_ct}\nContent-Transfer-Encoding: {inner_cte}\n\n{inner}"
        )
        style = {"gmail": "rfc2231", "apple": "rfc2231", "outlook": "outlook", "daum": "daum"}.get(client, "rfc2231")
        payload = (
            headers + f'Content-Type: multipart/mixed; boundary="{outer}"\n\n'
            f"--{outer}\n{first}\n--{outer}\n{attachment_part(*attach, style)}\n--{outer}--\n"
        )
        return payload.encode("utf-8")

    def auto_reply(self, number: int) -> tuple[bytes, dict]:
        rng = self.rng
        thread = rng.choice(self.threads[-200:])
        name, email = thread["name"], thread["email"]
        ack = f"<hc.{thread['number']}.{rng.randint(100000, 999999)}@example.com>"
        variant = rng.choice(["auto-submitted", "auto-submitted", "x-autoreply", "precedence", "bounce"])
        if variant == "bounce":
            boundary = f"bounce{number}"
            raw = (
                f"Return-Path: <>\nDate: {self.date()}\nFrom: MAILER-DAEMON@{email.rsplit('@', 1)[1]} (Mail Delivery System)\n"
                f"To: {SUPPORT}\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce.{number}@mx.example.net>\n"
                f'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"\n\n'
                f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\nI'm sorry to have to inform you that your "
                f"message could not be delivered to one or more recipients.\n\n<{email}>: mailbox full\n\n"
                f"--{boundary}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
                f"Final-Recipient: rfc822; {email}\nAction: failed\nStatus: 5.2.2\n\n--{boundary}--\n"
            )
            return raw.encode(), {"expect": "ignored", "client": "bounce", "auto": variant}
        header = {
            "auto-submitted": "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n",
            "x-autoreply": "X-Autoreply: yes\n",
            "precedence": "Precedence: bulk\n",
        }[variant]
        text = rng.choice(
            [
                "11월 30일까지 휴가입니다. 복귀 후 답장 드리겠습니다.",
                "메일 잘 받았습니다. 확인 후 연락드리겠습니다.",
                "I am out of the office until Monday.",
            ]
        )
        cte, body = body_bytes(text, "utf-8", "base64")
        raw = (
            f"Return-Path: <>\nDate: {self.date()}\nFrom: {address(name, email)}\nTo: {SUPPORT}\n"
            f"Subject: {encoded_words('자동응답: Re: ' + thread['subject'])}\nMessage-ID: <auto.{number}.{rng.getrandbits(32):x}@"
            f"{email.rsplit('@', 1)[1]}>\nIn-Reply-To: {ack}\n{header}MIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {cte}\n\n{body}"
        )
        return raw.encode(), {"expect": "ignored", "client": thread["client"], "auto": variant}


def generate(count: int, directory: Path) -> tuple[list[Path], list[dict]]:
    generator = MailGenerator(SEED)
    paths, manifest = [], []
    for number in range(count):
        kind, raw, info = generator.message(number)
        path = directory / f"{number:05d}-{kind}.eml"
        path.write_bytes(raw)
        paths.append(path)
        manifest.append({"number": number, "kind": kind, "bytes": len(raw), **info})
    return paths, manifest


def describe_mix(manifest: list[dict]) -> dict:
    kinds = Counter(m["kind"] for m in manifest)
    clients = Counter(m["client"] for m in manifest if m["kind"] in ("new", "reply"))
    attachments = Counter(m["attachment"] for m in manifest if m.get("attachment") and m["kind"] in ("new", "reply"))
    autos = Counter(m["auto"] for m in manifest if m["kind"] == "auto")
    sizes = [m["bytes"] for m in manifest]
    return {
        "kinds": dict(kinds),
        "clients": dict(clients),
        "attachments": dict(attachments),
        "auto_variants": dict(autos),
        "expected": dict(Counter(m["expect"] for m in manifest)),
        "bytes_total": sum(sizes),
        "bytes_median": int(statistics.median(sizes)),
        "bytes_max": max(sizes),
    }


CLIENT_SHAPES = {
    "gmail": "Gmail: multipart/alternative, UTF-8 base64 text + HTML",
    "naver": "Naver: UTF-8 base64, text/plain or HTML only, raw UTF-8 quoted name",
    "daum": "Daum/Hanmail: multipart/alternative EUC-KR, base64 or quoted-printable",
    "outlook": "Outlook: ks_c_5601-1987 base64, CRLF text, half with an HTML alternative",
    "apple": "Apple Mail: UTF-8 quoted-printable",
    "kakao": "Kakao: raw 8-bit UTF-8",
}


def environment(url: str, media: Path) -> dict:
    return django_environment(url, media)


# ---------------------------------------------------------------------------------------------
# Stats worker: counts in the database, run as `tickets_ingest.py --stats` with the run's environment


def stats_worker() -> None:
    setup_django()
    from django.db.models import Count

    from outbox.models import OutgoingEmail
    from tickets.models import Message, Ticket

    out = {
        **ticket_counts(),
        "tickets_by_language": dict(Ticket.objects.values_list("language").annotate(n=Count("id")).order_by()),
        "messages_by_author": dict(Message.objects.values_list("author_kind").annotate(n=Count("id")).order_by()),
        "outgoing_by_kind": dict(OutgoingEmail.objects.values_list("kind").annotate(n=Count("id")).order_by()),
        "plans": explain_rate_queries(),
        **database_facts(),
    }
    print(json.dumps(out))


def stats(env: dict) -> dict:
    return run_stats_worker(__file__, env)


# ---------------------------------------------------------------------------------------------
# The measurements


def outcome(line: str) -> str:
    return line.split(" ", 1)[0] if line.split(" ", 1)[0] in ("created", "appended", "ignored") else "other"


def ignored_reason(line: str) -> str:
    reason = line.split(" ", 1)[1] if " " in line else ""
    if "duplicate" in reason:
        return "duplicate"
    if "Auto-Submitted" in reason or "X-Autoreply" in reason or "Precedence" in reason:
        return "auto-reply"
    if "delivery-status" in reason or "bounce" in reason or "Return-Path" in reason:
        return "bounce"
    return reason[:40]


def summarise_lines(lines: list[str]) -> dict:
    counts = Counter(outcome(line) for line in lines)
    return {
        "created": counts["created"],
        "appended": counts["appended"],
        "ignored": counts["ignored"],
        "other": counts["other"],
        "ignored_reasons": dict(Counter(ignored_reason(line) for line in lines if outcome(line) == "ignored")),
    }


def startup_baseline(env: dict, runs: int = 5) -> list[float]:
    """`manage.py ingest_email < /dev/null`: a process that starts Django and is given nothing (exit 65)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(MANAGE), "ingest_email"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times


def run_batch(env: dict, paths: list[Path], profile: Path | None = None) -> dict:
    """One `manage.py ingest_email f1 … fN` process, its output going to a file as from cron or a
    shell redirect (not a pipe read line by line: waking a reader per line costs the writer time)."""
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    command = prefix + [str(MANAGE), "ingest_email", *map(str, paths)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        code = subprocess.run(command, env=env, cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL).returncode
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").splitlines()
        stderr = err.read().decode("utf-8", "replace")
    return {
        "processes": 1,
        "messages": len(paths),
        "wall_s": round(wall, 3),
        "messages_per_s": round(len(paths) / wall, 1),
        "exit_code": code,
        "stderr_lines": [line for line in stderr.splitlines() if line.strip()][:20],
        "lines": summarise_lines(lines),
        "_lines": lines,
    }


# What the timed run measures inside ingest(): module attributes looked up at call time, so
# replacing them on the module reaches every caller.
TIMED_FUNCTIONS = [
    ("tickets.mail.ingest", "parse_email"),
    ("tickets.mail.ingest", "find_thread"),
    ("tickets.mail.ingest", "_store_attachments"),
    ("tickets.notifications", "acknowledge"),
    ("tickets.notifications", "address_allowed"),
    ("tickets.notifications", "thread_headers"),
    ("tickets.notifications", "render_mail"),
]


def timed_worker(paths_file: Path, output: Path) -> None:
    """The same command in this process (call_command), with each ingest() call timed, the
    functions above timed inside it, and the SQL queries of each message counted."""
    import importlib

    setup_django()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    import tickets.management.commands.ingest_email as command_module

    totals = {f"{module}.{name}": [0.0, 0] for module, name in TIMED_FUNCTIONS}

    def wrap(key, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[key][0] += time.perf_counter() - started
                totals[key][1] += 1

        return timed

    for module_name, name in TIMED_FUNCTIONS:
        module = importlib.import_module(module_name)
        setattr(module, name, wrap(f"{module_name}.{name}", getattr(module, name)))

    per_message = []
    original = command_module.ingest

    def timed_ingest(raw):
        reset_queries()
        started = time.perf_counter()
        result = original(raw)
        per_message.append((time.perf_counter() - started, len(connection.queries), str(result).split(" ", 1)[0]))
        return result

    command_module.ingest = timed_ingest
    paths = paths_file.read_text().splitlines()
    with open(os.devnull, "w") as devnull:
        started = time.perf_counter()
        call_command("ingest_email", *paths, stdout=devnull, stderr=devnull)
        wall = time.perf_counter() - started
    output.write_text(json.dumps({"wall_s": wall, "per_message": per_message, "functions": totals}))


def run_timed(env: dict, paths: list[Path], workdir: Path, first_n: int) -> dict:
    paths_file, output = workdir / "paths.txt", workdir / "timed.json"
    paths_file.write_text("\n".join(map(str, paths)))
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--timed-worker", str(paths_file), str(output)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(output.read_text())
    times = [t * 1000 for t, _, _ in data["per_message"]]
    total = sum(times) / 1000
    by_outcome = {}
    for kind in ("created", "appended", "ignored"):
        rows = [(t * 1000, q) for t, q, k in data["per_message"] if k == kind]
        if rows:
            by_outcome[kind] = {
                "n": len(rows),
                "median_ms": round(statistics.median(r[0] for r in rows), 2),
                "p95_ms": round(pct([r[0] for r in rows], 95), 2),
                "median_queries": statistics.median(r[1] for r in rows),
            }
    windows = []
    for start in range(0, len(times), 100):
        chunk = times[start : start + 100]
        windows.append(round(len(chunk) / (sum(chunk) / 1000), 1))
    slow = sorted(range(len(times)), key=lambda i: times[i], reverse=True)[:5]
    return {
        "command_s": round(data["wall_s"], 3),
        "ingest_calls_s": round(total, 3),
        "messages_per_s_inside": round(len(times) / total, 1),
        "per_message_ms": {
            "median": round(statistics.median(times), 2),
            "p95": round(pct(times, 95), 2),
            "max": round(max(times), 2),
        },
        "by_outcome": by_outcome,
        "messages_per_s_by_100": windows,
        "first_n": first_n,
        "first_n_median_ms": round(statistics.median(times[:first_n]), 2),
        "functions": {
            key: {"calls": calls, "total_s": round(seconds, 3), "share_of_ingest": round(seconds / total, 3)}
            for key, (seconds, calls) in data["functions"].items()
        },
        "slowest": [
            {"file": paths[i].name, "ms": round(times[i], 1), "outcome": data["per_message"][i][2]} for i in slow
        ],
    }


def run_pipe(env: dict, paths: list[Path]) -> dict:
    """N separate `manage.py ingest_email < file` processes, one after the other, as an MTA pipes them."""
    times, lines, codes = [], [], Counter()
    started = time.perf_counter()
    for path in paths:
        t = time.perf_counter()
        with open(path, "rb") as message:
            done = subprocess.run(
                [sys.executable, str(MANAGE), "ingest_email"], env=env, cwd=ROOT, stdin=message, capture_output=True
            )
        times.append(time.perf_counter() - t)
        codes[done.returncode] += 1
        lines.extend(done.stdout.decode("utf-8", "replace").splitlines())
    wall = time.perf_counter() - started
    return {
        "processes": len(paths),
        "messages": len(paths),
        "wall_s": round(wall, 3),
        "messages_per_s": round(len(paths) / wall, 2),
        "per_process_ms": {
            "median": round(statistics.median(times) * 1000, 1),
            "p95": round(pct(times, 95) * 1000, 1),
            "min": round(min(times) * 1000, 1),
            "max": round(max(times) * 1000, 1),
        },
        "exit_codes": {str(k): v for k, v in codes.items()},
        "lines": summarise_lines(lines),
    }


def profile_summary(path: Path, top: int = 18) -> list[dict]:
    import pstats

    stats_ = pstats.Stats(str(path))
    total = stats_.total_tt
    rows = []
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in stats_.stats.items():
        rows.append(
            {
                "function": f"{shorten(filename)}:{line}({function})",
                "calls": calls,
                "tottime_s": round(tottime, 3),
                "cumtime_s": round(cumtime, 3),
            }
        )
    by_cum = sorted(rows, key=lambda r: r["cumtime_s"], reverse=True)
    interesting = [
        r
        for r in by_cum
        if any(
            k in r["function"]
            for k in ("tickets/", "helpcenter/", "django/", "psycopg", "sqlite3", "email/", "{built-in", "{method")
        )
    ]
    return (
        [{"total_s": round(total, 3)}]
        + interesting[:top]
        + [{"by_tottime": True}]
        + sorted(rows, key=lambda r: r["tottime_s"], reverse=True)[:top]
    )


def shorten(filename: str) -> str:
    for marker in ("site-packages/", "python3.11/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def run_database(database: str, paths: list[Path], manifest: list[dict], args: argparse.Namespace) -> dict:
    names = ["batch", "timed", "pipe"] + (["profile"] if args.profile else [])
    result: dict = {"database": database}
    media = Path(tempfile.mkdtemp(prefix="tickets-bench-media-"))
    try:
        with databases(database, names) as urls:
            envs = {name: environment(url, media / name) for name, url in urls.items()}
            log(f"{database}: migrate {len(envs)} fresh databases")
            result["migrate_s"] = {name: round(migrate(env), 2) for name, env in envs.items()}

            log(f"{database}: start-up baseline (ingest_email < /dev/null, 5 runs)")
            baseline = startup_baseline(envs["pipe"])
            result["startup_s"] = {
                "median": round(statistics.median(baseline), 3),
                "min": round(min(baseline), 3),
                "runs": [round(t, 3) for t in baseline],
            }

            log(f"{database}: batch: one ingest_email process with {len(paths)} files")
            meter = CpuMeter(MARKERS)
            meter.start()
            batch = run_batch(envs["batch"], paths)
            batch["cpu"] = meter.stop()
            lines = batch.pop("_lines")
            batch["after"] = stats(envs["batch"])
            batch["attachment_files_on_disk"] = sum(1 for p in (media / "batch").rglob("*") if p.is_file())
            mismatches = [
                {"file": paths[i].name, "expected": manifest[i]["expect"], "got": line}
                for i, line in enumerate(lines)
                if outcome(line) != manifest[i]["expect"]
            ]
            batch["unexpected_outcomes"] = mismatches[:20]
            batch["unexpected_count"] = len(mismatches) + abs(len(lines) - len(manifest))
            result["batch"] = batch
            log(f"{database}: batch {batch['wall_s']} s, {batch['messages_per_s']} messages/s")

            log(f"{database}: timed run (call_command in one process, each ingest() timed) on another fresh database")
            meter.start()
            result["timed"] = run_timed(envs["timed"], paths, media, args.pipe)
            result["timed"]["cpu"] = meter.stop()

            pipe_paths = paths[: args.pipe]
            log(f"{database}: pipe: {len(pipe_paths)} separate ingest_email < file processes")
            meter.start()
            pipe = run_pipe(envs["pipe"], pipe_paths)
            pipe["cpu"] = meter.stop()
            pipe["after"] = stats(envs["pipe"])
            result["pipe"] = pipe
            log(f"{database}: pipe {pipe['wall_s']} s, {pipe['messages_per_s']} messages/s")

            if args.profile:
                output = RESULTS / f"tickets_ingest-{database}.prof"
                log(f"{database}: batch again under cProfile -> {output}")
                profiled = run_batch(envs["profile"], paths, profile=output)
                result["profile"] = {
                    "wall_s": profiled["wall_s"],
                    "messages_per_s": profiled["messages_per_s"],
                    "file": str(output),
                    "top": profile_summary(output),
                }
    finally:
        shutil.rmtree(media, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def engine(after: dict) -> str:
    return describe_engine(after)


def report(result: dict) -> str:
    b, p = result["batch"], result["pipe"]
    a = b["after"]
    lines = [f"=== {result['database']}: {engine(a)} ==="]
    lines.append(f"migrate (each fresh database): {', '.join(f'{k} {v} s' for k, v in result['migrate_s'].items())}")
    lines.append(
        f"process start-up, `ingest_email < /dev/null` (Django set-up, no message): median {result['startup_s']['median']} s "
        f"(min {result['startup_s']['min']} s)"
    )
    n = b["lines"]
    lines.append(
        f"BATCH  1 process, `manage.py ingest_email <{b['messages']} files>`: {b['messages_per_s']} messages/s, "
        f"{b['wall_s']} s total, exit {b['exit_code']}"
    )
    lines.append(f"  {describe_cpu(b['cpu'])}")
    lines.append(
        f"  output lines: created {n['created']}, appended {n['appended']}, ignored {n['ignored']} "
        f"({', '.join(f'{k} {v}' for k, v in n['ignored_reasons'].items())})"
        + (f", other {n['other']}" if n["other"] else "")
    )
    lines.append(
        f"  database after: {a['tickets']} tickets ({', '.join(f'{k} {v}' for k, v in a['tickets_by_language'].items())}), "
        f"{a['messages']} messages, {a['attachments']} attachments ({human_bytes(a['attachment_bytes'])}; "
        f"{b['attachment_files_on_disk']} files in MEDIA_ROOT), {a['outgoing_queued']} acknowledgements queued "
        f"(not sent), database {human_bytes(a['database_bytes'])}"
    )
    lines.extend(f"  {line}" for line in describe_plans(a.get("plans", {}), "each new ticket"))
    if b["unexpected_count"]:
        lines.append(
            f"  {b['unexpected_count']} outcomes differ from the generator's expectation, e.g. "
            + "; ".join(f"{m['file']}: expected {m['expected']}, got {m['got']}" for m in b["unexpected_outcomes"][:3])
        )
    else:
        lines.append(
            "  every outcome is the one the generator expected (new → created, reply → appended, "
            "auto/bounce/duplicate → ignored)"
        )
    if b["stderr_lines"]:
        lines.append("  stderr: " + " | ".join(b["stderr_lines"][:3]))
    t = result["timed"]
    pm = t["per_message_ms"]
    lines.append(
        f"TIMED  the same {b['messages']} files through call_command('ingest_email') in one process on another fresh "
        f"database, each ingest() timed: {t['messages_per_s_inside']} messages/s inside ingest() "
        f"({t['ingest_calls_s']} s of {t['command_s']} s); per message median {pm['median']} ms, p95 {pm['p95']} ms, "
        f"max {pm['max']} ms"
    )
    lines.append(
        "  by outcome: "
        + "; ".join(
            f"{k} {v['n']}: median {v['median_ms']} ms, p95 {v['p95_ms']} ms, {v['median_queries']:g} SQL queries"
            for k, v in t["by_outcome"].items()
        )
    )
    lines.append(f"  {describe_cpu(t['cpu'])}")
    lines.append("  messages/s per 100 messages, in order: " + ", ".join(str(v) for v in t["messages_per_s_by_100"]))
    lines.append(
        "  share of ingest() time: "
        + ", ".join(
            f"{key.split('.')[-1]} {v['total_s']} s ({v['share_of_ingest'] * 100:.0f} %, {v['calls']} calls)"
            for key, v in t["functions"].items()
        )
    )
    lines.append("  slowest: " + "; ".join(f"{x['file']} {x['ms']} ms ({x['outcome']})" for x in t["slowest"][:3]))
    pn, pa = p["lines"], p["after"]
    pp = p["per_process_ms"]
    lines.append(
        f"PIPE   {p['processes']} processes, `manage.py ingest_email < file` one after another (the first "
        f"{p['messages']} files): {p['messages_per_s']} messages/s, {p['wall_s']} s total"
    )
    lines.append(f"  {describe_cpu(p['cpu'])}")
    lines.append(
        f"  per process: median {pp['median']} ms, p95 {pp['p95']} ms, min {pp['min']} ms, max {pp['max']} ms; "
        f"exit codes {p['exit_codes']}"
    )
    lines.append(
        f"  output lines: created {pn['created']}, appended {pn['appended']}, ignored {pn['ignored']}; "
        f"database after: {pa['tickets']} tickets, {pa['messages']} messages, {pa['attachments']} attachments"
    )
    lines.append(
        f"  the same first {t['first_n']} messages in the timed run: median {t['first_n_median_ms']} ms each inside "
        f"ingest(), so ~{max(0.0, pp['median'] - t['first_n_median_ms']):.0f} ms of each pipe delivery is the process "
        f"(interpreter, Django set-up, connection)"
    )
    if "profile" in result:
        prof = result["profile"]
        lines.append(
            f"PROFILE (cProfile, batch again on a fresh database: {prof['messages_per_s']} messages/s under the "
            f"profiler; {prof['file']}) top by cumulative time:"
        )
        for row in prof["top"][1:]:
            if row.get("by_tottime"):
                lines.append("  top by own time:")
                continue
            lines.append(
                f"    {row['cumtime_s']:>7.2f} s cum {row['tottime_s']:>7.2f} s own {row['calls']:>8} calls  "
                f"{row['function']}"
            )
    return "\n".join(lines)


def print_report(results: list[dict], mix: dict, conditions: dict) -> None:
    print()
    print("Ticket e-mail ingestion benchmark (manage.py ingest_email)")
    print(
        f"machine: {conditions['cpu_cores']} cores ({conditions['cpu']}), Python {conditions['python']}, "
        f"Django {conditions['django']}; DJANGO_DEBUG=1, EMAIL_BACKEND locmem, MEDIA_ROOT in a temp dir, LOG_LEVEL=WARNING"
    )
    if conditions["pythondontwritebytecode"]:
        print(
            "  PYTHONDONTWRITEBYTECODE is set here: modules without a .pyc (the project's own) are compiled at every "
            "process start"
        )
    print(
        f"messages: {sum(mix['kinds'].values())} generated .eml files (seed {SEED}), "
        f"{human_bytes(mix['bytes_total'])} in all, median {human_bytes(mix['bytes_median'])}, "
        f"largest {human_bytes(mix['bytes_max'])}"
    )
    k = mix["kinds"]
    print(
        f"  mix: {k.get('new', 0)} new requests, {k.get('reply', 0)} replies threading by In-Reply-To/References, "
        f"{k.get('auto', 0)} automatic ({', '.join(f'{a} {n}' for a, n in mix['auto_variants'].items())}), "
        f"{k.get('duplicate', 0)} re-deliveries of an earlier Message-ID"
    )
    print(f"  attachments on requests and replies: {', '.join(f'{a} {n}' for a, n in mix['attachments'].items())}")
    print("  senders (requests and replies): " + ", ".join(f"{c} {n}" for c, n in mix["clients"].items()))
    for client, shape in CLIENT_SHAPES.items():
        print(f"    {client:<8} {shape}")
    print("  expected: " + ", ".join(f"{k} {v}" for k, v in mix["expected"].items()))
    print(
        "each run starts from a freshly migrated, empty database; the mail queue worker is not running "
        "(acknowledgements are only queued)"
    )
    for result in results:
        print()
        print(report(result))
    print()
    print("JSON: " + ", ".join(str(RESULTS / f"tickets_ingest-{r['database']}.json") for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--pipe", type=int, default=100, help="separate ingest_email processes in the pipe mode")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="also run the batch under cProfile and print the top")
    parser.add_argument(
        "--keep-mail", type=Path, help="write the generated .eml files to this new directory and keep them"
    )
    parser.add_argument("--stats", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--timed-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stats:
        stats_worker()
        return
    if args.timed_worker:
        timed_worker(*args.timed_worker)
        return
    if args.messages < 2 or args.pipe < 1:
        raise SystemExit("--messages must be at least 2 and --pipe at least 1")
    args.pipe = min(args.pipe, args.messages)

    conditions = {
        **machine_conditions(),
        "seed": SEED,
        "pythondontwritebytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    mail_dir = args.keep_mail or Path(tempfile.mkdtemp(prefix="tickets-bench-mail-"))
    if args.keep_mail:
        mail_dir.mkdir(parents=True, exist_ok=False)
    results = []
    try:
        log(f"generating {args.messages} messages in {mail_dir}")
        paths, manifest = generate(args.messages, mail_dir)
        mix = describe_mix(manifest)
        for database in databases:
            result = run_database(database, paths, manifest, args)
            result["conditions"] = {**conditions, "debug": True, "email_backend": "locmem", "pipe_processes": args.pipe}
            result["mix"] = mix
            (RESULTS / f"tickets_ingest-{database}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            results.append(result)
    finally:
        if not args.keep_mail:
            shutil.rmtree(mail_dir, ignore_errors=True)
    print_report(results, mix, conditions)


if __name__ == "__main__":
    main()
