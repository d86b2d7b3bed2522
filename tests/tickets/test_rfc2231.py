"""RFC 2231 file names as mail programs really send them: sections in any order, cut in the middle
of a character or of a %XX escape, mixed with plain sections, with a charset only on the first."""

from __future__ import annotations

import pytest

from tickets.mail.charsets import header_params


@pytest.mark.parametrize(
    "value, filename",
    [
        ("attachment; filename*0*=utf-8''%ED%95%9C; filename*1*=%EA%B8%80.pdf", "한글.pdf"),
        ("attachment; filename*1*=%EA%B8%80.pdf; filename*0*=utf-8''%ED%95%9C", "한글.pdf"),
        ("attachment; filename*0*=utf-8''%ED%95; filename*1*=%9C%EA%B8%80.pdf", "한글.pdf"),
        ("attachment; filename*0*=utf-8''%ED%95%9; filename*1*=C%EA%B8%80.pdf", "한글.pdf"),  # a cut escape
        ('attachment; filename*0=plain; filename*1=" name.pdf"', "plain name.pdf"),
        ("attachment; filename*0*=euc-kr'ko'%C7%D1%B1%DB; filename*1=.pdf", "한글.pdf"),
        ("attachment; filename*=ks_c_5601-1987''%C6%CC.txt", "팟.txt"),  # CP949 beyond EUC-KR
        ("attachment; filename*0*=utf-8'en'it's.pdf", "it's.pdf"),  # a quote after the language is text
        # Only the first section carries a charset: quotes in a later one are part of the name.
        ("attachment; filename*0*=utf-8''a; filename*1*=b''c", "ab''c"),
        ("attachment; filename*0*=''%41%42; filename*1*=C'D", "ABC'D"),
        ("attachment; filename*0=100%; filename*1*=%41", "100%A"),  # a plain section's % is a percent sign
        ("attachment; filename*0*=x''a; filename*2*=c; filename*1*=b", "abc"),
        ("attachment; filename*0*=utf-8''%ED%95%9C%20%EA%B8%80", "한 글"),
    ],
)
def test_rfc2231_names_are_joined_then_decoded(value, filename):
    assert header_params(value) == ("attachment", {"filename": filename})
