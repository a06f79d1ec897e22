from django.db import migrations, models

from cooperation.lib.migrations import PostgreSQLOnlySQL


def gin_index(name: str, column: str) -> PostgreSQLOnlySQL:
    # jsonb_ops (the default operator class) serves `?` and `?|`: has_key and has_any_keys.
    return PostgreSQLOnlySQL(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "cooperation_visit" USING gin ("{column}")',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )


def compute(apps, schema_editor):
    # The rule's one home, with the current models, as 0013 to 0015 do.
    from cooperation.activity import refresh_visit_partner_sets

    refresh_visit_partner_sets()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0015_partner_sets_computed"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="partner_countries",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="partners' countries"),
        ),
        migrations.AddField(
            model_name="visit",
            name="partner_kinds",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="partners' kinds"),
        ),
        # The dashboard's partner filters on PostgreSQL; elsewhere nothing.
        gin_index("visit_partner_countries_gin", "partner_countries"),
        gin_index("visit_partner_kinds_gin", "partner_kinds"),
        migrations.RunPython(compute, migrations.RunPython.noop, elidable=True),
    ]
