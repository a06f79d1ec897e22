"""InstitutionNameIndex: the likely-duplicates rule of institutions_similar, for many names at
once (an import), with the names of earlier rows added as it goes."""

import pytest

from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory
from partners.selectors import InstitutionNameIndex, institutions_similar


@pytest.fixture
def hacettepe(db):
    institution = InstitutionFactory(name="Hacettepe University", short_name="HU", country="TR")
    InstitutionNameFactory(institution=institution, name="Университет Хаджеттепе", language="ru")
    return institution


@pytest.mark.parametrize(
    "name", ["Hacetteppe University", "Hacettepe", "HACETTEPE ÜNIVERSITESI", "Университет Хаджеттепе", "Хаджеттепе"]
)
def test_it_matches_what_institutions_similar_matches(hacettepe, name):
    index = InstitutionNameIndex()
    assert [owner for owner, _name, _score in index.similar(name)] == [hacettepe.pk]
    assert [match.institution.pk for match in institutions_similar(name=name)] == [hacettepe.pk]


def test_it_does_not_propose_a_different_university(hacettepe):
    InstitutionFactory(name="Ankara University")
    assert InstitutionNameIndex().similar("Sakarya University") == []


def test_names_added_later_are_matched_and_can_be_filtered(hacettepe):
    index = InstitutionNameIndex()
    index.add(("row", 7), "Sakarya University")
    assert index.similar("Sakarya Üniversitesi")[0][:2] == (("row", 7), "Sakarya University")
    assert index.similar("Sakarya Üniversitesi", accept=lambda owner: owner != ("row", 7)) == []


def test_a_lower_threshold_suggests_more(hacettepe):
    index = InstitutionNameIndex()
    assert index.similar("Hacet University") == []
    assert index.similar("Hacet University", threshold=0.6)[0][0] == hacettepe.pk


def test_it_reads_the_table_once(hacettepe, django_assert_num_queries):
    with django_assert_num_queries(1):
        index = InstitutionNameIndex()
    with django_assert_num_queries(0):
        for _ in range(50):
            index.similar("Hacetteppe University")
