"""The console's lists: the ticket list with the queues, saved views and readable columns, and the
saved views themselves. The ticket admin is tickets' own, extended here (registered again as a
subclass) so that the console's columns and side bar live in one app."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat.admin import ChatAdmin
from chat.models import Chat
from console import pagination
from console.counting import model_admin_for
from console.customers import customer_page_url
from console.models import SavedView, clean_querystring
from console.pagination import EstimatedCountPaginator
from console.queues import QueueFilter
from console.views import views_for
from faq.models import Article
from refunds.admin import RefundClaimAdmin
from refunds.models import RefundClaim
from tickets.admin import TicketAdmin
from tickets.models import Ticket


def badge(kind: str, value: str, label: str) -> str:
    return format_html('<span class="console-badge console-{}-{}">{}</span>', kind, value, label)


class PlainActionCheckbox:
    """Each row's selection box written out directly, the same markup Django's CheckboxInput gives:
    the widget renders two templates per row, a fifth of a fifty-row list's rendering time."""

    def action_checkbox(self, obj) -> str:
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class StaffAssigneeFilter(admin.RelatedFieldListFilter):
    """The active staff as the assignee choices. Django's RelatedOnlyFieldListFilter finds them with a
    DISTINCT over every ticket's assignee, on every page load and for every view's count."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False, ordering=("username",), limit_choices_to={"is_staff": True, "is_active": True}
        )


def _with_staff_assignees(filters) -> list:
    return [
        ("assignee", StaffAssigneeFilter) if spec == ("assignee", admin.RelatedOnlyFieldListFilter) else spec
        for spec in filters
    ]


class ConsoleTicketAdmin(PlainActionCheckbox, TicketAdmin):
    list_display = [
        "reference",
        "subject_line",
        "requester",
        "status_badge",
        "priority_badge",
        "assignee",
        "age",
        "sla_due",
        "overdue",
    ]
    list_filter = [QueueFilter, *_with_staff_assignees(TicketAdmin.list_filter)]
    change_list_template = "admin/console/ticket_change_list.html"
    # The full count beside "N results" is a COUNT(*) over every ticket on each filtered page.
    show_full_result_count = False
    # The year/month links cost a DISTINCT over the dates of every ticket on each page load (a full
    # scan at a million rows); the age filter and the views answer the same question.
    date_hierarchy = None
    paginator = EstimatedCountPaginator

    @admin.display(description=gettext_lazy("subject"), ordering="subject")
    def subject_line(self, obj: Ticket) -> str:
        # Search results carry the subject and a snippet with the finds marked (tickets/search.py).
        marked = getattr(obj, "marked_subject", None)
        line = format_html('<span class="console-subject" title="{}">{}</span>', obj.subject, marked or obj.subject)
        found = getattr(obj, "marked_snippet", None)
        if found:
            return format_html('{}<span class="console-snippet">{}</span>', line, found)
        return line

    @admin.display(description=gettext_lazy("requester"), ordering="requester_email")
    def requester(self, obj: Ticket) -> str:
        return format_html(
            '<span class="console-requester" title="{}">{}</span>',
            obj.requester_email,
            obj.requester_name or obj.requester_email,
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Ticket) -> str:
        return badge("status", obj.status, obj.get_status_display())

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_badge(self, obj: Ticket) -> str:
        return badge("priority", obj.priority, obj.get_priority_display())

    @admin.display(description=gettext_lazy("age"), ordering="created_at")
    def age(self, obj: Ticket) -> str:
        return format_html(
            '<span title="{}">{}</span>',
            timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M"),
            timesince(obj.created_at, depth=1),
        )

    @admin.display(description=gettext_lazy("SLA due"))
    def sla_due(self, obj: Ticket) -> str:
        due = obj.next_due
        if due is None:
            return "—"
        exact = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        now = timezone.now()
        if due < now:
            text = _("%(time)s ago") % {"time": timesince(due, now, depth=1)}
            return format_html('<span class="console-overdue" title="{}">{}</span>', exact, text)
        text = _("in %(time)s") % {"time": timeuntil(due, now, depth=1)}
        return format_html('<span class="console-due" title="{}">{}</span>', exact, text)

    # --- the ticket page's links across the apps ------------------------------------------------
    # The readonly fields below get only the ticket; what this person may do is noted on the very
    # instance the page renders (get_object has the request), never on the shared ModelAdmin.

    change_form_template = "admin/console/ticket_change_form.html"

    def get_object(self, request, object_id, from_field=None):
        ticket = super().get_object(request, object_id, from_field)
        if ticket is not None:
            ticket.console_may_file_claim = request.user.has_perm("refunds.add_refundclaim")
            ticket.console_may_draft_faq = model_admin_for(Article).has_add_permission(request)
            ticket.console_may_link_faq = request.user.has_perm("faq.view_article")
        return ticket

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "customer_links", "faq_link_search"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            if name is None:
                fields.append("customer_links")
            elif "reply" in fields:
                fields.insert(fields.index("reply") + 1, "faq_link_search")
            shown.append((name, {**options, "fields": fields}))
        return shown

    @admin.display(description=gettext_lazy("customer"))
    def customer_links(self, obj: Ticket) -> str:
        links = [
            format_html(
                '<a class="button" href="{}" data-customer-page>{}</a>',
                customer_page_url(obj.requester_email),
                _("Everything from %(email)s") % {"email": obj.requester_email},
            )
        ]
        if getattr(obj, "console_may_file_claim", False):
            links.append(
                format_html(
                    '<a class="button" href="{}?{}" data-open-claim>{}</a>',
                    reverse("admin:refunds_refundclaim_add"),
                    urlencode({"ticket": obj.pk}),
                    _("Open a refund claim"),
                )
            )
        return format_html_join(" ", "{}", ((link,) for link in links))

    @admin.display(description=gettext_lazy("FAQ links"))
    def faq_link_search(self, obj: Ticket) -> str:
        if not getattr(obj, "console_may_link_faq", False):
            return "—"
        return render_to_string("admin/console/faq_link_search.html", {"ticket": obj})

    def conversation(self, obj: Ticket) -> str:
        messages_ = obj.messages.select_related("author").prefetch_related("attachments")
        return render_to_string(
            "admin/console/conversation.html",
            {"ticket": obj, "conversation": messages_, "may_draft_faq": getattr(obj, "console_may_draft_faq", False)},
        )

    conversation.short_description = TicketAdmin.conversation.short_description

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = bool(request.GET.get("q", "").strip())
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_up_to=pagination.SEARCH_COUNT_UP_TO if searching else None,
        )

    def changelist_view(self, request, extra_context=None):
        context = {
            **(extra_context or {}),
            "saved_views": views_for(request),
            "can_save_view": request.user.has_perm("console.add_savedview"),
            "current_filters": clean_querystring(request.GET.urlencode()),
        }
        return super().changelist_view(request, context)

    def get_urls(self):
        extra = [path("save-view/", self.admin_site.admin_view(self.save_view), name="console_save_ticket_view")]
        return extra + super().get_urls()

    def save_view(self, request):
        """Keep the list's current filters as one of this agent's own views."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_view_permission(request) and request.user.has_perm("console.add_savedview")):
            raise PermissionDenied
        view = SavedView(
            name=request.POST.get("name", "").strip(),
            list=SavedView.List.TICKETS,
            querystring=request.POST.get("querystring", ""),
            owner=request.user,
        )
        changelist = reverse("admin:tickets_ticket_changelist")
        if not view.name:
            messages.error(request, _("Give the view a name."))
            return HttpResponseRedirect(f"{changelist}?{clean_querystring(view.querystring)}")
        try:
            view.full_clean()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(f"{changelist}?{clean_querystring(view.querystring)}")
        view.save()
        messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
        return HttpResponseRedirect(view.changelist_url())


