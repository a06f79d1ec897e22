"""Entering and editing partners and their contacts in the browser's forms."""

import pytest

from cooperation.tests.factories import ContactFactory, InstitutionFactory, InstitutionNameFactory
from partners.forms import InstitutionForm
from partners.models import Contact, Institution, InstitutionName


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


def test_a_name_variant_like_an_existing_partners_also_warns(client, office_user):
    hacettepe = InstitutionFactory(name="Hacettepe University", country="TR")
    client.force_login(office_user)

    response = client.post(
        "/partners/new/", partner_post("Ankara Medical School", [("Университет Хаджеттепе", "ru")], country="TR")
    )

    assert response.status_code == 200
    assert f'href="{hacettepe.get_absolute_url()}"' in response.content.decode()
    assert Institution.objects.count() == 1


def test_editing_a_partner_does_not_ask_about_duplicates(client, office_user):
    InstitutionFactory(name="Hacettepe University", country="TR")
    misspelt = InstitutionFactory(name="Hacetepe Univ.", country="TR")
    client.force_login(office_user)
    response = client.post(f"/partners/{misspelt.pk}/edit/", partner_post("Hacettepe Universitesi", country="TR"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "taken", "typed"),
    [("pic", "949656271", " 949656271 "), ("schac_id", "hacettepe.edu.tr", "Hacettepe.edu.TR")],
)
def test_every_identifier_of_another_partner_is_refused(client, office_user, field, taken, typed):
    InstitutionFactory(name="Hacettepe University", country="TR", **{field: taken})
    client.force_login(office_user)
    response = client.post(
        "/partners/new/",
        partner_post("Ankara Medical School", country="TR", confirm_not_duplicate="on", **{field: typed}),
    )
    assert response.status_code == 200
    assert "already belongs to Hacettepe University" in response.content.decode()
    assert Institution.objects.count() == 1


def test_an_identifier_saved_by_someone_else_meanwhile_is_a_form_error(client, office_user, monkeypatch):
    """Two users save the same PIC at once: the other one saves between our checks and our save."""
    checked = InstitutionForm._post_clean

    def and_then_someone_else_saves(form):
        checked(form)
        if not Institution.objects.filter(pic="949656271").exists():
            InstitutionFactory(name="Hacettepe University", country="TR", pic="949656271")

    monkeypatch.setattr(InstitutionForm, "_post_clean", and_then_someone_else_saves)
    client.force_login(office_user)
    response = client.post(
        "/partners/new/",
        partner_post("Ankara Medical School", country="TR", confirm_not_duplicate="on", pic="949656271"),
    )
    assert response.status_code == 200
    assert "already belongs to Hacettepe University" in response.content.decode()
    assert list(Institution.objects.values_list("name", flat=True)) == ["Hacettepe University"]


def test_a_bad_name_row_saves_neither_the_partner_nor_its_names(client, office_user):
    client.force_login(office_user)
    data = partner_post("Xinjiang University", [("新疆大学", "zh"), ("新疆大学", "zh"), ("", "ru")])
    response = client.post("/partners/new/", data)
    assert response.status_code == 200
    assert "The partner was not saved" in response.content.decode()
    assert Institution.objects.count() == 0
    assert InstitutionName.objects.count() == 0


def test_a_bad_edit_keeps_the_partner_as_it_was(client, office_user):
    institution = InstitutionFactory(name="Xinjiang University", country="CN", city="Urumqi")
    variant = InstitutionNameFactory(institution=institution, name="新疆大学", language="zh")
    client.force_login(office_user)
    data = partner_post("Xinjiang University", city="Ürümqi", website="not a web address")
    data.update(
        {
            "names-TOTAL_FORMS": "1",
            "names-INITIAL_FORMS": "1",
            "names-0-id": str(variant.pk),
            "names-0-name": "新疆大學",
            "names-0-language": "zh",
            "names-0-kind": "translation",
        }
    )
    response = client.post(f"/partners/{institution.pk}/edit/", data)
    assert response.status_code == 200
    institution.refresh_from_db()
    assert (institution.city, list(institution.names.values_list("name", flat=True))) == ("Urumqi", ["新疆大学"])
    assert institution.history.count() == 1


def test_a_website_without_a_scheme_is_https_and_names_can_be_removed(client, office_user):
    institution = InstitutionFactory(name="Xinjiang University", country="CN")
    variant = InstitutionNameFactory(institution=institution, name="Sinkiang College", language="en")
    client.force_login(office_user)
    data = partner_post("Xinjiang University", website="xju.edu.cn")
    data.update(
        {
            "names-TOTAL_FORMS": "1",
            "names-INITIAL_FORMS": "1",
            "names-0-id": str(variant.pk),
            "names-0-name": "Sinkiang College",
            "names-0-language": "en",
            "names-0-kind": "translation",
            "names-0-DELETE": "on",
        }
    )
    assert client.post(f"/partners/{institution.pk}/edit/", data).status_code == 302
    institution.refresh_from_db()
    assert institution.website == "https://xju.edu.cn"
    assert not institution.names.exists()
    assert list(Institution.objects.search("Sinkiang")) == []


def test_the_parent_is_chosen_by_typing_and_cannot_make_a_loop(client, office_user):
    embassy = InstitutionFactory(name="Embassy of Turkey", country="KZ", kind=Institution.Kind.EMBASSY)
    consulate = InstitutionFactory(name="Consulate General of Turkey", country="KZ", parent=embassy)
    unrelated = InstitutionFactory(name="Gazi University", country="TR")
    client.force_login(office_user)

    page = client.get(f"/partners/{consulate.pk}/edit/").content.decode()
    assert f'<option value="{embassy.pk}" selected>' in page
    assert f'<option value="{unrelated.pk}"' not in page  # found by the autocomplete, not listed
    assert 'data-autocomplete-url="/partners/autocomplete/"' in page

    response = client.post(
        f"/partners/{embassy.pk}/edit/", partner_post("Embassy of Turkey", country="KZ", parent=str(consulate.pk))
    )
    assert response.status_code == 200
    assert "Consulate General of Turkey is already part of this institution." in response.content.decode()
    embassy.refresh_from_db()
    assert embassy.parent is None


def test_a_coordinator_enters_partners_and_contacts_as_the_roles_allow(client, coordinator):
    client.force_login(coordinator)
    assert client.post("/partners/new/", partner_post("Xinjiang University")).status_code == 302
    institution = Institution.objects.get()
    response = client.post(f"/partners/{institution.pk}/contacts/new/", {"full_name": "Xia Jianhui"})
    assert response.status_code == 302
    assert Contact.objects.get().history.first().history_user == coordinator


def test_the_rector_cannot_open_or_post_a_contacts_edit_page(client, rector):
    contact = ContactFactory(full_name="Xia Jianhui")
    client.force_login(rector)
    url = f"/partners/{contact.institution_id}/contacts/{contact.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"full_name": "Someone else"}).status_code == 403
    contact.refresh_from_db()
    assert contact.full_name == "Xia Jianhui"
    page = client.get(f"/partners/{contact.institution_id}/").content.decode()
    assert "/contacts/new/" not in page and "/edit/" not in page


def test_a_contact_is_edited_only_under_its_own_institution(client, office_user):
    contact = ContactFactory()
    other = InstitutionFactory()
    client.force_login(office_user)
    assert client.get(f"/partners/{other.pk}/contacts/{contact.pk}/edit/").status_code == 404
