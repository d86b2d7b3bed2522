"""The claim list's bulk actions: assign, and export to CSV."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helpcenter.admin_actions import ask_for_selection, csv_of_list, is_confirmed, refused_as_too_many_to_change
from helpcenter.history import update_recorded
from refunds.models import RefundClaim
from refunds.transitions import assignable_to_all


class AssignClaimsForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Assign to"), queryset=None)

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people


@admin.action(description=gettext_lazy("Assign to…"), permissions=["change"])
def assign_claims(modeladmin, request, queryset):
    if refused_as_too_many_to_change(modeladmin, request, queryset):
        return None
    claims = list(queryset)
    people = assignable_to_all(claims)
    if not people.exists():
        modeladmin.message_user(
            request,
            _("No one may take the next step on all of these claims; assign them one by one."),
            messages.ERROR,
        )
        return None
    form = AssignClaimsForm(request.POST if is_confirmed(request) else None, people=people)
    if form.is_bound and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        others = [claim.pk for claim in claims if claim.assignee_id != assignee.pk]
        count = update_recorded(RefundClaim.objects.filter(pk__in=others), request.user, assignee=assignee)
        modeladmin.message_user(
            request,
            ngettext("%(count)d claim assigned to %(name)s.", "%(count)d claims assigned to %(name)s.", count)
            % {"count": count, "name": assignee.get_username()},
        )
        return None
    return ask_for_selection(
        modeladmin,
        request,
        queryset,
        form,
        action="assign_claims",
        title=_("Assign claims"),
        question=_("Whom should these claims go to?"),
    )


@admin.action(description=gettext_lazy("Export selected to CSV"), permissions=["view"])
def export_claims_csv(modeladmin, request, queryset):
    return csv_of_list(modeladmin, request, queryset, "refund-claims")
