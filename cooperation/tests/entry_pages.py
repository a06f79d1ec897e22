"""The checks every entry page gets, with the form the page rendered (browser_form.py) and every
row of the database before and after (db_state.py):

- `assert_untouched_save_changes_nothing`: render, submit as is, render again: the same values,
  not one row of any table added, removed or changed, no history recorded;
- `assert_one_change`: one named control changed: only the row it belongs to changes, in that
  field (and the fields a save always stamps), with one history entry;
- `any_single_change`: a hypothesis property: a random control of the rendered form given a
  random valid value; saved, only one row (or, refused, none) changes.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.tests.browser_form import Control, RenderedForm
from cooperation.tests.db_state import RowChange, changes_between, database_state, history_tables, record_changes

# Fields a save stamps by itself, and the search text rebuilt from a partner's names.
STAMPED = {"updated_at", "search_text", "name_keys"}
# A column rebuilt from other rows: a partner's search text takes its name variants, so changing,
# adding or removing a variant also changes the partner's row there (InstitutionName.save()); an
# agreement's last activity follows its programs, participants and visits, a partner's first
# signing its agreements, a condition's uses its participants, and an agreement's partner sets
# its parties' partners (cooperation/activity.py). The dashboard's kept counts are not in the
# state compared at all (db_state.KEPT_COUNTS).
REBUILT = {"search_text", "name_keys", "last_activity_on", "first_signed_on", "partner_countries", "partner_kinds"}
REBUILT_TABLES = {"agreements.QuotaUse"}
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
ROW = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<index>\d+)-(?P<field>\w+)$")

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def form_errors(response) -> str:
    """The page's error messages, for an assertion's explanation."""
    text = response.content.decode()
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', text, re.S)
    return " | ".join(" ".join(item.split()) for item in found)[:2000] or text[:500]


def save(client, form: RenderedForm, submitter: str | None = None):
    """Submit the form; it must be saved (a redirect), or the test says which errors the page showed."""
    response = form.submit(client, submitter=submitter)
    assert response.status_code == 302, form_errors(response)
    return response


def assert_untouched_save_changes_nothing(client, url: str, submitter: str | None = None) -> RenderedForm:
    form = RenderedForm.get(client, url)
    before = database_state()

    save(client, form, submitter)

    assert changes_between(before, database_state()) == []
    assert RenderedForm.get(client, url).values() == form.values()
    return form


def assert_one_change(client, url: str, name: str, value, *, table: str, pk, fields: set[str]) -> list[RowChange]:
    """Change the control `name` to `value` and save: exactly the row `table` #`pk` changes, in
    `fields` (and the stamped ones); one history entry, of that row; every other control renders
    as before."""
    form = RenderedForm.get(client, url)
    form[name] = value
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    [changed] = [change for change in record_changes(changes) if not _rebuilt_elsewhere(change, table, pk)]
    assert (changed.table, changed.pk, changed.kind) == (table, pk, "changed"), changes
    assert set(changed.fields) - STAMPED == fields, changes
    # One history entry: the row's historical record, with the snapshot of its many-to-many
    # links (simple-history's m2m_fields, e.g. HistoricalInstitution_tags) that every entry carries.
    history = [change for change in history_tables(changes) if not _is_snapshot_of(change.table, table)]
    assert [(change.table, change.kind) for change in history] == [(_history_of(table), "added")], changes
    assert all(change.kind == "added" for change in history_tables(changes)), changes
    again = RenderedForm.get(client, url)
    assert _others(again, form, name) == _others(form, form, name)
    return changes


def _history_of(table: str) -> str:
    app, model = table.split(".")
    return f"{app}.Historical{model}"


def _is_snapshot_of(history_table: str, table: str) -> bool:
    """A table of a historical record's many-to-many snapshots: "partners.HistoricalInstitution_tags"."""
    return history_table.startswith(_history_of(table) + "_")


def rebuilt_only(change: RowChange) -> bool:
    """A change of nothing but what is rebuilt from other rows (REBUILT, REBUILT_TABLES)."""
    return change.table in REBUILT_TABLES or change.kind == "changed" and set(change.fields) <= REBUILT


def _rebuilt_elsewhere(change: RowChange, table: str, pk) -> bool:
    """Another row's rebuilt column following the change of `table` #`pk`."""
    return rebuilt_only(change) and (change.table, change.pk) != (table, pk)


def _others(rendered: RenderedForm, changed: RenderedForm, name: str) -> dict:
    """What every control of `rendered` holds but the one named `name` in the form `changed`,
    stored rows known by their id, not their place: a row whose sort key was changed (a name
    variant's language, a participant's name) is the same row rendered elsewhere in its table."""
    label, left_out = _row_label(rendered), _row_label(changed)(name)
    return {label(key): value for key, value in rendered.values().items() if label(key) != left_out}


def _row_label(form: RenderedForm):
    """A function naming each control of a stored row "<prefix>-#<id>-<field>"."""

    def label(name: str) -> str:
        row = ROW.match(name)
        stored_id = row and form.controls.get(f"{row['prefix']}-{row['index']}-id")
        if stored_id is None or not stored_id.value:
            return name
        return f"{row['prefix']}-#{stored_id.value}-{row['field']}"

    return label


