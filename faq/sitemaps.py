from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from faq.models import Article, ArticleTranslation, Category


class ArticleSitemap(Sitemap):
    """Every published article in every language it is written in."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            ArticleTranslation.objects.filter(article__status=Article.Status.PUBLISHED)
            .select_related("article")
            .order_by("article__slug", "language")
        )

    def lastmod(self, item: ArticleTranslation):
        return max(item.updated_at, item.article.updated_at)


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    i18n = True

    def items(self):
        return Category.objects.all()
