"""A refund claim in a real Chromium, from the customer's form to the payment, with each staff member in their own
browser: reviewer A asks for information, the customer answers on the status page, reviewer B approves, finance
marks it paid, and the customer's status page shows every step.

Run with: .venv/bin/python -m pytest tests/browser -q   (SCREENSHOTS=1 saves screenshots to test-artifacts/).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from helpcenter.roles import set_up_roles
from outbox.models import OutgoingEmail
from refunds.models import FINANCE, REVIEWERS, PolicyRule, RefundClaim
from refunds.policy import payout_window
from refunds.setup import ensure_policy_rules
from tests.browser.helpers import PASSWORD, admin_login, korean, screenshot, write_png

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test writes

REFERENCE = re.compile(r"RF-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}")
QUESTION = "두 번 청구된 내역이 모두 보이는 카드 명세서를 보내 주세요."
ANSWER = "카드사 앱에서 캡처한 명세서를 첨부합니다. 11월 3일에 10,900원이 두 번 나갔어요."
PAYMENT_REFERENCE = "PAY-2025-11-0042"


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def staff(transactional_db):
    """Reviewer A and reviewer B (Refund reviewers) and a finance clerk, none of them superusers."""
    # A flushed database may have lost what post_migrate made.
    set_up_roles()
    ensure_policy_rules()

    def member(username: str, group: str):
        user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "reviewer_a": member("reviewer_a", REVIEWERS),
        "reviewer_b": member("reviewer_b", REVIEWERS),
        "finance": member("finance", FINANCE),
    }


def event_label(action: str) -> str:
    """The timeline's name for a step, as the customer reads it in Korean."""
    from django.utils import translation

    from refunds.transitions import EVENT_LABELS

    with translation.override("ko"):
        return str(EVENT_LABELS[action])


def status_label(status: str) -> str:
    return korean(RefundClaim.Status(status).label)


def korean_date(day: datetime.date) -> str:
    with translation.override("ko"):
        return formats.date_format(day, "DATE_FORMAT")


def claim_page(site: str, claim: RefundClaim) -> str:
    return f"{site}/admin/refunds/refundclaim/{claim.pk}/change/"


def transition(page: Page, site: str, claim: RefundClaim, action: str, note: str = "") -> None:
    """Press a decision button on the claim's admin page and confirm it on the page that follows."""
    page.goto(claim_page(site, claim))
    page.locator(f'#transitions a[data-transition="{action}"]').click()
    expect(page).to_have_url(f"{site}/admin/refunds/refundclaim/{claim.pk}/transition/{action}/")
    form = page.locator("#content-main form")
    if note:
        form.locator("[name=note]").fill(note)
    form.locator("input[type=submit]").click()
    expect(page).to_have_url(claim_page(site, claim))
    expect(page.locator("ul.messagelist .success")).to_be_visible()


def file_claim(page: Page, site: str, evidence) -> datetime.date:
    """Fill and send the public claim form; returns the charge date entered."""
    page.goto(f"{site}/ko/refunds/")
    policy = page.locator("section[aria-labelledby=policy-heading]")
    expect(policy).to_be_in_viewport()  # read without scrolling, beside the form
    expect(policy.locator("li")).to_have_count(4)
    form = page.locator("main form")
    before_form = policy.evaluate("(el, form) => !!(el.compareDocumentPosition(form) & 4)", form.element_handle())
    assert before_form, "the policy comes before the form in reading order"

    hint = page.locator("#policy-hint")
    expect(hint).to_be_hidden()
    form.locator("#id_reason").select_option("duplicate_charge")
    expect(hint).to_be_visible()
    expect(hint).to_have_text(PolicyRule.objects.current()["duplicate_charge"].hint_ko)

    charged = timezone.localdate() - datetime.timedelta(days=3)
    form.locator("#id_email").fill("hong@example.com")
    form.locator("#id_username").fill("hong123")
    form.locator("#id_subscription_type").select_option("premium_individual")
    form.locator("#id_charge_date").fill(charged.isoformat())
    form.locator("#id_amount").fill("10900")
    form.locator("#id_payment_method").select_option("card")
    form.locator("#id_description").fill("11월 프리미엄 요금이 같은 날 두 번 결제됐어요.")
    form.locator("#id_evidence").set_input_files(evidence)
    screenshot(page, "refund-form")
    form.locator("input[type=submit]").click()
    return charged


