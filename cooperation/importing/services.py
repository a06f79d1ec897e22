"""The three steps of an import: preview (read and check every row, keep the file), confirm
(check again, then write every row in one transaction, or none), undo (put back what it changed
and delete what it created, unless someone has used or changed those records since)."""

import uuid
from collections import Counter, defaultdict
from pathlib import PurePath

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cooperation import activity
from cooperation.dashboard.cache import records_changed
from cooperation.importing.agreements import AgreementImport
from cooperation.importing.base import (
    ERROR,
    NEW,
    UPDATE,
    ImportKind,
    Recorder,
    Row,
    RowDecisions,
    map_headers,
    restore,
)
from cooperation.importing.contacts import ContactImport
from cooperation.importing.institutions import InstitutionImport
from cooperation.importing.models import ImportBatch
from cooperation.importing.participants import ParticipantImport
from cooperation.importing.readers import (
    CellError,
    ImportFileError,
    encoding_name,
    file_encoding,
    parse_text,
    read_table,
)
from cooperation.lib.history import save_with_history, set_many_with_history

KINDS: dict[str, type[ImportKind]] = {
    kind.key: kind for kind in (InstitutionImport, ContactImport, AgreementImport, ParticipantImport)
}


IMPORT_PERMISSION = "cooperation.add_importbatch"  # the office's alone (cooperation.roles)


def may_import(user) -> bool:
    """Only the international office imports (cooperation/importing/views.py says why). A model
    permission rather than the group's name: it is cached with the user's other permissions, so
    the list pages' Import button costs no query."""
    return user.has_perm(IMPORT_PERMISSION)


