from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone, translation

from refunds.models import ClaimEvent, ClaimNote, RefundClaim
from refunds.transitions import TRANSITIONS
from tests.refunds.conftest import make_claim
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def change_page(client, claim) -> str:
    return client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").content.decode()


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-transition="(\w+)"', html))


def ko(message) -> str:
    with translation.override("ko"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def refusals(html: str) -> list[str]:
    found = re.search(r'<ul class="refusals">(.*?)</ul>', html, re.S)
    return [html_lib.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_each_agent_sees_exactly_the_buttons_they_may_use(client, claim, reviewer, finance, agent, editor):
    client.force_login(reviewer)
    assert buttons(change_page(client, claim)) == {"request_info", "approve", "deny"}
    client.force_login(finance)
    assert buttons(change_page(client, claim)) == set()
    client.force_login(agent)
    assert buttons(change_page(client, claim)) == set()
    client.force_login(editor)  # no refund permission: not even the page
    assert client.get(f"/admin/refunds/refundclaim/{claim.pk}/change/").status_code == 403
    claim.approve(reviewer, "")
    client.force_login(finance)
    assert buttons(change_page(client, claim)) == {"mark_paid"}
    client.force_login(reviewer)
    assert buttons(change_page(client, claim)) == set()


def test_a_transition_goes_through_a_confirmation_with_its_form(client, claim, reviewer):
    client.force_login(reviewer)
    url = f"/admin/refunds/refundclaim/{claim.pk}/transition/deny/"
    confirm = client.get(url).content.decode()
    assert ko("Are you sure? The customer will be e-mailed.") in confirm
    label = ko(TRANSITIONS["deny"].note_label)
    assert re.search(rf'<label for="id_note"[^>]*>{re.escape(label)}:</label>\s*<textarea name="note"', confirm)
    response = client.post(url, {"note": "중복이 아닙니다.", "version": claim.version}, follow=True)
    claim.refresh_from_db()
    assert claim.status == "denied" and claim.denial_reason == "중복이 아닙니다."
    assert response.redirect_chain[-1][0].endswith(f"/admin/refunds/refundclaim/{claim.pk}/change/")


def test_a_denial_without_a_reason_is_refused(client, claim, reviewer):
    client.force_login(reviewer)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/deny/", {"note": "", "version": claim.version}
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_acting_on_a_stale_page_gets_a_clear_error(client, claim, reviewer, second_reviewer):
    stale_version = claim.version
    claim.approve(second_reviewer, "")
    client.force_login(reviewer)
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/request_info/",
        {"note": "영수증?", "version": stale_version},
        follow=True,
    )
    assert flashed(response) == [ko("Someone else changed this claim a moment ago. Reload it and try again.")]
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_claim_page_shows_evidence_assessment_and_history(client, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    claim = RefundClaim(
        email="hong@example.com",
        username="hong",
        subscription_type="premium_duo",
        charge_date=timezone.localdate(),
        amount=16350,
        payment_method="card",
        reason="duplicate_charge",
    )
    RefundClaim.file(claim, [(SimpleUploadedFile("명세서.png", png), "image/png")])
    client.force_login(reviewer)
    html = change_page(client, claim)
    evidence = claim.evidence.get()
    assert 'alt="명세서.png"' in html and f'src="/admin/refunds/refundclaim/evidence/{evidence.pk}/"' in html
    assert re.search(r'<strong class="verdict" [^>]*>' + re.escape(ko("Within policy")) + "</strong>", html)
    assert f"<li>{ko('Meets every condition of the rule.')}</li>" in html
    timeline = html[html.index('id="timeline"') : html.index("</table>", html.index('id="timeline"'))]
    assert timeline.count("<tr>") == 2  # the header and the filing
    assert client.get(f"/admin/refunds/refundclaim/evidence/{evidence.pk}/").status_code == 200


def test_only_those_who_may_read_tickets_see_the_customers_tickets(client, claim, reviewer, finance, agent):
    Ticket.objects.create(subject="결제 문의", requester_email="HONG@example.com")
    Ticket.objects.create(subject="남의 문의", requester_email="other@example.com")
    for stranger in (reviewer, finance):  # no ticket permission: neither the section nor the subjects
        client.force_login(stranger)
        html = change_page(client, claim)
        assert 'id="related-tickets"' not in html and "결제 문의" not in html
    client.force_login(agent)  # Agents may read tickets
    html = change_page(client, claim)
    section = html[html.index('id="related-tickets"') : html.index("</fieldset>", html.index('id="related-tickets"'))]
    assert re.findall(r"</a> (.*?) \(", section) == ["결제 문의"]


def test_the_reviewer_who_denied_is_told_why_they_cannot_decide_the_appeal(
    client, claim, reviewer, second_reviewer, agent
):
    claim.deny(reviewer, "증빙이 없습니다.")
    claim.appeal("명세서를 첨부합니다.")
    client.force_login(reviewer)
    html = change_page(client, claim)
    assert buttons(html) == set()
    assert refusals(html) == [ko("The reviewer who denied this claim cannot decide its appeal.")]
    client.force_login(second_reviewer)
    html = change_page(client, claim)
    assert buttons(html) == {"request_info", "approve", "deny"} and refusals(html) == []
    client.force_login(agent)
    assert refusals(change_page(client, claim)) == [ko("Only refund reviewers request information, approve or deny.")]


def test_finance_is_told_why_they_cannot_pay_their_own_approval(client, claim, reviewer, finance):
    from django.contrib.auth.models import Group

    reviewer.groups.add(Group.objects.get(name="Finance"))
    claim.approve(reviewer, "")
    client.force_login(reviewer)
    html = change_page(client, claim)
    assert buttons(html) == set()
    assert refusals(html) == [ko("The person who approved a refund cannot also mark it paid.")]
    client.force_login(finance)
    assert buttons(change_page(client, claim)) == {"mark_paid"}


def test_a_paid_claim_has_nothing_left_to_decide(client, reviewer, finance):
    from tests.refunds.conftest import in_state

    claim = in_state("paid", reviewer, finance)
    client.force_login(finance)
    html = change_page(client, claim)
    assert refusals(html) == [] and ko("There is nothing you can decide on this claim now.") in html


def test_agents_can_read_and_comment_but_not_decide(client, claim, agent):
    client.force_login(agent)
    html = change_page(client, claim)
    assert claim.reference in html
    client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/change/",
        {
            "assignee": "",
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-MIN_NUM_FORMS": "0",
            "notes-MAX_NUM_FORMS": "1000",
            "notes-0-body": "고객이 전화로 재촉함",
        },
    )
    assert ClaimNote.objects.get().author == agent
    response = client.post(
        f"/admin/refunds/refundclaim/{claim.pk}/transition/approve/", {"note": "", "version": claim.version}
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert response.status_code == 302
    assert flashed(client.get(response.url))[-1] == ko("Only refund reviewers request information, approve or deny.")


def test_reviewers_comment_on_a_claim(client, claim, reviewer, editor):
    comment = {
        "assignee": reviewer.pk,
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-body": "카드사 확인 중",
    }
    client.force_login(editor)  # a stranger to refunds
    assert client.post(f"/admin/refunds/refundclaim/{claim.pk}/change/", comment).status_code == 403
    assert ClaimNote.objects.count() == 0
    client.force_login(reviewer)
    response = client.post(f"/admin/refunds/refundclaim/{claim.pk}/change/", comment)
    assert response.status_code == 302
    note = ClaimNote.objects.get()
    assert note.author == reviewer and note.body == "카드사 확인 중"
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_the_list_filters_and_makes_overdue_claims_stand_out(admin_client, reviewer, settings):
    settings.REFUNDS_OVERDUE_DAYS = 3
    late = make_claim(reason="other")
    make_claim(amount=5450)
    RefundClaim.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - datetime.timedelta(days=5))
    html = admin_client.get("/admin/refunds/refundclaim/").content.decode()
    assert html.count("⚠") == 1
    overdue = admin_client.get("/admin/refunds/refundclaim/", {"overdue": "yes"}).content.decode()
    assert late.reference in overdue
    outside = admin_client.get("/admin/refunds/refundclaim/", {"within_policy__exact": "0"}).content.decode()
    assert late.reference in outside
    for params in [{"status__exact": "submitted"}, {"reason__exact": "other"}, {"age": "3d"}]:
        assert admin_client.get("/admin/refunds/refundclaim/", params).status_code == 200


def test_claim_events_are_read_only_even_for_a_superuser(admin_client, client, claim, reviewer, agent, editor):
    event = claim.events.get()
    change_url = f"/admin/refunds/claimevent/{event.pk}/change/"
    for who in (admin_client, client):
        if who is client:
            client.force_login(reviewer)
        assert who.get("/admin/refunds/claimevent/add/").status_code == 403
        page = who.get(change_url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert who.post(change_url, {"note": "고쳐 씀", "to_status": "paid"}).status_code == 403
        assert who.get(f"/admin/refunds/claimevent/{event.pk}/delete/").status_code == 403
        assert who.post(f"/admin/refunds/claimevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(editor)  # no permission to read them at all
    assert client.get(change_url).status_code == 403
    client.force_login(agent)  # Agents read them
    assert client.get(change_url).status_code == 200
    event.refresh_from_db()
    assert (event.note, event.to_status) == ("", "submitted") and ClaimEvent.objects.count() == 1


def test_a_written_note_is_shown_as_written_and_cannot_be_edited(client, claim, reviewer):
    ClaimNote.objects.create(claim=claim, author=reviewer, body="카드사 확인 중")
    client.force_login(reviewer)
    html = change_page(client, claim)
    # The one box is for a new note; the written one is plain text.
    assert re.findall(r'name="notes-(\d+)-body"', html) == ["1"]
    assert "<p>카드사 확인 중</p>" in html
    edit = {
        "assignee": "",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "1",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-id": str(ClaimNote.objects.get().pk),
        "notes-0-claim": str(claim.pk),
        "notes-0-body": "고쳐 쓴 메모",
    }
    client.post(f"/admin/refunds/refundclaim/{claim.pk}/change/", edit)
    assert list(ClaimNote.objects.values_list("body", flat=True)) == ["카드사 확인 중"]


def test_the_claim_form_posts_back_to_its_own_page(client, claim, reviewer):
    client.force_login(reviewer)
    html = change_page(client, claim)
    assert re.search(r'<form [^>]*id="refundclaim_form"', html).group(0) == (
        '<form method="post" id="refundclaim_form"'
    )


def test_feedback_comes_only_from_customers_no_one_adds_it_in_the_console(admin_client, client, reviewer, editor):
    assert admin_client.get("/admin/refunds/claimfeedback/add/").status_code == 403
    assert (
        'href="/admin/refunds/claimfeedback/add/"'
        not in admin_client.get("/admin/refunds/claimfeedback/").content.decode()
    )
    for member in (reviewer, editor):
        client.force_login(member)
        assert client.get("/admin/refunds/claimfeedback/add/").status_code == 403
