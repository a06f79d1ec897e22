"""The partners' first signing computed from the agreements already recorded (and every
agreement's last activity again, which costs the same pass); the conditions' uses, first
computed here, are computed by 0015 since they copy the agreements' partner sets."""

from django.db import migrations


def compute(apps, schema_editor):
    # The rules' one home, with the current models, as 0013 does: a second copy of them here
    # could drift.
    from cooperation.activity import refresh_first_signed, refresh_last_activity

    # Named one by one: refresh_kept() also computes what later migrations add columns for. The
    # conditions' uses, which gained columns since (the partner sets), are computed by 0015.
    refresh_last_activity()
    refresh_first_signed()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0015_quota_use"),
        ("partners", "0009_institution_first_signed_on"),
        ("cooperation", "0013_agreement_last_activity_computed"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop, elidable=True)]