def test_claim_info_request_answer_approval_and_payment(page: Page, new_context, site, staff, tmp_path):
    # 1. The customer files the claim with a screenshot of the charge.
    charged = file_claim(page, site, write_png(tmp_path, "카드명세서.png"))
    expect(page).to_have_url(re.compile(rf"^{re.escape(site)}/ko/refunds/status/[^/]+/$"))
    status_url = page.url
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "submitted")
    claim = RefundClaim.objects.get()
    assert REFERENCE.fullmatch(claim.reference)
    expect(page.locator("main")).to_contain_text(claim.reference)
    assert (claim.amount, claim.reason, claim.charge_date) == (Decimal("10900"), "duplicate_charge", charged)
    assert claim.within_policy is True and [e.filename for e in claim.evidence.all()] == ["카드명세서.png"]
    screenshot(page, "refund-status-submitted")

    # 2. Reviewer A sees the evidence and the assessment, and asks for more.
    reviewer_a = admin_login(new_context, site, "reviewer_a")
    reviewer_a.goto(claim_page(site, claim))
    preview = reviewer_a.locator("#evidence img[alt='카드명세서.png']")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") > 0  # a picture, not a broken icon
    assessment = reviewer_a.locator("#assessment")
    expect(assessment).to_contain_text(korean("Within policy"))
    with translation.override("ko"):
        reasons = [str(reason) for reason in claim.assessment().reasons]
    for reason in reasons:
        expect(assessment).to_contain_text(reason)
    expect(reviewer_a.locator("#transitions a[data-transition]")).to_have_count(3)  # request info, approve, deny
    screenshot(reviewer_a, "refund-admin-reviewer-a")
    transition(reviewer_a, site, claim, "request_info", QUESTION)
    claim.refresh_from_db()
    assert claim.status == "info_requested" and claim.info_request == QUESTION

    # 3. The customer sees the question on the status page and answers it with a file.
    page.goto(status_url)
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "info_requested")
    expect(page.locator(".info-request")).to_have_text(QUESTION)
    answer_form = page.locator('form[action$="/answer/"]')
    answer_form.locator("textarea[name=note]").fill(ANSWER)
    answer_form.locator("input[name=files]").set_input_files(write_png(tmp_path, "명세서2.png", rgb=(30, 60, 200)))
    screenshot(page, "refund-status-info-requested")
    answer_form.locator("[type=submit]").click()
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "submitted")
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator('form[action$="/answer/"]')).to_have_count(0)
    claim.refresh_from_db()
    assert claim.status == "submitted"

    # 4. Reviewer B approves; the customer sees when the money comes back.
    reviewer_b = admin_login(new_context, site, "reviewer_b")
    reviewer_b.goto(claim_page(site, claim))
    expect(reviewer_b.locator("#timeline")).to_contain_text(ANSWER)
    expect(reviewer_b.locator("#timeline a", has_text="명세서2.png")).to_be_visible()
    transition(reviewer_b, site, claim, "approve", "명세서로 중복 결제 확인")
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.approved_by == staff["reviewer_b"]

    page.goto(status_url)
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "approved")
    first, last = payout_window(claim.approved_at)
    window = page.locator(".payout-window")
    expect(window).to_be_visible()
    expect(window.locator("strong")).to_have_text([korean_date(first), korean_date(last)])
    screenshot(page, "refund-status-approved")

    # Reviewer A has nothing left to decide on an approved claim.
    reviewer_a.goto(claim_page(site, claim))
    expect(reviewer_a.locator("#transitions")).to_be_visible()
    expect(reviewer_a.locator("#transitions a[data-transition]")).to_have_count(0)

    # 5. Finance sees only "mark paid", and marks it paid.
    finance = admin_login(new_context, site, "finance")
    finance.goto(claim_page(site, claim))
    buttons = finance.locator("#transitions a[data-transition]")
    expect(buttons).to_have_count(1)
    expect(buttons).to_have_attribute("data-transition", "mark_paid")
    screenshot(finance, "refund-admin-finance")
    transition(finance, site, claim, "mark_paid", PAYMENT_REFERENCE)
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.payment_reference == PAYMENT_REFERENCE

    # 6. The status page shows the payment and every step.
    page.goto(status_url)
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "paid")
    expect(page.locator(".paid")).to_contain_text(PAYMENT_REFERENCE)
    steps = page.locator("ol.timeline > li")
    expect(steps.locator("strong")).to_have_text(
        [event_label(a) for a in ("submit", "request_info", "provide_info", "approve", "mark_paid")]
    )
    expect(steps.nth(1)).to_contain_text(QUESTION)
    expect(steps.nth(2)).to_contain_text(ANSWER)
    expect(steps.nth(2).get_by_role("link", name=re.compile("명세서2.png"))).to_be_visible()
    expect(steps.nth(3)).not_to_contain_text("명세서로 중복 결제 확인")  # the approval note is internal
    screenshot(page, "refund-status-paid")

    # The customer was e-mailed at every step, always with the status link.
    mails = OutgoingEmail.objects.filter(to="hong@example.com").order_by("created_at", "pk")
    assert [m.kind for m in mails] == [
        "refund-filed",
        "refund-request_info",
        "refund-provide_info",
        "refund-approve",
        "refund-mark_paid",
    ]
    for mail in mails:  # each link is signed afresh, and each one opens this claim
        token = re.search(rf"^{re.escape(site)}/ko/refunds/status/([^/\s]+)/$", mail.body, re.MULTILINE).group(1)
        assert RefundClaim.from_status_token(token) == claim
    assert PAYMENT_REFERENCE in mails.last().body


