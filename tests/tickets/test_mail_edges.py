"""Edges of reading incoming mail, function by function, with the exact text an agent would see."""

from __future__ import annotations

import pytest

from tickets.mail.quotes import fold_quotes

NEW = "환불 부탁드립니다.\n감사합니다."


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: 고객센터",
        "------- 원본 메일 -------\n보낸 사람: 고객센터",
        "-- 원본메시지 --\n예전 내용",
        "On Tue, 24 Nov 2026 at 10:00, 고객센터 <help@example.com> wrote:\n> 문의 감사합니다.",
        "2026년 11월 24일 (화) 오전 10:00, 고객센터 <help@example.com>님이 작성:\n> 문의 감사합니다.",
        "2026. 11. 24. 오전 10:00, 고객센터 <help@example.com> 작성:\n> 문의 감사합니다.",
        "On Tue, 24 Nov 2026 at 10:00, A Very Long Help Center Name\n<help@example.com> wrote:\n> 문의 감사합니다.",
        "2026/11/24 오전 10:00, 고객센터\n<help@example.com> 님이 씀:\n> 예전",
        "From: 고객센터 <help@example.com>\nSent: Tuesday, November 24, 2026 10:00 AM\nTo: 김민지\nSubject: RE: 환불",
        "보낸 사람: 고객센터\n\n보낸 날짜: 2026년 11월 24일\n받는 사람: 김민지\n제목: 환불",
        "*From:* 고객센터\n*Sent:* Tuesday\n*Subject:* 환불",
        "-- \n김민지 드림\n010-0000-0000",
    ],
)
def test_the_history_after_a_mark_is_folded_away(history):
    assert fold_quotes(f"{NEW}\n\n{history}\n더 오래된 내용") == NEW


def test_trailing_quoted_lines_and_rules_go_but_quotes_inside_the_text_stay():
    text = f"> 인용 먼저\n{NEW}\n\n________________\n> 예전 내용\n>\n> 더 예전"
    assert fold_quotes(text) == f"> 인용 먼저\n{NEW}"


def test_a_from_line_without_a_header_block_is_the_customers_own_text():
    text = f"{NEW}\nFrom: 서울에서 보냅니다\n오늘 결제했어요.\nSubject: 문의"
    assert fold_quotes(text) == text


def test_a_header_block_counts_only_the_six_lines_after_from():
    far = f"{NEW}\nFrom: 고객센터\n" + "\n".join(["내용"] * 6) + "\nSent: 화요일\nTo: 김민지"
    assert fold_quotes(far) == far
    near = f"{NEW}\nFrom: 고객센터\n" + "\n".join(["내용"] * 4) + "\nSent: 화요일\nTo: 김민지"
    assert fold_quotes(near) == NEW


def test_one_field_after_from_is_not_a_header_block():
    text = f"{NEW}\nFrom: 고객센터\nSubject: 환불"
    assert fold_quotes(text) == text


def test_a_forwarded_message_is_kept_whole():
    text = "영수증 전달합니다.\n\n---------- Forwarded message ---------\nFrom: 결제 <pay@example.com>\nDate: 11월 24일\nTo: 김민지\n\n-- \n결제팀"
    assert fold_quotes(text) == text
    korean = "확인해 주세요\n-------- 전달된 메일 --------\n-----Original Message-----\n영수증"
    assert fold_quotes(korean) == korean


def test_a_message_that_is_all_history_is_kept_whole():
    text = "On Tue, 24 Nov 2026 at 10:00, 고객센터 <help@example.com> wrote:\n> 문의 감사합니다."
    assert fold_quotes(text) == text
    assert fold_quotes("> 인용\n>\n") == "> 인용\n>\n"


def test_lines_split_only_at_newlines():
    text = "첫 줄\x0c둘째\u2028셋째\n-- \n서명"
    assert fold_quotes(text) == "첫 줄\x0c둘째\u2028셋째"


def test_a_signature_needs_its_trailing_space_and_a_date_needs_a_writer():
    text = f"{NEW}\n--\n2026년 11월 24일에 결제했어요:\n그 다음 날 또 결제됐어요."
    assert fold_quotes(text) == text


