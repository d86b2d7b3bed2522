"""Plain-text mail templates, rendered without HTML escaping.

A text/plain e-mail is not HTML: the customer's subject "Can't log in & <pay>" must arrive as typed,
not as "Can&#x27;t log in &amp; &lt;pay&gt;". Rather than relying on every template remembering
`{% autoescape off %}`, mail templates go through an engine of their own whose autoescape is off.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.template.backends.django import DjangoTemplates
from django.utils import translation


@functools.cache
def _engine(debug: bool) -> DjangoTemplates:
    loaders = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
    if not debug:  # edited templates show at once while developing, and are read once in production
        loaders = [("django.template.loaders.cached.Loader", loaders)]
    return DjangoTemplates(
        {
            "NAME": "plain-text-mail",
            "DIRS": settings.TEMPLATES[0].get("DIRS", []),
            "APP_DIRS": False,
            "OPTIONS": {"autoescape": False, "loaders": loaders, "debug": debug},
        }
    )


def render(template_name: str, context: dict) -> str:
    return _engine(settings.DEBUG).get_template(template_name).render(context)


def render_mail(template: str, context: dict, language: str) -> tuple[str, str]:
    """(subject, body) from `<template>_subject.txt` and `<template>.txt`, in the recipient's
    language; the subject on one line."""
    with translation.override(language):
        subject = render(f"{template}_subject.txt", context)
        body = render(f"{template}.txt", context)
    return " ".join(subject.split()), body
