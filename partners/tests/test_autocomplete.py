import pytest
from django import forms

from cooperation.tests.factories import ContactFactory, InstitutionFactory, InstitutionNameFactory
from partners.autocomplete import AutocompleteSelect
from partners.models import Institution


@pytest.fixture
def urumqi(db):
    institution = InstitutionFactory(name="Urumqi Vocational University", country="CN")
    InstitutionNameFactory(institution=institution, name="Урумчийский профессиональный университет", language="ru")
    InstitutionNameFactory(institution=institution, name="乌鲁木齐职业大学", language="zh")
    return institution


@pytest.mark.parametrize("query", ["урумчи", "乌鲁木齐", "URUMQI"])
def test_it_finds_an_institution_by_any_name(client, office_user, urumqi, query):
    client.force_login(office_user)
    response = client.get("/partners/autocomplete/", {"q": query})
    assert response.json() == {
        "results": [{"id": urumqi.pk, "text": "Urumqi Vocational University (CN)"}],
        "message": "1 partner found",
    }


def test_it_answers_nothing_to_an_empty_query(client, office_user, urumqi):
    client.force_login(office_user)
    assert client.get("/partners/autocomplete/", {"q": " "}).json() == {
        "results": [],
        "message": "No partner found: the choice is unchanged.",
    }


def test_it_leaves_out_merged_institutions(client, office_user, urumqi):
    InstitutionFactory(name="Urumqi Vocational College", merged_into=urumqi)
    client.force_login(office_user)
    assert [row["id"] for row in client.get("/partners/autocomplete/", {"q": "urumqi"}).json()["results"]] == [
        urumqi.pk
    ]


def test_it_finds_contacts_of_one_institution(client, office_user, urumqi):
    xia = ContactFactory(full_name="Xia Jianhui", native_name="夏建辉", institution=urumqi)
    ContactFactory(full_name="Xia Other")
    client.force_login(office_user)
    response = client.get("/partners/contacts/autocomplete/", {"q": "夏", "institution": urumqi.pk})
    assert [row["id"] for row in response.json()["results"]] == [xia.pk]
    assert response.json()["message"] == "1 contact found"


def test_it_refuses_a_user_without_a_role(client, outsider):
    client.force_login(outsider)
    assert client.get("/partners/autocomplete/", {"q": "x"}).status_code == 403


class PartnerForm(forms.Form):
    institution = forms.ModelChoiceField(
        Institution.objects.all(), widget=AutocompleteSelect("partners:institution-autocomplete")
    )


def test_the_widget_renders_only_the_chosen_institution(urumqi):
    InstitutionFactory(name="Somewhere Else University")
    html = str(PartnerForm(initial={"institution": urumqi.pk})["institution"])
    assert 'data-autocomplete-url="/partners/autocomplete/"' in html
    assert "Urumqi Vocational University" in html
    assert "Somewhere Else" not in html


def test_the_widget_still_validates_against_every_institution(urumqi):
    other = InstitutionFactory(name="Somewhere Else University")
    form = PartnerForm(data={"institution": other.pk})
    assert form.is_valid()
    assert form.cleaned_data["institution"] == other
