from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        from refunds.setup import ensure_policy_rules

        # Sent once per app after every migrate; with this sender the rules are seeded once.
        post_migrate.connect(ensure_policy_rules, sender=self, dispatch_uid="refunds.ensure_policy_rules")
