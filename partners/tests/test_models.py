"""Partners: the database refuses what the model forbids, and search finds a partner by any name."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cooperation.tests.factories import ContactFactory, InstitutionFactory, InstitutionNameFactory
from partners.models import Institution, InstitutionName, Unit


def refused(create) -> None:
    """`create` must fail in the database; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# Units


def test_it_refuses_two_units_with_one_name(university):
    refused(lambda: Unit.objects.create(name=university.name))


def test_it_refuses_a_unit_that_is_its_own_parent(faculty):
    faculty.parent = faculty
    refused(faculty.save)


def test_it_accepts_a_unit_under_another(faculty, university):
    faculty.refresh_from_db()
    assert faculty.parent == university


# Institutions: identifiers


def test_it_refuses_an_erasmus_code_twice_whatever_its_case(db):
    InstitutionFactory(erasmus_code="TR ANKARA01")
    refused(lambda: InstitutionFactory(erasmus_code="tr ankara01"))


def test_it_refuses_a_pic_twice(db):
    InstitutionFactory(pic="999862283")
    refused(lambda: InstitutionFactory(pic="999862283"))


def test_it_refuses_a_schac_id_twice_whatever_its_case(db):
    InstitutionFactory(schac_id="metu.edu.tr")
    refused(lambda: InstitutionFactory(schac_id="METU.edu.tr"))


def test_it_allows_many_institutions_without_identifiers(db):
    InstitutionFactory(erasmus_code="", pic="", schac_id="")
    InstitutionFactory(erasmus_code="", pic="", schac_id="")
    assert Institution.objects.filter(erasmus_code="", pic="", schac_id="").count() == 2


def test_it_accepts_different_identifiers(db):
    InstitutionFactory(erasmus_code="TR ANKARA01", pic="999862283", schac_id="metu.edu.tr")
    InstitutionFactory(erasmus_code="TR ANKARA02", pic="999862284", schac_id="hacettepe.edu.tr")
    assert Institution.objects.count() == 2


# Institutions: structure and coordinates


def test_it_refuses_an_institution_that_is_its_own_parent(db):
    institution = InstitutionFactory()
    institution.parent = institution
    refused(institution.save)


def test_it_refuses_an_institution_merged_into_itself(db):
    institution = InstitutionFactory()
    institution.merged_into = institution
    refused(institution.save)


def test_it_accepts_a_consulate_under_its_embassy_and_a_merger(db):
    embassy = InstitutionFactory(name="Embassy of Turkey", kind=Institution.Kind.EMBASSY)
    consulate = InstitutionFactory(name="Consulate General of Turkey", kind=Institution.Kind.CONSULATE, parent=embassy)
    merged = InstitutionFactory(name="Old College", merged_into=consulate)
    assert consulate.parent == embassy
    assert merged.merged_into == consulate


@pytest.mark.parametrize(
    "coordinates", [{"latitude": 90.5}, {"latitude": -91}, {"longitude": 180.5}, {"longitude": -181}]
)
def test_it_refuses_coordinates_off_the_globe(db, coordinates):
    refused(lambda: InstitutionFactory(**coordinates))


def test_it_accepts_coordinates_at_the_edges_of_the_globe(db):
    InstitutionFactory(latitude=90, longitude=-180)
    InstitutionFactory(latitude=-90, longitude=180)
    assert Institution.objects.count() == 2


# Names


def test_it_refuses_the_same_name_variant_twice_for_one_institution(db):
    variant = InstitutionNameFactory(name="Хаджеттепе")
    refused(lambda: InstitutionNameFactory(institution=variant.institution, name="Хаджеттепе"))


def test_it_accepts_one_name_variant_for_two_institutions(db):
    InstitutionNameFactory(name="Государственный университет")
    InstitutionNameFactory(name="Государственный университет")
    assert InstitutionName.objects.filter(name="Государственный университет").count() == 2


# Deletion


def test_it_refuses_to_delete_an_institution_with_children(db):
    embassy = InstitutionFactory(kind=Institution.Kind.EMBASSY)
    InstitutionFactory(kind=Institution.Kind.CONSULATE, parent=embassy)
    with pytest.raises(ProtectedError):
        embassy.delete()


def test_it_refuses_to_delete_an_institution_with_contacts(db):
    contact = ContactFactory()
    with pytest.raises(ProtectedError):
        contact.institution.delete()


def test_it_refuses_to_delete_a_unit_with_sub_units(faculty, university):
    with pytest.raises(ProtectedError):
        university.delete()


# Search


@pytest.fixture
def hacettepe(db):
    return InstitutionFactory(
        name="Hacettepe Üniversitesi", short_name="HU", erasmus_code="TR ANKARA03", pic="949573940"
    )


@pytest.fixture
def urumqi(db):
    institution = InstitutionFactory(name="Urumqi Vocational University", country="CN")
    InstitutionNameFactory(institution=institution, name="乌鲁木齐职业大学", language="zh")
    InstitutionNameFactory(institution=institution, name="Урумчийский профессиональный университет", language="ru")
    return institution


@pytest.fixture
def kazakh_national(db):
    return InstitutionFactory(name="Қазақ ұлттық аграрлық зерттеу университеті", country="KZ")


def test_search_finds_a_name_in_another_script(urumqi, hacettepe):
    assert list(Institution.objects.search("职业大学")) == [urumqi]
    assert list(Institution.objects.search("урумчийский")) == [urumqi]


def test_search_ignores_accents(hacettepe, urumqi):
    assert list(Institution.objects.search("Hacettepe Universitesi")) == [hacettepe]


def test_search_ignores_case(hacettepe, urumqi):
    assert list(Institution.objects.search("HACETTEPE")) == [hacettepe]
    assert list(Institution.objects.search("urumqi vocational")) == [urumqi]


def test_search_matches_kazakh_letters_written_the_russian_way(kazakh_national, hacettepe):
    assert list(Institution.objects.search("Казак улттык")) == [kazakh_national]


def test_search_matches_russian_letters_against_a_kazakh_query(db):
    institution = InstitutionFactory(name="Казахский национальный университет", country="KZ")
    assert list(Institution.objects.search("Қазахский")) == [institution]


def test_search_finds_an_erasmus_code_and_a_pic(hacettepe, urumqi):
    assert list(Institution.objects.search("tr ankara03")) == [hacettepe]
    assert list(Institution.objects.search(" 949573940 ")) == [hacettepe]


def test_an_empty_search_returns_everything(hacettepe, urumqi):
    assert set(Institution.objects.search("  ")) == {hacettepe, urumqi}


def test_search_follows_an_edited_name_variant(urumqi):
    variant = urumqi.names.get(language="zh")
    variant.name = "Ürümqi Zhiye Daxue"
    variant.save()
    assert list(Institution.objects.search("zhiye")) == [urumqi]
    assert list(Institution.objects.search("职业大学")) == []


def test_search_forgets_a_deleted_name_variant(urumqi):
    urumqi.names.get(language="ru").delete()
    assert list(Institution.objects.search("урумчийский")) == []
    assert list(Institution.objects.search("乌鲁木齐")) == [urumqi]


def test_search_follows_a_renamed_institution(hacettepe):
    hacettepe.name = "Beytepe University"
    hacettepe.save()
    assert list(Institution.objects.search("beytepe")) == [hacettepe]
    assert list(Institution.objects.search("hacettepe")) == []
