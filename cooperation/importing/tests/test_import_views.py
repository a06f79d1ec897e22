"""The import pages: upload, preview, confirm as the international office; the rector's office
and coordinators refused; the template in the user's language."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cooperation.importing.models import ImportBatch
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import InstitutionFactory
from partners.models import Institution

ROWS = [["Gazi University", "Türkiye", "Ankara"], ["Hacetteppe University", "TR", ""], ["Bad Row", "Atlantis", ""]]


@pytest.fixture
def hacettepe(db):
    return InstitutionFactory(name="Hacettepe University", country="TR")


def test_upload_preview_confirm_as_the_office(client, office_user, hacettepe):
    client.force_login(office_user)
    url = reverse("importing:institutions")
    assert client.get(url).status_code == 200
    file = xlsx_file(["Official name", "Country", "City"], ROWS[:2], name="partners.xlsx")
    response = client.post(url, {"file": file})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert batch.file.name.startswith("imports/")  # kept under MEDIA_ROOT, no URL serves it

    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Gazi University" in content
    assert "looks like Hacettepe University (TR)" in content
    assert Institution.objects.count() == 1  # nothing written by the preview

    response = client.post(reverse("importing:batch-confirm", args=[batch.pk]), follow=True)
    assert "Imported: 1 created, 0 updated." in response.content.decode()
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["Gazi University", "Hacettepe University"]
    batch.refresh_from_db()
    assert (batch.status, batch.imported_by, batch.created_count) == ("imported", office_user, 1)

    listing = client.get(reverse("importing:batch-list"))
    assert "partners.xlsx" in listing.content.decode()


def test_a_file_with_an_error_cannot_be_confirmed(client, office_user):
    client.force_login(office_user)
    client.post(reverse("importing:institutions"), {"file": xlsx_file(["Official name", "Country"], ROWS)})
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "row 4, Country: &#x27;Atlantis&#x27; is not a country" in page
    assert reverse("importing:batch-confirm", args=[batch.pk]) not in page
    response = client.post(reverse("importing:batch-confirm", args=[batch.pk]), follow=True)
    assert "Nothing was imported." in response.content.decode()
    assert Institution.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_gets_a_form_error(client, office_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office_user)
    response = client.post(reverse("importing:institutions"), {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "a.pdf is not an .xlsx or .csv file." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_rectors_office_is_refused(client, rector):
    client.force_login(rector)
    assert client.get(reverse("importing:institutions")).status_code == 403
    file = xlsx_file(["Official name", "Country"], ROWS[:1])
    assert client.post(reverse("importing:institutions"), {"file": file}).status_code == 403
    assert not ImportBatch.objects.exists()
    assert client.get(reverse("importing:batch-list")).status_code == 200  # reads the record


def test_a_coordinator_is_refused_imports(client, coordinator):
    client.force_login(coordinator)
    for kind in ("institutions", "contacts", "agreements", "participants"):
        assert client.get(reverse(f"importing:{kind}")).status_code == 403
    file = xlsx_file(["Official name", "Country"], ROWS[:1])
    assert client.post(reverse("importing:institutions"), {"file": file}).status_code == 403
    assert not ImportBatch.objects.exists()
    assert reverse("importing:institutions") not in client.get(reverse("partners:institution-list")).content.decode()


def test_the_template_has_the_headers_in_the_users_language(client, office_user):
    from django.utils import translation

    from cooperation.importing.institutions import InstitutionImport

    office_user.profile.language = "ru"
    office_user.profile.save()
    client.force_login(office_user)
    response = client.get(reverse("importing:institutions-template"), HTTP_ACCEPT_LANGUAGE="ru")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    with translation.override("ru"):
        assert headers[0] == f"{InstitutionImport.columns[0].label} *"
    assert len(headers) == len(InstitutionImport.columns)


def test_the_list_pages_link_to_their_import(client, office_user, rector):
    client.force_login(office_user)
    assert reverse("importing:institutions") in client.get(reverse("partners:institution-list")).content.decode()
    assert reverse("importing:agreements") in client.get(reverse("agreements:agreement-list")).content.decode()
    assert reverse("importing:participants") in client.get(reverse("mobility:program-list")).content.decode()
    client.force_login(rector)
    assert reverse("importing:institutions") not in client.get(reverse("partners:institution-list")).content.decode()


def test_the_list_of_imports_takes_the_same_queries_for_more_imports(client, office_user, django_assert_num_queries):
    from cooperation.importing.services import import_preview

    client.force_login(office_user)
    for number in range(3):
        import_preview(
            kind="institutions", file=xlsx_file(["Official name", "Country"], [[f"U{number}", "TR"]]), user=office_user
        )
    client.get(reverse("importing:batch-list"))  # warm the session and the user's groups
    # session, user, 2 permissions, the notification bell, count, page of imports with their users
    with django_assert_num_queries(7) as captured:
        client.get(reverse("importing:batch-list"))
    for number in range(3, 8):
        import_preview(
            kind="institutions", file=xlsx_file(["Official name", "Country"], [[f"U{number}", "TR"]]), user=office_user
        )
    with django_assert_num_queries(len(captured)):
        assert "U7" not in client.get(reverse("importing:batch-list")).content.decode()


def test_participants_are_uploaded_into_the_chosen_program(client, office_user, faculty):
    from cooperation.tests.factories import ProgramFactory
    from mobility.models import Participant

    InstitutionFactory(name="Hacettepe University", country="TR")
    program = ProgramFactory(unit=faculty, direction="outgoing")
    client.force_login(office_user)
    file = xlsx_file(["Full name", "Partner institution"], [["Aigerim Seitkali", "Hacettepe University"]])
    response = client.post(reverse("importing:participants"), {"program": program.pk, "file": file})
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    assert batch.options == {"program": program.pk}
    client.post(reverse("importing:batch-confirm", args=[batch.pk]))
    assert Participant.objects.get().direction == "outgoing"  # the program's
    assert Participant.objects.get().program == program
