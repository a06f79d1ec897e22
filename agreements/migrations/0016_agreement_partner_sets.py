from django.db import migrations, models

from cooperation.lib.migrations import PostgreSQLOnlySQL


def gin_index(name: str, column: str) -> PostgreSQLOnlySQL:
    # jsonb_ops (the default operator class) serves `?|`, which has_any_keys is on PostgreSQL.
    return PostgreSQLOnlySQL(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "agreements_agreement" USING gin ("{column}")',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0015_quota_use"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="partner_countries",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="partners' countries"),
        ),
        migrations.AddField(
            model_name="agreement",
            name="partner_kinds",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="partners' kinds"),
        ),
        migrations.AddField(
            model_name="quotause",
            name="partner_countries",
            field=models.JSONField(default=dict, editable=False, verbose_name="partners' countries"),
        ),
        migrations.AddField(
            model_name="quotause",
            name="partner_kinds",
            field=models.JSONField(default=dict, editable=False, verbose_name="partners' kinds"),
        ),
        # The dashboard's partner filters (has_any_keys) on PostgreSQL; elsewhere nothing.
        gin_index("agreement_partner_countries_gin", "partner_countries"),
        gin_index("agreement_partner_kinds_gin", "partner_kinds"),
    ]
