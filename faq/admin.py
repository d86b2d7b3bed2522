from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from faq.analytics import MappingError, Vocabulary, candidate_articles, map_query_to_article
from faq.models import (
    Article,
    ArticleTranslation,
    ArticleVote,
    Category,
    ContactChannel,
    SearchQueryStat,
    Synonym,
    Tag,
)
from helpcenter.history import ReadableHistoryAdmin, with_changes


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "slug", "position", "published_articles"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}
    search_fields = ["name_ko", "name_en", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(published=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
        )

    @admin.display(description=_("published articles"), ordering="published")
    def published_articles(self, obj: Category) -> int:
        return obj.published


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TranslationInline(admin.StackedInline):
    model = ArticleTranslation
    extra = 0
    min_num = 1
    max_num = 2
    fields = ["language", "title", "body", "summary", "preview"]
    readonly_fields = ["preview"]

    def get_formset(self, request, obj=None, **kwargs):
        # An article keeps at least one translation: deleting the last one is refused on the page.
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        # A new article opens with a form for each language, so both are written on one page.
        return 2 if obj is None else max(0, 2 - obj.translations.count())

    @admin.display(description=_("preview (as saved)"))
    def preview(self, obj: ArticleTranslation) -> str:
        if not obj.pk:
            return _("Save to see the rendered article.")
        return format_html('<div class="faq-preview">{}</div>', mark_safe(obj.body_html))


class LanguageFilter(admin.SimpleListFilter):
    title = _("written in")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return [("ko", _("Korean")), ("en", _("English")), ("ko-only", _("Korean only"))]

    def queryset(self, request, queryset):
        if self.value() == "ko-only":
            return queryset.filter(translations__language="ko").exclude(translations__language="en")
        if self.value():
            return queryset.filter(translations__language=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(ReadableHistoryAdmin):
    list_display = [
        "title",
        "slug",
        "category",
        "status",
        "languages_shown",
        "view_count",
        "helpfulness",
        "updated_at",
    ]
    list_filter = ["status", "category", LanguageFilter, "tags", "updated_at"]
    list_select_related = ["category"]
    search_fields = ["slug", "translations__title", "translations__body", "tags__name"]
    autocomplete_fields = ["tags"]
    inlines = [TranslationInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["view_count", "helpful_yes", "helpful_no", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "category", "status", "tags"]}),
        (_("Reception"), {"fields": ["view_count", "helpful_yes", "helpful_no", "created_at", "updated_at"]}),
    ]

    object_history_template = "admin/faq/article/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    def history_view(self, request, object_id, extra_context=None):
        # Titles and bodies are edited in the translations: their changes belong on this page.
        known = str(object_id).isdigit()
        rows = ArticleTranslation.history.filter(article_id=object_id if known else None).select_related("history_user")
        page = Paginator(
            with_changes(ArticleTranslation, rows[: self.history_list_per_page]), self.history_list_per_page
        )
        context = {**(extra_context or {}), "translation_page": page.get_page(1), "translation_columns": ["language"]}
        return super().history_view(request, object_id, context)

    @admin.display(description=_("title"))
    def title(self, obj: Article) -> str:
        return str(obj)

    @admin.display(description=_("languages"))
    def languages_shown(self, obj: Article) -> str:
        return ", ".join(obj.languages())

    @admin.display(description=_("helpful (yes/no)"))
    def helpfulness(self, obj: Article) -> str:
        return f"{obj.helpful_yes} / {obj.helpful_no}"

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.publish()  # through save(), so the search index follows
            count += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.unpublish()
            count += 1
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
            messages.SUCCESS,
        )


@admin.register(ArticleVote)
class ArticleVoteAdmin(admin.ModelAdmin):
    list_display = ["article", "language", "helpful", "comment", "created_at"]
    list_filter = ["helpful", "language", "created_at"]
    list_select_related = ["article"]
    search_fields = ["article__slug", "comment"]
    readonly_fields = ["article", "language", "visitor", "helpful", "comment", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The shipped lexicon and agents' own synonyms, edited alike (faq/lexicon/ never overwrites them)."""

    list_display = ["term", "expands_to", "bidirectional", "origin", "note"]
    list_editable = ["expands_to", "bidirectional"]
    list_filter = ["origin", "bidirectional"]
    search_fields = ["term", "expands_to", "note"]
    readonly_fields = ["origin"]


class ZeroResultFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("none", _("Found nothing (last time)")), ("ever-none", _("Ever found nothing"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(last_result_count=0)
        if self.value() == "ever-none":
            return queryset.filter(zero_result_searches__gt=0)
        return queryset


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(admin.ModelAdmin):
    """Most frequent queries first; filter by outcome to see what the FAQ does not answer yet."""

    list_display = [
        "query",
        "language",
        "searches",
        "last_result_count",
        "zero_result_searches",
        "results_opened",
        "last_searched_at",
    ]
    list_filter = [ZeroResultFilter, "language", "last_searched_at"]
    search_fields = ["query"]
    ordering = ["-searches", "query"]
    change_list_template = "admin/faq/searchquerystat/change_list.html"
    failing_shown = 30

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [
            path("failing/", self.admin_site.admin_view(self.failing_view), name="faq_searchquerystat_failing"),
            path("<int:pk>/map/", self.admin_site.admin_view(self.map_view), name="faq_searchquerystat_map"),
        ]
        return own + super().get_urls()

    def may_map(self, request) -> bool:
        # Mapping a query adds a synonym: whoever may add synonyms (Editors, superusers) may map.
        return request.user.has_perm("faq.add_synonym")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "may_map": self.may_map(request)})

    def failing_view(self, request):
        """Each failing query with the articles it could be mapped to, one button per word."""
        if not self.may_map(request):
            raise PermissionDenied
        vocabularies: dict[str, Vocabulary] = {}
        rows = []
        for stat in SearchQueryStat.objects.failing()[: self.failing_shown]:
            vocabulary = vocabularies.setdefault(stat.language, Vocabulary(stat.language))
            rows.append(
                {"stat": stat, "candidates": candidate_articles(stat, vocabulary), "choices": vocabulary.choices()}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Searches that fail"),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/faq/searchquerystat/failing.html", context)

    def map_view(self, request, pk: int):
        if not self.may_map(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        stat = get_object_or_404(SearchQueryStat, pk=pk)
        try:
            article_id = int(request.POST.get("article", ""))
        except ValueError:
            return HttpResponseBadRequest(gettext("Choose an article."))
        try:
            synonym = map_query_to_article(stat, article_id, request.POST.get("word") or None)
        except MappingError:
            return HttpResponseBadRequest(gettext("That article or word cannot be chosen for this query."))
        messages.success(
            request,
            gettext("Searches for “%(query)s” now also look for “%(word)s”.")
            % {"query": synonym.term, "word": synonym.expands_to},
        )
        return redirect("admin:faq_searchquerystat_failing")


@admin.register(ContactChannel)
class ContactChannelAdmin(admin.ModelAdmin):
    list_display = ["label_ko", "kind", "value", "hours_ko", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active"]
