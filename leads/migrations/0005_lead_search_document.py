"""A stored text-search document for each lead, on PostgreSQL only.

Searches used to match an expression index (0003). Every row the index returns is
checked again against the expression, and a phrase search ("logo designer") or a
relevance sort recomputed the vectors of every candidate row: 100-200 ms at
100,000 leads. A generated column keeps the vector itself, so the recheck and the
rank read it instead. PostgreSQL fills it on every insert and update. SQLite has
no text search; its fallback needs neither. Not declared on Lead because SQLite
could not create it; leads.search.SearchDocument reads it.
"""

from django.db import migrations

COLUMN_SQL = """
ALTER TABLE leads ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(company, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
) STORED
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN_SQL)
    schema_editor.execute(
        "CREATE INDEX lead_search_document_gin ON leads USING gin (search_document)"
    )
    schema_editor.execute('DROP INDEX IF EXISTS "lead_search_gin"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS lead_search_document_gin")
    schema_editor.execute("ALTER TABLE leads DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_lead_list_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
