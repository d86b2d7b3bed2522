"""List filters the console's changelists share."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CreatedAgeFilter(admin.SimpleListFilter):
    """Rows created more than N days ago. Subclasses list the ages as (days, label)."""

    title = _("age")
    parameter_name = "age"
    ages: list[tuple[int, str]] = []  # not "choices": SimpleListFilter has a method by that name

    def lookups(self, request, model_admin):
        return [(f"{days}d", label) for days, label in self.ages]

    def queryset(self, request, queryset):
        days = {f"{days}d": days for days, _label in self.ages}.get(self.value())
        if days is None:
            return queryset
        return queryset.filter(created_at__lt=timezone.now() - timedelta(days=days))
