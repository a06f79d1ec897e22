"""Every agreement's last activity computed from the mobility and visits already recorded."""

from django.db import migrations


def compute(apps, schema_editor):
    # The rule's one home, with the current models: it reads only columns that exist since this
    # migration (participant status, dates and program, visit status and date, the links), and a
    # second copy of the rule here could drift from it.
    from cooperation.activity import refresh_last_activity

    refresh_last_activity()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0010_agreement_last_activity"),
        ("cooperation", "0009_outcome_institution"),
        ("mobility", "0004_participant_starts_index"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop, elidable=True)]
