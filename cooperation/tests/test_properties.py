"""Property-based tests (hypothesis): whatever the office types into the main entry pages —
arbitrary text in any script, impossible dates, huge, negative or malformed numbers, choices
that do not exist, tampered row counts — the portal never answers 500, and a refused form
writes nothing at all (every table of the portal, audit history included, keeps its row count).

The fields are read from the page itself (its rendered <form>), so a field added to a form is
exercised without changing this file.
"""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.tests.factories import (
    AgreementFactory,
    ContactFactory,
    InstitutionFactory,
    ProgramFactory,
    UnitFactory,
    VisitFactory,
)

DOMAIN_APPS = ("partners", "agreements", "mobility", "cooperation")

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, date, number, email, url...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: list[str] = field(default_factory=list)


class FormReader(HTMLParser):
    """The fields of every <form> on a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
            }
            self.forms.append(self.form)
            return
        if self.form is None or (tag in ("input", "select", "textarea") and not attrs.get("name")):
            return
        fields = self.form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            name, value = attrs["name"], attrs.get("value", "")
            if kind in ("checkbox", "radio"):
                entry = fields.setdefault(name, Field(name, kind, multiple=kind == "checkbox"))
                entry.options.append(value or "on")
                if "checked" in attrs:
                    entry.checked.append(value or "on")
            else:
                fields[name] = Field(name, kind, value)
        elif tag == "select":
            self.select = fields[attrs["name"]] = Field(attrs["name"], "select", multiple="multiple" in attrs)
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select.options.append(value)
            if "selected" in attrs:
                self.select.checked.append(value)
        elif tag == "textarea":
            fields[attrs["name"]] = Field(attrs["name"], "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def entry_form(client, url: str) -> dict[str, Field]:
    """The page's entry form: the POST form with the most fields (not the language switcher)."""
    response = client.get(url)
    assert response.status_code == 200, url
    reader = FormReader()
    reader.feed(response.content.decode())
    forms = [form for form in reader.forms if form["method"] == "post" and form["action"] in ("", url)]
    fields = max(forms, key=lambda form: len(form["fields"]))["fields"]
    # The "add a row" template (static/js/formset.js copies it) is not sent by a browser.
    return {name: entry for name, entry in fields.items() if "__prefix__" not in name}


# What a careless, hurried or hostile user might type into any box.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "2147483648",
        "99999999999999999999",
        "1e309",
        "NaN",
        "-Infinity",
        "0.0000001",
        "2025-02-30",
        "0000-00-00",
        "9999-12-31",
        "31.12.2025",
        "١٢٣",  # Arabic-Indic digits
        "\x00",
        "a\x00b",
        "<script>alert(1)</script>",
        "'; DROP TABLE partners_institution; --",
        '=HYPERLINK("http://x")',
        "Gazi Üniversitesi",
        "Университет Гази",
        "乌鲁木齐职业大学",
        "Әл-Фараби атындағы ҚазҰУ",
        "https://",
        "javascript:alert(1)",
        "x" * 5000,
    ]
)
ANY_TEXT = st.text(max_size=120)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
    lambda day: day.isoformat()
)
GARBAGE = st.one_of(NASTY, ANY_TEXT, NUMBERS, DATES)


def value_for(entry: Field, ids: list[str]):
    """A strategy for what is sent for one field (None: the field is left out)."""
    if entry.kind in ("checkbox", "radio") or entry.kind == "select" and entry.multiple:
        subsets = st.lists(st.sampled_from(entry.options or [""]), max_size=3, unique=True)
        return st.one_of(st.just(entry.checked), subsets, st.lists(GARBAGE, max_size=2))
    if entry.name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
        # Mostly left alone, so that the rows are validated; sometimes tampered with. (Not with
        # a huge count: Django then builds up to 1000 extra rows, which is slow but not wrong.)
        tampered = st.sampled_from(["", "-1", "abc", "1e3", "5", "\x00"])
        return st.one_of(st.just(entry.value), st.just(entry.value), st.just(entry.value), tampered, st.none())
    choices = [st.just(entry.value), GARBAGE, st.none()]
    if entry.kind == "select":
        choices.append(st.sampled_from(entry.options or [""]))
        choices.append(st.sampled_from(ids))  # ids of records that exist (the autocomplete fields)
    if entry.kind == "date":
        choices.append(DATES)
    return st.one_of(*choices)


