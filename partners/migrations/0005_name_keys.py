"""Institution.name_keys (the distinctive part of every name, which the trigram search for alike
names compares) with its index, and search_text rebuilt in its present form
(cooperation.lib.text.search_forms: each name also split at hyphens and dots and in Latin
letters, the codes included, every word after a space)."""

from django.db import migrations, models

from cooperation.lib.migrations import trigram_index
from partners.names import keys_text, search_text_of


def rebuild(apps, schema_editor):
    institution_model = apps.get_model("partners", "Institution")
    name_model = apps.get_model("partners", "InstitutionName")
    variants: dict[int, list[str]] = {}
    for institution_id, name in name_model.objects.order_by("language", "name").values_list("institution_id", "name"):
        variants.setdefault(institution_id, []).append(name)
    batch = []
    for institution in institution_model.objects.only("name", "short_name", "erasmus_code", "pic", "schac_id"):
        names = [*filter(None, [institution.name, institution.short_name]), *variants.get(institution.pk, [])]
        codes = [institution.erasmus_code, institution.pic, institution.schac_id]
        institution.search_text = search_text_of(names, codes)
        institution.name_keys = keys_text(names)
        batch.append(institution)
        if len(batch) == 1000:
            institution_model.objects.bulk_update(batch, ["search_text", "name_keys"])
            batch = []
    institution_model.objects.bulk_update(batch, ["search_text", "name_keys"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_contact_email_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalinstitution",
            name="name_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="institution",
            name="name_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # PostgreSQL only: the trigram search for alike names (partners.selectors), name_keys %> key.
        trigram_index("institution_name_keys_trgm", "partners_institution", "name_keys"),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
