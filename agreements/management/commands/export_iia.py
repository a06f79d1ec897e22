"""manage.py export_iia ID [ID ...]: each agreement's EWP IIA document, to standard output or to
files (--directory). An agreement that cannot be exported says what is missing and the command
fails, writing nothing for it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.ewp.export import ExportRefused, exported_agreement, iia_document
from agreements.models import Agreement


class Command(BaseCommand):
    help = "Write agreements as EWP IIA v7 documents (<iias-get-response>)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", type=int, metavar="ID")
        parser.add_argument("--directory", type=Path, help="write iia-ID.xml files here instead of standard output")

    def handle(self, *args, ids, directory, **options):
        refused = []
        for pk in ids:
            try:
                document = iia_document(exported_agreement(pk))
            except Agreement.DoesNotExist:
                refused.append(f"{pk}: no such agreement")
                continue
            except ExportRefused as error:
                refused.append(f"{pk}: " + "; ".join(problem.message for problem in error.problems))
                continue
            if directory:
                directory.mkdir(parents=True, exist_ok=True)
                (directory / f"iia-{pk}.xml").write_bytes(document)
            else:
                self.stdout.write(document.decode())
        if refused:
            raise CommandError("not exported:\n" + "\n".join(refused))
