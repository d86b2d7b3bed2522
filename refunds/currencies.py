"""Which currency codes a refund may be in: ISO 4217, from pycountry's copy of the standard."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# XTS is reserved for testing and XXX means "no currency": neither can be paid back.
NOT_MONEY = {"XTS", "XXX"}
ISO_4217 = frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_MONEY


def validate_currency(code: str) -> None:
    if code not in ISO_4217:
        raise ValidationError(
            _("“%(code)s” is not a currency code. Use the three letters of ISO 4217, for example KRW or USD."),
            code="invalid_currency",
            params={"code": code},
        )