@pytest.mark.parametrize(
    "html, text",
    [
        ("<p>안녕하세요</p><p>환불 부탁드립니다</p>", "안녕하세요\n\n환불 부탁드립니다"),
        ("<div>첫 줄</div><div>둘째 줄</div>", "첫 줄\n둘째 줄"),
        ("<div>위</div><div><br></div><div>아래</div>", "위\n\n아래"),
        ("한 줄<br>두 줄<br/>세 줄", "한 줄\n두 줄\n세 줄"),
        ("<p/>앞<p/>뒤", "앞\n\n뒤"),
        ("<ul><li>하나</li><li>둘</li></ul>끝", "- 하나\n- 둘\n\n끝"),
        ("<table><tr><td>금액</td><td>10,900원</td></tr></table>", "금액 10,900원"),
        (
            "본문<blockquote>예전 <b>내용</b><blockquote>더 예전</blockquote>다시</blockquote>끝",
            "본문\n\n> 예전 내용\n\n> > 더 예전\n\n> 다시\n\n끝",
        ),
        ("<pre>  들여쓴\n    코드\r\n끝  </pre>뒤", "  들여쓴\n    코드\n끝\n\n뒤"),
        ("<head><title>제목</title><style>p{}</style></head><body>보이는 글</body>", "보이는 글"),
        ("앞<script>alert(1)</script><noscript>x</noscript>뒤", "앞뒤"),
        ("앞<svg><title>숨김</title><svg>안</svg>여전히</svg>뒤", "앞뒤"),
        ("앞<script/>뒤<br>", "앞뒤"),
        ("<script>숨김<br/><p/></script>보임", "보임"),
        ("보임</script>여전히", "보임여전히"),
        ("<p>  여러   칸\t띄움&nbsp;&nbsp;끝 </p>", "여러 칸 띄움 끝"),
        ("가&amp;나 &lt;태그&gt; &#54620;", "가&나 <태그> 한"),
        ("<p>하나</p>\n\n\n<p></p><p></p><p>둘</p>", "하나\n\n둘"),
        ('<p onclick="steal()">클릭</p>', "클릭"),
        ("<h1>제목</h1>본문<hr>꼬리", "제목\n\n본문\n꼬리"),
        ("<!DOCTYPE html><![if !supportLists]>목록<![endif]>", "목록"),
        ("<td>칸</td><th>머리</th>", "칸 머리"),
    ],
)
def test_html_bodies_read_as_an_agent_would_see_them(html, text):
    from tickets.mail.html_text import html_to_text

    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "html, charset",
    [
        (b'<html><head><meta charset="euc-kr"></head>', "euc-kr"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ks_c_5601-1987'>", "ks_c_5601-1987"),
        (b"<meta content='text/html; charset = utf-8 '>", "utf-8"),
        (b"<p>no declaration</p>", None),
        (b" " * 4096 + b'<meta charset="euc-kr">', None),  # only the start of the body is looked at
    ],
)
def test_an_html_body_names_its_own_charset(html, charset):
    from tickets.mail.html_text import meta_charset

    assert meta_charset(html) == charset


@pytest.mark.parametrize(
    "label, codec",
    [
        (None, None),
        ("", None),
        (' "UTF-8" ', "utf-8"),
        ("utf-8*ko", "utf-8"),
        ("ks_c_5601-1987", "cp949"),
        ("x-windows-949", "cp949"),
        ("euc-kr", "cp949"),
        ("korean", "cp949"),
        ("latin1", "iso8859-1"),
        ("unicode-escape", None),
        ("idna", None),
        ("no-such-charset", None),
    ],
)
def test_charset_labels_name_the_codec_that_reads_them(label, codec):
    from tickets.mail.charsets import codec_for

    assert codec_for(label) == codec


