from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Avg, Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpcenter.admin_actions import refused_as_too_many_to_change
from helpcenter.admin_filters import CreatedAgeFilter
from helpcenter.downloads import stored_file
from helpcenter.filestore import StorageUnavailable
from helpcenter.forms import MultipleFileField
from helpcenter.history import ReadableHistoryAdmin, update_recorded
from tickets import actions, admin_actions, search
from tickets.models import (
    Attachment,
    CannedReply,
    SatisfactionResponse,
    SuggestionClick,
    Ticket,
    render_placeholders,
)


class OverdueFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("on-time", _("On time"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            # The same conditions on the list's own rows, not `pk IN (every overdue ticket)`: SQLite
            # lists that subquery in full before the page or its count can use it.
            return queryset.overdue()
        overdue = Ticket.objects.overdue().values("pk")
        if self.value() == "on-time":
            return queryset.exclude(pk__in=overdue)
        return queryset


class AgeFilter(CreatedAgeFilter):
    ages = [
        (1, _("Older than a day")),
        (3, _("Older than 3 days")),
        (7, _("Older than a week")),
        (30, _("Older than 30 days")),
    ]


class SearchChangeList(ChangeList):
    """The ticket list; when it shows search results, their subjects and snippets with the finds marked."""

    def get_results(self, request):
        super().get_results(request)
        if self.query:
            # A list, so that the marked objects are the ones the page shows (not a second query).
            self.result_list = list(self.result_list)
            search.mark_results(self.result_list, self.query)


class TicketAdminForm(forms.ModelForm):
    """The ticket plus the agent's reply box: a public answer (e-mailed) or an internal note."""

    reply = forms.CharField(
        label=_("Reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90}),
        help_text=_("Placeholders: {{ name }}, {{ reference }}, {{ subject }}."),
    )
    canned_reply = forms.ModelChoiceField(
        label=_("Canned reply"),
        queryset=CannedReply.objects.all(),
        required=False,
        help_text=_("Used when the reply box is empty."),
    )
    reply_kind = forms.ChoiceField(
        label=_("Send as"),
        choices=[("public", _("Reply to the customer (e-mailed)")), ("internal", _("Internal note (never sent)"))],
        initial="public",
        widget=forms.RadioSelect,
    )
    reply_attachments = MultipleFileField(label=_("Attachments"), required=False)

    class Meta:
        model = Ticket
        fields = [
            "status",
            "priority",
            "topic",
            "channel",
            "assignee",
            "requester_name",
            "requester_email",
            "language",
            "subject",
            "device",
            "operating_system",
            "app_version",
            "error_message",
            "callback_number",
            "callback_time",
        ]


@admin.register(Ticket)
class TicketAdmin(ReadableHistoryAdmin):
    form = TicketAdminForm
    list_display = [
        "reference",
        "subject",
        "requester_email",
        "status",
        "priority",
        "topic",
        "channel",
        "assignee",
        "created_at",
        "overdue",
    ]
    list_filter = [
        "status",
        "priority",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "channel",
        "topic",
        AgeFilter,
        OverdueFilter,
    ]
    list_select_related = ["assignee"]
    # What the search box covers; the search itself is tickets/search.py (get_search_results).
    search_fields = ["reference", "requester_email", "subject", "messages__body"]
    date_hierarchy = "created_at"
    list_per_page = 50
    autocomplete_fields = ["assignee"]
    actions = [
        "assign_to_me",
        admin_actions.assign_to_agent,
        admin_actions.change_status,
        admin_actions.change_priority,
        "mark_solved",
        admin_actions.merge_tickets,
        admin_actions.export_csv,
        "issue_new_link",
    ]
    readonly_fields = [
        "reference",
        "created_at",
        "first_response_due",
        "resolution_due",
        "first_responded_at",
        "solved_at",
        "closed_at",
        "conversation",
        "satisfaction_shown",
        "overdue",
        "links",
    ]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return search.matching(queryset, search_term), False

    def get_changelist(self, request, **kwargs):
        return SearchChangeList

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # logging a phone call or chat
            return [
                (
                    None,
                    {
                        "fields": [
                            "channel",
                            "requester_name",
                            "requester_email",
                            "subject",
                            "topic",
                            "priority",
                            "assignee",
                            "callback_number",
                        ]
                    },
                ),
                (_("What the customer told us"), {"fields": ["reply"]}),
            ]
        return [
            (
                None,
                {
                    "fields": [
                        ("reference", "status", "priority"),
                        ("topic", "channel", "assignee"),
                        ("requester_name", "requester_email", "language"),
                        "subject",
                        "links",
                    ]
                },
            ),
            (_("Conversation"), {"fields": ["conversation"]}),
            (_("Answer"), {"fields": ["reply", "canned_reply", "reply_kind", "reply_attachments"]}),
            (
                _("Details from the customer"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        ("device", "operating_system", "app_version"),
                        "error_message",
                        ("callback_number", "callback_time"),
                    ],
                },
            ),
            (
                _("Service level"),
                {
                    "fields": [
                        ("first_response_due", "first_responded_at"),
                        ("resolution_due", "solved_at", "closed_at"),
                        "overdue",
                    ]
                },
            ),
            (_("Satisfaction"), {"fields": ["satisfaction_shown"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:  # logging a call or chat: only the notes, none of the answer controls
            # Copies: the declared fields are shared by every form class the admin builds.
            fields = form.base_fields
            for name in ("channel", "reply", "reply_kind", "canned_reply", "reply_attachments"):
                fields[name] = copy.deepcopy(fields[name])
            fields["channel"].initial = Ticket.Channel.PHONE
            fields["reply"].label = _("Call notes")
            fields["reply"].required = True
            for name in ("reply_kind", "canned_reply", "reply_attachments"):
                fields[name].required = False
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assignee" and not request.user.has_perm("tickets.assign_others"):
            # Themselves, or leave it as it is (the current assignee stays valid); see helpcenter.roles.
            ticket_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            known = ticket_id and str(ticket_id).isdigit()
            current = Ticket.objects.filter(pk=ticket_id).values("assignee") if known else []
            # A short list, not the user search: that needs the user list, which agents may not read.
            field.widget = forms.Select()
            field.queryset = field.queryset.filter(models.Q(pk=request.user.pk) | models.Q(pk__in=current))
        return field

    def get_urls(self):
        extra = [
            path(
                "attachment/<int:pk>/",
                self.admin_site.admin_view(self.download_attachment),
                name="tickets_ticket_attachment",
            ),
        ]
        return extra + super().get_urls()

    def download_attachment(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        item = get_object_or_404(Attachment, pk=pk)
        return stored_file(item.file, item.filename, item.content_type)

    @admin.display(description=_("overdue"))
    def overdue(self, obj: Ticket) -> str:
        # Words, not Django's boolean icons: a red cross beside every ticket that is on time
        # reads as an alarm.
        if obj.status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
            return "—"
        if obj.is_overdue:
            return format_html('<strong class="ticket-overdue">{}</strong>', _("Overdue"))
        return _("On time")

    @admin.display(description=_("linked requests"))
    def links(self, obj: Ticket) -> str:
        """The request this one named, and those that named it (mail from other senders, follow-ups)."""
        related = ([obj.linked_ticket] if obj.linked_ticket_id else []) + list(obj.linked_from.order_by("created_at"))
        if not related:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("admin:tickets_ticket_change", args=[item.pk]), item.reference, item.requester_email)
                for item in related
            ),
        )

    @admin.display(description=_("conversation"))
    def conversation(self, obj: Ticket) -> str:
        messages_ = obj.messages.select_related("author").prefetch_related("attachments")
        return render_to_string("admin/tickets/conversation.html", {"ticket": obj, "conversation": messages_})

    @admin.display(description=_("customer's rating"))
    def satisfaction_shown(self, obj: Ticket) -> str:
        answer = SatisfactionResponse.objects.filter(ticket=obj).first()
        if answer is None:
            return "—"
        return f"{answer.rating}/5 {answer.comment}"

    def save_model(self, request, obj: Ticket, form, change: bool) -> None:
        if change and "priority" in form.changed_data:
            obj.set_due_times()
        new_status = obj.status if change and "status" in form.changed_data else None
        if new_status:
            # The move itself is made by actions.change_status, after the reply: it stamps the
            # times and, for "solved", asks the customer for a rating.
            obj.status = form.initial.get("status", Ticket.Status.OPEN)
        super().save_model(request, obj, form, change)
        if not change:
            obj.log_contact(request.user, form.cleaned_data["reply"])
            return
        body = form.cleaned_data.get("reply", "").strip()
        canned = form.cleaned_data.get("canned_reply")
        if not body and canned is not None:
            body = canned.render(obj)
        if body:
            internal = form.cleaned_data.get("reply_kind") == "internal"
            try:
                actions.agent_reply(
                    obj,
                    request.user,
                    render_placeholders(body, obj),
                    internal=internal,
                    pending=obj.status == Ticket.Status.PENDING,
                    uploads=form.cleaned_data.get("reply_attachments") or [],
                )
            except StorageUnavailable:
                messages.error(request, StorageUnavailable.message())
                return
            messages.info(request, _("Internal note added.") if internal else _("Reply queued for e-mail."))
        if new_status:
            actions.change_status(obj, new_status)

    def has_assign_others_permission(self, request) -> bool:
        return request.user.has_perm("tickets.assign_others")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        merged = Ticket.objects.filter(pk=object_id, merged_into__isnull=False).first() if object_id.isdigit() else None
        if merged is not None and self.has_view_permission(request):
            # The old reference opens the conversation where it goes on.
            kept = merged.surviving()
            messages.info(
                request,
                _("%(old)s was merged into %(reference)s.") % {"old": merged.reference, "reference": kept.reference},
            )
            return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[kept.pk]))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request, queryset):
        if refused_as_too_many_to_change(self, request, queryset):
            return
        updated = update_recorded(queryset, request.user, assignee=request.user)
        self.message_user(request, _("%(count)d tickets assigned to you.") % {"count": updated})

    @admin.action(description=_("Mark solved (asks for a rating)"))
    def mark_solved(self, request, queryset):
        if refused_as_too_many_to_change(self, request, queryset):
            return
        solved = sum(actions.solve(ticket) for ticket in queryset)
        self.message_user(request, _("%(count)d tickets solved.") % {"count": solved})

    @admin.action(description=_("Issue a new private link (the old one stops working)"), permissions=["change"])
    def issue_new_link(self, request, queryset):
        if refused_as_too_many_to_change(self, request, queryset):
            return
        count = 0
        for ticket in queryset:
            actions.issue_new_link(ticket, by=request.user.get_username())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request has a new private link; the customer has been e-mailed it.",
                "%(count)d requests have a new private link; each customer has been e-mailed theirs.",
                count,
            )
            % {"count": count},
        )


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "content_type", "size", "message"]
    search_fields = ["filename", "message__ticket__reference"]
    list_select_related = ["message__ticket"]
    # Not the file field: its link would point into MEDIA_URL, which nothing serves (files leave
    # only through the download view, which checks who asks and serves them as downloads).
    fields = ["filename", "content_type", "size", "message", "download"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:tickets_ticket_attachment", args=[obj.pk]), obj.filename
        )


