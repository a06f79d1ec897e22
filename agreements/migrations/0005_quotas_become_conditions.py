"""Each quota becomes a cooperation condition, losing nothing: its academic year becomes the first
and last year; its direction stays, with the agreement's partner named when there is only one
(otherwise each partner, as before); a subject area that is an ISCED-F code becomes a code, any
other text stays as the clarification; EQF levels "6, 7" become levels; language requirements
"English B2" become skills. Whatever is not read as data is kept word for word in the other
information. The history's rows are converted the same way."""

import re

from django.db import migrations

from agreements.isced import is_isced_code
from agreements.language_skills import parse_language_skill


def condition_from_quota(quota, partner_id) -> None:
    quota.first_academic_year = quota.last_academic_year = quota.academic_year
    quota.partner_id = partner_id
    text = (quota.subject_area or "").strip()
    if is_isced_code(text):
        quota.subject_areas = [text]
    else:
        quota.subject_clarification = quota.subject_area or ""
    kept = []
    levels = [part.strip() for part in re.split(r"[,;\s]+", quota.eqf_levels or "") if part.strip()]
    if all(level.isdigit() and 1 <= int(level) <= 8 for level in levels):
        quota.eqf_level_list = sorted({int(level) for level in levels})
    else:
        kept.append(f"EQF: {quota.eqf_levels}")
    skills = []
    for part in re.split(r"[;,]", quota.language_requirements or ""):
        if not part.strip():
            continue
        try:
            skills.append(parse_language_skill(part))
        except ValueError:
            skills = None
            break
    if skills is None:
        kept.append(quota.language_requirements)
    else:
        quota.language_skills = skills
    quota.other_info = "\n".join(kept)


def forwards(apps, schema_editor):
    Quota = apps.get_model("agreements", "Quota")
    HistoricalQuota = apps.get_model("agreements", "HistoricalQuota")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    partners: dict[int, list[int]] = {}
    for agreement_id, institution_id in AgreementParty.objects.filter(institution__isnull=False).values_list(
        "agreement_id", "institution_id"
    ):
        partners.setdefault(agreement_id, []).append(institution_id)

    def sole_partner(agreement_id):
        ids = partners.get(agreement_id, [])
        return ids[0] if len(ids) == 1 else None

    fields = [
        "first_academic_year",
        "last_academic_year",
        "partner",
        "subject_areas",
        "subject_clarification",
        "eqf_level_list",
        "language_skills",
        "other_info",
    ]
    for model in (Quota, HistoricalQuota):
        batch = []
        for quota in model.objects.all().iterator(chunk_size=2000):
            condition_from_quota(quota, sole_partner(quota.agreement_id))
            batch.append(quota)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, fields)
                batch = []
        model.objects.bulk_update(batch, fields)


def backwards(apps, schema_editor):
    """One quota per academic year of each condition, the lists written as text again."""
    Quota = apps.get_model("agreements", "Quota")
    for condition in Quota.objects.all():
        first, last = int(condition.first_academic_year[:4]), int(condition.last_academic_year[:4])
        condition.subject_area = (condition.subject_areas or [condition.subject_clarification])[0][:10]
        condition.eqf_levels = ", ".join(str(level) for level in condition.eqf_level_list)
        condition.language_requirements = "; ".join(
            " ".join(part for part in (skill["language"], skill.get("cefr", "")) if part)
            for skill in condition.language_skills
        )[:200]
        for start in range(first, last + 1):
            condition.academic_year = f"{start}/{start + 1}"
            condition.save()
            condition.pk = None


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_conditions_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
