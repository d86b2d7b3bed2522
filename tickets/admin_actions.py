"""The ticket list's bulk actions: assign to an agent, change status or priority, merge
duplicates, export to CSV. Each one acts through the same calls as the ticket page (tickets.actions,
Ticket's own methods, tickets.merging), so a status set here asks for a rating and a priority set
here moves the SLA."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helpcenter.admin_actions import (
    ask_for_selection,
    csv_of_list,
    is_confirmed,
    refused_as_too_many_to_change,
    refused_over_limit,
)
from helpcenter.history import update_recorded
from helpcenter.roles import people_with
from tickets import actions, merging
from tickets.models import Ticket


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Assign to"), queryset=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only people who may work tickets: a ticket handed to anyone else would sit unseen.
        self.fields["assignee"].queryset = people_with("tickets.change_ticket")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Ticket.Status.choices)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=gettext_lazy("New priority"), choices=Ticket.Priority.choices)


class MergeForm(forms.Form):
    kept = forms.ModelChoiceField(
        label=gettext_lazy("Keep"),
        queryset=Ticket.objects.none(),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The other tickets' messages move to this one, and they are closed as merged."),
    )

    def __init__(self, *args, selected=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kept"].queryset = selected.order_by("created_at", "pk")


@admin.action(description=gettext_lazy("Assign to an agent…"), permissions=["assign_others"])
def assign_to_agent(modeladmin, request, queryset):
    if refused_as_too_many_to_change(modeladmin, request, queryset):
        return None
    form = AssignForm(request.POST if is_confirmed(request) else None)
    if form.is_bound and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        count = update_recorded(queryset.exclude(assignee=assignee), request.user, assignee=assignee)
        modeladmin.message_user(
            request,
            ngettext("%(count)d ticket assigned to %(name)s.", "%(count)d tickets assigned to %(name)s.", count)
            % {"count": count, "name": assignee.get_username()},
        )
        return None
    return ask_for_selection(
        modeladmin,
        request,
        queryset,
        form,
        action="assign_to_agent",
        title=_("Assign tickets"),
        question=_("Whom should these tickets go to?"),
    )


@admin.action(description=gettext_lazy("Change status…"), permissions=["change"])
def change_status(modeladmin, request, queryset):
    if refused_as_too_many_to_change(modeladmin, request, queryset):
        return None
    form = StatusForm(request.POST if is_confirmed(request) else None)
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
        changed = 0
        with transaction.atomic():
            for ticket in queryset.exclude(status=status):
                actions.change_status(ticket, status)
                changed += 1
        modeladmin.message_user(
            request,
            ngettext("%(count)d ticket is now “%(status)s”.", "%(count)d tickets are now “%(status)s”.", changed)
            % {"count": changed, "status": Ticket.Status(status).label},
        )
        return None
    return ask_for_selection(
        modeladmin,
        request,
        queryset,
        form,
        action="change_status",
        title=_("Change status"),
        question=_("Which status should these tickets have?"),
    )


@admin.action(description=gettext_lazy("Change priority…"), permissions=["change"])
def change_priority(modeladmin, request, queryset):
    if refused_as_too_many_to_change(modeladmin, request, queryset):
        return None
    form = PriorityForm(request.POST if is_confirmed(request) else None)
    if form.is_bound and form.is_valid():
        priority = form.cleaned_data["priority"]
        changed = 0
        with transaction.atomic():
            for ticket in queryset.exclude(priority=priority):
                changed += ticket.change_priority(priority)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d ticket now has priority “%(priority)s”.",
                "%(count)d tickets now have priority “%(priority)s”.",
                changed,
            )
            % {"count": changed, "priority": Ticket.Priority(priority).label},
        )
        return None
    return ask_for_selection(
        modeladmin,
        request,
        queryset,
        form,
        action="change_priority",
        title=_("Change priority"),
        question=_("Which priority should these tickets have?"),
    )


@admin.action(description=gettext_lazy("Merge duplicate tickets…"), permissions=["change"])
def merge_tickets(modeladmin, request, queryset):
    too_many = _(
        "At most %(limit)s tickets can be merged at once. Select only one customer's duplicates "
        "(search for their e-mail address to find them)."
    )
    if refused_over_limit(modeladmin, request, queryset, settings.TICKETS_MERGE_LIMIT, too_many):
        return None
    selected = list(queryset)
    try:
        merging.check_mergeable(selected[0], selected[1:])
    except merging.MergeRefused as refusal:
        modeladmin.message_user(request, str(refusal), messages.ERROR)
        return None
    form = MergeForm(request.POST if is_confirmed(request) else None, selected=queryset)
    if form.is_bound and form.is_valid():
        kept = form.cleaned_data["kept"]
        try:
            merged = merging.merge(kept, selected, request.user)
        except merging.MergeRefused as refusal:
            modeladmin.message_user(request, str(refusal), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            _("%(references)s merged into %(reference)s; the customer was told the new reference.")
            % {"references": ", ".join(merged), "reference": kept.reference},
        )
        return None
    return ask_for_selection(
        modeladmin,
        request,
        queryset,
        form,
        action="merge_tickets",
        title=_("Merge tickets"),
        question=_("Which ticket should the conversation continue in?"),
    )


@admin.action(description=gettext_lazy("Export selected to CSV"), permissions=["view"])
def export_csv(modeladmin, request, queryset):
    return csv_of_list(modeladmin, request, queryset, "tickets")
