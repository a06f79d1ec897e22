"""The partner page and the contact page submitted as a browser submits them: saving them
untouched changes nothing, changing one field of one row changes only that row, a name variant is
added only from a filled empty row and removed only when its Remove box is ticked."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state, history_tables, record_changes
from cooperation.tests.entry_pages import (
    assert_one_change,
    assert_untouched_save_changes_nothing,
    check_any_single_change,
    save,
)
from cooperation.tests.factories import ContactFactory, InstitutionFactory, InstitutionNameFactory
from partners.models import Contact, Institution, InstitutionName, Tag

VARIANTS = [
    ("Синьцзянский университет", "ru", InstitutionName.Kind.TRANSLATION),
    ("Шыңжаң университеті", "kk", InstitutionName.Kind.TRANSLATION),
    ("新疆大学", "zh", InstitutionName.Kind.TRANSLATION),
    ("XJU", "", InstitutionName.Kind.ACRONYM),
]


@pytest.fixture
def partner(db):
    """A partner with everything its page shows: names in three scripts, tags, a parent,
    identifiers, a place on the map and notes with line breaks."""
    Tag.objects.create(name="Silk Road")  # offered, not chosen
    parent = InstitutionFactory(name="Xinjiang Education Department", country="CN", city="Urumqi")
    partner = InstitutionFactory(
        name="Xinjiang University",
        short_name="XJU",
        country="CN",
        city="Urumqi",
        parent=parent,
        status=Institution.Status.ACTIVE,
        website="https://www.xju.edu.cn/",
        erasmus_code="",
        pic="999123456",
        schac_id="xju.edu.cn",
        is_public=True,
        latitude=Decimal("43.768900"),
        longitude=Decimal("87.616700"),
        notes="Met at the 2024 rectors' forum.\n\nPrefers letters in Russian.",
    )
    partner.tags.set([Tag.objects.create(name="Double degree"), Tag.objects.create(name="Priority")])
    for name, language, kind in VARIANTS:
        InstitutionNameFactory(institution=partner, name=name, language=language, kind=kind)
    return partner


@pytest.fixture
def contact(partner):
    return ContactFactory(
        institution=partner,
        honorific="Professor",
        full_name="Xia Jianhui",
        native_name="夏建辉",
        position="Vice-rector for international affairs",
        email="xia.jianhui@xju.edu.cn",
        phone="+86 991 858 2000",
        languages="zh, ru, en",
        is_active=True,
        notes="Speaks Russian.\r\nAsk for Ms. Li, her assistant, first.\r\n",
    )


def partner_url(partner):
    return reverse("partners:institution-edit", args=[partner.pk])


def contact_url(contact):
    return reverse("partners:contact-edit", args=[contact.institution_id, contact.pk])


# --- the partner page -------------------------------------------------------------------------


def test_the_partner_page_renders_what_is_stored(client, office_user, partner):
    client.force_login(office_user)
    form = RenderedForm.get(client, partner_url(partner))

    assert form["parent"] == str(partner.parent_id)
    assert sorted(form["tags"]) == sorted(str(pk) for pk in partner.tags.values_list("pk", flat=True))
    assert form["notes"].replace("\r\n", "\n") == partner.notes.replace("\r\n", "\n")
    assert form["names-INITIAL_FORMS"] == str(len(VARIANTS))
    shown = {form[f"names-{index}-name"] for index in range(len(VARIANTS))}
    assert shown == {name for name, _language, _kind in VARIANTS}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_an_untouched_save_of_the_partner_changes_nothing(client, office_user, partner, newline):
    # Notes stored with LF (entered in the admin, imported) or with CRLF (as a browser sent them).
    stored_notes = newline.join(["Met at the 2024 rectors' forum.", "", "Prefers letters in Russian.", ""])
    Institution.objects.filter(pk=partner.pk).update(notes=stored_notes)
    client.force_login(office_user)

    assert_untouched_save_changes_nothing(client, partner_url(partner))

    partner.refresh_from_db()
    assert partner.notes == stored_notes  # its own line breaks, to the letter


def test_changing_one_name_variant_changes_only_that_variant(client, office_user, partner):
    client.force_login(office_user)
    url = partner_url(partner)
    kazakh = partner.names.get(language="kk")
    index = RenderedForm.get(client, url).row_index("names", kazakh.pk)

    assert_one_change(
        client,
        url,
        f"names-{index}-name",
        "Шыңжаң мемлекеттік университеті",
        table="partners.InstitutionName",
        pk=kazakh.pk,
        fields={"name"},
    )

    partner.refresh_from_db()
    assert list(Institution.objects.search("шыңжаң мемлекеттік")) == [partner]


def test_changing_the_partners_notes_changes_only_the_notes(client, office_user, partner):
    client.force_login(office_user)

    assert_one_change(
        client,
        partner_url(partner),
        "notes",
        "Met at the 2024 rectors' forum.\nPrefers letters in Kazakh.",
        table="partners.Institution",
        pk=partner.pk,
        fields={"notes"},
    )

    partner.refresh_from_db()
    assert partner.notes.splitlines() == ["Met at the 2024 rectors' forum.", "Prefers letters in Kazakh."]


def test_choosing_another_parent_changes_only_the_parent(client, office_user, partner):
    other = InstitutionFactory(name="Chinese Academy of Sciences", country="CN")
    client.force_login(office_user)

    # The autocomplete offers any current partner: the script puts the chosen one's id in the select.
    assert_one_change(
        client,
        partner_url(partner),
        "parent",
        other.pk,
        table="partners.Institution",
        pk=partner.pk,
        fields={"parent_id"},
    )


def test_a_name_variant_is_added_only_from_a_filled_empty_row(client, office_user, partner):
    client.force_login(office_user)
    url = partner_url(partner)
    form = RenderedForm.get(client, url)
    empty = int(form["names-INITIAL_FORMS"])
    assert int(form["names-TOTAL_FORMS"]) > empty, "the page renders empty rows to fill"
    assert form[f"names-{empty}-name"] == ""
    form[f"names-{empty}-name"] = "Синьцзян университеті"
    form[f"names-{empty}-language"] = "kk"
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    [added] = [change for change in record_changes(changes) if change.table == "partners.InstitutionName"]
    assert added.kind == "added"
    variant = InstitutionName.objects.get(pk=added.pk)
    assert (variant.institution, variant.name, variant.language, variant.kind) == (
        partner,
        "Синьцзян университеті",
        "kk",
        InstitutionName.Kind.TRANSLATION,
    )
    # Besides the new row, only the partner's search text and name keys take its name; no other
    # row is touched.
    others = [change for change in record_changes(changes) if change is not added]
    assert [(change.table, change.pk, change.fields) for change in others] == [
        ("partners.Institution", partner.pk, ("search_text", "name_keys"))
    ]
    assert [(change.table, change.kind) for change in history_tables(changes)] == [
        ("partners.HistoricalInstitutionName", "added")
    ]
    assert partner.names.count() == len(VARIANTS) + 1


def test_a_filled_empty_row_with_its_remove_box_ticked_adds_nothing(client, office_user, partner):
    client.force_login(office_user)
    form = RenderedForm.get(client, partner_url(partner))
    empty = int(form["names-INITIAL_FORMS"])
    form[f"names-{empty}-name"] = "Синьцзян университеті"
    form.check(f"names-{empty}-DELETE")
    before = database_state()

    save(client, form)

    assert changes_between(before, database_state()) == []


def test_a_name_variant_is_removed_only_when_its_remove_box_is_ticked(client, office_user, partner):
    client.force_login(office_user)
    url = partner_url(partner)
    chinese = partner.names.get(language="zh")
    form = RenderedForm.get(client, url)
    index = form.row_index("names", chinese.pk)
    assert form[f"names-{index}-DELETE"] == [], "no Remove box is ticked on a page as rendered"
    form.check(f"names-{index}-DELETE")
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    removed = [change for change in record_changes(changes) if change.table == "partners.InstitutionName"]
    assert [(change.pk, change.kind) for change in removed] == [(chinese.pk, "removed")]
    assert set(partner.names.values_list("name", flat=True)) == {
        name for name, _language, _kind in VARIANTS if name != "新疆大学"
    }
    assert list(Institution.objects.search("新疆大学")) == []


def test_any_single_change_to_the_partner_changes_one_thing(client, office_user, partner):
    client.force_login(office_user)
    # The parent is an autocomplete (any id goes): tested on its own above.
    check_any_single_change(client, partner_url(partner), leave_out=re.compile(r"^parent$"))


# --- the contact page -------------------------------------------------------------------------


def test_an_untouched_save_of_the_contact_changes_nothing(client, office_user, contact):
    client.force_login(office_user)
    stored_notes = contact.notes

    form = assert_untouched_save_changes_nothing(client, contact_url(contact))

    assert form["is_active"] == ["on"]
    contact.refresh_from_db()
    assert contact.notes == stored_notes


def test_changing_the_contacts_languages_changes_only_that(client, office_user, contact):
    client.force_login(office_user)

    assert_one_change(
        client,
        contact_url(contact),
        "languages",
        "zh, ru",
        table="partners.Contact",
        pk=contact.pk,
        fields={"languages"},
    )


def test_unticking_still_at_the_institution_changes_only_that(client, office_user, contact):
    client.force_login(office_user)

    assert_one_change(
        client, contact_url(contact), "is_active", None, table="partners.Contact", pk=contact.pk, fields={"is_active"}
    )
    assert Contact.objects.get(pk=contact.pk).is_active is False


def test_any_single_change_to_the_contact_changes_one_thing(client, office_user, contact):
    client.force_login(office_user)
    check_any_single_change(client, contact_url(contact))


# --- one-line fields imported with a line break ----------------------------------------------


def test_one_line_fields_imported_with_line_breaks_are_kept_on_an_untouched_save(client, office_user, partner):
    # An Excel cell wrapped with Alt+Enter keeps its line break through the import; a browser
    # sends a text box's value without it ("Vice-rectorfor ..."), which is no change by the user.
    contact = ContactFactory(
        institution=partner, full_name="Xia Jianhui", position="Vice-rector\nfor international affairs"
    )
    variant = InstitutionNameFactory(
        institution=partner, name="Xinjiang\r\nDaxue", language="zh", kind="transliteration"
    )
    client.force_login(office_user)

    assert_untouched_save_changes_nothing(client, contact_url(contact))
    assert_untouched_save_changes_nothing(client, partner_url(partner))

    assert Contact.objects.get(pk=contact.pk).position == "Vice-rector\nfor international affairs"
    assert InstitutionName.objects.get(pk=variant.pk).name == "Xinjiang\r\nDaxue"


def test_a_line_break_imported_into_a_one_line_field_stays_when_another_field_changes(client, office_user, partner):
    contact = ContactFactory(
        institution=partner, full_name="Xia Jianhui", position="Vice-rector\nfor international affairs"
    )
    client.force_login(office_user)

    assert_one_change(
        client,
        contact_url(contact),
        "phone",
        "+86 991 858 2001",
        table="partners.Contact",
        pk=contact.pk,
        fields={"phone"},
    )

    assert Contact.objects.get(pk=contact.pk).position == "Vice-rector\nfor international affairs"