@pytest.mark.parametrize(
    "data, declared, hint, text",
    [
        ("똠햏뷁".encode("cp949"), "ks_c_5601-1987", None, "똠햏뷁"),
        ("똠 왔어요".encode("euc_kr"), "euc-kr", None, "똠 왔어요"),  # KS X 1001's eight-byte spelling
        ("안녕하세요".encode("iso2022_kr"), None, None, "안녕하세요"),
        ("한글".encode(), "iso-8859-1", None, "한글"),  # declared Latin-1, really UTF-8
        ("café".encode("latin-1"), "iso-8859-1", None, "café"),
        ("한글".encode("cp949"), "utf-8", None, "한글"),  # mislabelled: CP949 after UTF-8 fails
        ("Привет".encode("koi8_r"), None, "koi8-r", "Привет"),
        (b"YWJj", "base64", None, "YWJj"),  # a label naming a bytes or text transform never rewrites the text
        (b"nop", "rot13", None, "nop"),
        (b"\\uc548", "unicode-escape", None, "\\uc548"),
        ("\ufeff안녕\x00하세요\x7f\t끝\n".encode(), "utf-8", None, "안녕하세요\t끝\n"),
    ],
)
def test_text_is_decoded_as_the_sender_meant_it(data, declared, hint, text):
    from tickets.mail.charsets import decode_text

    assert decode_text(data, declared, hint) == text


def test_undecodable_bytes_lose_as_little_as_possible():
    from tickets.mail.charsets import decode_text

    assert decode_text("한글".encode() + b"\xff", "utf-8") == "한글\ufffd"


@pytest.mark.parametrize(
    "value, text",
    [
        ("=?UTF-8?B?7ZWc?= =?UTF-8?B?6riA?=", "한글"),
        ("=?UTF-8?B?7ZU=?= =?UTF-8?B?nOq4gA==?=", "한글"),  # a character split across two words
        ("=?utf-8?B?7ZU=?==?UTF-8?B?nOq4gA==?=", "한글"),
        ("=?UTF-8?B?7ZWc?= =?EUC-KR?B?sds=?=", "한글"),
        ("RE: =?UTF-8?Q?=ED=95=9C?= 문의", "RE: 한 문의"),
        ("=?UTF-8?Q?a_b?=", "a b"),
        ("=?UTF-8?B?7ZWc?= and =?UTF-8?B?6riA?= end", "한 and 글 end"),
        ("no encoded words", "no encoded words"),
    ],
)
def test_encoded_words_are_joined_then_decoded(value, text):
    from tickets.mail.charsets import decode_encoded_words

    assert decode_encoded_words(value) == text


def test_headers_are_unfolded_and_raw_bytes_decoded():
    from tickets.mail.charsets import header_text, unfold_header

    assert unfold_header("first\r\n second\r\n\tthird") == "first second\tthird"
    assert unfold_header("a\nb\rc") == "abc"
    raw = "안녕 =?UTF-8?B?7ZWc6riA?=".encode("cp949").decode("ascii", "surrogateescape")
    assert unfold_header(raw) == "안녕 =?UTF-8?B?7ZWc6riA?="
    assert header_text(raw) == "안녕 한글"


@pytest.mark.parametrize(
    "value, main, params",
    [
        ('attachment; filename="a; b.pdf"', "attachment", {"filename": "a; b.pdf"}),
        ("Application/PDF; name==?UTF-8?B?7ZWc6riA?=.pdf", "application/pdf", {"name": "한글.pdf"}),
        ("attachment; filename*=UTF-8''%ED%95%9C%EA%B8%80.pdf", "attachment", {"filename": "한글.pdf"}),
        (
            "attachment; filename*1*=%9C%EA%B8%80; filename*0*=UTF-8''%ED%95; filename*2=.pdf",
            "attachment",
            {"filename": "한글.pdf"},
        ),
        ("attachment; filename*=utf-8'ko'%ED%95%9C.txt", "attachment", {"filename": "한.txt"}),
        ('attachment; filename="say \\"hi\\".txt"', "attachment", {"filename": 'say "hi".txt'}),
        ('attachment; filename="open.txt', "attachment", {"filename": "open.txt"}),
        ("text/plain; Name=a; name=b; CHARSET=utf-8", "text/plain", {"name": "a", "charset": "utf-8"}),
        ("attachment; filename=plain.txt; filename*=UTF-8''%ED%95%9C.txt", "attachment", {"filename": "한.txt"}),
        ('inline; filename*0="two words"; filename*1=" and more"', "inline", {"filename": "two words and more"}),
    ],
)
def test_content_type_parameters_are_read_in_every_spelling(value, main, params):
    from tickets.mail.charsets import header_params

    assert header_params(value) == (main, params)


