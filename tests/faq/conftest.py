"""Console members for the FAQ admin tests: an editor who may, and strangers from other roles who may not."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

# The FAQ's own role. The groups are made after `migrate`; when "Editors" is not among them yet it
# is made here with what an editor does: write articles, categories, tags, synonyms and contact
# channels, and read the votes and the search analytics.
EDITORS = "Editors"
EDITOR_MODELS = ["article", "articletranslation", "category", "synonym", "tag", "contactchannel"]
EDITOR_READS = ["view_articlevote", "view_searchquerystat"]


def _editors_group() -> Group:
    group = Group.objects.filter(name=EDITORS).first()
    if group is None:
        group = Group.objects.create(name=EDITORS)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="faq", content_type__model__in=EDITOR_MODELS)
            | Permission.objects.filter(content_type__app_label="faq", codename__in=EDITOR_READS)
        )
    return group


def console_member(username: str, group_name: str) -> Client:
    """A logged-in browser of a staff member who belongs to the named group only."""
    group = _editors_group() if group_name == EDITORS else Group.objects.get(name=group_name)
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(group)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(user)
    return client


@pytest.fixture
def editor(db) -> Client:
    return console_member("editor", EDITORS)


@pytest.fixture
def agent(db) -> Client:
    return console_member("agent", "Agents")


@pytest.fixture
def finance(db) -> Client:
    return console_member("finance", "Finance")
