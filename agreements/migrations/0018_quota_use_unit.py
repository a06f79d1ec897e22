import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_units(apps, schema_editor):
    # What cooperation/activity.py copies from now on, copied once for the uses already kept.
    QuotaUse = apps.get_model("agreements", "QuotaUse")
    Quota = apps.get_model("agreements", "Quota")
    unit_of_quota = Quota.objects.filter(pk=OuterRef("quota_id")).values("agreement__responsible_unit")[:1]
    QuotaUse.objects.update(responsible_unit=Subquery(unit_of_quota))


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0017_dashboard_month_indexes"),
        ("partners", "0011_dashboard_month_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="quotause",
            name="responsible_unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="partners.unit",
                verbose_name="responsible unit",
            ),
        ),
        migrations.AddIndex(
            model_name="quotause",
            index=models.Index(
                models.F("academic_year"),
                models.F("responsible_unit"),
                models.OrderBy(models.F("unused"), descending=True),
                models.F("agreement_title"),
                models.F("quota"),
                condition=models.Q(("ever_signed", True), ("unused__gt", 0)),
                name="quota_use_unit_unused",
            ),
        ),
        migrations.RunPython(copy_units, migrations.RunPython.noop, elidable=True),
    ]
