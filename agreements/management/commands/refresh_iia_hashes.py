"""manage.py refresh_iia_hashes: compute again the iia-hash of our copy for every partner that has
approved one, after a write that sent no signal (a bulk import, a changed
HOME_INSTITUTION_SCHAC). Running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from agreements.ewp.approval import agreement_refresh_iia_hashes
from agreements.models import AgreementParty


class Command(BaseCommand):
    help = "Recompute the stored iia-hash of our IIA copies that partners have approved."

    def handle(self, *args, **options):
        ids = AgreementParty.objects.filter(partner_approval__isnull=False).values_list("agreement_id", flat=True)
        ids = sorted(set(ids))
        for agreement_id in ids:
            with transaction.atomic():
                agreement_refresh_iia_hashes(agreement_id=agreement_id)
        self.stdout.write(f"{len(ids)} agreement(s) checked.")
