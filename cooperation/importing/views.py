"""The import pages: upload a file, see the verdict on every row, confirm or undo; the list of
past imports; the templates to fill in.

Who imports: the international office only (and administrators). A faculty coordinator is
refused imports altogether, although they may edit partners and their own unit's records one
by one: an import writes hundreds of records at once, most of them partners and contacts that
every unit shares, and its undo takes them all back; one office keeps that coherent. The
rector's office reads the record of imports like every other page, and writes nothing."""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView
from openpyxl import Workbook
from openpyxl.styles import Font

from cooperation.importing.base import RowDecisions
from cooperation.importing.forms import EncodingForm, ImportUploadForm
from cooperation.importing.models import ImportBatch
from cooperation.importing.readers import ImportFileError, encoding_label
from cooperation.importing.services import (
    KINDS,
    ImportRefused,
    import_confirm,
    import_kind,
    import_preview,
    import_read_as,
    import_undo,
    may_import,
    undo_counts,
    undo_problems,
)
from cooperation.lib.listing import XLSX_CONTENT_TYPE
from cooperation.lib.views import ViewPermissionMixin

# Where each kind's upload page sends the user back to (its list page).
LIST_URLS = {
    "institutions": ("partners:institution-list", _lazy("Partners")),
    "contacts": ("partners:institution-list", _lazy("Partners")),
    "agreements": ("agreements:agreement-list", _lazy("Agreements")),
    "participants": ("mobility:program-list", _lazy("Mobility")),
}


class ImportPermissionMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The international office (see the module's docstring); anyone else logged in gets 403."""

    def test_func(self):
        return may_import(self.request.user)


class ImportUploadView(ImportPermissionMixin, FormView):
    kind = ""
    form_class = ImportUploadForm
    template_name = "importing/upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind, "user": self.request.user}

    def get_context_data(self, **kwargs):
        importer = import_kind(self.kind, user=self.request.user)
        return super().get_context_data(
            importer=importer,
            list_url=reverse(LIST_URLS[self.kind][0]),
            list_title=LIST_URLS[self.kind][1],
            template_url=reverse(f"importing:{self.kind}-template"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            batch = import_preview(
                kind=self.kind, file=form.cleaned_data["file"], user=self.request.user, options=form.options()
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect(batch)


class ImportTemplateView(ImportPermissionMixin, View):
    """An empty workbook with the kind's column headers in the user's language and an example row."""

    kind = ""

    def get(self, request):
        importer = import_kind(self.kind, user=request.user)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(importer.sheet_name)
        sheet.append([column.header() for column in importer.columns])
        sheet.append([str(column.example) for column in importer.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column_cells in sheet.columns:
            sheet.column_dimensions[column_cells[0].column_letter].width = max(14, len(str(column_cells[0].value)) + 4)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="import-{self.kind}.xlsx"'
        return response


class ImportBatchListView(ViewPermissionMixin, ListView):
    model = ImportBatch
    template_name = "importing/batch_list.html"
    paginate_by = 50

    def get_queryset(self):
        # The preview and the record of changes can be large: the list needs neither.
        return ImportBatch.objects.select_related("uploaded_by", "imported_by", "undone_by").defer(
            "rows", "created_records", "updated_records"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_import=may_import(self.request.user),
            upload_links=[(reverse(f"importing:{key}"), kind.title) for key, kind in KINDS.items()],
            **kwargs,
        )


class ImportBatchDetailView(ViewPermissionMixin, DetailView):
    model = ImportBatch
    template_name = "importing/batch_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return ImportBatch.objects.select_related("uploaded_by", "imported_by", "undone_by")

    def get_context_data(self, **kwargs):
        batch = self.object
        counts = {status: 0 for status in ("new", "update", "duplicate", "error")}
        for row in batch.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        shown = self.request.GET.get("status")
        rows = [row for row in batch.rows if row["status"] == shown] if shown in counts else batch.rows
        can_import = may_import(self.request.user)
        problems = undo_problems(batch) if can_import and batch.status == ImportBatch.Status.IMPORTED else []
        return super().get_context_data(
            counts=counts,
            rows=rows,
            shown=shown if shown in counts else "",
            can_import=can_import,
            undo_problems=problems,
            upload_url=reverse(f"importing:{batch.kind}"),
            **self.encoding_context(batch, can_import),
            **kwargs,
        )

    @staticmethod
    def encoding_context(batch, can_import) -> dict:
        """What the preview says of a CSV file's encoding, and the choice of another."""
        encoding = batch.options.get("encoding", "")
        if not encoding:
            return {}
        changeable = can_import and batch.status == ImportBatch.Status.PREVIEWED
        return {
            "encoding_label": encoding_label(encoding),
            "encoding_form": EncodingForm(current=encoding) if changeable else None,
        }


class ImportConfirmView(ImportPermissionMixin, View):
    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch, pk=pk)
        try:
            batch = import_confirm(batch=batch, user=request.user, decisions=RowDecisions.from_form(request.POST))
        except ImportRefused as refused:
            messages.error(
                request, _("Nothing was imported. %(reasons)s") % {"reasons": " ".join(refused.messages[:5])}
            )
        else:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated.")
                % {"created": batch.created_count, "updated": batch.updated_count},
            )
        return redirect(batch)


class ImportEncodingView(ImportPermissionMixin, View):
    """Read the kept CSV file again in the encoding chosen on the preview."""

    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch, pk=pk)
        form = EncodingForm(request.POST, current=batch.options.get("encoding", ""))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("encoding", [])))
            return redirect(batch)
        try:
            batch = import_read_as(batch=batch, encoding=form.cleaned_data["encoding"], user=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
        except ImportRefused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(
                request,
                _("The file was read again as %(encoding)s.") % {"encoding": encoding_label(batch.options["encoding"])},
            )
        return redirect(batch)


class ImportUndoView(ImportPermissionMixin, View):
    """An undo can delete thousands of records: the page says how many of which kinds go (and
    which come back to their previous values) and asks to confirm; the POST undoes."""

    def get(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.select_related("imported_by"), pk=pk)
        context = {"batch": batch, "problems": undo_problems(batch), "counts": undo_counts(batch)}
        context["deleted_total"] = sum(count for _kind, count in context["counts"]["deleted"])
        return render(request, "importing/undo_confirm.html", context)

    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch, pk=pk)
        if request.POST.get("confirmed") != "yes":
            return redirect("importing:batch-undo", pk=batch.pk)  # undone only from the page that asks
        try:
            import_undo(batch=batch, user=request.user)
        except ImportRefused as refused:
            messages.error(request, " ".join(refused.messages[:6]))
        else:
            messages.success(request, _("The import was undone."))
        return redirect(batch)
