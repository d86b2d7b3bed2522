"""What people search for, counted without who: the help center's list of missing answers."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from faq.models import SearchQueryStat
from faq.search import normalise


def record_search(text: str, language: str, result_count: int) -> None:
    """Count a search by its normalised text; nothing about who searched is kept."""
    query = normalise(text)
    if not query:
        return
    now = timezone.now()
    zero = 1 if result_count == 0 else 0
    updated = SearchQueryStat.objects.filter(query=query, language=language).update(
        searches=F("searches") + 1,
        last_result_count=result_count,
        zero_result_searches=F("zero_result_searches") + zero,
        last_searched_at=now,
    )
    if not updated:
        stat, created = SearchQueryStat.objects.get_or_create(
            query=query,
            language=language,
            defaults={"searches": 1, "last_result_count": result_count, "zero_result_searches": zero},
        )
        if not created:  # someone else created it between our UPDATE and INSERT
            record_search(text, language, result_count)
