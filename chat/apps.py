from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from helpcenter.privacy import link_rotated
        from tickets.models import Ticket

        link_rotated.connect(revoke_chat_with_ticket, sender=Ticket, dispatch_uid="chat.revoke_with_ticket")


def revoke_chat_with_ticket(sender, item, **kwargs) -> None:
    """A ticket's private links were replaced: its chat's cookie goes with them, open socket too."""
    from django.db import transaction

    from chat import notify
    from chat.models import Chat

    chat = Chat.objects.filter(ticket=item).first()
    if chat is not None:
        chat.revoke_customer_token()
        transaction.on_commit(lambda: notify.customer_revoked(chat))
