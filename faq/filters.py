from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from faq import search
from faq.models import Article, Category
from helpcenter.languages import current_language


class ArticleSearchFilter(django_filters.FilterSet):
    """The search page's form: the words, and optionally one category.

    The category is applied inside the ranked search rather than after it, so that narrowing to a
    category never drops good answers that were ranked below the overall cut-off.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_by_text",
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 환불, 비밀번호 재설정")}),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_by_category",
        empty_label=_("All categories"),
    )

    class Meta:
        model = Article
        fields = ["q", "category"]

    def __init__(self, *args, language: str | None = None, correct: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language = (language or current_language()).split("-")[0]
        self.correct = correct  # off when the visitor asked for the words exactly as typed
        self.answer: search.Answer | None = None
        self.parsed_query: search.ParsedQuery | None = None
        self.ranked_ids: list[int] = []
        self.form.fields["category"].widget.attrs["class"] = "form-select"

    def filter_by_category(self, queryset, name, value):
        return queryset  # used by filter_by_text, see the class docstring

    def filter_by_text(self, queryset, name, value):
        category = self.form.cleaned_data.get("category")
        self.answer = search.answer(
            value,
            self.language,
            category_id=category.pk if category else None,
            limit=settings.FAQ_SEARCH_MAX_HITS,
            correct=self.correct,
        )
        self.parsed_query = self.answer.query
        self.ranked_ids = self.answer.ids
        return queryset.filter(pk__in=self.ranked_ids)
