"""Which of the site's languages is in use, and the text to show in it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def current_language() -> str:
    """The active language as one of settings.LANGUAGES ("ko", "en"), never a regional variant."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def pick_language(values: dict[str, str], language: str | None = None) -> str:
    """The value for the given (or active) language, falling back to Korean, then to anything there is."""
    language = (language or current_language()).split("-")[0]
    return values.get(language) or values.get(settings.LANGUAGE_CODE) or next(iter(values.values()), "")