def submissions(fields: dict[str, Field], ids: list[str]):
    strategies = {name: value_for(entry, ids) for name, entry in fields.items()}
    return st.fixed_dictionaries(strategies).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


def row_counts() -> dict[str, int]:
    """Every table of the portal, its audit history included."""
    return {
        model._meta.label: model._base_manager.count()
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
    }


def assert_no_500_and_nothing_half_written(client, url: str, data: dict) -> None:
    before = row_counts()
    response = client.post(url, data)  # an exception in the view fails the test as well
    assert response.status_code in (200, 302), (response.status_code, data)
    if response.status_code == 200:
        # Refused (the form is shown again with its errors): not one row more or less.
        assert row_counts() == before, data


@pytest.fixture
def world(db, office_user, client):
    """A few records the choices can point at, and the office logged in."""
    unit = UnitFactory(name="Faculty of Engineering")
    institution = InstitutionFactory(name="Gazi University", erasmus_code="TR ANKARA02", pic="999111222")
    contact = ContactFactory(institution=institution)
    agreement = AgreementFactory(responsible_unit=unit)
    program = ProgramFactory(unit=unit)
    visit = VisitFactory(host_unit=unit)
    client.force_login(office_user)
    ids = [str(obj.pk) for obj in (unit, institution, contact, agreement, program, visit)] + ["0", "-1", "999999"]
    return {"institution": institution, "agreement": agreement, "visit": visit, "program": program, "ids": ids}


def fuzz_page(client, url: str, ids: list[str]) -> None:
    fields = entry_form(client, url)

    @FUZZ
    @given(data=submissions(fields, ids))
    def check(data):
        assert_no_500_and_nothing_half_written(client, url, data)

    check()


def test_the_partner_page_survives_anything(client, world):
    fuzz_page(client, reverse("partners:institution-create"), world["ids"])


def test_the_partner_edit_page_survives_anything(client, world):
    fuzz_page(client, reverse("partners:institution-edit", args=[world["institution"].pk]), world["ids"])


def test_the_contact_page_survives_anything(client, world):
    fuzz_page(client, reverse("partners:contact-create", args=[world["institution"].pk]), world["ids"])


def test_the_agreement_page_survives_anything(client, world):
    fuzz_page(client, reverse("agreements:agreement-create"), world["ids"])


def test_the_agreement_edit_page_survives_anything(client, world):
    fuzz_page(client, reverse("agreements:agreement-edit", args=[world["agreement"].pk]), world["ids"])


def test_the_visit_page_survives_anything(client, world):
    fuzz_page(client, reverse("cooperation:visit-create"), world["ids"])


def test_the_visit_edit_page_survives_anything(client, world):
    fuzz_page(client, reverse("cooperation:visit-edit", args=[world["visit"].pk]), world["ids"])


def test_the_program_page_survives_anything(client, world):
    fuzz_page(client, reverse("mobility:program-create"), world["ids"])


def test_the_program_edit_page_survives_anything(client, world):
    fuzz_page(client, reverse("mobility:program-edit", args=[world["program"].pk]), world["ids"])


def test_the_form_reader_sees_the_fields_a_browser_sends(client, world):
    """The property tests are only as good as the fields they find."""
    fields = entry_form(client, reverse("agreements:agreement-create"))

    assert {"title", "kind", "responsible_unit", "expires_on"} <= set(fields)
    assert any(name.endswith("-TOTAL_FORMS") for name in fields)
    assert fields["responsible_unit"].options  # a plain select: its choices are read


@pytest.mark.parametrize("name", ["participants-0-contact", "participants-0-user"])
def test_an_impossible_id_in_a_row_is_refused_not_a_500(client, world, name):
    """Found by the visit page's property test: an id too big for the database's integer."""
    url = reverse("cooperation:visit-create")
    data = {"participants-TOTAL_FORMS": "1", "participants-INITIAL_FORMS": "0", name: "99999999999999999999"}

    assert_no_500_and_nothing_half_written(client, url, data)
