from __future__ import annotations

import re
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from faq.markdown import render_markdown, summarise
from helpcenter.batching import BatchedCounter
from helpcenter.bulkwrites import AnnouncingQuerySet
from helpcenter.languages import current_language, pick_language

LANGUAGE_CHOICES = settings.LANGUAGES
# What search engines show of a page's description before they cut it off.
META_DESCRIPTION_LENGTH = 160


class Category(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description_ko = models.CharField(_("description (Korean)"), max_length=255, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    # Bulk writes too make the cached pages stale (faq/signals.py).
    objects = AnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("faq:category", args=[self.slug])

    @property
    def name(self) -> str:
        return pick_language({"ko": self.name_ko, "en": self.name_en})

    @property
    def description(self) -> str:
        return pick_language({"ko": self.description_ko, "en": self.description_en})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    objects = AnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


# Written on every view and vote: they change only the order of "popular" lists, which the cached
# pages may show for their lifetime (helpcenter/pagecache.py), and a write of them alone is not
# announced, so that counting a view costs no page its cache.
COUNTERS = frozenset({"view_count", "helpful_yes", "helpful_no"})


class ArticleQuerySet(AnnouncingQuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def announces(self, fields: frozenset[str]) -> bool:
        return not fields <= COUNTERS


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # Counters move with every reader and vote; the history is for what editors change.
    history = HistoricalRecords(excluded_fields=["view_count", "helpful_yes", "helpful_no", "updated_at"])

    class Meta:
        ordering = ["category__position", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        translation_ = self.translation()
        return translation_.title if translation_ else self.slug

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def translation(self, language: str | None = None) -> ArticleTranslation | None:
        """The translation in the given (or active) language, or None when it has none."""
        language = (language or current_language()).split("-")[0]
        for item in self.translations.all():  # uses prefetch_related when the caller prefetched
            if item.language == language:
                return item
        return None

    def languages(self) -> list[str]:
        return sorted(item.language for item in self.translations.all())

    @classmethod
    def draft_from_answer(cls, *, slug: str, question: str, answer: str, language: str) -> tuple[Article, bool]:
        """An unpublished article from an answer that worked (the console's "turn this answer into
        an FAQ draft"), or the one already drafted under this slug; returns (article, created).
        Filed in the first category: the editor who publishes it moves it where it belongs."""
        existing = cls.objects.filter(slug=slug).first()
        if existing is not None:
            return existing, False
        category = Category.objects.order_by("position", "pk").first()
        if category is None:
            raise ValidationError(_("Create an FAQ category first: a draft needs one."))
        language = language if language in dict(LANGUAGE_CHOICES) else settings.LANGUAGE_CODE
        with transaction.atomic():
            article = cls.objects.create(slug=slug, category=category, status=cls.Status.DRAFT)
            ArticleTranslation.objects.create(article=article, language=language, title=question[:200], body=answer)
        return article, True

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.save()

    def unpublish(self) -> None:
        self.status = self.Status.DRAFT
        self.save()

    def record_view(self) -> None:
        VIEW_COUNTS.add(self.pk)

    def last_modified(self) -> timezone.datetime:
        times = [self.updated_at] + [item.updated_at for item in self.translations.all()]
        return max(times)


def _write_view_counts(counts: Counter) -> None:
    # UPDATEs with F() so that simultaneous processes never lose each other's counts.
    with transaction.atomic():
        for article_id, views in sorted(counts.items()):
            Article.objects.filter(pk=article_id).update(view_count=models.F("view_count") + views)


VIEW_COUNTS = BatchedCounter(_write_view_counts)


class TranslationQuerySet(AnnouncingQuerySet):
    def update(self, **kwargs) -> int:
        if "body" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.order_by().values_list("pk", flat=True))
            updated = super().update(**kwargs)
            # Pages show body_html, which save() renders from the body: a bulk write of the body
            # renders it too (through the base manager, whose writes announce nothing more).
            plain = ArticleTranslation._base_manager
            for start in range(0, len(pks), 500):
                for pk, body in plain.filter(pk__in=pks[start : start + 500]).values_list("pk", "body"):
                    plain.filter(pk=pk).update(body_html=render_markdown(body))
        return updated


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(editable=False, default="")
    summary = models.CharField(
        _("meta description"),
        max_length=300,
        blank=True,
        help_text=_("Shown in search engines. Left empty, the start of the body is used."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TranslationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "updated_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="one_translation_per_language")]
        ordering = ["article", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        # Rendered once on save: pages then serve stored, already sanitised HTML.
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return reverse("faq:article", args=[self.article.slug])

    @property
    def meta_description(self) -> str:
        """The editor's own description, or else the start of the body as it reads now.

        Never stored when derived: a copy taken on the first save went stale at the next edit.
        """
        return self.summary or summarise(self.body, META_DESCRIPTION_LENGTH)


class ArticleVote(models.Model):
    """One "Was this helpful?" answer. A visitor is the session's hashed key, never a person."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    visitor = models.CharField(max_length=64, db_index=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor")]
        ordering = ["-created_at"]
        verbose_name = _("helpfulness vote")
        verbose_name_plural = _("helpfulness votes")

    def __str__(self) -> str:
        return f"{self.article.slug}: {'+' if self.helpful else '-'}"

    @property
    def invites_comment(self) -> bool:
        """A "no" without a word yet: the page asks what was missing."""
        return not self.helpful and not self.comment

    def add_comment(self, text: str) -> bool:
        """Add what was missing to this answer; False when it already has a comment."""
        # A conditional UPDATE, so two tabs sending at once cannot overwrite one another.
        updated = ArticleVote.objects.filter(pk=self.pk, comment="").update(comment=text)
        if updated:
            self.comment = text
        return bool(updated)


class Synonym(models.Model):
    """Words customers type mapped to the words the articles use (비번 → 비밀번호).

    One way by default: a broader or looser word (노래) leads to the article's word (음악), never
    the reverse, so searching for the precise word is not diluted by the loose one.
    """

    class Origin(models.TextChoices):
        LEXICON = "lexicon", _("Shipped lexicon")
        AGENT = "agent", _("Added by an agent")
        ANALYTICS = "analytics", _("Added from search analytics")

    term = models.CharField(_("customers type"), max_length=100)
    expands_to = models.CharField(_("also search for"), max_length=100)
    bidirectional = models.BooleanField(
        _("both ways"), default=False, help_text=_("Also search for the first word when the second is typed.")
    )
    note = models.CharField(
        _("why"),
        max_length=300,
        blank=True,
        help_text=_("How customers write it, so the next editor knows why this synonym is here."),
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.AGENT, editable=False)

    objects = AnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["term", "expands_to"], name="unique_synonym_pair")]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        arrow = "↔" if self.bidirectional else "→"
        return f"{self.term} {arrow} {self.expands_to}"


class ShippedSynonym(models.Model):
    """A lexicon entry this help center has already received (faq/lexicon/).

    Each entry is offered once: an agent who edits or deletes a shipped synonym is never overruled
    when the lexicon is loaded again (a later release, import_faq, load_lexicon).
    """

    key = models.CharField(max_length=210, unique=True)
    shipped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shipped lexicon entry")
        verbose_name_plural = _("shipped lexicon entries")

    def __str__(self) -> str:
        return self.key


class BytewiseCharField(models.CharField):
    """Text compared byte by byte on every database. SQLite's default collation (BINARY) already is;
    on PostgreSQL the column is given the "C" collation, so that sorting and B-tree lookups compare
    with memcmp and abbreviated keys instead of the server locale's rules (strcoll): for index terms
    nobody reads in alphabetical order, only equality and a consistent order matter. With the
    lookup B-tree on it, a 50,000-article rebuild's CREATE INDEX went from 11.6–13.6 s to 9.1–10.3 s."""

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class SearchTerm(models.Model):
    """The search index: one row per (article, language, term), with the term's weight there.

    Kept in step by faq.search.index_article(); a plain B-tree on (term, language) serves every
    query on SQLite and PostgreSQL alike, so no query ever reads every article.
    """

    language = BytewiseCharField(max_length=5)
    term = BytewiseCharField(max_length=64)
    # No index of its own: faq_searchterm_article (below) is that index, and a second B-tree on the
    # same column was one more to write for every row.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    category_id_copy = models.BigIntegerField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            # Read in weight order per term (the heaviest postings first), without touching the table.
            # The term first: sorting 4 M rows for a rebuild compares terms at once (a few bytes)
            # instead of the language first (one of two values, so every comparison went on to the
            # term): PostgreSQL builds it in 6.7–7.8 s against 8.6–10.3 s at 50,000 articles.
            models.Index(fields=["term", "language", "-weight", "article"], name="faq_searchterm_lookup"),
            models.Index(fields=["article"], name="faq_searchterm_article"),
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.term}"


class DocumentFrequency(models.Model):
    """How many index rows (articles) hold each term in a language: the document frequency behind a
    term's idf, kept beside the index by whatever writes it (faq.search.index) instead of counted
    when a query needs it. Counting 안내's 47,000 postings took 5–10 ms on PostgreSQL at 50,000
    articles, and every term a process had not counted since the index last changed paid it."""

    language = BytewiseCharField(max_length=5)
    term = BytewiseCharField(max_length=64)
    documents = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "language"], name="faq_documentfrequency_term")]

    def __str__(self) -> str:
        return f"{self.language}:{self.term} ({self.documents})"


# A query counts as failing when it found nothing last time, or when at least this many searches
# led to fewer than one opened result in LOW_CLICK_RATIO (people saw results and none answered).
LOW_CLICK_MIN_SEARCHES = 3
LOW_CLICK_RATIO = 5


class SearchQueryStatQuerySet(models.QuerySet):
    def failing(self) -> SearchQueryStatQuerySet:
        """Queries the FAQ does not answer yet: no result, or results nobody opens."""
        low_click = Q(searches__gte=LOW_CLICK_MIN_SEARCHES, searches__gt=models.F("results_opened") * LOW_CLICK_RATIO)
        return self.filter(Q(last_result_count=0) | low_click).order_by("-searches", "query")


class SearchQueryStat(models.Model):
    """What people searched for, without who: the normalised text, language and outcome."""

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    last_result_count = models.PositiveIntegerField(_("results (last time)"), default=0)
    zero_result_searches = models.PositiveIntegerField(_("searches with no result"), default=0)
    results_opened = models.PositiveIntegerField(_("results opened"), default=0)
    last_searched_at = models.DateTimeField(_("last searched"), default=timezone.now)

    objects = SearchQueryStatQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "language"], name="one_stat_per_query")]
        ordering = ["-searches"]
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")

    def __str__(self) -> str:
        return self.query


