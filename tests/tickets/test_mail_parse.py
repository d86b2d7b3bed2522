"""What an agent sees of real incoming mail, sample by sample (tests/tickets/mail_samples/*.eml)."""

from __future__ import annotations

import base64
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tickets.mail.parse import NotAnEmail, ParsedEmail, parse_email

SAMPLES = Path(__file__).parent / "mail_samples"
KST = timezone(timedelta(hours=9))
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def parse_sample(name: str) -> ParsedEmail:
    return parse_email((SAMPLES / name).read_bytes())


def test_gmail_korean_mail_reads_the_plain_alternative():
    mail = parse_sample("01_gmail_utf8_alternative.eml")
    assert mail.subject == "결제했는데 프리미엄이 적용되지 않아요"
    assert (mail.from_name, mail.from_address) == ("김민지", "minji.kim@gmail.com")
    assert mail.to == ["help@example.com"]
    assert mail.message_id == "<CAF3x9Yh7k2QmZ+p0aB@mail.gmail.com>"
    assert mail.date == datetime(2026, 11, 24, 10, 11, 58, tzinfo=KST)
    assert mail.text == (
        "안녕하세요, 고객센터 담당자님.\n\n"
        "어제 프리미엄 요금제를 결제했는데 앱에서 아직 무료 회원으로 나옵니다.\n"
        "확인 부탁드립니다.\n\n"
        "김민지 드림"
    )
    assert mail.new_text == mail.text
    assert mail.attachments == []
    assert not mail.is_auto_reply and not mail.is_bounce and mail.auto_reason == ""


def test_naver_reply_folds_the_korean_gmail_quote():
    mail = parse_sample("02_naver_reply_quoted.eml")
    assert mail.subject == "Re: [HC-7K3M9QX] 환불 문의"
    assert mail.from_name == "이서준"
    assert mail.in_reply_to == ["<HC-7K3M9QX.1.help@example.com>"]
    assert mail.references == ["<HC-7K3M9QX.0.help@example.com>", "<HC-7K3M9QX.1.help@example.com>"]
    assert mail.new_text == "네, 주문번호는 20261124-0042 입니다.\n빠른 처리 부탁드려요."
    assert "님이 작성:" in mail.text and "> 주문번호를 알려주시면" in mail.text


def test_outlook_ks_c_5601_1987_is_read_as_cp949():
    mail = parse_sample("03_outlook_ks_c_5601_1987.eml")
    # 똠, 햏 and 뷁 exist only in CP949; Python's own ks_c_5601-1987 codec turns them into U+FFFD.
    assert mail.subject == "RE: 똠방각하 플레이리스트 이름이 깨져요"
    assert mail.from_name == "박똠"
    assert "제 닉네임이 똠방각하인데 앱에서 '햏'과 '뷁'이 들어간" in mail.text
    assert "\ufffd" not in mail.text
    assert mail.new_text == (
        "안녕하세요.\n\n"
        "제 닉네임이 똠방각하인데 앱에서 '햏'과 '뷁'이 들어간 플레이리스트 이름이 깨져 보입니다.\n"
        "수정 가능할까요?"
    )
    assert "-----원본 메시지-----" in mail.text
    # Outlook puts X-Auto-Response-Suppress on ordinary mail: this one is a person writing.
    assert not mail.is_auto_reply


def test_old_hanmail_euc_kr_quoted_printable():
    mail = parse_sample("04_hanmail_euckr_qp.eml")
    assert mail.from_name == "최영희"
    assert mail.subject == "비밀번호 재설정 메일이 안 와요"
    assert mail.text == (
        "안녕하세요 한메일 사용자입니다.\n비밀번호를 잊어버려서 로그인이 안 됩니다. 재설정 메일이 오지 않아요."
    )


def test_iso_2022_kr_message():
    mail = parse_sample("05_iso_2022_kr.eml")
    assert mail.subject == "해지 방법 문의"
    assert mail.text == "안녕하세요.\n오래된 메일 프로그램에서 보냅니다.\n해지 방법을 알려주세요."


