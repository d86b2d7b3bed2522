"""The console's own admin pages (console.pages), mounted under /admin/console/ beside the admin's."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from console import pages

app_name = "console"

urlpatterns = [
    path("customer/", admin.site.admin_view(pages.customer_page), name="customer"),
    path("faq-links/", admin.site.admin_view(pages.faq_links), name="faq_links"),
    path(
        "ticket/<int:ticket_id>/canned/<int:reply_id>/", admin.site.admin_view(pages.canned_reply), name="canned_reply"
    ),
    path("message/<int:message_id>/faq-draft/", admin.site.admin_view(pages.faq_draft), name="faq_draft"),
]
