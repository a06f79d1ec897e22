"""The record of an import: who uploaded which file, what the preview said, and, once
confirmed, what it created and what it changed (with the previous values), so it can be undone.

Imported by cooperation/models.py, so the model belongs to the cooperation app."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _import_file_path(batch, filename: str) -> str:
    # Under MEDIA_ROOT, which no URL serves: only the import views read the file.
    return f"imports/{batch.uploaded_at:%Y/%m}/{batch.token}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        INSTITUTIONS = "institutions", _("Institutions")
        CONTACTS = "contacts", _("Contacts")
        AGREEMENTS = "agreements", _("Agreements")
        PARTICIPANTS = "participants", _("Mobility participants")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, not imported")
        IMPORTED = "imported", _("Imported")
        UNDONE = "undone", _("Undone")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=_import_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    # What the kind needs besides the file: the program participants go into.
    options = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # The preview: one entry per row (number, status, label, message, errors).
    rows = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # After the import: [["app_label.model", pk], ...] in the order of creation, and
    # [{"model": "app_label.model", "pk": pk, "before": {field: value}}, ...].
    created_records = models.JSONField(default=list, blank=True)
    updated_records = models.JSONField(default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("importing:batch-detail", args=[self.pk])
