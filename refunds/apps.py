from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        from refunds.setup import ensure_groups_and_rules

        # After every migrate: permissions only exist once all apps have migrated.
        post_migrate.connect(ensure_groups_and_rules, dispatch_uid="refunds.ensure_groups_and_rules")