@admin.register(CannedReply)
class CannedReplyAdmin(ReadableHistoryAdmin):
    list_display = ["title"]
    search_fields = ["title", "body"]


@admin.register(SatisfactionResponse)
class SatisfactionResponseAdmin(admin.ModelAdmin):
    """Answers per ticket; the list page also shows the average per agent."""

    list_display = ["ticket", "rating", "agent", "comment", "created_at"]
    list_filter = ["rating", ("agent", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["ticket", "agent"]
    search_fields = ["ticket__reference", "comment"]
    readonly_fields = ["ticket", "agent", "rating", "comment", "created_at"]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        per_agent = (
            SatisfactionResponse.objects.values("agent__username")
            .annotate(answers=Count("id"), average=Avg("rating"))
            .order_by("-answers")
        )
        return super().changelist_view(request, {**(extra_context or {}), "per_agent": per_agent})


@admin.register(SuggestionClick)
class SuggestionClickAdmin(admin.ModelAdmin):
    """Articles opened from the contact form. Not submitted afterwards = deflected."""

    list_display = ["article_slug", "query", "submitted_anyway", "created_at"]
    list_filter = ["submitted_anyway", "created_at"]
    search_fields = ["article_slug", "query"]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        totals = SuggestionClick.objects.aggregate(opened=Count("id"))
        deflected = SuggestionClick.objects.filter(submitted_anyway=False).count()
        return super().changelist_view(
            request, {**(extra_context or {}), "opened": totals["opened"], "deflected": deflected}
        )
