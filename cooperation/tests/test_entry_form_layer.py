"""The entry forms' shared layer (cooperation/lib/forms.py) asserted on small forms of its own,
without a page: what a field counts as changed, what a save writes, how each row's controls are
named and how each error is tied to its control. The pages themselves are asserted in
agreements/tests/test_entry_form_rows.py and the entry pages' round-trip tests; these run in
milliseconds, so the mutation run (mutation/entry_form_rows.toml) runs them first."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from agreements.models import AreaOfCooperation
from cooperation.lib.forms import (
    DateInput,
    EntryFormMixin,
    FormError,
    RowFormMixin,
    error_summary,
    https_formfield,
)
from cooperation.tests.factories import UnitFactory, VisitFactory
from cooperation.visits.models import Visit
from partners.models import Unit

# -- web addresses and dates ---------------------------------------------------------------------


def test_a_web_address_typed_without_a_scheme_is_https():
    field = https_formfield(models.URLField(blank=True))

    assert field.clean("gazi.edu.tr") == "https://gazi.edu.tr"
    assert field.clean("http://gazi.edu.tr") == "http://gazi.edu.tr"


def test_a_field_that_is_not_a_web_address_is_made_as_django_makes_it():
    field = https_formfield(models.CharField(max_length=20, blank=True), label="City")

    assert type(field) is forms.CharField
    assert (field.label, field.max_length) == ("City", 20)


def test_a_date_box_is_the_browsers_date_picker_given_the_iso_date_in_every_language():
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            html = DateInput().render("signed_on", datetime.date(2024, 1, 16))
        assert 'type="date"' in html
        assert 'value="2024-01-16"' in html, language


def test_a_date_box_keeps_the_attributes_it_is_given():
    html = DateInput(attrs={"class": "form-control", "min": "2020-01-01"}).render("signed_on", None)

    assert 'class="form-control"' in html
    assert 'min="2020-01-01"' in html


# -- what counts as changed, and what is kept ----------------------------------------------------


class NoteForm(EntryFormMixin, forms.Form):
    title = forms.CharField(required=False)  # a one-line box
    notes = forms.CharField(required=False, widget=forms.Textarea)
    code = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.URLField(required=False, assume_scheme="https")
    key = forms.UUIDField(required=False)  # a text box whose value its field may fail to read
    nickname = forms.CharField(required=False, empty_value=None)  # blank is NULL, not ""
    places = forms.IntegerField(required=False)
    level = forms.TypedChoiceField(required=False, coerce=int, choices=[(6, "6"), (7, "7")])
    locked = forms.CharField(required=False, disabled=True)


STORED = {
    "title": "Gazi\r\nUniversity",  # an Excel cell wrapped with Alt+Enter, kept through an import
    "notes": "Signed in Ankara.\nOriginal kept.",
    "code": "TR ANKARA01",
    "website": "https://gazi.edu.tr",
    "key": "6f1a3c52-8e0d-4f6b-9a57-1d2e3f405162",
    "nickname": None,
    "places": 4,
    "level": "6",
    "locked": "kept",
}


def as_rendered(**changes):
    """What a browser sends back for STORED, with `changes`: a one-line box's value without its
    line breaks, a textarea's with CRLF."""
    data = {
        "title": "GaziUniversity",
        "notes": "Signed in Ankara.\r\nOriginal kept.",
        "code": "TR ANKARA01",
        "website": "https://gazi.edu.tr",
        "key": "6f1a3c52-8e0d-4f6b-9a57-1d2e3f405162",
        "nickname": "",
        "places": "4",
        "level": "6",
        "locked": "sent anyway",
    }
    return {**data, **changes}


def test_a_page_saved_as_it_was_rendered_changes_no_field():
    form = NoteForm(as_rendered(), initial=STORED)

    assert form.is_valid(), form.errors
    assert form.changed_data == []
    assert not form.has_changed()


def test_a_text_the_user_did_not_change_keeps_its_stored_value_to_the_letter():
    form = NoteForm(as_rendered(places="5"), initial=STORED)

    assert form.is_valid(), form.errors
    assert form.changed_data == ["places"]
    assert form.cleaned_data["title"] == "Gazi\r\nUniversity"
    assert form.cleaned_data["notes"] == "Signed in Ankara.\nOriginal kept."


