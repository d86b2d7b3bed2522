"""Bulk writes that say what they wrote.

`QuerySet.update()` and `bulk_create()` send no post_save, so whatever follows a saved row (the
cached public pages, helpcenter/pagecache.py; the agents' ticket search, tickets/search.py; the FAQ
index) would miss them, and the next visitor or agent would see the old text. A model whose rows
others follow takes a QuerySet derived from AnnouncingQuerySet: after each bulk write it sends
`rows_written` with the rows' primary keys and the fields written, and the receivers that follow a
save follow that too, whoever wrote (an admin action, a command, a data fix in the shell).
`bulk_update()` goes through update(), so it is announced as well.

`QuerySet.delete()` needs none of this: while a post_delete receiver is connected, Django deletes
row by row and sends the signal for each.
"""

from __future__ import annotations

from django.db import models, transaction
from django.dispatch import Signal

# Sent with sender=the model and:
#   pks      the rows written (after the write);
#   fields   the names of the fields written, or None for new rows (bulk_create);
#   earlier  {foreign key's attname: the ids the rows pointed to before}, for each foreign key an
#            update() moved (a message moved to another ticket leaves the old ticket changed too).
rows_written = Signal()


class AnnouncingQuerySet(models.QuerySet):
    def announces(self, fields: frozenset[str]) -> bool:
        """Whether an update() of these fields concerns anyone. A model leaves out what nobody
        follows (a view counter), so that writing it costs no extra query."""
        return True

    def update(self, **kwargs) -> int:
        fields = frozenset(self.model._meta.get_field(name).name for name in kwargs)
        if not self.announces(fields):
            return super().update(**kwargs)
        moved = [
            field.attname
            for field in (self.model._meta.get_field(name) for name in fields)
            if field.many_to_one or field.one_to_one
        ]
        with transaction.atomic(using=self.db):
            rows = list(self.order_by().values_list("pk", *moved))
            updated = super().update(**kwargs)
            if rows:
                rows_written.send(
                    sender=self.model,
                    pks=[row[0] for row in rows],
                    fields=fields,
                    earlier={attname: {row[1 + index] for row in rows} for index, attname in enumerate(moved)},
                )
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        pks = [obj.pk for obj in created if obj.pk is not None]
        if pks:
            rows_written.send(sender=self.model, pks=pks, fields=None, earlier={})
        return created
