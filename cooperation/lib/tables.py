"""A list page's table. django-tables2 declares the columns and does what it does well: headers,
sorting from the query string, paging, which columns an export holds. The cells are the table's
own: every column has a `render_<column>(record)` method that writes its cell in Python, and may
have a `value_<column>(record)` for the export where the cell's markup is not the value
(django-tables2's own convention: without value_<column>, render_<column> is exported).
`ListTable` calls them directly, once per cell, as the Django admin's `items_for_result` writes a
changelist row; nothing passes through django-tables2's per-cell lookups, which cost more than
the rest of the page.

A render method gets every record, empty value or not (the columns' `empty_values` are none, so
django-tables2 would call it the same way): it says itself what an empty cell shows
(`ListTable.EMPTY`), and a value method what an empty value exports."""

from collections.abc import Iterator

import django_tables2 as tables
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe


def joined(items) -> SafeString:
    """A cell listing records by their names, separated by commas: a visit's partners, an agreement's."""
    return format_html_join(", ", "{}", ((item,) for item in items))


def prefetched(record, relation: str) -> list:
    """A list page's records' related rows, as its view prefetched them into a plain list
    (Prefetch(relation, to_attr=f"prefetched_{relation}")): Django then makes no queryset per
    row, a clone each that an export of thousands of rows feels. Without that, the relation's rows."""
    rows = getattr(record, f"prefetched_{relation}", None)
    return rows if rows is not None else list(getattr(record, relation).all())


class ListTable(tables.Table):
    EMPTY = "—"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        unwritten = [name for name in cls.base_columns if not callable(getattr(cls, f"render_{name}", None))]
        if unwritten:
            raise TypeError(f"{cls.__name__} needs a render_<column>(record) method for: {', '.join(unwritten)}")
        for column in cls.base_columns.values():
            column.empty_values = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choice_labels: dict[str, dict] = {}

    def choice_label(self, record, field_name: str) -> str:
        """record.get_<field_name>_display(), from the field's labels read once per table (a page
        or an export asks for thousands, and Django rebuilds the whole label table on each)."""
        labels = self._choice_labels.get(field_name)
        if labels is None:
            field = record._meta.get_field(field_name)
            labels = self._choice_labels[field_name] = {value: force_str(label) for value, label in field.flatchoices}
        value = getattr(record, field_name)
        return labels.get(value, value)

    def rows_html(self) -> SafeString:
        """The <tr> rows of the current page."""
        # A column's <td> attributes are the same on every row (no list computes them per record).
        columns = [(getattr(self, f"render_{column.name}"), column.attrs["td"].as_html()) for column in self.columns]
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = "".join(
                f"<td {attributes}>{conditional_escape(localize(render(record)))}</td>"
                for render, attributes in columns
            )
            rows.append(f"<tr {row.attrs.as_html()}>{cells}</tr>\n")
        return mark_safe("".join(rows))

    def export_rows(self) -> Iterator[list]:
        """The export: the headers, then each record's values, of every column (hidden ones too)
        but those excluded from exports."""
        columns = [column for column in self.columns.iterall() if not column.column.exclude_from_export]
        yield [force_str(column.header) for column in columns]
        values = [
            getattr(self, f"value_{column.name}", None) or getattr(self, f"render_{column.name}") for column in columns
        ]
        for row in self.rows:
            yield [force_str(value(row.record), strings_only=True) for value in values]