@pytest.mark.parametrize(
    "data, decoded",
    [
        (b"7ZWc\r\n6riA", "한글".encode()),
        (b"YWI=Y2Q=", b"abcd"),  # two blocks encoded separately, each padded
        (b"YWI", b"ab"),
        (b"YW*I=", b"ab"),
        (b"YWJjZ", b"abc"),  # a lone trailing character holds no whole byte
        (b"YWJj=YWI=", b"abcab"),  # whole groups with a stray "=", then a padded block
        (b"YWI=YWJj=YWJj", b"ababcabc"),  # whole groups to the end, after a padded block
        (b"", b""),
    ],
)
def test_base64_is_read_as_real_mail_sends_it(data, decoded):
    from tickets.mail.charsets import lenient_base64

    assert lenient_base64(data) == decoded


def mail(headers: str, body: str = "본문입니다.", **extra: str) -> bytes:
    head = "From: 김민지 <minji@example.com>\nTo: help@example.com\nSubject: 문의\n" + headers
    return (head.strip("\n") + "\nContent-Type: text/plain; charset=utf-8\n\n" + body).encode()


def parsed(headers: str = "", body: str = "본문입니다."):
    from tickets.mail.parse import parse_email

    return parse_email(mail(headers, body))


@pytest.mark.parametrize(
    "header, name, address",
    [
        ("From: =?UTF-8?B?6rmA66+87KeA?= <Minji@Example.COM>", "김민지", "minji@example.com"),
        ('From: "Kim, Minji" <minji@example.com>', "Kim, Minji", "minji@example.com"),
        ("From: 홍길동 hong@naver.com", "", "hong@naver.com"),
        ("From: minji@example.com, other@example.com", "", "minji@example.com"),
        ("From: '  김   민지 ' <minji@example.com>", "김 민지", "minji@example.com"),
    ],
)
def test_the_sender_is_read_in_every_spelling(header, name, address):
    from tickets.mail.parse import parse_email

    raw = mail("").replace(b"From: \xea\xb9\x80\xeb\xaf\xbc\xec\xa7\x80 <minji@example.com>", header.encode())
    result = parse_email(raw)
    assert (result.from_name, result.from_address) == (name, address)


@pytest.mark.parametrize("header", ["From: nobody", "From: <>", "From: 김민지 <minji at example.com>"])
def test_mail_without_a_sender_address_is_not_an_email(header):
    from tickets.mail.parse import NotAnEmail, parse_email

    raw = mail("").replace(b"From: \xea\xb9\x80\xeb\xaf\xbc\xec\xa7\x80 <minji@example.com>", header.encode())
    with pytest.raises(NotAnEmail) as raised:
        parse_email(raw)
    assert str(raised.value) == "no sender address: the From header is missing or has no address with an @"


def test_a_sender_address_too_long_to_answer_is_not_an_email():
    from tickets.mail.parse import NotAnEmail, parse_email

    long_address = "a" * 250 + "@example.com"
    raw = mail("").replace(b"minji@example.com", long_address.encode())
    with pytest.raises(NotAnEmail) as raised:
        parse_email(raw)
    assert str(raised.value) == "sender address longer than 254 characters"


def test_recipients_are_to_and_cc_once_each_in_order():
    result = parsed("Cc: Help <HELP@example.com>, 이서준 <seojun@example.com>, seojun@example.com")
    assert result.to == ["help@example.com", "seojun@example.com"]


def test_message_ids_are_kept_whole_once_each_and_junk_is_dropped():
    long_id = "x" * 251 + "@example.com"
    result = parsed(
        "Message-ID: <abc@mail.example.com>\n"
        "In-Reply-To: ref@example.com\n"
        f"References: <one@example.com> <two\n @example.com> <one@example.com> <> <{long_id}>\n"
    )
    assert result.message_id == "<abc@mail.example.com>"
    assert result.in_reply_to == ["<ref@example.com>"]  # brackets dropped by the client
    assert result.references == ["<one@example.com>", "<two@example.com>"]
    assert parsed("").message_id == ""


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Date: Tue, 24 Nov 2026 10:11:58 +0900", "2026-11-24T10:11:58+09:00"),
        ("Date: Tue, 24 Nov 2026 10:11:58 KST", "2026-11-24T10:11:58+09:00"),
        ("Date: Tue, 24 Nov 2026 01:11:58 -0000", "2026-11-24T01:11:58+00:00"),
        ("Date: yesterday evening", None),
        ("", None),
    ],
)
def test_the_date_is_read_with_korean_servers_zone_names(header, expected):
    date = parsed(header).date
    assert (date.isoformat() if date else None) == expected


