from django.db import migrations

from cooperation.lib.migrations import PostgreSQLOnlySQL

# planned_rows(query): the number of rows PostgreSQL's planner expects `query` to return, read
# from its EXPLAIN without running it. The lists' counts (cooperation/lib/listing.py) ask it in the
# same statement that counts exactly when the estimate is small, so a page makes one query for
# its count whatever the answer.
PLANNED_ROWS = """
CREATE OR REPLACE FUNCTION planned_rows(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric)::bigint;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0010_reminder_kind_iia_changed"),
    ]

    operations = [
        PostgreSQLOnlySQL(sql=PLANNED_ROWS, reverse_sql="DROP FUNCTION IF EXISTS planned_rows(text)"),
    ]
