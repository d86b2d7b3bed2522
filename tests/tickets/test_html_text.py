"""HTML mail bodies as the agent reads them: line breaks, paragraphs, lists, tables, quotes and
preformatted text where a mail program shows them, and nothing a reader never sees."""

from __future__ import annotations

import pytest

from tickets.mail.html_text import html_to_text, meta_charset

CASES = [
    ("<p>첫 문단</p><p>둘째 문단</p>", "첫 문단\n\n둘째 문단"),
    ("<div>한 줄</div><div>다음 줄</div>", "한 줄\n다음 줄"),
    ("a<br>b<br/>c", "a\nb\nc"),
    ("위<div><br></div>아래", "위\n\n아래"),
    ("<ul><li>하나</li><li>둘</li></ul>끝", "- 하나\n- 둘\n\n끝"),
    ("<table><tr><th>항목</th><td>금액</td></tr><tr><td>A</td><td>B</td></tr></table>", "항목 금액\nA B"),
    (
        "<blockquote>인용<blockquote>이중 인용</blockquote>다시</blockquote>답장",
        "> 인용\n\n> > 이중 인용\n\n> 다시\n\n답장",
    ),
    (
        "<blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote>깊은 인용</blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote></blockquote>",
        "> > > > > > > > > > 깊은 인용",
    ),
    ("<pre>  들여쓰기\n    유지\r\n끝</pre>다음", "  들여쓰기\n    유지\n끝\n\n다음"),
    ("</blockquote></pre>본문<blockquote>인용</blockquote>", "본문\n\n> 인용"),
    ("<svg><title>숨김</title></svg>보임", "보임"),
    ("<script>alert(1)</script>보임<style>p{color:red}</style>", "보임"),
    ("<head><title>제목</title></head><body>본문</body>", "본문"),
    ("</svg>보임", "보임"),
    ("<svg><svg></svg>숨김</svg>보임", "보임"),
    ("<object><svg></object>보임", "보임"),
    ("<svg><br/><p/></svg>보임", "보임"),
    ("가<p/>나", "가\n\n나"),
    ("가<br/>나", "가\n나"),
    ("a&nbsp;b &lt;b&gt;", "a b <b>"),
    ("<textarea><b>그대로</b></textarea>", "<b>그대로</b>"),
    ("<!-- 주석 -->가<!DOCTYPE html>나<?xml version='1.0'?>다</ >라", "가나다라"),
    ("보임<!-- 끝나지 않는 주석", "보임"),
    ("보임<a href='x' 끝나지 않는 태그", "보임"),
    ("a < b 그리고 c<3", "a < b 그리고 c<3"),
    ("<P CLASS=x>대문자</P><DIV>태그</DIV>", "대문자\n\n태그"),
    ("<div>  여러   칸의\n 공백 </div>", "여러 칸의 공백"),
    ("<pre>a</pre><pre>b</pre>", "a\n\nb"),
    ("<hr>가<hr/>나", "가\n나"),
    ("<img src=x onerror=alert(1)>사진", "사진"),
    ("<div>a</div>\n\n\n\n<div>b</div>", "a\nb"),
    ("<blockquote><p>인용 문단</p></blockquote>", "> 인용 문단"),
    ("<script>never closes", ""),
    ("<title>untitled", ""),
    ("<td>셀</td>", "셀"),
    ("<noscript><p>숨김</p></noscript>보임", "보임"),
    ("<iframe src=x>숨김</iframe>보임", "보임"),
    ("<xmp><b>x</b></xmp>", "<b>x</b>"),
    ("</pre><pre> a  b </pre>", " a  b"),
    ("<blockquote>가</blockquote></blockquote>나<blockquote>다</blockquote>", "> 가\n\n나\n\n> 다"),
    ("<pre>a  b</pre><p>x   y</p>", "a  b\n\nx y"),  # spaces fold again after the <pre>
    ("<svg>a</svg><head>숨김</svg>숨김</head>보임", "보임"),  # a closed <svg> closes nothing twice
    ("<SCRIPT>alert(1)</SCRIPT>보임", "보임"),
    ("가-->나<!-- 주석 -->다", "가-->나다"),  # a comment ends at the first "-->" after it
]


@pytest.mark.parametrize("html, text", CASES)
def test_html_reads_as_the_mail_program_shows_it(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "html, charset",
    [
        (b'<meta charset="euc-kr"><p>x</p>', "euc-kr"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ks_c_5601-1987'>", "ks_c_5601-1987"),
        (b"<p>no meta</p>", None),
        (b" " * 4096 + b'<meta charset="utf-8">', None),  # only the start of a body is searched
    ],
)
def test_an_html_body_names_its_charset_near_its_start(html, charset):
    assert meta_charset(html) == charset