def test_a_reviewer_cannot_approve_on_a_stale_confirmation_page(page: Page, new_context, site, staff, tmp_path):
    """Two reviewers open the same claim; the one who confirms second is told, and nothing changes twice."""
    file_claim(page, site, write_png(tmp_path, "명세서.png"))
    expect(page.locator("h1[data-status]")).to_have_attribute("data-status", "submitted")
    claim = RefundClaim.objects.get()

    reviewer_a = admin_login(new_context, site, "reviewer_a")
    reviewer_b = admin_login(new_context, site, "reviewer_b")
    for reviewer in (reviewer_a, reviewer_b):
        reviewer.goto(claim_page(site, claim))
        reviewer.locator('#transitions a[data-transition="approve"]').click()
        expect(reviewer.locator("#content-main form input[type=submit]")).to_be_enabled()

    reviewer_a.locator("#content-main form input[type=submit]").click()
    expect(reviewer_a.locator("ul.messagelist .success")).to_be_visible()
    reviewer_b.locator("#content-main form input[type=submit]").click()
    expect(reviewer_b).to_have_url(claim_page(site, claim))
    expect(reviewer_b.locator("ul.messagelist .error")).to_be_visible()

    claim.refresh_from_db()
    assert claim.status == "approved" and claim.approved_by == staff["reviewer_a"]
    assert claim.events.filter(action="approve").count() == 1


def test_choosing_an_app_store_payment_points_to_the_store(page: Page, site, staff):
    page.goto(f"{site}/ko/refunds/")
    pointer = page.locator("#store-refund-hint")
    expect(pointer).to_be_hidden()
    page.locator("#id_payment_method").select_option("app_store")
    expect(pointer).to_be_visible()
    expect(pointer).to_have_text(
        korean(
            "Apple or Google refunds App Store and Google Play purchases; we cannot. Ask at reportaproblem.apple.com, "
            "or in your Google Play order history."
        )
    )
    page.locator("#id_payment_method").select_option("card")
    expect(pointer).to_be_hidden()
