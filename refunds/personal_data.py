"""Refund claims as held about one customer e-mail address.

Erasure keeps what accounting must keep: a claim on which money was decided (approved or paid)
stays with its reference, amount, currency, dates, reason, decisions and payment reference, with
everything that says who the customer was removed. Other claims go entirely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from helpcenter.history import changes_of
from helpcenter.personal_data import FileSink, Holder, delete_stored_file, fields_of, register
from refunds.models import ClaimEvent, ClaimFeedback, ClaimNote, Evidence, RefundClaim

KEPT_FOR_ACCOUNTING = [RefundClaim.Status.APPROVED, RefundClaim.Status.PAID]
ERASED_EMAIL = "erased-{reference}@erased.invalid"  # .invalid never delivers (RFC 2606)


def claims_of(email: str):
    return RefundClaim.objects.filter(email__iexact=email.strip())


def export_claims(email: str, files: FileSink) -> list[dict]:
    exported = []
    claims = claims_of(email).prefetch_related("events", "evidence", "notes").order_by("created_at")
    for claim in claims:
        feedback = ClaimFeedback.objects.filter(claim=claim).first()
        exported.append(
            {
                **fields_of(claim, exclude=("version",)),
                "earlier_values": changes_of(claim),
                "events": [fields_of(event) for event in claim.events.all()],
                "evidence": [
                    {
                        **fields_of(item),
                        "file": files.add(f"refunds/{claim.reference}", f"{item.pk}-{item.filename}", item.file),
                    }
                    for item in claim.evidence.all()
                ],
                "internal_comments": [fields_of(note) for note in claim.notes.all()],
                "feedback": fields_of(feedback) if feedback else None,
            }
        )
    return exported


def _delete_evidence(queryset) -> int:
    count = 0
    for item in queryset:
        transaction.on_commit(lambda file=item.file: delete_stored_file(file))
        count += 1
    queryset.delete()
    return count


def erase_claims(email: str) -> dict[str, int]:
    claims = claims_of(email)
    with transaction.atomic():
        kept = list(claims.filter(status__in=KEPT_FOR_ACCOUNTING).select_for_update())
        _delete_evidence(Evidence.objects.filter(claim__in=claims))
        for claim in kept:
            erased = {
                "email": ERASED_EMAIL.format(reference=claim.reference.lower()),
                "username": "",
                "description": "",
                "info_request": "",
                "denial_reason": "",
            }
            RefundClaim.history.filter(id=claim.pk).update(**erased)
            ClaimNote.objects.filter(claim=claim).delete()
            ClaimFeedback.objects.filter(claim=claim).delete()
            ClaimEvent.objects.filter(claim=claim).update(note="")
            # update(), not save(): these are facts of the past, not a transition of the claim.
            RefundClaim.objects.filter(pk=claim.pk).update(**erased)
        deleted = claims.exclude(status__in=KEPT_FOR_ACCOUNTING)
        deleted_ids = list(deleted.values_list("pk", flat=True))
        deleted_count = len(deleted_ids)
        deleted.delete()
        # Their history goes with them, with the "deleted" rows the delete itself just wrote.
        RefundClaim.history.filter(id__in=deleted_ids).delete()
    return {"refund claims deleted": deleted_count, "refund claims anonymised (kept for accounting)": len(kept)}


def purge_evidence(now: datetime) -> dict[str, int]:
    """Evidence of claims decided for good (denied or paid) longer ago than the attachment period."""
    before = now - timedelta(days=settings.HELPCENTER_RETENTION_ATTACHMENT_DAYS)
    done = Evidence.objects.filter(
        claim__status__in=[RefundClaim.Status.DENIED, RefundClaim.Status.PAID], claim__status_changed_at__lt=before
    )
    with transaction.atomic():
        return {"refund evidence": _delete_evidence(done)}


register(Holder("refund_claims", export_claims, erase_claims, purge_evidence))
