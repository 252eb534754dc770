"""GIN index on the briefs' French search vector — PostgreSQL only.

Not declared in Brief.Meta.indexes because a GinIndex cannot be created on SQLite, which
must still migrate (embedded default); the search falls back to plain text there.
"""

from django.db import migrations

INDEX = "brief_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON organisations_brief USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
