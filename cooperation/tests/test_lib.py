"""cooperation.lib: settings from the environment, academic years, text folding, object
permissions, the Kazakh-to-Russian fallback and the Kazakh formats."""

import datetime
import gettext as gettext_module
from pathlib import Path

import django
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from agreements.models import Agreement, Signatory
from cooperation import roles
from cooperation.lib.academic_years import (
    academic_year_bounds,
    academic_year_of,
    previous_academic_year,
    validate_academic_year,
)
from cooperation.lib.env import document_storage, email_settings, envbool, envint, envlist
from cooperation.lib.permissions import can_change, changeable_by
from cooperation.lib.text import fold
from cooperation.tests.factories import (
    AgreementFactory,
    ContactFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    SignatoryFactory,
    VisitFactory,
    make_user,
)
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Participant, Program
from partners.models import Institution

# Settings from the environment


def test_envbool_refuses_a_word_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("COOPERATION_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="COOPERATION_FLAG"):
        envbool("COOPERATION_FLAG", False)


@pytest.mark.parametrize(("raw", "value"), [("1", True), (" Yes ", True), ("ON", True), ("false", False), ("", False)])
def test_envbool_reads_the_usual_words(monkeypatch, raw, value):
    monkeypatch.setenv("COOPERATION_FLAG", raw)
    assert envbool("COOPERATION_FLAG", not value) is value


def test_envbool_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("COOPERATION_FLAG", raising=False)
    assert envbool("COOPERATION_FLAG", True) is True


def test_envint_refuses_a_word(monkeypatch):
    monkeypatch.setenv("COOPERATION_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="COOPERATION_NUMBER"):
        envint("COOPERATION_NUMBER", 5)


def test_envint_reads_a_number_and_falls_back_when_empty(monkeypatch):
    monkeypatch.setenv("COOPERATION_NUMBER", "10")
    assert envint("COOPERATION_NUMBER", 5) == 10
    monkeypatch.setenv("COOPERATION_NUMBER", " ")
    assert envint("COOPERATION_NUMBER", 5) == 5
    monkeypatch.delenv("COOPERATION_NUMBER")
    assert envint("COOPERATION_NUMBER", 5) == 5


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("COOPERATION_HOSTS", " portal.example , ,localhost,")
    assert envlist("COOPERATION_HOSTS", []) == ["portal.example", "localhost"]


def test_email_settings_for_plain_smtp():
    assert email_settings("smtp://u:p@host:1025") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "host",
        "EMAIL_PORT": 1025,
        "EMAIL_HOST_USER": "u",
        "EMAIL_HOST_PASSWORD": "p",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": False,
    }


def test_email_settings_for_smtp_over_ssl_on_its_default_port():
    config = email_settings("smtps://mailer%40university.example:s3cr%2Ft@mail.university.example")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer@university.example", "s3cr/t")


def test_email_settings_for_starttls():
    config = email_settings("smtp://mail.university.example:587?tls=true")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (587, True, False)
    assert email_settings("smtp://mail.university.example")["EMAIL_PORT"] == 25


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
        ("dummy://", "django.core.mail.backends.dummy.EmailBackend"),
        (None, "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_email_settings_for_development_back_ends(url, backend):
    assert email_settings(url) == {"EMAIL_BACKEND": backend}


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://mail.university.example", "not supported"),
        ("smtp://", "names no host"),
        ("smtp://u:p@:25", "names no host"),
        ("smtp://mail.university.example:smtp", "malformed port"),
    ],
)
def test_email_settings_refuse_a_url_they_cannot_use(url, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        email_settings(url)


def test_documents_stay_in_the_folder_media_root_by_default():
    assert document_storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_documents_go_to_any_s3_compatible_bucket():
    config = document_storage(
        "s3://AKIA%2Bkey:s3cr%2Ft@cooperation-documents/portal/docs?endpoint=https://s3.university.example:9000"
        "&region=kz-1&addressing=path"
    )
    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "cooperation-documents",
            "location": "portal/docs",
            "querystring_auth": True,
            "file_overwrite": False,
            "access_key": "AKIA+key",
            "secret_key": "s3cr/t",
            "endpoint_url": "https://s3.university.example:9000",
            "region_name": "kz-1",
            "addressing_style": "path",
        },
    }
    # Without keys in the URL, boto3 finds its own (its environment variables, a machine role).
    assert "access_key" not in document_storage("s3://cooperation-documents")["OPTIONS"]


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("/var/lib/cooperation/documents", "scheme '' is not supported"),
        ("minio://documents", "scheme 'minio' is not supported"),
        ("s3:///portal", "names no bucket"),
        ("s3://key@documents", "access key without its secret"),
        ("s3://documents?endpont=https://s3.example", "unknown parameter 'endpont'"),
        ("s3://documents?region=", "gives 'region' no value"),
        ("s3://documents?region=a&region=b", "more than one"),
        ("s3://documents?addressing=dns", "addressing is path or virtual"),
        ("s3://documents?endpoint=s3.example:9000", "is not an http"),
    ],
)
def test_document_storage_refuses_a_url_it_cannot_use(url, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        document_storage(url)


# Academic years


@pytest.mark.parametrize("year", ["2025-2026", "2025/2027", "2026/2025", "25/26", "2025/26", "", None])
def test_it_refuses_what_is_not_an_academic_year(year):
    with pytest.raises(ValidationError):
        validate_academic_year(year)


def test_it_accepts_an_academic_year():
    validate_academic_year("2025/2026")


def test_the_academic_year_turns_on_1_september():
    assert academic_year_of(datetime.date(2026, 8, 31)) == "2025/2026"
    assert academic_year_of(datetime.date(2026, 9, 1)) == "2026/2027"
    assert academic_year_of(datetime.date(2027, 1, 1)) == "2026/2027"


def test_the_bounds_of_an_academic_year():
    assert academic_year_bounds("2025/2026") == (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))
    with pytest.raises(ValidationError):
        academic_year_bounds("2025-2026")