def test_html_only_mail_becomes_clean_text():
    mail = parse_sample("06_html_only_scripts.eml")
    assert mail.text == (
        "안녕하세요, 고객센터 여러분.\n\n"
        "결제 금액이 ₩10,900 & 부가세 별도로 <두 번> 청구됐어요.\n\n"
        "날짜: 2026-11-20\n"
        "카드사: 신한카드\n\n"
        "- 첫 번째 결제\n"
        "- 두 번째 결제"
    )
    for hidden in ("SECRET-TRACKER", "INJECTED", "alert", "evil", "steal", "font-family", "문의 양식"):
        assert hidden not in mail.text


def test_html_that_html_parser_refuses_still_gives_text():
    # html.parser raises AssertionError on some broken declarations; the words must survive it.
    raw = (
        b"From: a@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Tom &amp; Jerry</p><script>evil()</script><![% oops\r\n"
    )
    assert parse_email(raw).text == "Tom & Jerry"


def test_pdf_with_rfc2231_korean_file_name():
    mail = parse_sample("07_pdf_rfc2231_korean_name.eml")
    assert mail.text == "영수증 첨부합니다. 환불 부탁드립니다."
    [pdf] = mail.attachments
    assert pdf.filename == "환불_영수증.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF-1.4\n") and pdf.data.endswith(b"%%EOF\n")


def test_outlook_image_with_rfc2047_encoded_name():
    mail = parse_sample("08_outlook_image_rfc2047_name.eml")
    assert mail.subject == "재생 오류 화면 캡처"
    assert mail.text == "재생 버튼을 누르면 오류가 납니다. 캡처 첨부합니다."
    [image] = mail.attachments
    assert image.filename == "오류화면.png"
    assert image.content_type == "image/png"
    assert image.data == PNG_1X1


def test_attachments_without_names_get_invented_ones():
    mail = parse_sample("09_attachment_without_name.eml")
    assert mail.text == "첨부한 화면을 봐 주세요."
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("attachment-1.jpg", "image/jpeg"),
        ("attachment-2.bin", "application/octet-stream"),
    ]
    assert mail.attachments[0].data == b"\xff\xd8\xff\xe0\x00\x10JFIF\x00fake-jpeg\xff\xd9"
    assert mail.attachments[1].data == b"\x00\x01\x02binary log\x03"


def test_out_of_office_reply_is_flagged():
    mail = parse_sample("10_auto_submitted_auto_replied.eml")
    assert mail.is_auto_reply
    # It also has an empty Return-Path, as RFC 3834 asks, but it is no bounce.
    assert not mail.is_bounce
    assert mail.auto_reason == "Auto-Submitted: auto-replied"
    assert mail.subject == "부재중: Re: [HC-2B4C6D8] 결제 확인"


def test_x_autoreply_is_flagged():
    mail = parse_sample("11_x_autoreply.eml")
    assert mail.is_auto_reply and not mail.is_bounce
    assert "X-Autoreply" in mail.auto_reason
    assert mail.from_name == "" and mail.from_address == "sumin@naver.com"


def test_precedence_bulk_is_flagged():
    mail = parse_sample("12_precedence_bulk.eml")
    assert mail.is_auto_reply
    assert mail.auto_reason == "Precedence: bulk"


def test_auto_submitted_no_is_a_person():
    mail = parse_sample("13_auto_submitted_no.eml")
    assert not mail.is_auto_reply and not mail.is_bounce
    assert mail.auto_reason == ""
    assert mail.text == "Can I add my sister to my family plan if she lives in Busan?"


def test_mailer_daemon_delivery_report_is_a_bounce():
    mail = parse_sample("14_mailer_daemon_bounce.eml")
    assert mail.is_bounce
    assert mail.auto_reason.startswith("delivery-status report")
    assert mail.from_address == "mailer-daemon@mail.example.com"
    assert mail.from_name == "Mail Delivery System"
    # The human-readable part is the text; the machine-readable status is not shown as text.
    assert "could not\nbe delivered" in mail.text
    assert "Reporting-MTA" not in mail.text
    assert [a.filename for a in mail.attachments] == ["attachment-1.txt"]
    assert mail.attachments[0].data.startswith(b"From: help@example.com")


