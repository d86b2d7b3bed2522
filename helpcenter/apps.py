from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HelpcenterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "helpcenter"
    verbose_name = _("Help Center")

    def ready(self) -> None:
        from helpcenter import logredact, roles

        logredact.install()

        # Sent once per app after every migrate; with this sender the roles are set up once.
        post_migrate.connect(roles.set_up_roles, sender=self, dispatch_uid="helpcenter.roles.set_up_roles")
