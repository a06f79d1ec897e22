"""Likely duplicates that mean something: one scoring (generic words discounted, acronyms whole)
for the partner form and imports; an identical identifier or website domain always counts."""

import pytest

from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory
from partners.models import Institution
from partners.names import NameKey, name_similarity
from partners.selectors import SIMILARITY_THRESHOLD, likely_duplicates

NEW_URL = "/partners/new/"


def score(first: str, second: str, *, acronyms: bool = False) -> float:
    return name_similarity(NameKey.of(first, acronym=acronyms), NameKey.of(second, acronym=acronyms))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Hacettepe Universty", "Hacettepe University"),  # a typo in the generic word
        ("Hacetepe University", "Hacettepe University"),
        ("Hacettepe Üniversitesi", "Hacettepe University"),  # the generic word in Turkish
        ("Hacetteppe University", "Hacettepe University"),
        ("Университет Хаджеттепе", "Hacettepe University"),  # Russian, transliterated
        ("Сатпаев университеті", "Satpaev University"),  # Kazakh
        ("Сакария университет", "Sakarya University"),
        ("西安交通大学", "西安交通大學"),  # the generic ending aside
    ],
)
def test_alike_names_are_likely_duplicates(first, second):
    assert SIMILARITY_THRESHOLD <= score(first, second) < 1.0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Xi'an Jiaotong University", "Kyrgyz State Technical University"),
        ("Xi'an Jiaotong University", "Xinjiang University"),
        ("Sakarya University", "Ankara University"),
        ("Казахский национальный университет", "Казахский технический университет"),
        ("Университет", "University"),  # nothing distinctive
    ],
)
def test_different_names_are_not(first, second):
    assert score(first, second) < SIMILARITY_THRESHOLD


def test_generic_words_weigh_less_than_distinctive_ones():
    # One letter of the distinctive word costs more than a whole generic word.
    assert score("Gazi University", "Gazi Institute") > score("Gazi University", "Gaza University")


def test_two_different_acronyms_are_never_alike():
    assert score("XJTU", "KSTU", acronyms=True) == 0.0
    assert score("XJTU", "XJTU", acronyms=True) == 1.0
    # A name in capitals of one word is read as an acronym too.
    assert score("METU", "MEU") == 0.0


def test_the_same_name_in_other_punctuation_is_the_same_name():
    assert score("Xi’an Jiaotong-University", "xian jiaotong university") == 1.0


@pytest.fixture
def kstu(db):
    return InstitutionFactory(
        name="Kyrgyz State Technical University", short_name="KSTU", country="KG", website="https://kstu.kg"
    )


@pytest.fixture
def hacettepe(db):
    institution = InstitutionFactory(
        name="Hacettepe University", country="TR", website="https://www.hacettepe.edu.tr/", erasmus_code="TR ANKARA03"
    )
    InstitutionNameFactory(institution=institution, name="Университет Хаджеттепе", language="ru")
    return institution


def test_identical_identifiers_or_website_domain_are_always_duplicates(hacettepe):
    def found(**identifiers):
        return [
            similar.institution for similar in likely_duplicates(names=[("Beytepe", False)], identifiers=identifiers)
        ]

    assert found(erasmus_code="tr ankara03") == [hacettepe]
    assert found(website="http://hacettepe.edu.tr/en/") == [hacettepe]
    assert found(website="HACETTEPE.EDU.TR") == [hacettepe]
    assert found(website="https://hacettepe.edu.tr.example.org") == []
    shared = likely_duplicates(names=[], identifiers={"website": "www.hacettepe.edu.tr"})[0].shared
    assert shared == "website: hacettepe.edu.tr"


def new_partner_form(client, name: str, *, short_name: str = "", country: str = "TR", names=(), **fields):
    form = RenderedForm.get(client, NEW_URL)
    form["name"] = name
    form["short_name"] = short_name
    form["country"] = country
    for index, (variant, language) in enumerate(names):
        form[f"names-{index}-name"] = variant
        form[f"names-{index}-language"] = language
    for field, value in fields.items():
        form[field] = value
    return form


def test_xian_jiaotong_with_its_acronym_is_saved_without_a_warning(client, office_user, kstu, hacettepe):
    client.force_login(office_user)
    form = new_partner_form(
        client,
        "Xi'an Jiaotong University",
        short_name="XJTU",
        country="CN",
        names=[("西安交通大学", "zh"), ("Сиань Цзяотун университет", "ru"), ("Сиань Цзяотун университеті", "kk")],
    )
    response = form.submit(client)
    assert response.status_code == 302
    assert Institution.objects.filter(name="Xi'an Jiaotong University", short_name="XJTU").count() == 1


@pytest.mark.parametrize(
    ("name", "names"),
    [
        ("Hacettepe Universty", []),
        ("Hacetepe University", []),
        ("Hacettepe Üniversitesi", []),
        ("Хаджеттепе университеті", [("Hacettepe Üniversitesi", "tr")]),  # in Kazakh
        ("Ankara Medical School", [("Университет Хаджетепе", "ru")]),  # a variant in Russian
    ],
)
def test_a_partner_like_an_existing_one_warns_before_it_is_saved(client, office_user, hacettepe, kstu, name, names):
    client.force_login(office_user)
    response = new_partner_form(client, name, names=names).submit(client)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This partner may already be here" in page
    assert f'href="{hacettepe.get_absolute_url()}"' in page
    assert kstu.get_absolute_url() + '"' not in page
    assert Institution.objects.count() == 2

    # The page the warning drew, with its box ticked, saves.
    form = RenderedForm.from_html(page, NEW_URL)
    form.check("confirm_not_duplicate")
    assert form.submit(client).status_code == 302
    assert Institution.objects.count() == 3


def test_the_same_website_domain_warns_whatever_the_name(client, office_user, hacettepe):
    client.force_login(office_user)
    response = new_partner_form(client, "Beytepe Campus", website="hacettepe.edu.tr").submit(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{hacettepe.get_absolute_url()}"' in page
    assert "the same website: hacettepe.edu.tr" in page


def test_a_partner_named_in_kazakh_like_a_latin_one_warns(client, office_user):
    satpaev = InstitutionFactory(name="Satpaev University", country="KZ")
    client.force_login(office_user)
    response = new_partner_form(client, "Сатпаев университеті", country="KZ").submit(client)
    assert f'href="{satpaev.get_absolute_url()}"' in response.content.decode()