def test_unknown_charset_label_with_cp949_bytes():
    mail = parse_sample("15_unknown_charset_cp949.eml")
    assert mail.subject == "쇼핑몰 제휴 문의"
    assert mail.text == "제휴 문의 드립니다. 똠얌꿍 레스토랑 매장 음악 이용권이 궁금합니다."


def test_mail_declared_utf8_but_written_in_cp949():
    mail = parse_sample("16_declared_utf8_really_cp949.eml")
    assert mail.subject == "쿠폰 등록 오류"
    assert mail.text == "쿠폰 번호를 입력하면 '유효하지 않은 쿠폰'이라고 나옵니다. 햏햏."


def test_subject_split_in_the_middle_of_a_character():
    mail = parse_sample("17_subject_split_mid_character.eml")
    assert mail.subject == "환불 요청합니다 – 이중 결제"


def test_raw_euc_kr_bytes_in_headers():
    mail = parse_sample("18_raw_euckr_subject.eml")
    assert mail.subject == "[문의] 요금제 변경 방법"
    assert (mail.from_name, mail.from_address) == ("홍길동", "gildong@korea.com")
    assert mail.text == "요금제를 가족 요금제로 바꾸고 싶습니다."


def test_mail_without_from_is_refused():
    with pytest.raises(NotAnEmail, match="sender"):
        parse_sample("19_no_from.eml")


def test_from_without_an_address_is_refused():
    with pytest.raises(NotAnEmail, match="sender"):
        parse_sample("20_from_without_address.eml")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"\x00\x01 not an e-mail",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "그냥 한국어 문장입니다.".encode(),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    ],
)
def test_things_that_are_not_mail_are_refused(raw):
    with pytest.raises(NotAnEmail):
        parse_email(raw)


def test_message_ids_are_normalised():
    mail = parse_sample("21_references_odd_whitespace.eml")
    assert mail.message_id == "<CA+reply21@mail.gmail.com>"
    assert mail.in_reply_to == ["<HC-4F5G6H7.2.help@example.com>"]
    assert mail.references == [
        "<HC-4F5G6H7.0.help@example.com>",
        "<HC-4F5G6H7.1.help@example.com>",
        "<HC-4F5G6H7.2.help@example.com>",
    ]
    assert mail.subject == "Re: Re: [HC-4F5G6H7] 기기 등록"


def test_card_numbers_are_left_for_masking_elsewhere():
    mail = parse_sample("22_card_number_in_body.eml")
    assert "4111 1111 1111 1111" in mail.text
    assert "4111 1111 1111 1111" in mail.new_text


def test_quoted_printable_soft_break_inside_a_character():
    raw = (SAMPLES / "23_qp_soft_break_mid_character.eml").read_bytes()
    # The sample does break lines between the bytes of one character (a continuation byte starts a line).
    assert re.search(rb"=[0-9A-F]{2}=\r\n=[89AB][0-9A-F]", raw)
    mail = parse_email(raw)
    assert mail.text == (
        "재생 목록이 사라졌어요. 어제까지 있던 '출근길 음악' 목록이 통째로 없어졌습니다. 복구할 수 있나요?"
    )


def test_outlook_english_reply_header_block_is_folded():
    mail = parse_sample("24_outlook_english_header_block.eml")
    assert mail.new_text == "Thanks, that fixed it.\n\nBest regards,\nDaniel Cho"
    assert "please update the app" in mail.text
    assert mail.to == ["help@example.com", "sujin.kim@outlook.com"]
    assert mail.date == datetime(2026, 11, 24, 1, 15, tzinfo=UTC)


def test_outlook_korean_header_block_in_html_is_folded():
    mail = parse_sample("25_outlook_korean_header_block_html.eml")
    assert mail.from_name == "남궁민"
    assert mail.new_text == "확인했습니다. 다음 달부터 연간 요금제로 바꿔 주세요."
    assert "보낸 사람: 고객센터 <help@example.com>" in mail.text


def test_naver_original_message_block_is_folded():
    mail = parse_sample("26_naver_original_message_block.eml")
    assert mail.from_name == "권예진"
    assert mail.new_text == "첨부 없이 다시 보냅니다. 앱 버전은 5.2.1 입니다."


