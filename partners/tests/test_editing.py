"""Entering and editing partners and their contacts in the browser's forms."""

import pytest

from cooperation.tests.factories import ContactFactory, InstitutionFactory, InstitutionNameFactory
from partners.models import Contact, Institution


def partner_post(name: str, names: list[tuple[str, str]] = (), **fields) -> dict:
    data = {
        "name": name,
        "kind": "university",
        "country": "CN",
        "city": "Urumqi",
        "status": "active",
        "names-TOTAL_FORMS": str(len(names)),
        "names-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (variant, language) in enumerate(names):
        data.update(
            {f"names-{index}-name": variant, f"names-{index}-language": language, f"names-{index}-kind": "translation"}
        )
    return data


def test_the_office_enters_a_partner_with_its_names_in_other_scripts(client, office_user):
    client.force_login(office_user)
    response = client.post(
        "/partners/new/",
        partner_post(
            "Xinjiang University",
            [("新疆大学", "zh"), ("Синьцзянский университет", "ru"), ("Шыңжаң университеті", "kk")],
        ),
    )
    institution = Institution.objects.get()
    assert response.status_code == 302 and response.url == institution.get_absolute_url()
    assert sorted(institution.names.values_list("name", flat=True)) == sorted(
        ["新疆大学", "Синьцзянский университет", "Шыңжаң университеті"]
    )
    assert list(Institution.objects.search("синьцзянский")) == [institution]
    assert institution.history.first().history_user == office_user


def test_a_name_like_an_existing_partners_is_shown_before_anything_is_saved(client, office_user):
    hacettepe = InstitutionFactory(name="Hacettepe University", country="TR")
    InstitutionNameFactory(institution=hacettepe, name="Hacettepe Üniversitesi", language="tr")
    client.force_login(office_user)

    response = client.post("/partners/new/", partner_post("Hacetteppe University", country="TR"))

    assert response.status_code == 200
    assert Institution.objects.count() == 1
    page = response.content.decode()
    assert "This partner may already be here" in page
    assert f'href="{hacettepe.get_absolute_url()}"' in page
    confirmed = client.post(
        "/partners/new/", partner_post("Hacetteppe University", country="TR", confirm_not_duplicate="on")
    )
    assert confirmed.status_code == 302
    assert Institution.objects.count() == 2


def test_an_identifier_of_another_partner_is_refused_by_name(client, office_user):
    InstitutionFactory(name="Gazi University", erasmus_code="TR ANKARA02")
    client.force_login(office_user)
    response = client.post(
        "/partners/new/", partner_post("Gazi Universitesi", erasmus_code="tr ankara02", confirm_not_duplicate="on")
    )
    assert response.status_code == 200
    assert "already belongs to Gazi University" in response.content.decode()
    assert Institution.objects.count() == 1


def test_editing_keeps_history_and_the_rector_is_refused(client, office_user, rector):
    institution = InstitutionFactory(name="Urumqi Vocational University", country="CN")
    client.force_login(office_user)
    assert client.get(f"/partners/{institution.pk}/edit/").status_code == 200
    response = client.post(
        f"/partners/{institution.pk}/edit/", partner_post("Urumqi Vocational University", city="Ürümqi")
    )
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.city == "Ürümqi"
    assert institution.history.count() == 2
    client.force_login(rector)
    for url in ("/partners/new/", f"/partners/{institution.pk}/edit/", f"/partners/{institution.pk}/contacts/new/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("edit", [False, True])
def test_contacts_are_entered_under_their_institution(client, office_user, edit):
    institution = InstitutionFactory(name="Study Abroad Center of the Ministry of Education of China", country="CN")
    contact = ContactFactory(institution=institution, full_name="Xia J.") if edit else None
    client.force_login(office_user)
    url = (
        f"/partners/{institution.pk}/contacts/{contact.pk}/edit/"
        if edit
        else f"/partners/{institution.pk}/contacts/new/"
    )
    response = client.post(
        url, {"full_name": "Xia Jianhui", "native_name": "夏建辉", "position": "Deputy Director", "is_active": "on"}
    )
    saved = Contact.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#contact-{saved.pk}")
    assert (saved.institution, saved.full_name, saved.native_name) == (institution, "Xia Jianhui", "夏建辉")
    assert "夏建辉" in client.get(institution.get_absolute_url()).content.decode()


def test_a_contact_form_with_a_bad_email_saves_nothing(client, office_user):
    institution = InstitutionFactory()
    client.force_login(office_user)
    response = client.post(
        f"/partners/{institution.pk}/contacts/new/", {"full_name": "Ma Yun", "email": "not-an-address"}
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert Contact.objects.count() == 0
