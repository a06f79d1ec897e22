"""A list page's table rows drawn in Python, and its export's values read the same way: what
templates/includes/table.html drew with django-tables2's
`{% for row in table.paginated_rows %}{% for column, cell in row.items %}`, the same markup, at a
tenth of the cost.

django-tables2 does a dozen lookups for every cell of every row (the accessor, the model field,
get_FOO_display, the render method's signature, the column's attributes) and the template engine
a dozen more to print it; a page of 50 rows by 7 columns spent two thirds of its time there.
Here each column is looked at once per page and becomes a small function of the
record (`_cell_function`); a column this module does not know how to draw keeps django-tables2's
own cell (`BoundRow.get_cell`), so nothing is drawn differently, only faster.
`cooperation/tests/test_table_rows.py` checks both ways give the same HTML for every list.

`table_values()` is django-tables2's Table.as_values() planned the same way: an export of 5,000
rows asked django-tables2 for 40,000 values.
"""

import datetime
import inspect
from collections.abc import Callable, Iterator

from django.core.exceptions import FieldDoesNotExist
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django_tables2.columns import Column, DateColumn
from django_tables2.utils import AttributeDict

from cooperation.lib.choices import choice_labels, display_label, has_default_display


def joined(items) -> SafeString:
    """A cell listing records (prefetched) by their names, separated by commas: a visit's
    partners, an agreement's."""
    return format_html_join(", ", "{}", ((item,) for item in items))


def listed(record, relation: str) -> list:
    """A list page's records' related rows, as its view prefetched them into a plain list
    (Prefetch(relation, to_attr=f"listed_{relation}")): Django then makes no queryset per row,
    a clone each that an export of thousands of rows felt (a quarter of its time). Without
    that, the relation's prefetched rows."""
    rows = getattr(record, f"listed_{relation}", None)
    return rows if rows is not None else list(getattr(record, relation).all())


def draw_rows(table, context: Context) -> SafeString:
    """The <tr> elements of the table's current page, as includes/table.html draws them."""
    columns = list(table.columns)
    plan = [(_td_attributes(column), _cell_function(table, column)) for column in columns]
    if any(attributes is None for attributes, _cell in plan):
        return _slow_rows(table, context)
    rows = []
    for row in table.paginated_rows:
        cells = []
        for (attributes, cell), column in zip(plan, columns, strict=True):
            content = cell(row) if cell is not None else row.get_cell(column.name)
            cells.append(f"<td {attributes}>{render_value_in_context(content, context)}</td>")
        rows.append(_tr(row, cells))
    return mark_safe("".join(rows))


def _slow_rows(table, context: Context) -> SafeString:
    """django-tables2's own way, cell by cell: for a table whose cell attributes depend on the record."""
    return mark_safe(
        "".join(
            _tr(
                row,
                (
                    f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, context)}</td>"
                    for column, cell in row.items()
                ),
            )
            for row in table.paginated_rows
        )
    )


def _tr(row, cells) -> str:
    # The whitespace of includes/table.html's loop.
    return f"\n      <tr {row.attrs.as_html()}>\n        {''.join(cells)}\n      </tr>\n      "


def _computed(attributes) -> bool:
    """Whether some attribute is a function of the record (django-tables2 allows callables)."""
    return any(callable(value) or isinstance(value, dict) and _computed(value) for value in attributes.values())


def _td_attributes(bound_column) -> str | None:
    """The column's <td> attributes, the same for every row unless some are callables (None)."""
    column_attributes = {**bound_column._table.attrs, **bound_column.column.attrs}
    if _computed({key: column_attributes.get(key) or {} for key in ("td", "cell")}):
        return None
    return AttributeDict(bound_column.attrs["td"]).as_html()


def _cell_function(table, bound_column) -> Callable | None:
    """A function of the row giving what django-tables2's BoundRow.get_cell() gives, for the
    columns whose value is a plain attribute of the record; None for any other (the caller then
    asks django-tables2)."""
    column = bound_column.column
    if column.link or column.localize is not None:
        return None
    default = bound_column.default

    def dated(value, row):
        # DateColumn's '{{ value|date:"…"|default:default }}', escaped as the template would.
        date_format = column.template_code.split('date:"', 1)[1].split('"', 1)[0]
        return mark_safe(conditional_escape(date_filter(value, date_format) or default))

    return _plan(table, bound_column, getattr(table, f"render_{bound_column.name}", None), default, dated)


