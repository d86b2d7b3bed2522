from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chat.models import AgentAvailability, Chat, ChatDeflection, is_chat_staff, is_supervisor
from chat.views import post_files, private_file
from tickets import actions as ticket_actions
from tickets.models import Attachment, CannedReply


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    list_display = ["ticket", "state", "topic", "agent", "created_at", "rating"]
    list_filter = ["state", "topic", "rating"]
    list_select_related = ["ticket", "agent"]
    search_fields = ["ticket__reference", "ticket__requester_email", "ticket__requester_name"]
    readonly_fields = [
        "ticket",
        "state",
        "topic",
        "agent",
        "rating",
        "rating_comment",
        "created_at",
        "accepted_at",
        "ended_at",
    ]
    fields = readonly_fields
    change_list_template = "admin/chat/chat/change_list.html"
    actions = ["issue_new_link"]

    def get_queryset(self, request: HttpRequest):
        return Chat.objects.visible_to(request.user).select_related("ticket", "agent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # chats start from the widget

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a chat is a ticket's conversation: it stays with the ticket

    @admin.action(description=_("Issue a new private link (the old one stops working)"), permissions=["change"])
    def issue_new_link(self, request: HttpRequest, queryset) -> None:
        """The chat's cookie and its ticket's links all stop working (chat.apps), and the customer
        is mailed the ticket's new link, where the conversation goes on."""
        count = 0
        for chat in queryset.select_related("ticket"):
            ticket_actions.issue_new_link(chat.ticket, by=request.user.get_username())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d chat has a new private link; the customer has been e-mailed it.",
                "%(count)d chats have a new private link; each customer has been e-mailed theirs.",
                count,
            )
            % {"count": count},
        )

    def get_urls(self):
        urls = [
            path("console/", self.admin_site.admin_view(self.console), name="chat_console"),
            path("<int:chat_id>/attachments/", self.admin_site.admin_view(self.upload), name="chat_upload"),
            path("attachment/<int:pk>/", self.admin_site.admin_view(self.attachment), name="chat_attachment"),
            path(
                "<int:chat_id>/canned/<int:reply_id>/",
                self.admin_site.admin_view(self.canned_reply),
                name="chat_canned_reply",
            ),
        ]
        return urls + super().get_urls()

    def console(self, request: HttpRequest) -> HttpResponse:
        """The agent's chat panel: availability, the queue, and the conversations, live."""
        if not is_chat_staff(request.user):
            raise PermissionDenied
        availability = AgentAvailability.for_agent(request.user)
        colleagues = [
            user
            for user in get_user_model().objects.filter(is_staff=True, is_active=True).exclude(pk=request.user.pk)
            if is_chat_staff(user)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chat console"),
            "opts": self.model._meta,
            "availability": availability,
            "canned_replies": CannedReply.objects.all(),
            "colleagues": colleagues,
        }
        return TemplateResponse(request, "admin/chat/console.html", context)

    def readable_chat(self, request: HttpRequest, chat_id: int) -> Chat:
        """The chat if this agent may read it; a 404 for anyone else (an agent of another topic,
        an editor), as if it did not exist."""
        chat = Chat.objects.select_related("ticket", "agent").filter(pk=chat_id).first()
        if chat is None or not chat.agent_may_read(request.user):
            raise Http404("no such chat")
        return chat

    def upload(self, request: HttpRequest, chat_id: int) -> JsonResponse:
        """The agent's files in a chat (the panel's attach button); the same checks as the customer's."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return post_files(request, self.readable_chat(request, chat_id), agent=request.user)

    def attachment(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(Attachment.objects.select_related("message__ticket__chat"), pk=pk)
        chat = getattr(item.message.ticket, "chat", None)
        if chat is None:
            raise Http404("not a chat's file")
        self.readable_chat(request, chat.pk)
        return private_file(item)

    def canned_reply(self, request: HttpRequest, chat_id: int, reply_id: int) -> JsonResponse:
        """A canned reply filled in for this chat's ticket (the same placeholders as for e-mail)."""
        chat = get_object_or_404(Chat.objects.visible_to(request.user).select_related("ticket"), pk=chat_id)
        reply = get_object_or_404(CannedReply, pk=reply_id)
        return JsonResponse({"text": reply.render(chat.ticket)})


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["agent", "status", "capacity", "topics", "changed_at"]
    list_filter = ["status"]
    fields = ["status", "capacity", "topics"]

    def get_queryset(self, request: HttpRequest):
        # Agents set their own availability; supervisors see and set everyone's.
        queryset = super().get_queryset(request).select_related("agent")
        return queryset if is_supervisor(request.user) else queryset.filter(agent=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on an agent's first visit to the console


@admin.register(ChatDeflection)
class ChatDeflectionAdmin(admin.ModelAdmin):
    list_display = ["article_slug", "question", "language", "created_at"]
    list_filter = ["language"]
    readonly_fields = ["article_slug", "question", "language", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
