"""`python manage.py refresh_kept`: everything cooperation/activity.py keeps (the agreements' last
activity and partners' countries and kinds, the partners' first signing, the conditions' uses)
computed afresh from the records, e.g. after rows were changed by hand in SQL."""

from django.core.management.base import BaseCommand

from cooperation.activity import refresh_kept
from cooperation.dashboard.cache import records_changed


class Command(BaseCommand):
    help = (
        "Compute afresh what is kept from the records: last activity, partners' countries and kinds, "
        "first signing, conditions' uses."
    )

    def handle(self, *args, **options):
        changed = refresh_kept()
        if changed:
            records_changed()
        self.stdout.write(self.style.SUCCESS(f"{changed} kept values were out of date; now corrected."))
