"""How many rows an admin list shows for a query string, counted by the list's own machinery.

The dashboard's numbers and the saved views' counts go through here, so a number always equals the
row count of the list it links to, for the person looking (their scoping, filters and search).
"""

from __future__ import annotations

import copy

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, QueryDict
from django.urls import reverse


def changelist_url(model, querystring: str = "") -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{querystring}" if querystring else url


def model_admin_for(model):
    return admin.site._registry.get(model)


def can_view(request: HttpRequest, model) -> bool:
    model_admin = model_admin_for(model)
    return model_admin is not None and model_admin.has_view_permission(request)


def changelist_count(request: HttpRequest, model, querystring: str) -> int | None:
    """The row count of `model`'s admin list with these filters; None when this person may not
    read that list or the filters are not ones the list accepts."""
    model_admin = model_admin_for(model)
    if model_admin is None or not model_admin.has_view_permission(request):
        return None
    listing = copy.copy(request)
    listing.GET = QueryDict(querystring)
    try:
        changelist = model_admin.get_changelist_instance(listing)
    except (IncorrectLookupParameters, SuspiciousOperation):
        return None
    # The count the list itself shows (console.pagination: capped or estimated on a large table),
    # not a second COUNT of the same rows.
    return changelist.result_count
