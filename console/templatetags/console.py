from __future__ import annotations

from django import template

from console import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def console_dashboard(context) -> dashboard.Board:
    """The signed-in person's dashboard (console.dashboard.build) for the admin home."""
    return dashboard.build(context["request"])
