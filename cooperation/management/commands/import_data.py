"""`manage.py import_data KIND FILE [--dry-run] [--user USERNAME] [--program ID]`: the same
import as the staff pages (cooperation.importing.services), for large files or scripts. It
prints the verdict on every row that is not plainly new, then imports all rows or none."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cooperation.importing.base import RowDecisions
from cooperation.importing.readers import ImportFileError
from cooperation.importing.services import (
    KINDS,
    ImportRefused,
    import_check,
    import_confirm,
    import_preview,
    may_import,
)


class Command(BaseCommand):
    help = "Import institutions, contacts, agreements or mobility participants from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")
        parser.add_argument("--user", help="Who imports (recorded on the import); a superuser by default.")
        parser.add_argument("--program", type=int, help="For participants: the id of their program.")
        parser.add_argument(
            "--apply-changes",
            action="store_true",
            help="Apply the changes of an official name, status or country too (the staff pages ask row by row; "
            "without this they are left out).",
        )

    def handle(self, *args, kind, file, dry_run, user, program, apply_changes, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        importer = self._user(user)
        if kind == "participants" and not program:
            raise CommandError("Participants go into a program: give --program ID.")
        options = {"program": program} if program else {}
        with path.open("rb") as handle:
            try:
                # A dry run keeps nothing, not even the file; otherwise the preview is the
                # import's record, as on the staff pages.
                if dry_run:
                    rows = [
                        row.as_json() for row in import_check(kind=kind, file=handle, user=importer, options=options)
                    ]
                    batch = None
                else:
                    batch = import_preview(kind=kind, file=handle, user=importer, options=options)
                    rows = batch.rows
            except ImportFileError as error:
                raise CommandError(str(error)) from error
        counts = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
            for message in row["errors"]:
                self.stderr.write(message)
            if row["status"] in ("update", "duplicate"):
                matched = f" (matched {row['match']})" if row.get("match") else ""
                self.stdout.write(f"row {row['number']}: {row['status']}: {row['label']}{matched}: {row['message']}")
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(f"{len(rows)} rows: {summary or 'none'}")
        if counts.get("error"):
            raise CommandError(f"{counts['error']} rows have errors; nothing was imported.")
        if batch is None:
            self.stdout.write("Dry run: nothing was imported.")
            return
        try:
            confirmed = {row["number"] for row in rows if row.get("needs_confirmation")} if apply_changes else set()
            decisions = RowDecisions(confirmed=confirmed, confirming=True)
            batch = import_confirm(batch=batch, user=importer, decisions=decisions)
        except ImportRefused as refused:
            raise CommandError("\n".join(refused.messages)) from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported (import #{batch.pk}): {batch.created_count} created, {batch.updated_count} updated."
            )
        )

    def _user(self, username: str | None):
        User = get_user_model()
        if username:
            found = User.objects.filter(username=username).first()
            if found is None:
                raise CommandError(f"No user {username!r}.")
            if not may_import(found):
                raise CommandError(f"{username} is not in the international office: imports are theirs.")
            return found
        found = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if found is None:
            raise CommandError("No superuser to record the import under: give --user USERNAME.")
        return found
