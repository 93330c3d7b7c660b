"""A GIN index over the leads' text-search vector, on PostgreSQL only.

Built from the same weighted vector the searches used then (0005 replaces it with
a stored column). SQLite has no text search; its fallback needs no
index. Not declared in Lead.Meta because SQLite could not create it.
"""

from django.db import migrations

INDEX_NAME = "lead_search_gin"  # replaced by a stored column in 0005


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    # Title words weigh most, then the company, then the text.
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("company", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    lead = apps.get_model("leads", "Lead")
    schema_editor.add_index(lead, GinIndex(vector, name=INDEX_NAME))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_lead_qualification_breakdown_and_more")]

    operations = [migrations.RunPython(create_index, drop_index)]
