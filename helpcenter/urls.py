from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from faq import views as faq_views
from faq.sitemaps import ArticleSitemap, CategorySitemap

# One console for the FAQ, tickets and refunds, named for what it is.
admin.site.site_header = _("Help Center console")
admin.site.site_title = _("Help Center console")
admin.site.index_title = _("FAQ, requests and refunds")

sitemaps = {"articles": ArticleSitemap, "categories": CategorySitemap}

urlpatterns = [
    path("api/faq/search", faq_views.search_api, name="faq_search_api"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/two-factor/", include("accounts.urls")),
    # Before the admin's own URLs, which would take /admin/console/… for the console app's index.
    path("admin/console/", include("console.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
]

urlpatterns += i18n_patterns(
    path("", include("chat.urls")),
    path("", include("tickets.urls")),
    path("", include("refunds.urls")),
    path("", include("faq.urls")),
)

handler400 = "helpcenter.views.bad_request"
handler404 = "helpcenter.views.page_not_found"
