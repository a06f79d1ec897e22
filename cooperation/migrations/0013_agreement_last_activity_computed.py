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
        ("agreements", "0013_agreement_last_activity"),
        ("cooperation", "0012_sort_indexes"),
        ("mobility", "0006_sort_indexes"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop, elidable=True)]
