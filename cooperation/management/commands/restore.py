"""`python manage.py restore FILE`: load a backup archive into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperation.ops.backup import RestoreError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive (from `manage.py backup`) into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist.")
        try:
            manifest = restore_backup(archive)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {archive} (made {manifest['created_at']}): {len(manifest['documents'])} documents."
        )
