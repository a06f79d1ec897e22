"""Every agreement's partners' countries and kinds computed from its parties, and the
conditions' uses, which copy them (computed here rather than in 0014, which ran before their
columns existed on a new database)."""

from django.db import migrations


def compute(apps, schema_editor):
    # The rule's one home, with the current models, as 0013 and 0014 do.
    from cooperation.activity import refresh_partner_sets, refresh_quota_uses

    refresh_partner_sets()
    refresh_quota_uses()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0016_agreement_partner_sets"),
        ("cooperation", "0014_kept_figures_computed"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop, elidable=True)]
