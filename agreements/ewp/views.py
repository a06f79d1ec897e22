"""The agreement's EWP IIA document (the file, or the page that lists what is missing), and a
partner's document compared with ours."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from agreements.ewp.documents import DocumentError, refuse_if_too_large
from agreements.ewp.export import ExportRefused, exported_agreement, iia_document
from agreements.ewp.reading import compare_conditions, match_agreement, read_partner_iias
from agreements.models import Agreement
from cooperation.lib.views import ViewPermissionMixin


class IiaExportView(ViewPermissionMixin, View):
    model = Agreement  # whoever may see the agreement may take its IIA

    def get(self, request, pk):
        try:
            agreement = exported_agreement(pk)
        except Agreement.DoesNotExist:
            raise Http404 from None
        try:
            document = iia_document(agreement)
        except ExportRefused as refused:
            return render(
                request,
                "agreements/iia_export_problems.html",
                {"agreement": agreement, "problems": refused.problems},
            )
        response = HttpResponse(document, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="iia-{agreement.pk}.xml"'
        return response


class IiaUploadForm(forms.Form):
    file = forms.FileField(label=_("The partner's IIA document (XML)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            refuse_if_too_large(uploaded.size)  # before reading it
            return read_partner_iias(uploaded.read())
        except DocumentError as error:
            raise forms.ValidationError(str(error)) from None


class IiaCompareView(ViewPermissionMixin, FormView):
    """Upload a partner's IIA document and see it beside our agreement: nothing is written."""

    model = Agreement  # it reads; whoever may see agreements may compare
    form_class = IiaUploadForm
    template_name = "agreements/iia_compare.html"

    def form_valid(self, form):
        iias = form.cleaned_data["file"]
        for iia in iias:
            iia.party = match_agreement(iia)
            if iia.party is not None:
                iia.agreement = iia.party.agreement
                ours = [
                    quota
                    for quota in iia.agreement.quotas.select_related("partner")
                    if quota.partner_id in (None, iia.party.institution_id)
                ]
            else:
                ours = []
            iia.rows = compare_conditions(ours, iia.conditions)
        return self.render_to_response(self.get_context_data(form=form, iias=iias))
