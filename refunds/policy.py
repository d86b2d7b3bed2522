"""The published refund policy as rules reviewers can read, and the payout calendar.

Policy in plain words: payments are generally not refunded. Duplicate charges and charges for a
service that did not work qualify, and so does withdrawing an unused purchase within 7 days
(청약철회). Ordinary cancellations do not: access continues to the end of the paid period.
Purchases made through an app store are refunded by the store, not by us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpcenter.businesstime import add_business_days


class Reason(models.TextChoices):
    DUPLICATE_CHARGE = "duplicate_charge", gettext_lazy("Charged twice for the same thing")
    SERVICE_UNAVAILABLE = "service_unavailable", gettext_lazy("The service did not work")
    WITHDRAWAL_WITHIN_7_DAYS = "withdrawal_within_7_days", gettext_lazy("Cancel an unused purchase within 7 days")
    UNRECOGNISED_CHARGE = "unrecognised_charge", gettext_lazy("A charge I do not recognise")
    OTHER = "other", gettext_lazy("Other (for example the rest of a month after cancelling)")


class PaymentMethod(models.TextChoices):
    CARD = "card", gettext_lazy("Credit or debit card")
    PHONE_BILL = "phone_bill", gettext_lazy("Phone bill")
    APP_STORE = "app_store", gettext_lazy("App Store or Google Play")
    OTHER = "other", gettext_lazy("Other (KakaoPay, Naver Pay, bank transfer…)")


PAYOUT_FIRST_BUSINESS_DAY = 5
PAYOUT_LAST_BUSINESS_DAY = 10

# The rules load_demo and the first migration start from; reviewers change them in the admin.
DEFAULT_RULES = {
    "duplicate_charge": {
        "eligible": True,
        "max_days_since_charge": 180,
        "evidence_required": True,
        "hint_ko": "중복 결제는 환불 대상이에요. 같은 날 두 번 청구된 내역(카드 명세서나 결제 문자)을 첨부해 주세요.",
        "hint_en": "A duplicate charge qualifies. Attach the statement or payment text showing both charges.",
    },
    "service_unavailable": {
        "eligible": True,
        "max_days_since_charge": 30,
        "evidence_required": False,
        "hint_ko": "서비스 장애로 이용하지 못한 경우 환불 대상이에요. 언제, 어떤 오류가 있었는지 적어 주세요.",
        "hint_en": "If the service did not work, you qualify. Tell us when it happened and what error you saw.",
    },
    "withdrawal_within_7_days": {
        "eligible": True,
        "max_days_since_charge": 7,
        "evidence_required": False,
        "hint_ko": "결제 후 7일 이내이고 이용하지 않은 구매는 청약철회로 전액 환불돼요.",
        "hint_en": "An unused purchase can be withdrawn within 7 days of payment for a full refund.",
    },
    "unrecognised_charge": {
        "eligible": True,
        "max_days_since_charge": 90,
        "evidence_required": True,
        "hint_ko": "모르는 결제는 확인 후 처리해요. 결제 내역 화면을 첨부해 주시면 빨라요.",
        "hint_en": "We check charges you do not recognise. A screenshot of the charge speeds this up.",
    },
    "other": {
        "eligible": False,
        "max_days_since_charge": None,
        "evidence_required": False,
        "hint_ko": "일반적인 해지는 환불 대상이 아니에요. 해지해도 결제한 기간이 끝날 때까지 이용할 수 있어요.",
        "hint_en": "Ordinary cancellations are not refunded; you keep access until the paid period ends.",
    },
}


@dataclass
class Assessment:
    within_policy: bool
    reasons: list[str] = field(default_factory=list)
    rule_version: int | None = None


def assess(claim, rule, as_of: datetime) -> Assessment:
    """Within policy or not, and why, under `rule` with what the claim held at `as_of`.

    The days since the charge are counted to the day the claim was filed, whenever this runs: a
    withdrawal filed on day 6 stays within 7 days however late a reviewer or a rule change looks at
    it again. Evidence counts when it had arrived by `as_of`, so an assessment can be repeated and
    reads the same.
    """
    if rule is None:
        return Assessment(False, [_("No policy rule exists for this reason yet.")])
    reasons = []
    within = rule.eligible
    if not rule.eligible:
        reasons.append(_("The policy does not refund this reason."))
    if rule.max_days_since_charge is not None and claim.charge_date:
        days = (timezone.localdate(claim.created_at) - claim.charge_date).days
        if days > rule.max_days_since_charge:
            within = False
            reasons.append(
                _("Charged %(days)d days before the claim was filed; the limit is %(limit)d days.")
                % {"days": days, "limit": rule.max_days_since_charge}
            )
    if rule.evidence_required and not (claim.pk and claim.evidence.filter(created_at__lte=as_of).exists()):
        within = False
        reasons.append(_("Evidence is required and none was attached."))
    if claim.payment_method == PaymentMethod.APP_STORE:
        within = False
        reasons.append(_("App-store purchases are refunded by Apple or Google, not by us."))
    if within:
        reasons.append(_("Meets every condition of the rule."))
    return Assessment(within, reasons, rule.version)


def payout_window(approved_at: datetime | date) -> tuple[date, date]:
    """The refund reaches the original payment method 5 to 10 business days after approval,
    weekends and Korean public holidays not counted."""
    start = timezone.localtime(approved_at).date() if isinstance(approved_at, datetime) else approved_at
    return add_business_days(start, PAYOUT_FIRST_BUSINESS_DAY), add_business_days(start, PAYOUT_LAST_BUSINESS_DAY)
