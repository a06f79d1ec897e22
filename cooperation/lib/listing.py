"""The staff portal's list pages: a filter form (django-filter), a sortable, paginated table
(django-tables2) and an export of exactly the filtered, sorted rows to Excel or CSV.

Every filter lives in the URL's query string, so a filtered list can be bookmarked and shared,
and the export link is the same URL with `export=xlsx` or `export=csv` added."""

import contextlib
import csv
import datetime
import gc
import hashlib
import io
import itertools
from collections.abc import Iterable, Iterator

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cooperation.lib import xlsx
from cooperation.lib.queries import ROW_TEST_COST, SEARCH_SHARE
from cooperation.lib.views import ViewPermissionMixin

EXPORT_FORMATS = ("xlsx", "csv")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Beyond this the export would tie up a web worker for long; the filters narrow it down.
EXPORT_MAX_ROWS = 50_000
FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r"}


# The one rule for a list's count, filtered or not: at most this many rows are counted exactly;
# a list of more shows PostgreSQL's estimate ("about 31,700"), as a COUNT(*) would read every one
# of them. The estimate is the planner's (from its statistics, without reading the rows). A broad
# search (cooperation.lib.queries.search_any, which tests each row) is counted only when testing
# every row costs no more than counting COUNT_UP_TO matches would (ROW_TEST_COST): its count
# reads the whole table however few rows match.
COUNT_UP_TO = 1_000


class EstimatedCountPaginator(Paginator):
    """Django's Paginator with the count of COUNT_UP_TO's rule on PostgreSQL: exact up to
    COUNT_UP_TO rows, PostgreSQL's estimate above (`estimated` is then true, and the page says
    "about"). A broad search's estimate is the planner's times the share of matches it sampled.
    Elsewhere, counted exactly."""

    estimated = False

    @cached_property
    def count(self):
        counted = counted_or_estimated(self.object_list)
        if counted is None:
            return super().count
        number, self.estimated = counted
        return number


def counted_or_estimated(object_list) -> tuple[int, bool] | None:
    """The number of rows of a queryset by COUNT_UP_TO's rule, and whether it is an estimate;
    None on a database other than PostgreSQL. One query whatever the answer (the count stops
    after COUNT_UP_TO rows), so a page's query count does not depend on the data."""
    queryset = getattr(getattr(object_list, "data", None), "data", object_list)
    if not isinstance(queryset, models.QuerySet):
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing by itself (pk__in=[], none())
        return 0, False
    share = search_share(queryset)
    plan = connection.ops.compose_sql(sql, params)
    count = f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS counted"
    with connection.cursor() as cursor:
        if share is None:
            # The planner is asked only when there are more rows than are counted.
            cursor.execute(
                f"SELECT CASE WHEN exact > %s THEN planned_rows(%s) END, exact FROM ({count}) AS counted(exact)",
                [COUNT_UP_TO, plan, *params, COUNT_UP_TO + 1],
            )
        else:
            # A broad search is counted only when its table is small: counting tests each row
            # the planner expects to read (it takes nearly every row to match a per-row test).
            cursor.execute(
                f"SELECT planned, CASE WHEN planned * %s <= %s THEN ({count}) END"
                " FROM (SELECT planned_rows(%s)) AS plan(planned)",
                [ROW_TEST_COST, COUNT_UP_TO, *params, COUNT_UP_TO + 1, plan],
            )
        planned, exact = cursor.fetchone()
    if exact is not None and exact <= COUNT_UP_TO:
        return exact, False
    return rounded(max(planned * (share or 1), exact or 0)), True


def search_share(queryset) -> float | None:
    """The share of rows a broad search matched in its sample (cooperation.lib.queries
    search_any), which scales the planner's estimate: the planner cannot see into its per-row
    test and takes it to match nearly every row. None for any other queryset."""
    share = queryset.query.annotations.get(SEARCH_SHARE)
    return float(share.value) if share is not None else None


def rounded(estimate: float) -> int:
    """An estimate to three significant digits (28,855 -> 28,900): no more precise than it is."""
    digits = max(0, len(str(int(estimate))) - 3)
    return int(round(estimate, -digits))