def test_daum_original_mail_marker_is_folded():
    mail = parse_sample("27_daum_original_mail_marker.eml")
    assert mail.new_text == "네 알겠습니다. 기다릴게요."
    assert "처리에 2~3일 걸립니다." in mail.text


def test_newsletter_with_list_unsubscribe_is_list_mail():
    mail = parse_sample("28_list_unsubscribe_newsletter.eml")
    assert mail.is_auto_reply and not mail.is_bounce
    assert "List-Unsubscribe" in mail.auto_reason


def test_malformed_mime_degrades_gracefully():
    mail = parse_sample("29_malformed_mime.eml")
    assert mail.subject == "깨진 메일"  # base64 without its padding
    assert mail.date is None
    assert mail.to == ["help@example.com"]
    assert mail.text == "일부 깨진 메일이지만 읽을 수 있어요."  # base64 with line noise and a stray character
    assert [(a.filename, a.data) for a in mail.attachments] == [
        ("cut.pdf", b"%PDF-1.4 truncated"),
        ("note.txt", b"broken =ZZ escape and \xe2\x82 cut"),
    ]


def test_wrapped_gmail_quote_header_and_signature_are_folded():
    mail = parse_sample("30_gmail_en_wrapped_wrote_signature.eml")
    assert mail.new_text == "Hi, the song still skips at 1:23 on my iPhone."
    assert "Sent from my iPhone" in mail.text


def test_rfc2231_file_name_continuations():
    mail = parse_sample("31_rfc2231_continuations.eml")
    [sheet] = mail.attachments
    assert sheet.filename == "2026년_11월_결제_내역서_최종본.xlsx"
    assert sheet.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sheet.data == b"PK\x03\x04fake-xlsx"


def test_html_blockquote_history_is_folded():
    mail = parse_sample("32_html_only_gmail_blockquote.eml")
    assert mail.new_text == "환불 잘 받았습니다. 감사합니다!"
    assert "> 환불이 완료되었습니다." in mail.text


def test_forwarded_receipt_is_not_folded_away():
    mail = parse_sample("33_forwarded_receipt_kept.eml")
    assert "주문 번호: MT7X2K9P0Q" in mail.new_text
    assert mail.new_text == mail.text


def test_screenshot_pasted_into_outlook_is_an_attachment():
    mail = parse_sample("34_outlook_inline_screenshot.eml")
    assert mail.text.startswith("로그인하면 아래 화면에서 멈춥니다.")
    [image] = mail.attachments
    assert (image.filename, image.content_type, image.data) == ("image001.png", "image/png", PNG_1X1)


def test_every_sample_is_crlf_and_reads_without_replacement_characters():
    for path in sorted(SAMPLES.glob("*.eml")):
        raw = path.read_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b""), path.name
        try:
            mail = parse_email(raw)
        except NotAnEmail:
            continue
        assert "\ufffd" not in mail.subject + mail.text + mail.from_name, path.name


def test_euc_kr_make_up_sequences_are_read_as_syllables():
    # Python's own euc_kr codec (and some old Unix mailers) spell 똠 as an 8-byte KS X 1001 sequence.
    body = "똠방각하".encode("euc_kr")
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n" + body + b"\r\n"
    assert parse_email(raw).text == "똠방각하"


# Outlook's label, Windows names Python does not know, Python's alias to strict EUC-KR, and labels
# that name Python codecs which are no text encodings at all.
@pytest.mark.parametrize("label", ["ks_c_5601-1987", "windows-949", "korean", "base64", "unicode_escape", ""])
def test_charset_labels_python_gets_wrong(label):
    raw = f"From: a@example.com\r\nContent-Type: text/plain; charset={label}\r\n\r\n".encode()
    assert parse_email(raw + "뷁 햏".encode("cp949") + b"\r\n").text == "뷁 햏"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Tue, 24 Nov 2026 10:00:00 KST", datetime(2026, 11, 24, 10, 0, tzinfo=KST)),
        ("Tue, 24 Nov 2026 10:00:00 -0000", datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
        ("Tue, 31 Feb 2026 10:00:00 +0900", None),
        ("어제", None),
    ],
)
def test_dates_are_aware_or_none(header, expected):
    raw = f"From: a@example.com\r\nDate: {header}\r\n\r\nhi\r\n".encode()
    assert parse_email(raw).date == expected


