from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from helpcenter import pagecache


def languages(request: HttpRequest) -> dict:
    """The current page in every language, for the switcher and for hreflang alternates.

    Links rather than a POST form, so that switching works without JavaScript and each language
    version has its own address that search engines can follow.
    """
    path = request.get_full_path()
    try:
        request.get_host()
        absolute = request.build_absolute_uri
    except DisallowedHost:
        # The 400 page for a Host we do not serve: plain paths, never a link to the stranger's host
        # (and no second DisallowedHost while rendering the page that explains the first).
        absolute = str
    alternates = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append({"code": code, "name": name, "url": url, "absolute_url": absolute(url)})
    return {"language_alternates": alternates, "canonical_url": absolute(request.path)}


def page_version(request: HttpRequest) -> dict:
    """For {% cache %} around the parts of every page that only edits change (the footer's contact
    options, the chat launcher): lazy, so a page without such a fragment never asks."""
    return {"page_version": SimpleLazyObject(lambda: pagecache.page_version(request))}