class ContactChannel(models.Model):
    """A way to reach support, shown on the home page and wherever search finds nothing."""

    class Kind(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label_ko = models.CharField(_("label (Korean)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)
    value = models.CharField(
        _("address"),
        max_length=200,
        help_text=_("E-mail address, phone number or a link (for the web form and chat)."),
    )
    hours_ko = models.CharField(_("opening hours (Korean)"), max_length=200, blank=True)
    hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    objects = AnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        # The value becomes a link on every public page: only addresses a visitor can safely follow.
        value = self.value.strip()
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValidationError({"value": _("Enter an e-mail address.")}) from error
        elif self.kind == self.Kind.PHONE:
            if not re.fullmatch(r"[0-9+()\- ]{3,30}", value):
                raise ValidationError({"value": _("Enter a phone number, such as 1588-0000.")})
        elif not (value.startswith("/") and not value.startswith("//")) and not re.match(r"https?://", value):
            raise ValidationError({"value": _("Enter a link starting with https:// or a page of this site (/…).")})

    @property
    def label(self) -> str:
        return pick_language({"ko": self.label_ko, "en": self.label_en})

    @property
    def hours(self) -> str:
        return pick_language({"ko": self.hours_ko, "en": self.hours_en})

    @property
    def href(self) -> str:
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{self.value}"
        if self.kind == self.Kind.PHONE:
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        if self.value.startswith("/"):
            return translate_url(self.value, current_language())
        return self.value
