"""Undoing an import: what it created is deleted and what it updated gets its previous values
back, unless someone has used or changed those records since."""

import lxml.html
import pytest
from django.urls import reverse

from cooperation.importing.models import ImportBatch
from cooperation.importing.services import ImportRefused, import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.factories import AgreementPartyFactory, InstitutionFactory
from partners.models import Institution, InstitutionName

HEADERS = ["Official name", "Country", "City", "PIC", "Name in Russian"]


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", country="TR", city="Ankara")


@pytest.fixture
def imported(office_user, gazi):
    rows = [
        ["Gazi University", "TR", "Beşevler", "949920587", "Университет Гази"],  # an update
        ["Sakarya University", "TR", "Sakarya", "", "Университет Сакарья"],  # new, with a name
    ]
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    return import_confirm(batch=batch, user=office_user)


def test_undo_deletes_what_it_created_and_restores_what_it_updated(office_user, gazi, imported):
    assert (imported.created_count, imported.updated_count) == (1, 1)
    assert InstitutionName.objects.count() == 2
    import_undo(batch=imported, user=office_user)
    gazi.refresh_from_db()
    assert (gazi.city, gazi.pic) == ("Ankara", "")
    assert list(Institution.objects.values_list("name", flat=True)) == ["Gazi University"]
    assert InstitutionName.objects.count() == 0
    imported.refresh_from_db()
    assert (imported.status, imported.undone_by) == (ImportBatch.Status.UNDONE, office_user)
    assert gazi.history.first().history_change_reason.startswith("Import of import.xlsx undone")
    with pytest.raises(ImportRefused):
        import_undo(batch=imported, user=office_user)


def test_undo_is_refused_once_a_created_record_is_referenced(office_user, imported):
    sakarya = Institution.objects.get(name="Sakarya University")
    party = AgreementPartyFactory(institution=sakarya)
    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=imported, user=office_user)
    assert f"agreement '{party.agreement.title}' now refers to a record this import created." in refused.value.messages
    assert Institution.objects.filter(name="Sakarya University").exists()
    imported.refresh_from_db()
    assert imported.status == ImportBatch.Status.IMPORTED


def test_undo_is_refused_once_a_record_has_been_changed(office_user, gazi, imported):
    gazi.refresh_from_db()
    gazi.city = "Ankara, Çankaya"
    gazi.save()
    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=imported, user=office_user)
    assert refused.value.messages == [
        "This import cannot be undone:",
        "institution 'Gazi University', updated by this import, has been changed since.",
    ]
    gazi.refresh_from_db()
    assert gazi.city == "Ankara, Çankaya"
    assert Institution.objects.filter(name="Sakarya University").exists()


def test_the_undo_button_asks_first_saying_how_many_records_of_which_kinds_go(client, office_user, imported):
    client.force_login(office_user)
    undo_url = reverse("importing:batch-undo", args=[imported.pk])
    assert undo_url in client.get(imported.get_absolute_url()).content.decode()

    page = lxml.html.fromstring(client.get(undo_url).content)
    deleted = [" ".join(item.text_content().split()) for item in page.get_element_by_id("undo-deleted")]
    restored = [" ".join(item.text_content().split()) for item in page.get_element_by_id("undo-restored")]
    assert deleted == ["Institutions: 1", "Name variants: 2"]  # the new partner's, and one Gazi gained
    assert restored == ["Institutions: 1"]
    assert "Undoing deletes 3 records this import created:" in page.text_content()
    assert Institution.objects.filter(name="Sakarya University").exists()  # asking deletes nothing

    response = RenderedForm.get(client, undo_url, containing="confirmed").submit(client, follow=True)
    assert "The import was undone." in response.content.decode()
    assert not Institution.objects.filter(name="Sakarya University").exists()


def test_the_undo_page_says_why_it_cannot_undo_and_offers_no_button(client, office_user, gazi, imported):
    gazi.refresh_from_db()
    gazi.city = "Ankara, Çankaya"
    gazi.save()
    client.force_login(office_user)
    response = client.get(reverse("importing:batch-undo", args=[imported.pk]))
    text = response.content.decode()
    assert "Gazi University&#x27;, updated by this import, has been changed since." in text
    assert 'name="confirmed"' not in text


def test_a_post_that_did_not_come_from_the_question_undoes_nothing(client, office_user, imported):
    client.force_login(office_user)
    undo_url = reverse("importing:batch-undo", args=[imported.pk])
    assert client.post(undo_url).url == undo_url
    assert Institution.objects.filter(name="Sakarya University").exists()


def test_the_rector_cannot_undo(client, rector, imported):
    client.force_login(rector)
    assert client.post(reverse("importing:batch-undo", args=[imported.pk])).status_code == 403
    assert Institution.objects.filter(name="Sakarya University").exists()


def test_undo_is_refused_once_a_program_lists_a_created_partner(office_user, imported):
    from cooperation.tests.factories import ProgramFactory

    ProgramFactory(title="Summer school 2026").partners.add(Institution.objects.get(name="Sakarya University"))
    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=imported, user=office_user)
    assert "program 'Summer school 2026 (2025/2026)' now refers to a record this import created." in (
        refused.value.messages
    )