def _plan(table, bound_column, method, missing, dated: Callable) -> Callable | None:
    """A function of the row for a cell or an export value, as django-tables2 reaches it: the
    table's method (with the value, the record or both), else the value itself for a plain
    Column, else `dated(value, row)` for a DateColumn; `missing` where the value is empty. None
    where this module does not know how django-tables2 would go about it."""
    column = bound_column.column
    empty = column.empty_values
    wanted = _keyword_arguments(method) if method is not None else None
    if wanted == {"record"} and not empty:
        # Drawn from the record alone, whatever the value: no need to read the value.
        return lambda row: method(record=row.record)
    accessor = str(bound_column.accessor)
    value_of = None if "__" in accessor or "." in accessor else _value_function(table, accessor)
    if value_of is None:
        return None
    if method is not None:
        if wanted is None or not wanted <= {"value", "record"}:
            return None

        def planned(row):
            value = value_of(row.record)
            if value in empty:
                return missing
            return method(**{key: value if key == "value" else row.record for key in wanted})

        return planned
    if type(column) is Column:

        def planned(row):
            value = value_of(row.record)
            return missing if value in empty else value

        return planned
    if type(column) is DateColumn:

        def planned(row):
            value = value_of(row.record)
            return missing if value in empty else dated(value, row)

        return planned
    return None


def _value_function(table, accessor: str) -> Callable | None:
    """How django-tables2 reads a one-step accessor off a model record: the choice's label for a
    field with choices (Django's own get_FOO_display), else the attribute, called if callable."""
    model = getattr(getattr(table, "_meta", None), "model", None)
    if model is None:
        return None
    try:
        field = model._meta.get_field(accessor)
    except FieldDoesNotExist:
        field = None
    if field is not None and getattr(field, "choices", None):
        if not has_default_display(model, accessor):
            return None
        attname = field.attname
        labels = choice_labels(field)  # the request's language, for the whole page or export

        def label(record):
            value = getattr(record, attname)
            try:
                return labels.get(value, value)
            except TypeError:  # an unhashable value: as Django does it
                return display_label(field, value)

        return label
    if field is not None and not field.concrete:
        return None  # a reverse relation or many-to-many: a manager, which django-tables2 treats its own way

    def value(record):
        # Accessor.resolve(): an attribute, called if callable; a failure shows the default.
        try:
            found = getattr(record, accessor)
            if callable(found) and not getattr(found, "do_not_call_in_templates", False):
                if getattr(found, "alters_data", False):
                    return None
                found = found()
        except Exception:
            return None
        return found

    return value


def _keyword_arguments(method) -> set[str] | None:
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) for parameter in parameters):
        return None
    return {parameter.name for parameter in parameters}


def table_values(table) -> Iterator[list]:
    """What table.as_values() gives: the headers, then each row's values for an export (the
    table's value_<name>, else render_<name>, else the column's own value)."""
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [force_str(column.header, strings_only=True) for column in columns]
    plan = [_value_cell_function(table, column) for column in columns]
    for row in table.rows:
        yield [
            force_str(value(row) if value is not None else row.get_cell_value(column.name), strings_only=True)
            for value, column in zip(plan, columns, strict=True)
        ]


def _value_cell_function(table, bound_column) -> Callable | None:
    """A function of the row giving what its get_cell_value() gives; None where this module
    does not know (django-tables2 is asked)."""
    name = bound_column.name
    method = getattr(table, f"value_{name}", None) or getattr(table, f"render_{name}", None)

    def dated(value, row):
        # DateColumn.value(): a date as ISO 8601; anything else (no date) as django-tables2 has it.
        return value.isoformat() if isinstance(value, datetime.date) else row.get_cell_value(name)

    return _plan(table, bound_column, method, None, dated)
