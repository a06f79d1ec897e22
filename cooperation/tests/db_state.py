"""Every row the portal keeps, to compare before and after a request: a save that should change
nothing changes no row of any table (audit history and many-to-many links included), and a save
that changes one field changes exactly that."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

DOMAIN_APPS = ("partners", "agreements", "mobility", "cooperation")
# The dashboard's kept counts are not records: what they must hold after every write is checked
# against a count from scratch (cooperation/tests/test_kept_figures.py).
KEPT_COUNTS = ("cooperation.Tally", "cooperation.TallyMark")


@dataclass(frozen=True)
class RowChange:
    table: str  # the model's label, e.g. "agreements.Signatory"
    pk: object
    kind: str  # "added", "removed" or "changed"
    fields: tuple[str, ...] = ()  # the changed fields' names, for "changed"

    def __str__(self):
        return f"{self.kind} {self.table} #{self.pk}" + (f" ({', '.join(self.fields)})" if self.fields else "")


def database_state() -> dict[str, dict[object, dict[str, object]]]:
    """{model label: {pk: {field: value}}} for every model of the domain apps, their history and
    many-to-many tables included (the dashboard's kept counts aside)."""
    state = {}
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if model._meta.label in KEPT_COUNTS:
                continue
            pk = model._meta.pk.attname
            names = [field.attname for field in model._meta.concrete_fields]
            state[model._meta.label] = {row[pk]: row for row in model._base_manager.order_by(pk).values(*names)}
    return state


def changes_between(before: dict, after: dict) -> list[RowChange]:
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        found += [RowChange(table, pk, "added") for pk in new.keys() - old.keys()]
        found += [RowChange(table, pk, "removed") for pk in old.keys() - new.keys()]
        for pk in old.keys() & new.keys():
            fields = tuple(name for name in new[pk] if new[pk][name] != old[pk].get(name))
            if fields:
                found.append(RowChange(table, pk, "changed", fields))
    return found


def history_tables(changes: list[RowChange]) -> list[RowChange]:
    return [change for change in changes if change.table.split(".")[1].startswith("Historical")]


def record_changes(changes: list[RowChange]) -> list[RowChange]:
    """The changes to the records themselves, not to their audit history."""
    return [change for change in changes if change not in history_tables(changes)]
