"""The agents' ticket search (tickets/search.py): one search document per ticket, a trigram index
over it (pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept by triggers on SQLite), and the
documents of the tickets already there."""

import django.db.models.deletion
from django.db import migrations, models

FTS = "tickets_search_fts"
DOCUMENTS = "tickets_ticketsearchdocument"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(text, content='{DOCUMENTS}', content_rowid='ticket_id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.ticket_id, new.text); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.ticket_id, old.text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.ticket_id, old.text); "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.ticket_id, new.text); END",
]
SQLITE_BACKWARD = [f"DROP TRIGGER {FTS}_{kind}" for kind in ("insert", "delete", "update")] + [f"DROP TABLE {FTS}"]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX tickets_search_trgm ON {DOCUMENTS} USING gin (text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX tickets_search_trgm"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def fill_documents(apps, schema_editor):
    from tickets.search import document_text

    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    Document = apps.get_model("tickets", "TicketSearchDocument")
    last_pk = 0
    while tickets := list(Ticket.objects.filter(pk__gt=last_pk).order_by("pk")[:2000]):
        bodies = {ticket.pk: [] for ticket in tickets}
        for ticket_id, body in Message.objects.filter(ticket_id__in=bodies).values_list("ticket_id", "body"):
            bodies[ticket_id].append(body)
        Document.objects.bulk_create(
            Document(
                ticket_id=t.pk, text=document_text(t.reference, t.requester_email, t.subject, bodies[t.pk], t.requester_name)
            )
            for t in tickets
        )
        last_pk = tickets[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_requester_email_case_insensitive_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketSearchDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("text", models.TextField()),
            ],
            options={
                "verbose_name": "ticket search document",
                "verbose_name_plural": "ticket search documents",
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
    ]
