"""Keeps the search index and the cached pages (and synonyms) in step with what editors change, wherever they change it:
a save or delete, and a bulk write (QuerySet.update, bulk_create: helpcenter/bulkwrites.py)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from faq import search
from faq.models import Article, ArticleTranslation, Category, ContactChannel, Synonym, Tag
from helpcenter import pagecache
from helpcenter.bulkwrites import rows_written


@receiver(post_save, sender=Article)
def reindex_saved_article(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.request_index(instance.pk)


@receiver(post_save, sender=ArticleTranslation)
@receiver(post_delete, sender=ArticleTranslation)
def reindex_article_of_translation(sender, instance: ArticleTranslation, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.request_index(instance.article_id)


@receiver(rows_written, sender=Article)
def reindex_written_articles(sender, pks: list[int], **kwargs) -> None:
    for article_id in pks:
        search.request_index(article_id)


@receiver(rows_written, sender=ArticleTranslation)
def reindex_articles_of_written_translations(sender, pks: list[int], earlier: dict, **kwargs) -> None:
    # A translation moved to another article (article_id written) changes the one it left too.
    articles = set(earlier.get("article_id", ()))
    for start in range(0, len(pks), 500):  # a bounded IN list for SQLite
        chunk = pks[start : start + 500]
        articles.update(ArticleTranslation.objects.filter(pk__in=chunk).values_list("article_id", flat=True))
    for article_id in sorted(articles):
        search.request_index(article_id)


@receiver(m2m_changed, sender=Article.tags.through)
def reindex_retagged_article(sender, instance, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Article):
        search.request_index(instance.pk)


# Everything the public pages show: any save or delete makes every cached page stale, in every
# server process, from the next request on (helpcenter/pagecache.py). Raw saves (loaddata) too.
@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=ArticleTranslation)
@receiver(post_delete, sender=ArticleTranslation)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
@receiver(post_save, sender=ContactChannel)
@receiver(post_delete, sender=ContactChannel)
@receiver(rows_written, sender=Article)
@receiver(rows_written, sender=ArticleTranslation)
@receiver(rows_written, sender=Category)
@receiver(rows_written, sender=Tag)
@receiver(rows_written, sender=Synonym)
@receiver(rows_written, sender=ContactChannel)
def public_pages_changed(sender, **kwargs) -> None:
    pagecache.advance_generation()


@receiver(m2m_changed, sender=Article.tags.through)
def public_pages_retagged(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        pagecache.advance_generation()
