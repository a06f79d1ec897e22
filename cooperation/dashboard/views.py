"""The rector's dashboard: the page, its Excel workbook and its PDF report, all computed from the
selectors of cooperation/dashboard/selectors.py with the same filters. The list of mobility
participants its mobility figures open is mobility/views.py `ParticipantListView`."""

from django import forms
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from cooperation.dashboard import selectors
from cooperation.dashboard.cache import cached_dashboard, dashboard_key
from cooperation.dashboard.export import dashboard_pdf, dashboard_workbook
from cooperation.lib.filters import country_choices
from cooperation.lib.listing import XLSX_CONTENT_TYPE, filter_form_key
from cooperation.lib.regions import region_choices
from cooperation.lib.views import ViewPermissionMixin
from mobility.filters import academic_year_choices
from partners.models import Institution, Unit

ALL = [("", _("All"))]


class DashboardFilterForm(forms.Form):
    academic_year = forms.ChoiceField(label=_("Academic year"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Our unit"), queryset=Unit.objects.filter(is_active=True), required=False, empty_label=_("All")
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    partner_kind = forms.ChoiceField(label=_("Kind of partner"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is made: this year's choices, names in the user's language.
        self.fields["academic_year"].choices = academic_year_choices()
        self.fields["academic_year"].initial = selectors.default_filters().academic_year
        self.fields["country"].choices = ALL + country_choices()
        self.fields["region"].choices = ALL + region_choices()
        self.fields["partner_kind"].choices = ALL + list(Institution.Kind.choices)

    def selects(self) -> list[tuple]:
        """(bound field, its <select> with the portal's classes)."""
        return [(field, field.as_widget(attrs=_select_attrs(field))) for field in self]

    def dashboard_filters(self) -> selectors.DashboardFilters:
        """The filters chosen, the current academic year where none is. A value that is not
        valid is left out (its error shows above the figures); the others still apply."""
        filters = selectors.default_filters()
        if not self.is_bound:
            return filters
        self.is_valid()
        data = self.cleaned_data  # the valid fields only
        return selectors.DashboardFilters(
            academic_year=data.get("academic_year") or filters.academic_year,
            today=filters.today,
            unit=data.get("unit"),
            country=data.get("country", ""),
            region=data.get("region", ""),
            partner_kind=data.get("partner_kind", ""),
        )


def _select_attrs(field) -> dict:
    attrs = {"class": "form-select is-invalid" if field.errors else "form-select", "id": field.auto_id}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


class DashboardMixin(ViewPermissionMixin):
    # The figures count these records: whoever may not see them may not see their numbers
    # (the rector's office, the international office and coordinators all may).
    permission_required = (
        "partners.view_institution",
        "agreements.view_agreement",
        "cooperation.view_visit",
        "mobility.view_participant",
    )

    def dashboard_form(self) -> DashboardFilterForm:
        if not hasattr(self, "_dashboard_form"):
            self._dashboard_form = DashboardFilterForm(self.request.GET or None)
        return self._dashboard_form

    def dashboard_data(self) -> dict:
        filters = self.dashboard_form().dashboard_filters()
        return {"filters": filters, **cached_dashboard(filters, lambda: selectors.dashboard_data(filters=filters))}

    def file_name(self, suffix: str) -> str:
        filters = self.dashboard_form().dashboard_filters()
        return f"dashboard-{filters.academic_year.replace('/', '-')}-{filters.today.isoformat()}.{suffix}"


class DashboardView(DashboardMixin, TemplateView):
    """Where the university stands, in one screen, for the rector's office."""

    template_name = "cooperation/dashboard.html"

    def get_context_data(self, **kwargs):
        # The page's body is cached rendered (the template's {% cache %} under cache_key): the
        # figures are read from the cache, or computed, only when that fragment is missing. The
        # filter form is cached as the list pages' is (a select of every country costs more
        # than the rest of a cached page).
        form = self.dashboard_form()
        filters = form.dashboard_filters()
        data = SimpleLazyObject(self.dashboard_data)

        def chart_data() -> dict:  # called by the template, when it renders the fragment
            return {
                "charts": [chart.as_json() for chart in data["charts"]],
                "map": data["map"],
                "mapLabel": str(_("Agreements in force")),
            }

        query = self.request.GET.urlencode()
        return super().get_context_data(
            form=form,
            filter_form_key=filter_form_key(form, self.request),
            chart_data=chart_data,
            query=f"?{query}" if query else "",
            cache_key=dashboard_key(filters),
            filters=filters,
            **{name: SimpleLazyObject(lambda name=name: data[name]) for name in ("figures", "charts", "map", "lists")},
            **kwargs,
        )


class DashboardWorkbookView(DashboardMixin, View):
    def get(self, request, *args, **kwargs):
        content = dashboard_workbook(**self.dashboard_data())
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.file_name("xlsx")}"'
        return response


class DashboardPdfView(DashboardMixin, View):
    """The printable report, in the language the user reads the portal in."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(dashboard_pdf(request=request, **self.dashboard_data()), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.file_name("pdf")}"'
        return response
