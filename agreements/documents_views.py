"""An agreement's documents: upload a new version, download one. Files are never under a public
URL: the download view checks the user's right to see the agreement each time."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from agreements.forms import DocumentUploadForm
from agreements.models import Agreement, DocumentVersion
from agreements.services import agreement_add_document
from cooperation.lib.documents import document_response
from cooperation.lib.views import ChangePermissionMixin, ViewPermissionMixin


class DocumentUploadView(ChangePermissionMixin, SingleObjectMixin, View):
    model = Agreement
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        agreement = self.get_object()
        form = DocumentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[field].label}: {' '.join(errors)}" if field in form.fields else " ".join(errors)
                for field, errors in form.errors.items()
            )
            messages.error(request, _("The document was not uploaded. %(problems)s") % {"problems": problems})
            return redirect(agreement.get_absolute_url() + "#documents")
        version = agreement_add_document(
            agreement=agreement,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
            content_type=form.content_type,
            comment=form.cleaned_data["comment"],
            user=request.user,
        )
        messages.success(
            request,
            _("“%(name)s” is kept as version %(number)s of “%(document)s”.")
            % {"name": version.original_name, "number": version.number, "document": version.document.title},
        )
        return redirect(agreement.get_absolute_url() + "#documents")


class DocumentDownloadView(ViewPermissionMixin, View):
    model = Agreement  # whoever may see the agreement may read its documents

    def get(self, request, pk, version_pk):
        version = get_object_or_404(DocumentVersion, pk=version_pk, document__agreement_id=pk)
        return document_response(
            file=version.file, content_type=version.content_type, download_name=version.original_name
        )