def test_the_previous_academic_year():
    assert previous_academic_year("2025/2026") == "2024/2025"


# Folding text for search


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hacettepe Üniversitesi", "hacettepe universitesi"),
        ("İstanbul Teknik Üniversitesi", "istanbul teknik universitesi"),
        ("Işık Üniversitesi", "isik universitesi"),
        ("ӘҒҚҢӨҰҮҺІ", "агкноуухи"),
        ("әғқңөұүһі", "агкноуухи"),
        ("Қазақ ұлттық университеті", "казак улттык университети"),
        ("Ёлка", "елка"),
        ("  Urumqi \t Vocational\nUniversity ", "urumqi vocational university"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_leaves_chinese_as_it_is():
    assert fold("乌鲁木齐职业大学") == "乌鲁木齐职业大学"


# Who may change what


@pytest.fixture
def records(faculty, other_faculty):
    """One record of each kind for the coordinator's faculty ("ours") and another ("theirs")."""

    def owned_by(unit):
        agreement = AgreementFactory(responsible_unit=unit)
        visit = VisitFactory(host_unit=unit)
        program = ProgramFactory(unit=unit)
        return {
            "agreement": agreement,
            "signatory": SignatoryFactory(party__agreement=agreement),
            "visit": visit,
            "action": FollowUpActionFactory(visit=visit),
            "program": program,
            "participant": ParticipantFactory(program=program),
        }

    return {"ours": owned_by(faculty), "theirs": owned_by(other_faculty)}


RECORD_KINDS = ["agreement", "signatory", "visit", "action", "program", "participant"]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_the_office_may_change_anything(records, office_user, kind):
    assert can_change(office_user, records["ours"][kind])
    assert can_change(office_user, records["theirs"][kind])


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_a_coordinator_may_change_only_their_units_records(records, coordinator, kind):
    assert can_change(coordinator, records["ours"][kind])
    assert not can_change(coordinator, records["theirs"][kind])


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_the_rectors_office_and_an_outsider_may_change_nothing(records, rector, outsider, kind):
    for user in (rector, outsider, AnonymousUser()):
        assert not can_change(user, records["ours"][kind])


def test_a_coordinator_may_change_any_partner(coordinator, other_coordinator):
    institution = InstitutionFactory()
    contact = ContactFactory(institution=institution)
    for user in (coordinator, other_coordinator):
        assert can_change(user, institution)
        assert can_change(user, contact)


def test_the_rectors_office_may_not_change_a_partner(rector, outsider):
    institution = InstitutionFactory()
    assert not can_change(rector, institution)
    assert not can_change(outsider, institution)


def test_a_coordinator_may_start_a_record_before_choosing_its_unit(coordinator, other_faculty):
    assert can_change(coordinator, Agreement(title="New memorandum"))
    assert not can_change(coordinator, Agreement(title="New memorandum", responsible_unit=other_faculty))


def test_a_coordinator_without_a_unit_may_change_no_units_record(records, db):
    lost = make_user("coordinator-without-unit", roles.COORDINATOR, unit=None)
    assert not can_change(lost, records["ours"]["agreement"])
    assert can_change(lost, InstitutionFactory())


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        (Agreement, "agreement"),
        (Signatory, "signatory"),
        (Visit, "visit"),
        (FollowUpAction, "action"),
        (Program, "program"),
        (Participant, "participant"),
    ],
)
def test_changeable_by_narrows_a_list_to_what_the_user_may_change(
    records, office_user, coordinator, rector, outsider, model, kind
):
    everything = model.objects.all()
    assert set(changeable_by(office_user, everything)) == {records["ours"][kind], records["theirs"][kind]}
    assert set(changeable_by(coordinator, everything)) == {records["ours"][kind]}
    assert not changeable_by(rector, everything).exists()
    assert not changeable_by(outsider, everything).exists()
    assert not changeable_by(AnonymousUser(), everything).exists()


