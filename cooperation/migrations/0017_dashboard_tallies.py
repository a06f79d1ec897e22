from django.db import migrations, models


def count(apps, schema_editor):
    # The rule's one home, with the current models, as 0013 to 0016 do.
    from cooperation.dashboard.tallies import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0016_visit_partner_sets"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("figure", models.CharField(max_length=24)),
                ("scope", models.CharField(blank=True, max_length=48)),
                ("bucket", models.CharField(max_length=16)),
                ("part", models.CharField(blank=True, max_length=48)),
                ("total", models.IntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["figure", "scope", "bucket"], include=("part", "total"), name="tally_reading")
                ],
            },
        ),
        migrations.CreateModel(
            name="TallyMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=16)),
                ("row_id", models.BigIntegerField()),
                ("signature", models.JSONField(blank=True, null=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("source", "row_id"), name="tally_mark_row")],
            },
        ),
        migrations.RunPython(count, migrations.RunPython.noop, elidable=True),
    ]
