"""The dashboard as an Excel workbook (one sheet per figure, chart and list, each headed by the
filters it was computed with) and as a PDF report (WeasyPrint, DejaVu fonts for Cyrillic and
Kazakh letters). Both take what the dashboard's selectors returned: the numbers are the page's."""

import datetime
import io

from django.template.loader import render_to_string
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cooperation.dashboard.selectors import AttentionList, Chart, DashboardFilters, Figure

# Sheet names made for the purpose, by the kind and key of the figure, chart or list: Excel
# allows 31 characters, fewer than most titles have in Russian and Kazakh (the title heads the sheet).
SHEET_NAMES = {
    ("figure", "partners"): pgettext_lazy("sheet", "Active partners"),
    ("figure", "agreements_in_force"): pgettext_lazy("sheet", "Agreements in force"),
    ("figure", "agreements_expiring"): pgettext_lazy("sheet", "Agreements expiring"),
    ("figure", "agreements_signed"): pgettext_lazy("sheet", "Signed this year"),
    ("figure", "visits_received"): pgettext_lazy("sheet", "Visits received"),
    ("figure", "visits_sent"): pgettext_lazy("sheet", "Visits sent"),
    ("figure", "mobility_outgoing"): pgettext_lazy("sheet", "Outgoing mobility"),
    ("figure", "mobility_incoming"): pgettext_lazy("sheet", "Incoming mobility"),
    ("chart", "agreements_signed"): pgettext_lazy("sheet", "Signed per year"),
    ("chart", "mobility"): pgettext_lazy("sheet", "Mobility per year"),
    ("chart", "visits"): pgettext_lazy("sheet", "Visits per quarter"),
    ("chart", "partners_by_country"): pgettext_lazy("sheet", "Partners by country"),
    ("map", ""): pgettext_lazy("sheet", "Agreements by country"),
    ("list", "expiring"): pgettext_lazy("sheet", "Expiring soon"),
    ("list", "overdue"): pgettext_lazy("sheet", "Overdue actions"),
    ("list", "dormant"): pgettext_lazy("sheet", "Dormant agreements"),
    ("list", "quotas"): pgettext_lazy("sheet", "Unused quotas"),
    ("list", "upcoming"): pgettext_lazy("sheet", "Upcoming visits"),
}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
FORBIDDEN_IN_SHEET_TITLES = "[]:*?/\\"


def _sheet(workbook: Workbook, key: tuple[str, str], title: str, filters: DashboardFilters):
    """A sheet named by SHEET_NAMES (unique, at most 31 characters), headed by the title and the
    filters."""
    name = str(SHEET_NAMES.get(key, title))
    name = "".join(" " if char in FORBIDDEN_IN_SHEET_TITLES else char for char in name).strip()[:31]
    base, number = name, 2
    while name in workbook.sheetnames:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    sheet = workbook.create_sheet(name)
    _append(sheet, [title])
    sheet["A1"].font = TITLE
    for label, value in filters.described():
        _append(sheet, [label, value])
    sheet.append([])
    sheet.column_dimensions["A"].width = 48
    return sheet


