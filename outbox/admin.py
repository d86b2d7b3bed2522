from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind", "auto_submitted"]
    search_fields = ["to", "subject", "thread"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        # Due at once, whatever its backoff said; one more attempt even for mail given up on. A row a
        # worker has claimed keeps its lease, so this never makes a message go out twice.
        count = queryset.exclude(state=OutgoingEmail.State.SENT).update(
            state=OutgoingEmail.State.QUEUED, next_attempt_at=timezone.now()
        )
        self.message_user(request, gettext("%(count)d e-mails queued again.") % {"count": count})
