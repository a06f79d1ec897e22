"""`python manage.py refresh_last_activity`: every agreement's last activity computed afresh from
its mobility and visits (cooperation/activity.py), e.g. after rows were changed by hand in SQL."""

from django.core.management.base import BaseCommand

from cooperation.activity import refresh_last_activity
from cooperation.dashboard.cache import records_changed


class Command(BaseCommand):
    help = "Compute every agreement's last activity afresh from its mobility and visits."

    def handle(self, *args, **options):
        changed = refresh_last_activity()
        if changed:
            records_changed()
        self.stdout.write(self.style.SUCCESS(f"{changed} agreements had another last activity; now corrected."))