def _header(sheet, *titles):
    _append(sheet, list(titles))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _append(sheet, row: list) -> None:
    """A row of numbers, dates and texts; a text is always a text (a partner's name beginning
    with "=" never becomes a formula)."""
    sheet.append([value if isinstance(value, (int, datetime.date)) or value is None else str(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, datetime.date):
            cell.number_format = "yyyy-mm-dd"


def _figure_sheet(workbook, figure: Figure, filters: DashboardFilters):
    sheet = _sheet(workbook, ("figure", figure.key), figure.label, filters)
    _header(sheet, "", filters.academic_year, filters.previous().academic_year, _("Change"))
    _append(sheet, [_("Total"), figure.current, figure.previous, figure.change])
    sheet[sheet.max_row][0].font = BOLD
    for part in figure.parts:
        _append(sheet, [part.label, part.current, part.previous, part.change])


def _chart_sheet(workbook, chart: Chart, filters: DashboardFilters):
    sheet = _sheet(workbook, ("chart", chart.key), chart.title, filters)
    _header(sheet, "", *[dataset["label"] for dataset in chart.datasets])
    for index, label in enumerate(chart.labels):
        _append(sheet, [label, *[dataset["data"][index] for dataset in chart.datasets]])


def _map_sheet(workbook, countries: dict, filters: DashboardFilters):
    sheet = _sheet(workbook, ("map", ""), _("Agreements in force by country"), filters)
    _header(sheet, _("Country"), _("Code"), _("Agreements in force"))
    for code, country in _map_rows(countries):
        _append(sheet, [country["name"], code, country["value"]])


def _parties(agreement) -> str:
    return "; ".join(party.institution.name for party in agreement.parties.all() if party.institution_id)


def _owner(record) -> str:
    person = record.responsible_person
    name = (person.get_full_name() or person.get_username()) if person else ""
    return ", ".join(part for part in (name, str(record.responsible_unit)) if part)


def list_rows(attention: AttentionList) -> tuple[list[str], list[list]]:
    """The header and rows of a list that needs attention, as the page, workbook and PDF show it."""
    if attention.key == "expiring":
        return [_("Agreement"), _("Partners"), _("Expires on"), _("Days left"), _("Responsible")], [
            [a.title, _parties(a), a.expires_on, a.days_left_now, _owner(a)] for a in attention.rows
        ]
    if attention.key == "overdue":
        return [_("Action"), _("Visit"), _("Owner"), _("Due on"), _("Days overdue")], [
            [
                action.description,
                action.visit.title,
                action.owner.get_full_name() or action.owner.get_username(),
                action.due_on,
                action.days_overdue,
            ]
            for action in attention.rows
        ]
    if attention.key == "dormant":
        return [_("Agreement"), _("Partners"), _("Signed on"), _("Responsible")], [
            [a.title, _parties(a), a.signed_on, _owner(a)] for a in attention.rows
        ]
    if attention.key == "quotas":
        return [_("Agreement"), _("Direction"), _("Category"), _("Places"), _("Participants"), _("Unused")], [
            [
                q.agreement.title,
                q.get_direction_display(),
                q.get_category_display(),
                q.places,
                q.recorded,
                q.unused,
            ]
            for q in attention.rows
        ]
    return [_("Visit"), _("Starts on"), _("Partners"), _("Host unit")], [
        [v.title, v.starts_on, "; ".join(p.name for p in v.partners.all()), str(v.host_unit)] for v in attention.rows
    ]


def _list_sheet(workbook, attention: AttentionList, filters: DashboardFilters):
    sheet = _sheet(workbook, ("list", attention.key), attention.title, filters)
    _append(sheet, [_("Total"), attention.total])
    sheet[sheet.max_row][0].font = BOLD
    header, rows = list_rows(attention)
    _header(sheet, *header)
    for row in rows:
        _append(sheet, row)


def dashboard_workbook(
    *, filters: DashboardFilters, figures: list[Figure], charts: list[Chart], map: dict, lists: list[AttentionList]
) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for figure in figures:
        _figure_sheet(workbook, figure, filters)
    for chart in charts:
        _chart_sheet(workbook, chart, filters)
    _map_sheet(workbook, map, filters)
    for attention in lists:
        _list_sheet(workbook, attention, filters)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _map_rows(countries: dict) -> list[tuple[str, dict]]:
    return sorted(countries.items(), key=lambda item: (-item[1]["value"], item[1]["name"]))


def dashboard_pdf(
    *,
    request,
    filters: DashboardFilters,
    figures: list[Figure],
    charts: list[Chart],
    map: dict,
    lists: list[AttentionList],
) -> bytes:
    """The report in the active language (the one the user reads the portal in)."""
    # Imported here: WeasyPrint loads Pango when imported, which the rest of the portal never needs.
    from weasyprint import HTML

    list_tables = []
    for attention in lists:
        header, rows = list_rows(attention)
        list_tables.append({"list": attention, "header": header, "rows": rows})
    html = render_to_string(
        "cooperation/dashboard_pdf.html",
        {
            "language": get_language(),
            "filters": filters,
            "figures": figures,
            "charts": charts,
            "map": map,
            "map_rows": _map_rows(map),
            "list_tables": list_tables,
        },
        request=request,
    )
    # Nothing is fetched: the report has no images or style sheets of its own to load.
    return HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"the dashboard report loads nothing ({url})")
