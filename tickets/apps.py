from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"
    verbose_name = _("Support requests")

    def ready(self) -> None:
        from helpcenter.bulkwrites import rows_written
        from tickets import search
        from tickets.models import Message, Ticket

        # Signals rather than calls in save(): Message.objects.create, the admin and the mail
        # commands all save through them, and the models stay free of the search's imports.
        post_save.connect(search.ticket_saved, sender=Ticket, dispatch_uid="tickets-search-ticket")
        post_save.connect(search.message_saved, sender=Message, dispatch_uid="tickets-search-message")
        post_delete.connect(search.message_deleted, sender=Message, dispatch_uid="tickets-search-message-gone")
        pre_delete.connect(search.ticket_deleting, sender=Ticket, dispatch_uid="tickets-search-ticket-going")
        rows_written.connect(search.tickets_written, sender=Ticket, dispatch_uid="tickets-search-tickets-written")
        rows_written.connect(search.messages_written, sender=Message, dispatch_uid="tickets-search-messages-written")
