"""Masking of payment card numbers and Korean resident registration numbers (주민등록번호).

Customers paste these into contact forms and e-mails all the time; neither may be stored. A card
number (13–19 digits, spaces or dashes allowed, passing the Luhn check) keeps its last four digits,
which is what agents need to find a charge. A resident registration number (YYMMDD-GNNNNNC with a
valid check digit) is masked entirely. The checksums keep order numbers and phone numbers intact.
"""

from __future__ import annotations

import re

# A run of 13–19 digits, optionally separated by single spaces or dashes, not inside a longer number.
_CARD_CANDIDATE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_RRN_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ -]?([1-8]\d{6})(?!\d)")
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def rrn_valid(first: str, second: str) -> bool:
    digits = first + second
    month, day = int(first[2:4]), int(first[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    check = (11 - sum(int(d) * w for d, w in zip(digits[:12], _RRN_WEIGHTS, strict=True)) % 11) % 10
    return check == int(digits[12])


def _mask_card(match: re.Match) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not (13 <= len(digits) <= 19) or not luhn_valid(digits):
        return text
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_rrn(match: re.Match) -> str:
    if not rrn_valid(match.group(1), match.group(2)):
        return match.group(0)
    return "******-*******"


def mask_sensitive(text: str) -> str:
    """The text with card numbers cut to their last four digits and resident numbers hidden."""
    if not text:
        return text
    text = _RRN_CANDIDATE.sub(_mask_rrn, text)
    return _CARD_CANDIDATE.sub(_mask_card, text)
