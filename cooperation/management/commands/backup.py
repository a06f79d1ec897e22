"""`python manage.py backup [--output FILE]`: the database and the uploaded documents in one
archive (see cooperation/ops/backup.py and docs/DEPLOYMENT.md for the schedule)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from cooperation.ops.backup import default_backup_path, make_backup


class Command(BaseCommand):
    help = "Write the database and the uploaded documents to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="The archive to write (default: var/backups/cooperation-DATE.tar.gz)."
        )

    def handle(self, *args, output: Path | None, **options):
        destination = output or default_backup_path()
        manifest = make_backup(destination)
        self.stdout.write(
            f"Wrote {destination}: database {manifest['database']['bytes']} bytes, "
            f"{len(manifest['documents'])} documents."
        )