class ImportRefused(Exception):
    """The import (or its undo) was not carried out; `messages` say why."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def import_kind(kind: str, *, user, options: dict | None = None) -> ImportKind:
    return KINDS[kind](user=user, options=options)


def check_rows(importer: ImportKind, file, name: str, *, encoding: str | None = None) -> list[Row]:
    """Every row of the file, read and checked against the database; nothing is written."""
    table = read_table(file, name, encoding=encoding)
    mapping, problems = map_headers(importer, table.headers)
    if problems:
        raise ImportFileError(" ".join(problems))
    rows = []
    for number, cells in table.rows:
        row = Row(number=number)
        for index, column in mapping.items():
            raw = cells[index] if index < len(cells) else None
            try:
                row.values[column.key] = column.parse(raw)
            except CellError as error:
                row.error(column.label, error)
                row.values[column.key] = None
        # What the preview calls the row until its kind names it: the first column filled in.
        row.label = next((parse_text(cells[index]) for index in mapping if index < len(cells) and cells[index]), "")
        for column in importer.columns:
            row.values.setdefault(column.key, None)
            failed = any(label == str(column.label) for label, _message in row.errors)
            if column.required and row.values[column.key] in (None, "", []) and not failed:
                row.error(column.label, _("a value is required."))
        rows.append(row)
    importer.check(rows)
    return rows


def _fill_preview(batch: ImportBatch, rows: list[Row]) -> None:
    batch.rows = [row.as_json() for row in rows]
    batch.row_count = len(rows)
    batch.error_count = sum(row.status == ERROR for row in rows)


def import_check(*, kind: str, file, user, options: dict | None = None) -> list[Row]:
    """The verdict on every row of a file, keeping nothing (the command's --dry-run)."""
    name = PurePath(getattr(file, "name", "") or "import").name
    return check_rows(import_kind(kind, user=user, options=options), file, name)


def import_preview(*, kind: str, file, user, options: dict | None = None) -> ImportBatch:
    """Read and check an uploaded file and keep it (under MEDIA_ROOT/imports/, which no URL
    serves) with the verdict on every row, so that confirming needs no second upload.
    Raises ImportFileError when the file as a whole cannot be read."""
    name = PurePath(getattr(file, "name", "") or "import").name
    importer = import_kind(kind, user=user, options=options)
    encoding = file_encoding(file, name)
    rows = check_rows(importer, file, name, encoding=encoding)
    batch = ImportBatch(
        kind=kind,
        options={**(options or {}), **({"encoding": encoding} if encoding else {})},
        token=uuid.uuid4().hex,
        original_name=name,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    _fill_preview(batch, rows)
    file.seek(0)
    batch.file.save(name, File(file), save=False)
    batch.save()
    return batch


def _check_again(
    batch: ImportBatch, *, user, encoding: str | None, decisions: RowDecisions | None = None
) -> tuple[ImportBatch, ImportKind, list[Row]]:
    """Lock a previewed batch (in the caller's transaction) and check its kept file again, with
    what the user chose for the matched rows where that is given."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused([_("This file has already been imported.")])
    importer = import_kind(batch.kind, user=user, options=batch.options)
    if decisions is not None:
        importer.set_decisions(decisions)
    with batch.file.open("rb") as file:
        rows = check_rows(importer, file, batch.original_name, encoding=encoding)
    return batch, importer, rows


def import_confirm(*, batch: ImportBatch, user, decisions: RowDecisions | None = None) -> ImportBatch:
    """Check the kept file again (the database may have changed since the preview) with what the
    user chose for the matched rows (`decisions`; none: every default, no change confirmed),
    and write every row, in one transaction; if any row has an error, nothing is written, the
    preview is brought up to date, and ImportRefused says which rows."""
    refused = None
    with transaction.atomic():
        batch, importer, rows = _check_again(
            batch,
            user=user,
            encoding=batch.options.get("encoding"),
            decisions=decisions or RowDecisions(confirming=True),
        )
        _fill_preview(batch, rows)
        bad = [row for row in rows if row.status == ERROR]
        if bad:
            batch.save(update_fields=["rows", "row_count", "error_count"])
            refused = [message for row in bad for message in row.describe_errors()]
        else:
            recorder = Recorder(user=user, reason=_("Imported from %(file)s") % {"file": batch.original_name})
            try:
                with transaction.atomic(), activity.batched():
                    importer.write(rows, recorder)
            except IntegrityError as error:
                # Someone entered the same identifier a moment ago: nothing of this import stays.
                raise ImportRefused(
                    [
                        _("The database refused a row (%(error)s); nothing was imported. Check the file again.")
                        % {"error": error}
                    ]
                ) from error
            batch.status = ImportBatch.Status.IMPORTED
            batch.imported_by = user
            batch.imported_at = timezone.now()
            batch.created_count = sum(row.status == NEW for row in rows)
            batch.updated_count = sum(row.status == UPDATE for row in rows)
            batch.created_records = recorder.created
            batch.updated_records = recorder.updated
            batch.save()
            records_changed()  # bulk writes send no signals: the dashboards must learn of them
    if refused:
        raise ImportRefused(refused)
    return batch


def import_read_as(*, batch: ImportBatch, encoding: str, user) -> ImportBatch:
    """Read the kept CSV file again in another encoding (the preview's choice when the detected
    one reads it wrong) and check every row again; nothing is written but the preview.
    Raises ImportFileError when the file cannot be read in that encoding."""
    with transaction.atomic():
        batch, _importer, rows = _check_again(batch, user=user, encoding=encoding)
        batch.options = {**batch.options, "encoding": encoding_name(encoding)}
        _fill_preview(batch, rows)
        batch.save(update_fields=["options", "rows", "row_count", "error_count"])
    return batch


def _load(label: str, pks):
    model = apps.get_model(label)
    return model, model._default_manager.in_bulk(list(pks))


def _changed_since(model, pks, since) -> set:
    """The pks of the records changed after `since`, in one query per model."""
    if hasattr(model, "history"):
        pk_name = model._meta.pk.attname
        changed = model.history.filter(**{f"{pk_name}__in": list(pks)}, history_date__gt=since)
        return set(changed.values_list(pk_name, flat=True))
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        return set(model._default_manager.filter(pk__in=list(pks), updated_at__gt=since).values_list("pk", flat=True))
    return set()


def undo_problems(batch: ImportBatch) -> list[str]:
    """Why the import cannot be undone: a record it created is now used by another record, or
    a record it created or changed has been changed since. Empty when it can be."""
    if batch.status != ImportBatch.Status.IMPORTED:
        return [_("Only a completed import can be undone.")]
    problems = []
    created: dict[str, set] = defaultdict(set)
    for label, pk in batch.created_records:
        created[label].add(pk)
    collector = NestedObjects(using=DEFAULT_DB_ALIAS)
    ours = set()
    for label, pks in created.items():
        model, objects = _load(label, pks)
        changed = _changed_since(model, objects, batch.imported_at)
        for obj in objects.values():
            ours.add((label, obj.pk))
            if obj.pk in changed:
                problems.append(
                    _("%(record)s '%(name)s', created by this import, has been changed since.")
                    % {"record": model._meta.verbose_name, "name": obj}
                )
        if objects:
            collector.collect(list(objects.values()))
    used_by = []
    for model, instances in collector.data.items():
        if model._meta.label_lower.split(".")[1].startswith("historical"):
            continue
        for obj in instances:
            if (model._meta.label_lower, obj.pk) not in ours and not _own_many_to_many_row(obj, ours):
                used_by.append(obj)
    used_by += [obj for obj in collector.protected if (obj._meta.label_lower, obj.pk) not in ours]
    for obj in used_by:
        record = _owner_of(obj, ours)
        problems.append(
            _("%(record)s '%(name)s' now refers to a record this import created.")
            % {"record": record._meta.verbose_name, "name": record}
        )
    updated: dict[str, set] = defaultdict(set)
    for entry in batch.updated_records:
        updated[entry["model"]].add(entry["pk"])
    for label, pks in updated.items():
        model, objects = _load(label, pks)
        for pk in sorted(_changed_since(model, objects, batch.imported_at)):
            problems.append(
                _("%(record)s '%(name)s', updated by this import, has been changed since.")
                % {"record": model._meta.verbose_name, "name": objects[pk]}
            )
    return list(dict.fromkeys(problems))


def undo_counts(batch: ImportBatch) -> dict[str, list[tuple[str, int]]]:
    """What an undo takes back, kind by kind, for the page that asks to confirm it:
    {"deleted": [(kind, count), ...], "restored": [...]}, kinds in the order of the import."""
    deleted = Counter(label for label, _pk in batch.created_records)
    restored = Counter(entry["model"] for entry in batch.updated_records)
    return {
        what: [(capfirst(apps.get_model(label)._meta.verbose_name_plural), count) for label, count in counts.items()]
        for what, counts in (("deleted", deleted), ("restored", restored))
    }


def _own_many_to_many_row(obj, ours) -> bool:
    """A row of a many-to-many table that belongs to one of our records (an imported agreement's
    areas) goes with it; a row of another record's (a program listing an imported partner) is a
    use of our record."""
    declaring = obj._meta.auto_created
    if not declaring:
        return False
    for model_field in obj._meta.concrete_fields:
        if model_field.many_to_one and model_field.related_model is declaring:
            return (declaring._meta.label_lower, getattr(obj, model_field.attname)) in ours
    return False


def _owner_of(obj, ours):
    """The record a user knows a row by: a party or a participant by its agreement or program."""
    for model_field in obj._meta.concrete_fields:
        if model_field.many_to_one:
            target = getattr(obj, model_field.name)
            if target is not None and hasattr(target, "get_absolute_url"):
                if (target._meta.label_lower, target.pk) not in ours:
                    return target
    return obj


def import_undo(*, batch: ImportBatch, user) -> ImportBatch:
    """Put back the previous values of what the import updated and delete what it created, in
    one transaction; refused (ImportRefused) if any of those records has been used or changed
    since, so an undo never takes someone else's work with it."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        problems = undo_problems(batch)
        if batch.status != ImportBatch.Status.IMPORTED:
            raise ImportRefused(problems)
        if problems:
            raise ImportRefused([_("This import cannot be undone:"), *problems])
        reason = _("Import of %(file)s undone") % {"file": batch.original_name}
        with activity.batched():
            _undo_writes(batch, user=user, reason=reason)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_by = user
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_by", "undone_at"])
        records_changed()
    return batch


def _undo_writes(batch: ImportBatch, *, user, reason: str) -> None:
    for entry in reversed(batch.updated_records):
        model = apps.get_model(entry["model"])
        obj = model._default_manager.select_for_update().filter(pk=entry["pk"]).first()
        if obj is None:
            continue
        many = restore(obj, entry["before"])
        save_with_history(obj, user=user, reason=reason)
        for name in many:
            set_many_with_history(obj, name, entry["before"][name], user=user, reason=reason)
    created: dict[str, list] = {}
    for label, pk in batch.created_records:
        created.setdefault(label, []).append(pk)
    # Model by model, the last created first (names before their institution, parties
    # before their agreement): one delete per model rather than one per record.
    for label in reversed(list(created)):
        model = apps.get_model(label)
        try:
            model._default_manager.filter(pk__in=created[label]).delete()
        except (ProtectedError, RestrictedError) as error:
            # Linked a moment ago, after undo_problems() looked: the whole undo rolls back.
            raise ImportRefused([_("This import cannot be undone:"), str(error.args[0])]) from error
        if hasattr(model, "history"):
            # The deletions' history rows, written by the delete, say who and why.
            model.history.filter(
                **{f"{model._meta.pk.attname}__in": created[label]}, history_type="-", history_user=None
            ).update(history_user=user, history_change_reason=reason)
