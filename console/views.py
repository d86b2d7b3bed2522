"""The saved views beside a list: which ones a person sees, and how many rows each holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.http import HttpRequest

from console.counting import changelist_count
from console.models import SavedView, clean_querystring

# Counts are a glance, not a ledger: a few seconds old is fine, and it spares the database the
# views' COUNTs on every click through the list.
COUNT_SECONDS = 15


@dataclass
class ShownView:
    view: SavedView
    count: int | None
    url: str
    current: bool


def _count(request: HttpRequest, view: SavedView) -> int | None:
    key = f"console:view-count:{request.user.pk}:{view.list}:{view.querystring}"
    count = cache.get(key)
    if count is None:
        count = changelist_count(request, apps.get_model(view.list), view.querystring)
        cache.set(key, count, COUNT_SECONDS)
    return count


def views_for(request: HttpRequest) -> list[ShownView]:
    """The team's views and this person's own, on lists they may read, with their counts."""
    current = clean_querystring(request.GET.urlencode())
    shown = []
    for view in SavedView.objects.visible_to(request.user):
        count = _count(request, view)
        if count is None:  # a list this person may not read, or filters it no longer takes
            continue
        here = (
            request.resolver_match
            and request.resolver_match.url_name == f"{view.app_label}_{view.model_name}_changelist"
        )
        shown.append(ShownView(view, count, view.changelist_url(), bool(here and view.querystring == current)))
    return shown
