"""The partners' first signing and the conditions' uses computed from the agreements and the
mobility already recorded (and every agreement's last activity again, which costs the same
pass)."""

from django.db import migrations


def compute(apps, schema_editor):
    # The rules' one home, with the current models, as 0013 does: a second copy of them here
    # could drift.
    from cooperation.activity import refresh_first_signed, refresh_last_activity, refresh_quota_uses

    # Named one by one: refresh_kept() also computes what later migrations add columns for.
    refresh_last_activity()
    refresh_quota_uses()
    refresh_first_signed()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0015_quota_use"),
        ("partners", "0009_institution_first_signed_on"),
        ("cooperation", "0013_agreement_last_activity_computed"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop, elidable=True)]