def test_a_lone_carriage_return_is_a_line_break_like_crlf():
    form = NoteForm(as_rendered(notes="one\r\ntwo"), initial={**STORED, "notes": "one\rtwo"})

    assert form.is_valid(), form.errors
    assert "notes" not in form.changed_data
    assert form.cleaned_data["notes"] == "one\rtwo"


def test_a_text_with_spaces_around_it_is_kept_as_stored_not_stripped():
    form = NoteForm(as_rendered(title=" Gazi "), initial={**STORED, "title": " Gazi "})

    assert form.is_valid(), form.errors
    assert "title" not in form.changed_data
    assert form.cleaned_data["title"] == " Gazi "


def test_a_changed_text_is_changed_and_saved_as_typed_cleaned():
    form = NoteForm(as_rendered(title=" Gazi Üniversitesi ", notes="New\r\nnotes"), initial=STORED)

    assert form.is_valid(), form.errors
    assert form.changed_data == ["title", "notes"]
    assert form.cleaned_data["title"] == "Gazi Üniversitesi"
    assert form.cleaned_data["notes"] == "New\r\nnotes"


def test_a_hidden_input_sends_its_value_as_it_is_so_a_lost_line_break_is_a_change():
    form = NoteForm(as_rendered(code="TR ANKARA01"), initial={**STORED, "code": "TR\nANKARA01"})

    assert form.is_valid(), form.errors
    assert form.changed_data == ["code"]
    assert form.cleaned_data["code"] == "TR ANKARA01"


def test_a_text_first_given_on_this_save_is_a_change():
    form = NoteForm(as_rendered(title="Gazi"), initial={key: value for key, value in STORED.items() if key != "title"})

    assert form.is_valid(), form.errors
    assert form.changed_data == ["title"]
    assert form.cleaned_data["title"] == "Gazi"


def test_a_value_its_field_cannot_read_counts_as_changed():
    form = NoteForm(as_rendered(key="6f1a3c52"), initial=STORED)

    assert "key" in form.changed_data
    assert not form.is_valid()
    assert "key" in form.errors


def test_a_field_that_is_not_text_is_changed_only_when_its_value_is():
    assert "places" not in NoteForm(as_rendered(places="4"), initial=STORED).changed_data
    assert "places" in NoteForm(as_rendered(places="5"), initial=STORED).changed_data
    assert "places" in NoteForm(as_rendered(places=""), initial=STORED).changed_data


def test_an_unchanged_choice_is_still_cleaned_by_its_field_not_replaced_by_the_stored_text():
    form = NoteForm(as_rendered(), initial=STORED)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["level"] == 6


def test_a_disabled_field_is_never_changed():
    form = NoteForm(as_rendered(), initial=STORED)

    assert "locked" not in form.changed_data
    assert form.is_valid(), form.errors
    assert form.cleaned_data["locked"] == "kept"


# -- saving ---------------------------------------------------------------------------------------