def test_the_subject_is_decoded_on_one_line():
    from tickets.mail.parse import parse_email

    raw = mail("").replace("Subject: 문의".encode(), "Subject: =?UTF-8?B?7ZWc6riA?=\n  문의\t드립니다".encode())
    assert parse_email(raw).subject == "한글 문의 드립니다"


@pytest.mark.parametrize(
    "headers, auto, bounce, reason",
    [
        ("Auto-Submitted: auto-replied; owner-email=x@example.com", True, False, "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: No", False, False, ""),
        ("X-Autoreply: yes", True, False, "X-Autoreply header present"),
        ("X-Autorespond: 1", True, False, "X-Autorespond header present"),
        ("X-Autoreply: no", False, False, ""),
        ("X-Autorespond: false", False, False, ""),
        ("Precedence: Bulk", True, False, "Precedence: bulk"),
        ("Precedence: first-class", False, False, ""),
        ("List-Id: <news.example.com>", True, False, "mailing-list mail (List-Id or List-Unsubscribe)"),
        ("List-Unsubscribe: <mailto:off@example.com>", True, False, "mailing-list mail (List-Id or List-Unsubscribe)"),
        ("X-Auto-Response-Suppress: All", False, False, ""),
        ("Return-Path: < >", False, True, "empty Return-Path (<>)"),
        ("Return-Path: <>\nAuto-Submitted: auto-replied", True, False, "Auto-Submitted: auto-replied"),
        ("Return-Path: <minji@example.com>", False, False, ""),
    ],
)
def test_mail_written_by_a_program_is_recognised_and_says_why(headers, auto, bounce, reason):
    result = parsed(headers)
    assert (result.is_auto_reply, result.is_bounce, result.auto_reason) == (auto, bounce, reason)


@pytest.mark.parametrize(
    "sender, subject, bounce",
    [
        ("MAILER-DAEMON@mail.example.com", "Undelivered Mail Returned to Sender", True),
        ("postmaster@example.com", "메일 발송 실패 안내", True),
        ("postmaster@example.com", "Question about my plan", False),
        ("minji@example.com", "Undelivered Mail Returned to Sender", False),
    ],
)
def test_a_bounce_is_a_notice_from_the_mail_system(sender, subject, bounce):
    from tickets.mail.parse import parse_email

    raw = (
        mail("")
        .replace(b"minji@example.com", sender.encode())
        .replace("Subject: 문의".encode(), f"Subject: {subject}".encode())
    )
    result = parse_email(raw)
    assert result.is_bounce is bounce
    assert result.auto_reason == (f"bounce notice from {sender.lower()}" if bounce else "")


def test_a_delivery_status_report_is_a_bounce():
    from tickets.mail.parse import parse_email

    raw = (
        b"From: mail@example.com\nTo: help@example.com\nSubject: x\n"
        b'Content-Type: multipart/report; report-type="Delivery-Status"; boundary=b\n\n'
        b"--b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/delivery-status\n\nStatus: 5.0.0\n--b--\n"
    )
    assert (parse_email(raw).is_bounce, parse_email(raw).auto_reason) == (True, "delivery-status report")
    nested = raw.replace(b'multipart/report; report-type="Delivery-Status"', b"multipart/mixed")
    assert (parse_email(nested).is_bounce, parse_email(nested).auto_reason) == (True, "contains a delivery-status part")


def multipart(*parts: str, kind: str = "mixed") -> bytes:
    head = (
        f'From: minji@example.com\nTo: help@example.com\nSubject: x\nContent-Type: multipart/{kind}; boundary="b"\n\n'
    )
    return (head + "".join(f"--b\n{part}\n" for part in parts) + "--b--\n").encode()


