"""`python manage.py seed_bulk --partners N --agreements N --visits N --participants N`

Fills the database with synthetic data in bulk (cooperation/demo/bulk.py, its words in
cooperation/demo/data/bulk/) for benchmarks and load tests: partners with names in several
scripts, agreements over fifteen years, visits, programs and participants. It adds to what is
there; run it on a throwaway database.
"""

from django.core.management.base import BaseCommand, CommandError

from cooperation.demo.bulk import Sizes, seed_bulk


class Command(BaseCommand):
    help = "Fill the database with synthetic partners, agreements, visits and mobility (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=1000)
        parser.add_argument("--agreements", type=int, default=5000)
        parser.add_argument("--visits", type=int, default=2000)
        parser.add_argument("--participants", type=int, default=20000)
        parser.add_argument("--programs", type=int, default=None, help="Default: one per 40 participants.")
        parser.add_argument("--seed", type=int, default=7, help="The same seed gives the same data.")

    def handle(self, *args, partners, agreements, visits, participants, programs, seed, **options):
        if min(partners, agreements, visits, participants) < 0 or (programs is not None and programs < 0):
            raise CommandError("Sizes cannot be negative.")
        if partners == 0 and (agreements or visits or participants):
            raise CommandError("Agreements, visits and participants need partners.")
        log = self.stdout.write if options["verbosity"] >= 1 else None
        report = seed_bulk(
            Sizes(
                partners=partners, agreements=agreements, visits=visits, participants=participants, programs=programs
            ),
            seed=seed,
            log=log,
        )
        self.stdout.write(self.style.SUCCESS(f"Seeded in {report.total_seconds:.1f} s."))
