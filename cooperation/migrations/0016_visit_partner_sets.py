from django.db import migrations, models

from cooperation.lib.migrations import json_keys_index


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
        json_keys_index("visit_partner_countries_gin", "cooperation_visit", "partner_countries"),
        json_keys_index("visit_partner_kinds_gin", "cooperation_visit", "partner_kinds"),
        migrations.RunPython(compute, migrations.RunPython.noop, elidable=True),
    ]
