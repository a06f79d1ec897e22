"""Tags got a name per language: the migration makes the one name they had their English name."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from partners.models import Tag


@pytest.mark.django_db(transaction=True)
def test_the_name_a_tag_had_becomes_its_english_name_and_the_others_fall_back_to_it():
    before, after = [("partners", "0005_name_keys")], [("partners", "0006_tag_names_in_three_languages")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_tag = executor.loader.project_state(before).apps.get_model("partners", "Tag").objects.create(name="Silk Road")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app as the other tests expect it

    tag = Tag.objects.get(pk=old_tag.pk)
    assert (tag.name_en, tag.name_ru, tag.name_kk) == ("Silk Road", None, None)
    for language in ("ru", "kk"):
        with translation.override(language):
            assert str(Tag.objects.get(pk=old_tag.pk)) == "Silk Road"
