"""What the console's bulk actions share: the page that asks one question about the selected rows
(whom to assign, which status, which ticket to keep), the export of the selected rows to CSV
with the columns the list shows, and the cap on how many rows one action takes.

"Select all" in the admin selects every row the list's filters leave, which on a table of a million
tickets is a million rows: an action that works row by row (an export, a merge) would hold the
request for minutes. Such an action refuses a selection over its limit, with a message saying the
limit and how to narrow the list, having counted no further than one row past it."""

from __future__ import annotations

import csv
import html
import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import display_for_field, display_for_value, label_for_field, lookup_field
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

# Excel reads a CSV file as the machine's legacy code page (CP949 in Korea) unless it starts with
# the UTF-8 byte order mark.
UTF8_BOM = "\ufeff"
# A cell Excel would run as a formula (=, +, -, @, and tab or CR before one): a customer's subject
# like "=HYPERLINK(…)" stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def ask_for_selection(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form: forms.Form,
    *,
    action: str,
    title: str,
    question: str,
) -> TemplateResponse:
    """The admin's intermediate page for an action: the selected rows, one form, and a button that
    posts the action again with `apply` set."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "question": question,
        "opts": opts,
        "form": form,
        "objects": queryset,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/bulk_action_form.html", context)


def refused_over_limit(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, limit: int, message: str
) -> bool:
    """Whether more than `limit` rows are selected (counting at most limit + 1 of them); if so the
    agent is shown `message`, which names the limit as %(limit)s and says how to narrow the list."""
    if queryset.order_by()[: limit + 1].count() <= limit:
        return False
    modeladmin.message_user(request, message % {"limit": number_format(limit, force_grouping=True)}, messages.ERROR)
    return True


def refused_as_too_many_to_change(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> bool:
    """For the actions that change the selected rows one by one (a status, with its e-mail; an
    assignment, with its history row): whether more than HELPCENTER_BULK_CHANGE_ROWS are selected,
    and if so the agent is told how to narrow the list."""
    too_many = _(
        "A bulk change takes at most %(limit)s rows at a time, and more are selected. Narrow the list "
        "with a filter or a search and apply the change to each part."
    )
    return refused_over_limit(modeladmin, request, queryset, settings.HELPCENTER_BULK_CHANGE_ROWS, too_many)


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("apply") == "yes"


def _cell(modeladmin: admin.ModelAdmin, name: str, obj) -> str:
    empty = modeladmin.get_empty_value_display()
    field, attr, value = lookup_field(name, obj, modeladmin)
    if field is None or field.auto_created:
        text = display_for_value(value, empty, getattr(attr, "boolean", False))
    elif field.is_relation:
        text = display_for_value(value, empty)
    else:
        text = display_for_field(value, field, empty)
    # The list's cells are HTML (badges, spans with the full text on hover); the file holds the words.
    text = html.unescape(strip_tags(str(text))).replace("\xa0", " ").strip()
    # A lone "-" is the list's empty cell, not a formula.
    return "'" + text if len(text) > 1 and text.startswith(FORMULA_STARTS) else text


def csv_of_list(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, basename: str
) -> HttpResponse | None:
    """The selected rows with the list's own columns and headings, as UTF-8 with a BOM; at most
    HELPCENTER_CSV_EXPORT_ROWS of them (a larger selection is refused with a message)."""
    too_many = _(
        "A CSV export holds at most %(limit)s rows, and more are selected. Narrow the list with a "
        "filter or a search (a status, a date range) and export each part."
    )
    if refused_over_limit(modeladmin, request, queryset, settings.HELPCENTER_CSV_EXPORT_ROWS, too_many):
        return None
    names = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([strip_tags(str(label_for_field(name, modeladmin.model, modeladmin))) for name in names])
    for obj in queryset.iterator(chunk_size=2000):  # the rows are written, not kept
        writer.writerow([_cell(modeladmin, name, obj) for name in names])
    response = HttpResponse(UTF8_BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return response