admin.site.unregister(Ticket)
admin.site.register(Ticket, ConsoleTicketAdmin)


def _customer_link(email: str) -> str:
    return format_html(
        '<a href="{}" data-customer-page>{}</a>',
        customer_page_url(email),
        _("Everything from %(email)s") % {"email": email},
    )


class ConsoleClaimAdmin(PlainActionCheckbox, RefundClaimAdmin):
    """The claim page with the link to its customer's page; the claim list at two hundred thousand
    claims the same way as the ticket list: no count of every claim beside "N results", no year
    links (a DISTINCT over every claim's date), the staff as the assignee choices, and the
    estimated or capped count."""

    list_filter = _with_staff_assignees(RefundClaimAdmin.list_filter)
    show_full_result_count = False
    date_hierarchy = None
    paginator = EstimatedCountPaginator

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return ["customer_page", *fields] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "customer_page"]

    @admin.display(description=gettext_lazy("customer"))
    def customer_page(self, obj: RefundClaim) -> str:
        return _customer_link(obj.email)


class ConsoleChatAdmin(ChatAdmin):
    """The chat page with the link to its customer's page."""

    readonly_fields = [*ChatAdmin.readonly_fields, "customer_page"]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("customer"))
    def customer_page(self, obj: Chat) -> str:
        return _customer_link(obj.ticket.requester_email)


admin.site.unregister(RefundClaim)
admin.site.register(RefundClaim, ConsoleClaimAdmin)
admin.site.unregister(Chat)
admin.site.register(Chat, ConsoleChatAdmin)


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "list", "querystring", "owner", "position"]
    list_filter = ["list"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=SavedView.objects.visible_to(request.user).values("pk"))

    def get_fields(self, request, obj=None):
        fields = ["name", "list", "querystring", "position"]
        return [*fields, "owner"] if request.user.has_perm("console.share_savedview") else fields

    def _may_edit(self, request, obj) -> bool:
        # Personal views are their owner's; team views are for those who may share.
        if obj is None:
            return True
        if obj.owner_id is None:
            return request.user.has_perm("console.share_savedview")
        return obj.owner_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request), "owner": request.user.pk}

    def save_model(self, request, obj, form, change):
        if not request.user.has_perm("console.share_savedview"):
            obj.owner = request.user
        super().save_model(request, obj, form, change)