def test_display_name_with_an_encoded_comma_keeps_the_address():
    # "홍, 길동" decodes to a comma: splitting addresses after decoding would lose the sender.
    raw = b"From: =?UTF-8?B?7ZmNLCDquLjrj5k=?= <hong@naver.com>\r\nSubject: x\r\n\r\nhi\r\n"
    mail = parse_email(raw)
    assert (mail.from_name, mail.from_address) == ("홍, 길동", "hong@naver.com")


def test_everything_quoted_keeps_the_whole_text():
    raw = b"From: a@example.com\r\n\r\n> only a quote\r\n> nothing new\r\n"
    mail = parse_email(raw)
    assert mail.new_text == mail.text == "> only a quote\n> nothing new"


def test_attachment_names_lose_their_paths():
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
        b'--b\r\nContent-Type: text/plain; name="..\\\\..\\\\windows\\\\win.ini"\r\n\r\nx\r\n'
        b'--b\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n\r\ny\r\n'
        b'--b\r\nContent-Disposition: attachment; filename=".."\r\n\r\nz\r\n--b--\r\n'
    )
    assert [a.filename for a in parse_email(raw).attachments] == ["win.ini", "passwd", "attachment-3.txt"]


def test_signed_mail_with_a_forwarded_message_attached():
    # An S/MIME signature is not a file an agent opens; a message forwarded as an attachment is.
    raw = (
        b'From: a@example.com\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; '
        b"boundary=s\r\n\r\n--s\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
        b"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "영수증 전달합니다".encode() + b"\r\n"
        b"--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: shop@example.kr\r\nSubject: receipt\r\n\r\nW10,900\r\n--m--\r\n"
        b"--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n\r\nAAAA\r\n--s--\r\n"
    )
    mail = parse_email(raw)
    assert mail.text == "영수증 전달합니다"
    [forwarded] = mail.attachments
    assert (forwarded.filename, forwarded.content_type) == ("attachment-1.eml", "message/rfc822")
    assert forwarded.data == b"From: shop@example.kr\r\nSubject: receipt\r\n\r\nW10,900"


def test_no_input_raises_anything_but_not_an_email():
    rng = random.Random(20261124)
    samples = [path.read_bytes() for path in sorted(SAMPLES.glob("*.eml"))]
    inputs = [bytes(rng.getrandbits(8) for _ in range(rng.randrange(300))) for _ in range(200)]
    for raw in samples:
        inputs += [raw[:cut] for cut in range(0, len(raw), max(1, len(raw) // 15))]
        for _ in range(15):
            mutated = bytearray(raw)
            for _ in range(rng.randint(1, 10)):
                position = rng.randrange(len(mutated))
                mutated[position : position + rng.randint(0, 5)] = rng.choice(
                    [b"", b"=?", b"?=", b"\r\n", b"--", b";", b"*=", b'"', b"%", b"\r\n\r\n", b"<![x]>", b"\xff\xfe"]
                )
            inputs.append(bytes(mutated))
    for raw in inputs:
        try:
            mail = parse_email(raw)
        except NotAnEmail:
            continue
        assert isinstance(mail.text, str) and "\x00" not in mail.text + mail.subject
        assert bool(mail.new_text.strip()) == bool(mail.text.strip())


def test_a_plain_alternative_blank_in_its_own_charset_gives_way_to_the_html_one():
    blank_utf16 = base64.b64encode("  \n ".encode("utf-16")).decode()
    raw = (
        "From: kim@example.com\r\nTo: help@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        '--b\r\nContent-Type: text/plain; charset="utf-16"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{blank_utf16}\r\n"
        '--b\r\nContent-Type: text/html; charset="utf-8"\r\n\r\n<p>결제가 두 번 됐어요</p>\r\n--b--\r\n'
    ).encode()
    assert parse_email(raw).text == "결제가 두 번 됐어요"
