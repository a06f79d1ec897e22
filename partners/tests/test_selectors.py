import pytest

from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory
from partners.selectors import institutions_similar, name_key


@pytest.fixture
def hacettepe(db):
    return InstitutionFactory(name="Hacettepe University", short_name="HU")


def test_name_key_ignores_generic_words_case_accents_and_doubled_letters():
    assert name_key("Hacetteppe University") == name_key("HACETTEPE ÜNIVERSITESI")


def test_it_finds_a_misspelling(hacettepe):
    matches = institutions_similar(name="Hacetteppe University")
    assert [match.institution for match in matches] == [hacettepe]


def test_it_finds_a_missing_word(hacettepe):
    assert [match.institution for match in institutions_similar(name="Hacettepe")] == [hacettepe]


def test_it_finds_a_transliteration_from_cyrillic(hacettepe):
    assert [match.institution for match in institutions_similar(name="Университет Хаджеттепе")] == [hacettepe]


def test_it_finds_a_name_variant_in_another_script(db):
    urumqi = InstitutionFactory(name="Urumqi Vocational University", country="CN")
    InstitutionNameFactory(institution=urumqi, name="乌鲁木齐职业大学", language="zh")
    match = institutions_similar(name="乌鲁木齐职业大学")[0]
    assert match.institution == urumqi
    assert match.score == 1.0


def test_it_does_not_propose_a_different_university(hacettepe):
    InstitutionFactory(name="Ankara University")
    assert institutions_similar(name="Sakarya University") == []


def test_it_leaves_out_the_institution_being_edited(hacettepe):
    assert institutions_similar(name="Hacettepe University", exclude_id=hacettepe.pk) == []


def test_it_leaves_out_merged_institutions(hacettepe):
    InstitutionFactory(name="Hacettepe Universitesi", merged_into=hacettepe)
    assert [match.institution for match in institutions_similar(name="Hacettepe Üniversitesi")] == [hacettepe]
