"""`manage.py import_data`: the same import from the command line, with a dry run."""

import pytest
from django.core.management import CommandError, call_command

from cooperation.importing.models import ImportBatch
from cooperation.importing.tests.test_import_helpers import csv_file, xlsx_file
from partners.models import Institution

HEADERS = ["Official name", "Country", "City"]


@pytest.fixture
def spreadsheet(tmp_path):
    def make(rows, name="partners.xlsx"):
        upload = (csv_file if name.endswith(".csv") else xlsx_file)(HEADERS, rows, name=name)
        path = tmp_path / name
        path.write_bytes(upload.read())
        return str(path)

    return make


def test_dry_run_writes_nothing(office_user, spreadsheet, capsys):
    call_command(
        "import_data",
        "institutions",
        spreadsheet([["Gazi University", "TR", "Ankara"]]),
        "--dry-run",
        "--user",
        "staff",
    )
    assert "1 rows: 1 new" in capsys.readouterr().out
    assert Institution.objects.count() == 0
    assert not ImportBatch.objects.exists()


def test_it_imports_a_csv_file_and_records_the_import(office_user, spreadsheet, capsys):
    path = spreadsheet([["Gazi University", "Турция", "Анкара"], ["Sakarya University", "TR", ""]], name="p.csv")
    call_command("import_data", "institutions", path, "--user", "staff")
    assert "2 created, 0 updated" in capsys.readouterr().out
    assert Institution.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.original_name, batch.imported_by, batch.status) == ("p.csv", office_user, "imported")


def test_errors_stop_the_import_and_are_printed(office_user, spreadsheet, capsys):
    path = spreadsheet([["Gazi University", "TR", ""], ["Nowhere University", "Narnia", ""]])
    with pytest.raises(CommandError, match="1 rows have errors; nothing was imported"):
        call_command("import_data", "institutions", path, "--user", "staff")
    assert "row 3, Country: 'Narnia' is not a country" in capsys.readouterr().err
    assert Institution.objects.count() == 0


def test_only_the_office_imports(rector, spreadsheet):
    with pytest.raises(CommandError, match="not in the international office"):
        call_command("import_data", "institutions", spreadsheet([["Gazi University", "TR", ""]]), "--user", "rector")


def test_a_change_of_status_applies_only_when_asked(office_user, tmp_path, capsys):
    from cooperation.tests.factories import InstitutionFactory

    gazi = InstitutionFactory(name="Gazi University", country="TR", city="Ankara", status="active")
    path = tmp_path / "status.xlsx"
    path.write_bytes(xlsx_file([*HEADERS, "Status"], [["GAZI UNIVERSITY", "TR", "", "Inactive"]]).read())

    call_command("import_data", "institutions", str(path), "--user", "staff")
    assert "row 2: update: Gazi University (matched by its name)" in capsys.readouterr().out
    assert ImportBatch.objects.get().rows[0]["message"].endswith("the change of Status was not confirmed")
    gazi.refresh_from_db()
    assert gazi.status == "active"

    call_command("import_data", "institutions", str(path), "--user", "staff", "--apply-changes")
    gazi.refresh_from_db()
    assert gazi.status == "inactive"
