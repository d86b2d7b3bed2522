from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "console"
    verbose_name = _("Agent console")

    def ready(self) -> None:
        from django.contrib import admin

        # The documented hook for the admin home (AdminSite.index_template): the stock index view
        # renders our template, which draws the dashboard from the signed-in person's permissions.
        admin.site.index_template = "admin/console/index.html"
