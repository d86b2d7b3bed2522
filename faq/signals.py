"""Keeps the search index and the cached pages (and synonyms) in step with what editors change, wherever they change it."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from faq import search
from faq.models import Article, ArticleTranslation, Category, ContactChannel, Synonym, Tag
from helpcenter import pagecache


@receiver(post_save, sender=Article)
def reindex_saved_article(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.request_index(instance.pk)


@receiver(post_save, sender=ArticleTranslation)
@receiver(post_delete, sender=ArticleTranslation)
def reindex_article_of_translation(sender, instance: ArticleTranslation, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.request_index(instance.article_id)


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
def public_pages_changed(sender, **kwargs) -> None:
    pagecache.advance_generation()


@receiver(m2m_changed, sender=Article.tags.through)
def public_pages_retagged(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        pagecache.advance_generation()