class ListPageView(ViewPermissionMixin, SingleTableMixin, FilterView):
    """A list page. Subclasses set model, filterset_class, table_class (a cooperation.lib.tables.ListTable),
    and the texts below."""

    template_name = "list_page.html"
    table_pagination = {"per_page": 50}
    paginator_class = EstimatedCountPaginator
    # Invalid filter values show their error and an empty list, never a 500.
    strict = True
    title = ""
    create_url_name = ""  # the "New ..." button, shown to those allowed to add
    create_label = ""
    export_name = "export"

    def get_table_pagination(self, table):
        return False if self.export_format else super().get_table_pagination(table)

    @property
    def export_format(self) -> str | None:
        requested = self.request.GET.get("export")
        return requested if requested in EXPORT_FORMATS else None

    def get_context_data(self, **kwargs):
        model = self.filterset_class._meta.model
        can_add = self.request.user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")
        context = super().get_context_data(
            title=self.title,
            create_url=reverse(self.create_url_name) if can_add and self.create_url_name else "",
            create_label=self.create_label,
            filters_applied=any(
                value for name, value in self.request.GET.items() if name not in {"page", "sort", "export"}
            ),
            **kwargs,
        )
        if not self.export_format:
            context["filter_form_key"] = filter_form_key(context["filter"].form, self.request)
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.export_format:
            table = context["table"]
            stamp = timezone.localdate().isoformat()
            filename = f"{self.export_name}-{stamp}.{self.export_format}"
            rows = _limited(table.export_rows(), EXPORT_MAX_ROWS + 1)
            return export_response(rows, self.export_format, filename, sheet_title=str(self.title))
        return super().render_to_response(context, **response_kwargs)


def filter_form_key(form: forms.Form, request) -> str:
    """What the filter form's markup depends on, hashed: the page's cache key for it
    (list_page.html caches the rendered form: crispy-forms costs more than the rest of the page).
    The query string (but the page), the language and the day (choices of academic years), and
    each field with its choices: a unit or tag added or renamed changes the key by itself."""
    described = [
        request.path,
        sorted((name, values) for name, values in request.GET.lists() if name not in {"page", "export"}),
        get_language(),
        timezone.localdate().isoformat(),
    ]
    for name, field in form.fields.items():
        # The choices a select shows (a hidden field's, such as all partners, are not rendered),
        # read once for the key and for rendering the form (a unit select is a query).
        choices = None
        if isinstance(field.widget, forms.widgets.ChoiceWidget):
            # Iterated, not list(): list() asks a ModelChoiceIterator its length, a COUNT first.
            choices = field.widget.choices = [choice for choice in field.widget.choices]
        described.append(
            (
                name,
                str(field.label),
                type(field.widget).__name__,
                [(str(value), str(label)) for value, label in choices] if choices is not None else None,
            )
        )
    return hashlib.sha256(repr(described).encode()).hexdigest()


def _limited(rows: Iterable[list], limit: int) -> Iterator[list]:
    for index, row in enumerate(rows):
        if index >= limit:
            return
        yield row


def export_response(rows: Iterable[list], export_format: str, filename: str, sheet_title: str = ""):
    """Rows (the first is the header) as a download. CSV streams; the workbook is written by
    cooperation/lib/xlsx.py, a row at a time into its compressed sheet."""
    if export_format == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        with _collector_paused():
            workbook = _workbook_bytes(rows, sheet_title)
        response = StreamingHttpResponse(iter([workbook]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while an export's rows are built. The rows' records
    (thousands, with their parties and partners) are read at the first row and live until the
    last: the collector would walk them all, and the rest of the process, again and again as they
    grow, and find nothing to free. It runs again as soon as the block ends; nothing is yielded
    inside it, so a response that is never read to its end cannot leave it paused."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Rows of CSV sent as one piece of the response: a piece per row costs the server a write and the
# client a chunk to read each, more than writing the row.
CSV_ROWS_PER_PIECE = 500


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8 (Cyrillic and Chinese names).
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    writer = csv.writer(buffer)
    rows = iter(rows)
    while True:
        with _collector_paused():
            piece = list(itertools.islice(rows, CSV_ROWS_PER_PIECE))
            writer.writerows([_csv_value(value) for value in row] for row in piece)
        if not piece:
            break
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        # Excel would run it as a formula (CSV injection); the quote makes it plain text.
        return "'" + value
    return value


def _workbook_bytes(rows: Iterable[list], sheet_title: str) -> bytes:
    return xlsx.workbook_bytes((_local_times(row) for row in rows), _sheet_title(sheet_title))


def _local_times(row: list) -> list:
    # A sheet shows the time of day in the portal's time zone, as the pages do.
    return [
        timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value)
        else value
        for value in row
    ]


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or str(_("Export")))[:31]
