from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpcenter.admin_filters import CreatedAgeFilter
from helpcenter.downloads import stored_file
from helpcenter.history import ReadableHistoryAdmin
from refunds.admin_actions import assign_claims, export_claims_csv
from refunds.forms import AgentClaimForm, TransitionForm
from refunds.from_ticket import initial_from_ticket
from refunds.models import (
    ClaimEvent,
    ClaimFeedback,
    ClaimNote,
    Evidence,
    PolicyRule,
    RefundClaim,
    StaleClaim,
    TransitionNotAllowed,
)
from refunds.transitions import CONSOLE_ACTIONS, TRANSITIONS


class AgeFilter(CreatedAgeFilter):
    ages = [
        (3, _("Filed over 3 days ago")),
        (7, _("Filed over a week ago")),
        (30, _("Filed over 30 days ago")),
    ]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        overdue = RefundClaim.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


class NoteInline(admin.TabularInline):
    model = ClaimNote
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def may_open_evidence(user) -> bool:
    return user.has_perm("refunds.view_evidence")


@admin.register(RefundClaim)
class RefundClaimAdmin(ReadableHistoryAdmin):
    list_display = [
        "reference",
        "email",
        "reason",
        "amount_shown",
        "status",
        "assessment_shown",
        "assignee",
        "created_at",
        "overdue_flag",
    ]
    list_filter = [
        "status",
        "reason",
        ("within_policy", admin.BooleanFieldListFilter),
        AgeFilter,
        OverdueFilter,
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["assignee"]
    search_fields = ["reference", "email", "username"]
    date_hierarchy = "created_at"
    inlines = [NoteInline]
    raw_id_fields = ["ticket"]
    actions = [assign_claims, export_claims_csv, "issue_new_link"]
    change_form_template = "admin/refunds/refundclaim/change_form.html"

    # Customers file claims on the site; an agent who may add claims files one for the customer
    # (usually from a ticket: "Open a refund claim"), through the same RefundClaim.file.
    def get_fields(self, request, obj=None):
        return ["assignee"] if obj is not None else AgentClaimForm.Meta.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AgentClaimForm
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "assignee" in form.base_fields:
            # Offer the people who may take the claim's next step; whoever is assigned now stays
            # selectable, so saving a comment never fails on an assignment made earlier.
            eligible = obj.possible_assignees().values("pk")
            users = form.base_fields["assignee"].queryset
            form.base_fields["assignee"].queryset = users.filter(Q(pk__in=eligible) | Q(pk=obj.assignee_id)).order_by(
                "username"
            )
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ticket_id = request.GET.get("ticket", "")
        if ticket_id.isdigit() and request.user.has_perm("tickets.view_ticket"):
            from tickets.models import Ticket

            ticket = Ticket.objects.filter(pk=ticket_id).first()
            if ticket is not None:
                initial.update(initial_from_ticket(ticket))
        return initial

    def save_model(self, request, obj: RefundClaim, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        RefundClaim.file(obj, by=request.user, language=obj.ticket.language if obj.ticket_id else None)

    def response_add(self, request, obj, post_url_continue=None):
        # The claim's own page, where its review starts, rather than the list.
        self.message_user(
            request,
            _("Refund claim %(reference)s filed; the customer has been e-mailed.") % {"reference": obj.reference},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:refunds_refundclaim_change", args=[obj.pk]))

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, obj: RefundClaim) -> str:
        return f"{obj.amount:,.0f} {obj.currency}"

    @admin.display(description=_("policy"), ordering="within_policy")
    def assessment_shown(self, obj: RefundClaim) -> str:
        if obj.within_policy is None:
            return "—"
        return _("within") if obj.within_policy else _("outside")

    @admin.display(description=_("overdue"))
    def overdue_flag(self, obj: RefundClaim) -> str:
        late = obj.is_overdue_at(timezone.now())
        return format_html('<strong class="overdue">⚠ {}</strong>', _("overdue")) if late else ""

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            note.author = request.user
            note.save()

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="refunds_refundclaim_transition",
            ),
            path(
                "<int:pk>/reassess/",
                self.admin_site.admin_view(self.reassess_view),
                name="refunds_refundclaim_reassess",
            ),
            path(
                "evidence/<int:pk>/",
                self.admin_site.admin_view(self.evidence_view),
                name="refunds_refundclaim_evidence",
            ),
        ]
        return extra + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if claim is not None:
            transitions = [(action, TRANSITIONS[action].button) for action in claim.available_actions(request.user)]
            context.update(
                {
                    "claim": claim,
                    "assessment": claim.assessment(),
                    "may_reassess": claim.may_be_reassessed_by(request.user),
                    "events": claim.events.select_related("actor", "policy_rule").prefetch_related("files"),
                    "evidence": claim.evidence.all(),
                    "may_open_evidence": may_open_evidence(request.user),
                    "transitions": transitions,
                    "refusals": [] if transitions else claim.refusals(request.user),
                    "related_tickets": self._related_tickets(request, claim),
                    "feedback": ClaimFeedback.objects.filter(claim=claim).first(),
                    "window": claim.payout_window(),
                }
            )
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _related_tickets(request, claim: RefundClaim):
        """The customer's tickets, for those who may read tickets: a reviewer or Finance clerk sees
        no subjects they have no business reading. None: the section is not shown."""
        if not request.user.has_perm("tickets.view_ticket"):
            return None
        from tickets.models import Ticket

        return Ticket.objects.filter(requester_email__iexact=claim.email).order_by("-created_at")[:10]

    def transition_view(self, request, pk: int, action: str):
        """A transition's confirmation page with its form; POST carries it out."""
        claim = get_object_or_404(RefundClaim, pk=pk)
        if not self.has_view_permission(request, claim) or action not in CONSOLE_ACTIONS:
            raise PermissionDenied
        row = TRANSITIONS[action]
        change_url = reverse("admin:refunds_refundclaim_change", args=[claim.pk])
        form = TransitionForm(action, request.POST or None, initial={"version": claim.version})
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["version"] != claim.version:  # the page the agent decided on is stale
                    raise StaleClaim(_("Someone else changed this claim a moment ago. Reload it and try again."))
                getattr(claim, action)(request.user, form.cleaned_data["note"])
            except (TransitionNotAllowed, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(action)s: done. The customer has been e-mailed.") % {"action": row.button},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        allowed = action in claim.available_actions(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "claim": claim,
            "form": form,
            "action": action,
            "action_label": row.button,
            "allowed": allowed,
            "refusals": [] if allowed else claim.refusals(request.user),
            "title": f"{row.button}: {claim.reference}",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/refunds/refundclaim/transition.html", context)

    def reassess_view(self, request, pk: int):
        """A reviewer asks for the verdict again under the rule in force now (POST only)."""
        claim = get_object_or_404(RefundClaim, pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            verdict = claim.reassess(request.user)
        except (TransitionNotAllowed, PermissionDenied) as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            outcome = _("within policy") if verdict.within_policy else _("outside policy")
            self.message_user(
                request,
                _("Re-assessed under rule version %(version)s: %(outcome)s.")
                % {"version": verdict.rule_version or "—", "outcome": outcome},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:refunds_refundclaim_change", args=[claim.pk]))

    @admin.action(description=_("Issue a new private link (the old one stops working)"), permissions=["change"])
    def issue_new_link(self, request, queryset):
        count = 0
        for claim in queryset:
            claim.issue_new_link(by=request.user.get_username())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d refund request has a new private link; the customer has been e-mailed it.",
                "%(count)d refund requests have a new private link; each customer has been e-mailed theirs.",
                count,
            )
            % {"count": count},
        )

    def evidence_view(self, request, pk: int):
        """A claim's file, for those who decide or pay claims (helpcenter.roles.CLAIM_EVIDENCE)."""
        item = get_object_or_404(Evidence, pk=pk)
        if not (self.has_view_permission(request, item.claim) and may_open_evidence(request.user)):
            raise PermissionDenied
        return stored_file(item.file, item.filename, item.content_type)


@admin.register(PolicyRule)
class PolicyRuleAdmin(ReadableHistoryAdmin):
    """Saving a rule adds a new version; decisions keep the version they were made under."""

    list_display = [
        "reason",
        "version",
        "eligible",
        "max_days_since_charge",
        "evidence_required",
        "created_at",
        "created_by",
    ]
    list_filter = ["reason", "eligible"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def save_model(self, request, obj: PolicyRule, form, change: bool) -> None:
        reassessed = obj.publish(request.user)
        if reassessed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d claim under review was re-assessed under the new rule.",
                    "%(count)d claims under review were re-assessed under the new rule.",
                    reassessed,
                )
                % {"count": reassessed},
                messages.INFO,
            )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimEvent)
class ClaimEventAdmin(admin.ModelAdmin):
    list_display = ["claim", "from_status", "to_status", "actor", "policy_rule", "created_at"]
    list_filter = ["to_status", "created_at"]
    list_select_related = ["claim", "actor", "policy_rule"]
    search_fields = ["claim__reference", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimFeedback)
class ClaimFeedbackAdmin(admin.ModelAdmin):
    list_display = ["claim", "clarity", "speed", "agrees_with_decision", "created_at"]
    list_filter = ["agrees_with_decision", "clarity", "speed"]

    def has_add_permission(self, request):
        return False