class VisitNotesForm(EntryFormMixin, forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["topics", "notes", "areas"]


def visit_data(visit, **changes):
    return {"topics": visit.topics, "notes": visit.notes, "areas": [area.pk for area in visit.areas.all()], **changes}


@pytest.mark.django_db
def test_a_new_record_is_saved_with_who_entered_it_and_its_many_to_many_choices(office_user):
    area = AreaOfCooperation.objects.create(code="h5-research", name="Research")
    form = VisitNotesForm({"topics": "Joint degrees", "notes": "", "areas": [area.pk]}, instance=VisitFactory.build())
    form.instance.host_unit = UnitFactory()
    assert form.is_valid(), form.errors

    visit = form.save_record(user=office_user)

    entries = list(Visit.history.filter(id=visit.pk))
    assert [(entry.history_change_reason, entry.history_user) for entry in entries] == [("Entered", office_user)]
    assert list(Visit.objects.get(pk=visit.pk).areas.all()) == [area]


@pytest.mark.django_db
def test_an_edit_is_saved_with_who_edited_it(office_user):
    visit = VisitFactory(topics="Joint degrees")
    form = VisitNotesForm(visit_data(visit, topics="Joint degrees and summer schools"), instance=visit)
    assert form.is_valid(), form.errors

    form.save_record(user=office_user)

    latest = Visit.history.filter(id=visit.pk).latest("history_date")
    assert (latest.history_change_reason, latest.history_user) == ("Edited", office_user)
    assert Visit.objects.get(pk=visit.pk).topics == "Joint degrees and summer schools"


@pytest.mark.django_db
def test_a_save_with_no_change_writes_no_history_and_no_new_updated_at(office_user):
    visit = VisitFactory(topics="Joint degrees\nSummer schools")
    entries, updated_at = visit.history.count(), visit.updated_at
    form = VisitNotesForm(visit_data(visit, topics="Joint degrees\r\nSummer schools"), instance=visit)
    assert form.is_valid(), form.errors

    form.save_record(user=office_user)

    assert visit.history.count() == entries
    assert Visit.objects.get(pk=visit.pk).updated_at == updated_at


# -- choices no longer current --------------------------------------------------------------------


class UnitChoiceForm(EntryFormMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit", "units"):
            self.keep_current_choice(name, Unit.objects.filter(is_active=True))


@pytest.mark.django_db
@pytest.mark.parametrize("as_records", [False, True], ids=["ids", "records"])
def test_a_closed_unit_a_record_holds_is_still_offered_beside_the_active_ones(as_records):
    active, closed, other_closed = UnitFactory(), UnitFactory(is_active=False), UnitFactory(is_active=False)
    held = closed if as_records else closed.pk

    form = UnitChoiceForm(initial={"unit": held})

    assert set(form.fields["unit"].queryset) == {active, closed}
    assert other_closed not in form.fields["units"].queryset


@pytest.mark.django_db
@pytest.mark.parametrize("as_records", [False, True], ids=["ids", "records"])
def test_every_closed_unit_of_a_multiple_choice_is_still_offered(as_records):
    active, closed, other_closed = UnitFactory(), UnitFactory(is_active=False), UnitFactory(is_active=False)
    held = [closed, other_closed] if as_records else [closed.pk, other_closed.pk]

    form = UnitChoiceForm(initial={"units": held})

    assert set(form.fields["units"].queryset) == {active, closed, other_closed}
    assert set(form.fields["unit"].queryset) == {active}


@pytest.mark.django_db
def test_with_no_value_held_only_the_current_choices_are_offered():
    active, _closed = UnitFactory(), UnitFactory(is_active=False)

    form = UnitChoiceForm(initial={"unit": "", "units": []})

    assert list(form.fields["unit"].queryset) == [active]
    assert list(form.fields["units"].queryset) == [active]


# -- rows: classes and accessible names -----------------------------------------------------------

LEVELS = [("Studies", [(6, "Bachelor"), (7, "Master")]), (8, "Doctorate")]


class PlainRow(forms.Form):
    position = forms.CharField(label="Position", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], required=False)
    signed = forms.BooleanField(label="Signed", required=False)
    levels = forms.MultipleChoiceField(
        label="Levels",
        choices=LEVELS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    side = forms.ChoiceField(
        label="Side",
        choices=[("ours", "Ours"), ("theirs", "Theirs")],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class Row(RowFormMixin, PlainRow):
    pass


def test_a_row_takes_its_data_and_options_as_a_form_does():
    row = Row({"row-1-position": "Rector"}, prefix="row-1", initial={"position": "Dean"})

    assert row.is_bound
    assert row.is_valid(), row.errors
    assert row.cleaned_data["position"] == "Rector"
    assert row["position"].initial == "Dean"


def test_each_control_of_a_row_is_named_by_its_label_and_the_rows_number_as_people_count():
    assert Row(prefix="parties-0").fields["position"].widget.attrs["aria-label"] == "Position, row 1"
    assert Row(prefix="parties-11").fields["kind"].widget.attrs["aria-label"] == "Kind, row 12"


def test_the_blank_row_is_named_with_the_placeholder_formset_js_fills_in():
    assert Row(prefix="parties-__prefix__").fields["position"].widget.attrs["aria-label"] == "Position, row __row__"


def test_a_form_without_a_row_number_names_its_controls_by_their_label_alone():
    assert Row().fields["position"].widget.attrs["aria-label"] == "Position"


def test_each_kind_of_control_gets_its_bootstrap_class_unless_it_has_one():
    fields = Row(prefix="parties-0").fields

    assert fields["position"].widget.attrs["class"] == "form-control form-control-sm"
    assert fields["kind"].widget.attrs["class"] == "form-select form-select-sm"
    assert fields["signed"].widget.attrs["class"] == "form-check-input"

    class Styled(RowFormMixin, forms.Form):
        note = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace", "aria-label": "Note"}))

    attrs = Styled(prefix="parties-0").fields["note"].widget.attrs
    assert (attrs["class"], attrs["aria-label"]) == ("font-monospace", "Note")


def test_a_row_translates_its_controls_names():
    with translation.override("ru"):
        name = Row(prefix="parties-1").fields["position"].widget.attrs["aria-label"]

    assert name == "Position, строка 2"


def test_each_box_of_a_row_is_named_by_its_own_label_the_fields_and_the_rows():
    row = Row(prefix="quotas-1")

    names = [box.data["attrs"]["aria-label"] for box in row["levels"].subwidgets]
    assert names == ["Bachelor — Levels, row 2", "Master — Levels, row 2", "Doctorate — Levels, row 2"]
    assert [radio.data["attrs"]["aria-label"] for radio in row["side"].subwidgets] == [
        "Ours — Side, row 2",
        "Theirs — Side, row 2",
    ]
    assert "aria-label" not in row.fields["levels"].widget.attrs


@pytest.mark.parametrize("field", ["levels", "side"])
def test_naming_each_box_changes_nothing_else_about_it(field):
    """Its name, value, label, checked state and id (grouped choices included) are Django's."""
    data = {"quotas-0-levels": ["7"], "quotas-0-side": "theirs"}
    plain, row = PlainRow(data, prefix="quotas-0"), Row(data, prefix="quotas-0")

    plain_boxes, row_boxes = list(plain[field].subwidgets), list(row[field].subwidgets)

    assert len(row_boxes) == len(plain_boxes)
    for plain_box, row_box in zip(plain_boxes, row_boxes, strict=True):
        named = {**row_box.data, "attrs": {k: v for k, v in row_box.data["attrs"].items() if k != "aria-label"}}
        assert named == plain_box.data
    assert str(row[field]).count(" checked") == 1
    ids = [box.id_for_label for box in row_boxes]
    assert len(set(ids)) == len(ids) and all(ids)


# -- the error summary ----------------------------------------------------------------------------


class SignatoryRow(RowFormMixin, forms.Form):
    name = forms.CharField(label="Name", required=False)
    signed_on = forms.DateField(label="Signed on", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signed_on") and not cleaned.get("name"):
            self.add_error("name", "Name the person who signed.")
        if cleaned.get("name") == "Nobody":
            raise ValidationError("Choose the party this person signs for.")
        return cleaned


class AtLeastOne(forms.BaseFormSet):
    def clean(self):
        if not any(form.cleaned_data.get("name") for form in self.forms if form.is_valid()):
            raise ValidationError("Add at least one signatory.")


Signatories = forms.formset_factory(SignatoryRow, formset=AtLeastOne, extra=0, can_delete=True)


class TitleForm(EntryFormMixin, forms.Form):
    title = forms.CharField(label="Title")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") == "Untitled":
            raise ValidationError("Give the agreement a title.")
        return cleaned


def signatories(*rows):
    data = {"signatories-TOTAL_FORMS": str(len(rows)), "signatories-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"signatories-{index}-{key}": value for key, value in row.items()})
    return Signatories(data, prefix="signatories")


def test_an_error_of_the_whole_table_is_tied_to_the_first_rows_first_control():
    formset = signatories({"name": ""}, {"name": ""}, {"name": "", "DELETE": "on"})

    summary = error_summary([formset])

    assert summary == [FormError("Name, row 1", "Add at least one signatory.", "id_signatories-0-name")]
    first, second = (form.fields["name"].widget.attrs for form in formset.forms[:2])
    assert (first["aria-describedby"], first["aria-invalid"]) == ("signatories-errors", "true")
    assert "aria-invalid" not in second


def test_an_error_of_a_table_with_no_rows_has_no_control_to_tie_to_and_breaks_nothing():
    assert error_summary([signatories()]) == []


def test_an_error_of_a_whole_row_is_tied_to_the_rows_first_control():
    formset = signatories({"name": "Musa"}, {"name": "Nobody"})

    summary = error_summary([formset])

    assert summary == [FormError("Name, row 2", "Choose the party this person signs for.", "id_signatories-1-name")]
    attrs = formset.forms[1].fields["name"].widget.attrs
    assert (attrs["aria-describedby"], attrs["aria-invalid"]) == ("signatories-1-row-errors", "true")
    assert "aria-invalid" not in formset.forms[0].fields["name"].widget.attrs


def test_a_row_fields_error_describes_that_control_only():
    formset = signatories({"name": "Musa"}, {"name": "", "signed_on": "2024-01-16"})

    summary = error_summary([formset])

    assert summary == [FormError("Name, row 2", "Name the person who signed.", "id_signatories-1-name")]
    attrs = formset.forms[1].fields["name"].widget.attrs
    assert (attrs["aria-describedby"], attrs["aria-invalid"]) == ("id_signatories-1-name_error", "true")
    assert "aria-invalid" not in formset.forms[1].fields["signed_on"].widget.attrs
    assert "aria-invalid" not in formset.forms[0].fields["name"].widget.attrs


def test_a_control_keeps_what_already_describes_it_and_is_described_once_however_often_asked():
    formset = signatories({"name": "", "signed_on": "2024-01-16"}, {"name": "Musa"})
    formset.forms[0].fields["name"].widget.attrs["aria-describedby"] = "name-hint"

    error_summary([formset])
    error_summary([formset])

    attrs = formset.forms[0].fields["name"].widget.attrs
    assert attrs["aria-describedby"] == "name-hint id_signatories-0-name_error"


def test_every_forms_and_tables_errors_are_in_the_summary_in_the_order_given():
    record = TitleForm({"title": ""})
    formset = signatories({"name": "Musa"}, {"name": "Nobody"}, {"name": "", "signed_on": "2024-01-16"})
    other = TitleForm({"other-title": "Untitled"}, prefix="other")

    summary = error_summary([record, formset, other])

    assert summary == [
        FormError("Title", "This field is required.", "id_title"),
        FormError("Name, row 2", "Choose the party this person signs for.", "id_signatories-1-name"),
        FormError("Name, row 3", "Name the person who signed.", "id_signatories-2-name"),
        FormError("Title", "Give the agreement a title.", "id_other-title"),
    ]


def test_the_records_own_controls_are_left_to_crispy_forms_to_describe():
    record = TitleForm({"title": "Untitled"})

    summary = error_summary([record])

    assert summary == [FormError("Title", "Give the agreement a title.", "id_title")]
    assert "aria-describedby" not in record.fields["title"].widget.attrs
    assert "aria-invalid" not in record.fields["title"].widget.attrs


class HiddenRow(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise ValidationError("This row was changed by someone else.")


def test_an_error_is_never_tied_to_a_rows_delete_box():
    """A row whose controls are all hidden has no control of its own to tie an error to."""
    Rows = forms.formset_factory(HiddenRow, formset=AtLeastOne, extra=0, can_delete=True)
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-key": "7"}
    formset = Rows(data, prefix="rows")

    assert error_summary([formset]) == []
    assert formset.non_form_errors() and formset.forms[0].non_field_errors()
    assert "aria-invalid" not in formset.forms[0].fields["DELETE"].widget.attrs


def test_a_form_not_sent_or_without_errors_adds_nothing_to_the_summary():
    assert error_summary([TitleForm(), TitleForm({"title": "Erasmus+ KA131"}), signatories({"name": "Musa"})]) == []
