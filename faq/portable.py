"""The FAQ's exchange format, read by `import_faq` and written by `export_faq`.

{"categories": [{"slug", "name": {"ko", "en"}, "description"?: {…}, "position"?}],
 "articles":   [{"slug", "category", "tags"?: [...], "status"?: "published"|"draft",
                 "translations": {"ko": {"title", "body"}, "en": {...}}}]}
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction

from faq import search
from faq.models import Article, ArticleTranslation, Category, Tag

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class FormatError(ValueError):
    """The file does not follow the format; the message names the first problem found."""


def _text(value: Any, where: str, max_length: int | None = None, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise FormatError(f"{where}: expected a non-empty text")
    if max_length and len(value) > max_length:
        raise FormatError(f"{where}: longer than {max_length} characters")
    return value


def _slug(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > 100:
        raise FormatError(f"{where}: expected a slug (letters, digits, hyphens), got {value!r}")
    return value


def validate(data: Any) -> dict:
    """Check the whole document before anything is written; returns it unchanged when valid."""
    if not isinstance(data, dict):
        raise FormatError("the file must hold a JSON object with 'categories' and 'articles'")
    categories = data.get("categories", [])
    articles = data.get("articles")
    if not isinstance(categories, list):
        raise FormatError("'categories' must be a list")
    if not isinstance(articles, list):
        raise FormatError("'articles' must be a list")
    languages = {code for code, _name in settings.LANGUAGES}
    known = set(Category.objects.values_list("slug", flat=True))
    for i, category in enumerate(categories):
        where = f"categories[{i}]"
        if not isinstance(category, dict):
            raise FormatError(f"{where}: expected an object")
        known.add(_slug(category.get("slug"), f"{where}.slug"))
        names = category.get("name")
        if not isinstance(names, dict) or not names.get("ko"):
            raise FormatError(f"{where}.name: expected {{'ko': …, 'en': …}} with at least the Korean name")
        for code, name in names.items():
            if code not in languages:
                raise FormatError(f"{where}.name: unknown language {code!r}")
            _text(name, f"{where}.name.{code}", 100)
    seen: set[str] = set()
    for i, article in enumerate(articles):
        where = f"articles[{i}]"
        if not isinstance(article, dict):
            raise FormatError(f"{where}: expected an object")
        slug = _slug(article.get("slug"), f"{where}.slug")
        if slug in seen:
            raise FormatError(f"{where}.slug: {slug!r} appears twice")
        seen.add(slug)
        if article.get("category") not in known:
            raise FormatError(f"{where}.category: unknown category {article.get('category')!r}")
        if article.get("status", "published") not in {"published", "draft"}:
            raise FormatError(f"{where}.status: expected 'published' or 'draft'")
        tags = article.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 50 for t in tags):
            raise FormatError(f"{where}.tags: expected a list of short texts")
        translations = article.get("translations")
        if not isinstance(translations, dict) or not translations:
            raise FormatError(f"{where}.translations: expected at least one language")
        for code, item in translations.items():
            if code not in languages:
                raise FormatError(f"{where}.translations: unknown language {code!r}")
            if not isinstance(item, dict):
                raise FormatError(f"{where}.translations.{code}: expected {{'title', 'body'}}")
            _text(item.get("title"), f"{where}.translations.{code}.title", 200)
            _text(item.get("body"), f"{where}.translations.{code}.body")
    return data


@transaction.atomic
def import_document(data: Any) -> dict[str, int]:
    """Upsert categories and articles by slug; all or nothing. Articles are published unless the
    file says draft, so that an import is what customers see next."""
    validate(data)
    with search.indexing_deferred():
        return _write(data)


def _write(data: dict) -> dict[str, int]:
    counts = {"categories": 0, "articles_created": 0, "articles_updated": 0}
    for position, item in enumerate(data.get("categories", [])):
        names = item["name"]
        descriptions = item.get("description") or {}
        Category.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name_ko": names["ko"],
                "name_en": names.get("en", ""),
                "description_ko": descriptions.get("ko", ""),
                "description_en": descriptions.get("en", ""),
                "position": item.get("position", position),
            },
        )
        counts["categories"] += 1
    categories = {c.slug: c for c in Category.objects.all()}
    for item in data["articles"]:
        article, created = Article.objects.get_or_create(
            slug=item["slug"], defaults={"category": categories[item["category"]]}
        )
        for code, text in item["translations"].items():
            ArticleTranslation.objects.update_or_create(
                article=article, language=code, defaults={"title": text["title"], "body": text["body"]}
            )
        if "tags" in item:
            article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in item["tags"]])
        article.category = categories[item["category"]]
        article.status = item.get("status", Article.Status.PUBLISHED)
        article.save()
        counts["articles_created" if created else "articles_updated"] += 1
    return counts


def export_document() -> dict:
    categories = [
        {
            "slug": c.slug,
            "name": {k: v for k, v in {"ko": c.name_ko, "en": c.name_en}.items() if v},
            **(
                {"description": {k: v for k, v in {"ko": c.description_ko, "en": c.description_en}.items() if v}}
                if c.description_ko or c.description_en
                else {}
            ),
            "position": c.position,
        }
        for c in Category.objects.all()
    ]
    articles = []
    for article in Article.objects.select_related("category").prefetch_related("translations", "tags").order_by("slug"):
        articles.append(
            {
                "slug": article.slug,
                "category": article.category.slug,
                "status": article.status,
                "tags": [tag.name for tag in article.tags.all()],
                "translations": {t.language: {"title": t.title, "body": t.body} for t in article.translations.all()},
            }
        )
    return {"categories": categories, "articles": articles}
