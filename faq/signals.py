"""Keeps the search index and the cached pages (and synonyms) in step with what editors change, wherever they change it:
a save or delete, and a bulk write (QuerySet.update, bulk_create: helpcenter/bulkwrites.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from faq import search
from faq.models import Article, ArticleTranslation, Category, ContactChannel, Synonym, Tag
from helpcenter import pagecache
from helpcenter.bulkwrites import rows_written


@receiver(post_save, sender=Article)
def reindex_saved_article(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.request_index(instance.pk)


@receiver(pre_delete, sender=Article)
def unindex_deleted_article(sender, instance: Article, **kwargs) -> None:
    # Its rows leave through the index module, which keeps the document frequencies in step; the
    # deletion's cascade, which runs next, would remove them without a word.
    search.unindex_article(instance.pk)


@receiver(post_save, sender=ArticleTranslation)
@receiver(post_delete, sender=ArticleTranslation)
def reindex_article_of_translation(
    sender, instance: ArticleTranslation, raw: bool = False, origin=None, **kwargs
) -> None:
    # A translation deleted with its article (the deletion began at an article or a queryset of
    # them) has nothing left to re-index: the article's pre_delete took its rows out, and each
    # translation's re-index only read the article again to find nothing (28 statements to delete
    # a two-language article, 18 without).
    deleted_with_its_article = isinstance(origin, Article) or (isinstance(origin, QuerySet) and origin.model is Article)
    if not raw and not deleted_with_its_article:
        search.request_index(instance.article_id)


@receiver(rows_written, sender=Article)
def reindex_written_articles(sender, pks: list[int], **kwargs) -> None:
    _reindex(pks)


@receiver(rows_written, sender=ArticleTranslation)
def reindex_articles_of_written_translations(sender, pks: list[int], earlier: dict, **kwargs) -> None:
    # A translation moved to another article (article_id written) changes the one it left too.
    articles = set(earlier.get("article_id", ()))
    for start in range(0, len(pks), 500):  # a bounded IN list for SQLite
        chunk = pks[start : start + 500]
        articles.update(ArticleTranslation.objects.filter(pk__in=chunk).values_list("article_id", flat=True))
    _reindex(articles)


@receiver(post_save, sender=Tag)
def reindex_articles_of_renamed_tag(sender, instance: Tag, created: bool = False, raw: bool = False, **kwargs) -> None:
    # A tag's name is indexed in each of its articles (weighing 2.5): renamed, they answer to the
    # new name and no longer to the old one. A new tag has no articles yet.
    if not raw and not created:
        _reindex(_articles_tagged([instance.pk]))


@receiver(rows_written, sender=Tag)
def reindex_articles_of_written_tags(sender, pks: list[int], **kwargs) -> None:
    _reindex(_articles_tagged(pks))


@receiver(pre_delete, sender=Tag)
def note_articles_of_deleted_tag(sender, instance: Tag, **kwargs) -> None:
    # The deletion removes the tag's links without m2m_changed: its articles are noted here and
    # re-indexed once the links are gone.
    instance._tagged_article_ids = _articles_tagged([instance.pk])


@receiver(post_delete, sender=Tag)
def reindex_articles_of_deleted_tag(sender, instance: Tag, **kwargs) -> None:
    _reindex(getattr(instance, "_tagged_article_ids", ()))


@receiver(m2m_changed, sender=Article.tags.through)
def reindex_retagged_article(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if isinstance(instance, Article):
        if action in {"post_add", "post_remove", "post_clear"}:
            search.request_index(instance.pk)
        return
    # From the tag's side (tag.articles.add(...)): pk_set names the articles, except for a clear,
    # whose articles are only known before it.
    if action == "pre_clear":
        instance._tagged_article_ids = _articles_tagged([instance.pk])
    elif action in {"post_add", "post_remove"}:
        _reindex(pk_set or ())
    elif action == "post_clear":
        _reindex(getattr(instance, "_tagged_article_ids", ()))


def _articles_tagged(tag_ids: list[int]) -> list[int]:
    return list(Article.tags.through.objects.filter(tag_id__in=tag_ids).values_list("article_id", flat=True))


def _reindex(article_ids) -> None:
    with search.indexing_deferred():
        for article_id in sorted(set(article_ids)):
            search.request_index(article_id)


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