def test_changeable_by_leaves_partners_to_every_coordinator(coordinator, rector):
    InstitutionFactory()
    InstitutionFactory()
    assert changeable_by(coordinator, Institution.objects.all()).count() == 2
    assert changeable_by(rector, Institution.objects.all()).count() == 0


# Kazakh falls back to Russian

# A message Django's Kazakh catalogue does not translate and its Russian one does (nor does any
# other installed Kazakh catalogue: DRF's translates "Enter a valid email address.").
MISSING_IN_KAZAKH = "Enter a valid duration."
DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"


def test_the_sample_message_is_really_missing_from_djangos_kazakh_catalogue():
    kazakh = gettext_module.translation("django", localedir=DJANGO_LOCALE, languages=["kk"])
    assert kazakh.gettext(MISSING_IN_KAZAKH) == MISSING_IN_KAZAKH


def test_a_message_missing_in_kazakh_comes_out_in_russian():
    with translation.override("ru"):
        russian = gettext(MISSING_IN_KAZAKH)
    assert russian != MISSING_IN_KAZAKH
    with translation.override("kk"):
        assert gettext(MISSING_IN_KAZAKH) == russian


def test_a_message_kazakh_has_stays_kazakh():
    with translation.override("kk"):
        assert gettext("Save") == "Сақтау"


def test_english_does_not_fall_back_to_russian():
    with translation.override("en"):
        assert gettext(MISSING_IN_KAZAKH) == MISSING_IN_KAZAKH


# Kazakh formats


def test_a_date_in_kazakh():
    with translation.override("kk"):
        text = date_format(datetime.date(2026, 11, 25))
        short = date_format(datetime.date(2026, 11, 25), "SHORT_DATE_FORMAT")
    assert "2026" in text and "25" in text
    # Inside a date Kazakh writes the month in lower case.
    assert text == "2026 жылғы 25 қараша"
    assert short == "25.11.2026"


def test_a_number_in_kazakh():
    with translation.override("kk"):
        assert number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"


@pytest.mark.parametrize(
    "text, expected",
    [("42", 42), ("0", 0), ("¹", None), ("١٢", None), ("-1", None), ("1e3", None), ("", None), (str(2**63), None)],
)
def test_a_record_id_is_ascii_digits_a_bigint_holds(text, expected):
    from cooperation.lib.text import record_id

    assert record_id(text) == expected


def test_lib_imports_no_apps_models():
    """cooperation/lib/ serves every app, so it may import none of them (ARCHITECTURE.md)."""
    import ast

    lib = Path(__file__).resolve().parents[1] / "lib"
    apps = ("partners", "agreements", "mobility", "cooperation.")
    found = []
    for module in sorted(lib.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [
                f"{module.name}: {name}"
                for name in names
                if name.startswith(apps) and not name.startswith(("cooperation.lib", "cooperation.roles"))
            ]
    assert found == []