def test_attachment_names_lose_their_folders_and_unnamed_ones_get_a_numbered_name():
    from tickets.mail.parse import parse_email

    result = parse_email(
        multipart(
            "Content-Type: text/plain; charset=utf-8\n\n첨부합니다",
            'Content-Type: application/pdf\nContent-Disposition: attachment; filename="C:\\\\Users\\\\홍길동\\\\영수증.pdf"\n\n%PDF',
            'Content-Type: text/plain; name="../../etc/passwd"\n\nroot',
            "Content-Type: image/jpeg\nContent-Disposition: attachment\n\nJPEG",
            'Content-Type: application/octet-stream; name=".."\n\nbytes',
            "Content-Type: text/csv\nContent-Disposition: attachment\n\na,b",
            "Content-Type: application/x-unknown-thing\n\n??",
            'Content-Type: application/pdf; name="  두   칸.pdf "\n\n%PDF',
        )
    )
    assert result.text == "첨부합니다"
    assert [(a.filename, a.content_type) for a in result.attachments] == [
        ("영수증.pdf", "application/pdf"),
        ("passwd", "text/plain"),
        ("attachment-3.jpg", "image/jpeg"),
        ("attachment-4.bin", "application/octet-stream"),
        ("attachment-5.csv", "text/csv"),
        ("attachment-6.bin", "application/x-unknown-thing"),
        ("두 칸.pdf", "application/pdf"),
    ]
    assert result.attachments[0].data == b"%PDF"


def test_the_plain_alternative_is_read_unless_it_is_empty():
    from tickets.mail.parse import parse_email

    both = multipart(
        "Content-Type: text/plain; charset=utf-8\n\n평문입니다",
        "Content-Type: text/html; charset=utf-8\n\n<p>HTML입니다</p>",
        kind="alternative",
    )
    assert parse_email(both).text == "평문입니다"
    empty_plain = multipart(
        "Content-Type: text/plain; charset=utf-8\n\n   ",
        "Content-Type: text/html; charset=utf-8\n\n<p>HTML입니다</p>",
        "Content-Type: text/calendar\n\nBEGIN:VCALENDAR",
        kind="alternative",
    )
    result = parse_email(empty_plain)
    assert result.text == "HTML입니다"
    # Outlook's invitation alternative is no body, but the agent can still open it
    assert [(a.filename, a.content_type) for a in result.attachments] == [("attachment-1.txt", "text/calendar")]


def test_html_is_the_body_only_when_no_plain_text_came():
    from tickets.mail.parse import parse_email

    result = parse_email(
        multipart(
            "Content-Type: text/html; charset=utf-8\n\n<p>첫째</p>",
            "Content-Type: text/plain; charset=utf-8\n\n둘째\r\n줄",
            "Content-Type: text/plain; charset=utf-8\n\n\n셋째\n\n",
        )
    )
    assert result.text == "둘째\n줄\n\n셋째"


def test_an_html_body_without_a_mime_charset_uses_its_meta_charset():
    from tickets.mail.parse import parse_email

    head = b"From: minji@example.com\nTo: help@example.com\nSubject: x\nContent-Type: text/html\n\n"
    raw = head + '<meta charset="euc-kr"><p>똠방각하</p>'.encode("cp949")
    assert parse_email(raw).text == "똠방각하"


def test_signatures_and_delivery_status_are_not_files_for_the_agent():
    from tickets.mail.parse import parse_email

    signed = multipart(
        "Content-Type: text/plain; charset=utf-8\n\n서명된 메일",
        'Content-Type: application/pkcs7-signature; name="smime.p7s"\n\nSIG',
        kind="signed",
    )
    result = parse_email(signed)
    assert (result.text, result.attachments) == ("서명된 메일", [])


def test_a_forwarded_message_is_kept_as_an_eml_file():
    from tickets.mail.parse import parse_email

    result = parse_email(
        multipart(
            "Content-Type: text/plain; charset=utf-8\n\n영수증 전달",
            "Content-Type: message/rfc822\n\nFrom: pay@example.com\nSubject: receipt\n\nPaid.",
        )
    )
    (attachment,) = result.attachments
    assert (attachment.filename, attachment.content_type) == ("attachment-1.eml", "message/rfc822")
    assert attachment.data == b"From: pay@example.com\r\nSubject: receipt\r\n\r\nPaid."


def test_base64_bodies_with_noise_are_still_read():
    from tickets.mail.parse import parse_email

    head = b"From: minji@example.com\nTo: help@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
    assert parse_email(head + b"7ZWc6riA!!\n=\n").text == "한글"
