"""A GiST trigram index on Institution.name_keys: the "Did you mean" of a search that found nothing
(partners.selectors) reads the partners nearest to the misspelt word in order of likeness and
stops at the few it scores (ORDER BY key <<-> name_keys LIMIT 30), instead of gathering and
sorting every partner alike enough, which a short word has hundreds of. GIN, the other trigram
index on the column, cannot return rows in order of distance. PostgreSQL only."""

from django.db import migrations

from cooperation.lib.migrations import PostgreSQLOnlySQL


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_institution_first_signed_on"),
    ]

    operations = [
        PostgreSQLOnlySQL(
            sql='CREATE INDEX IF NOT EXISTS "institution_name_keys_gist" ON "partners_institution" '
            "USING gist (name_keys gist_trgm_ops)",
            reverse_sql='DROP INDEX IF EXISTS "institution_name_keys_gist"',
        ),
    ]
