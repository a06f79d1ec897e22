from django.db import migrations, models

from cooperation.lib.migrations import json_keys_index


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
        json_keys_index("agreement_partner_countries_gin", "agreements_agreement", "partner_countries"),
        json_keys_index("agreement_partner_kinds_gin", "agreements_agreement", "partner_kinds"),
    ]