# --- the property test ----------------------------------------------------------------------


def editable_controls(form: RenderedForm, *, leave_out: re.Pattern | None = None) -> list[Control]:
    """The controls a person edits on a stored record: the record's own and its stored rows'
    (not the empty rows for adding one, the Remove boxes, the formsets' counts, the CSRF token)."""
    stored_rows = {
        name.removesuffix("-INITIAL_FORMS"): int(control.value or 0)
        for name, control in form.controls.items()
        if name.endswith("-INITIAL_FORMS")
    }
    found = []
    for name, control in form.controls.items():
        if name == "csrfmiddlewaretoken" or MANAGEMENT.search(name) or control.kind in ("hidden", "file"):
            continue
        row = ROW.match(name)
        if row and row["prefix"] in stored_rows:
            if row["field"] in ("DELETE", "id") or int(row["index"]) >= stored_rows[row["prefix"]]:
                continue
        if leave_out is not None and leave_out.search(name):
            continue
        found.append(control)
    return found


def new_value(control: Control):
    """A strategy for a value a person could give the control, other than the one it holds."""
    current = control.values
    if control.kind == "checkbox" and control.multiple and len(control.options) > 1:
        return st.lists(st.sampled_from(control.options), unique=True).filter(
            lambda chosen: set(chosen) != set(current)
        )
    if control.kind == "checkbox":
        return st.just([] if current else control.options[:1])
    if control.kind in ("radio", "select", "select-multiple") and not control.autocomplete:
        others = [option for option in control.options if [option] != current]
        if control.required:
            others = [option for option in others if option]
        if control.kind == "select-multiple":
            return st.lists(st.sampled_from(control.options), unique=True, max_size=3).filter(
                lambda chosen: set(chosen) != set(current)
            )
        return st.sampled_from(others) if others else st.nothing()
    if control.kind == "date":
        dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2035, 12, 31)).map(datetime.date.isoformat)
        return dates.filter(lambda typed: [typed] != current)
    if control.kind == "number":
        # The value it holds is no change (one run drew the 4 places a condition already had).
        held = {Decimal(value) for value in current if value}
        return st.integers(0, 200).filter(lambda number: number not in held).map(str)
    if control.kind == "email":
        return st.from_regex(r"[a-z]{1,12}\.[a-z]{1,12}@[a-z]{2,10}\.(kz|edu\.tr|org)", fullmatch=True)
    if control.kind == "url":
        return st.from_regex(r"https://[a-z]{2,12}\.(kz|edu|org)/[a-z]{0,10}", fullmatch=True)
    if control.kind in ("text", "textarea", "search", "tel"):
        words = st.sampled_from(["Gazi", "Университет", "Қазақ", "大学", "Rector", "2+2", "joint", "Erasmus+", "ÖSYM"])
        joiner = "\n" if control.kind == "textarea" else " "
        text = st.lists(words, min_size=1, max_size=4).map(joiner.join)
        return text.filter(lambda typed: [typed] != current)
    return st.nothing()


def check_any_single_change(client, url: str, *, leave_out: re.Pattern | None = None) -> None:
    """Property: a random control of the rendered form, given a random value a person could give
    it, and the form submitted. Refused, nothing is written; saved, one row changes (the record's
    or one stored row's), in one field besides the stamped ones, or links of one many-to-many
    field are added or removed; each change has its one history entry, and the page renders
    every other control as before."""
    names = [control.name for control in editable_controls(RenderedForm.get(client, url), leave_out=leave_out)]
    assert names, url

    @PROPERTY
    @given(data=st.data())
    def check(data):
        # Each example from the same records: what one saved is rolled back before the next.
        with transaction.atomic():
            one_change(data)
            transaction.set_rollback(True)

    def one_change(data):
        form = RenderedForm.get(client, url)
        control = form.controls[data.draw(st.sampled_from(names), label="control")]
        form[control.name] = data.draw(new_value(control), label="value")
        before = database_state()

        response = form.submit(client)

        changes = changes_between(before, database_state())
        if response.status_code == 200:
            assert changes == [], changes  # refused, with its reason on the page
            return
        assert response.status_code == 302, response.status_code
        records = [change for change in record_changes(changes) if not rebuilt_only(change)]
        assert records, f"{control.name} was saved but nothing changed"
        changed = [change for change in records if change.kind == "changed"]
        links = [change for change in records if _is_link_table(change.table)]
        rows = [change for change in records if change not in links]
        assert len(rows) == 1 or not rows and links, changes  # one row changed, added or removed
        for change in changed:
            assert len(set(change.fields) - STAMPED) == (0 if links else 1), changes
        # History: one entry for each changed record (with a snapshot of its many-to-many links).
        history = history_tables(changes)
        assert all(change.kind == "added" for change in history), changes
        assert {_history_of(change.table) for change in rows} <= {change.table for change in history}, changes
        assert all(
            any(change.table.startswith(_history_of(row.table).split("_")[0]) for row in records) for change in history
        )
        again = RenderedForm.get(client, url)
        assert _others(again, form, control.name) == _others(form, form, control.name)

    check()


def _is_link_table(label: str) -> bool:
    return apps.get_model(label)._meta.auto_created is not False
