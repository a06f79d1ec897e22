"""The data migration that makes quotas cooperation conditions, run on the demo data: the demo
is loaded, taken back to quotas (one per academic year, lists as text, as the portal kept them),
a few quotas of free text are added, and the migration brings them forward losing nothing."""

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cooperation.demo import demo_load

BEFORE = [("agreements", "0003_list_indexes")]
OLD_FIELDS = (
    "agreement_id",
    "academic_year",
    "direction",
    "category",
    "places",
    "total_months",
    "total_days",
    "subject_area",
    "eqf_levels",
    "language_requirements",
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
@time_machine.travel("2026-03-02 09:00 +05:00", tick=False)
def test_every_demo_quota_becomes_a_condition_losing_nothing():
    demo_load()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = migrate(BEFORE)
        OldQuota = old_apps.get_model("agreements", "Quota")
        agreement_id = OldQuota.objects.values_list("agreement_id", flat=True).first()
        for year, subject_area, eqf_levels, languages in [
            ("2019/2020", "Turkology", "6-7", "Turkish or Russian, B1"),
            ("2020/2021", "0413", "", "English B2, German"),
        ]:
            OldQuota.objects.create(
                agreement_id=agreement_id,
                academic_year=year,
                direction="incoming",
                category="student_studies",
                places=3,
                subject_area=subject_area,
                eqf_levels=eqf_levels,
                language_requirements=languages,
            )
        old_rows = list(OldQuota.objects.order_by("pk").values(*OLD_FIELDS))
        assert len(old_rows) > 20

        new_apps = migrate(latest)
    finally:
        migrate(latest)

    Quota = new_apps.get_model("agreements", "Quota")
    conditions = list(Quota.objects.order_by("pk"))
    assert len(conditions) == len(old_rows)
    for old, new in zip(old_rows, conditions, strict=True):
        assert (new.agreement_id, new.first_academic_year, new.last_academic_year) == (
            old["agreement_id"],
            old["academic_year"],
            old["academic_year"],
        )
        assert (new.direction, new.category, new.places, new.total_months, new.total_days) == (
            old["direction"],
            old["category"],
            old["places"],
            old["total_months"],
            old["total_days"],
        )
        kept = new.subject_areas or [new.subject_clarification]
        assert kept == [old["subject_area"]]
    by_year = {condition.first_academic_year: condition for condition in conditions}
    demo = by_year["2024/2025"]
    assert demo.eqf_levels in ([6, 7], [])
    assert demo.language_skills == [{"language": "en", "cefr": "B2"}]
    assert demo.other_info == ""

    free_text = by_year["2019/2020"]
    assert (free_text.subject_areas, free_text.subject_clarification) == ([], "Turkology")
    assert free_text.eqf_levels == [] and free_text.language_skills == []
    assert free_text.other_info == "EQF: 6-7\nTurkish or Russian, B1"
    english_german = by_year["2020/2021"]
    assert english_german.subject_areas == ["0413"]
    assert english_german.language_skills == [{"language": "en", "cefr": "B2"}, {"language": "de"}]
