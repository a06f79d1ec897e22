"""Helpers for migrations that add what only PostgreSQL has (pg_trgm indexes for search), so
that SQLite, the default database and the test suite's, still migrates."""

from django.db import migrations


class PostgreSQLOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on any database but PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(name: str, table: str, expression: str) -> PostgreSQLOnlySQL:
    """A GIN pg_trgm index, which serves LIKE '%...%' on `expression`: the column for
    `__contains`, UPPER(column) for `__icontains` (Django writes UPPER(col::text) LIKE UPPER(%s)).
    Needs the pg_trgm extension (TrigramExtension, in partners/migrations/0003_list_indexes.py)."""
    return PostgreSQLOnlySQL(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression} gin_trgm_ops)',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )


def json_keys_index(name: str, table: str, column: str) -> PostgreSQLOnlySQL:
    """A GIN index on a JSON column with the default operator class (jsonb_ops), which serves
    `?` and `?|`: `has_key` and `has_any_keys` on the keys of a set kept as a JSON object."""
    return PostgreSQLOnlySQL(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}")',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )
