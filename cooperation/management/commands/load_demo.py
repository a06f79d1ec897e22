"""`python manage.py load_demo [--password PASSWORD]`

Loads the demo data (cooperation/demo/, from the YAML files of its data/ folder): the five seed news
items and the partners, agreements, visits and mobility around them. Safe to run again: it brings
the data up to date and never duplicates it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from cooperation.demo import DEFAULT_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and the demo users admin, staff, coordinator and rector."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"The password of every demo user (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        if not password:
            raise CommandError(_("The password must not be empty."))
        summary = demo_load(password=password)
        counts = ", ".join(f"{count} {what}" for what, count in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded: %(counts)s.") % {"counts": counts}))
        self.stdout.write(_("Log in at %(url)s") % {"url": settings.SITE_URL + reverse("login")})
        self.stdout.write(_("  users:    %(users)s") % {"users": ", ".join(summary.usernames)})
        self.stdout.write(_("  password: %(password)s") % {"password": password})
        self.stdout.write(
            _("  admin:    %(url)s (admin; rector reads it)") % {"url": settings.SITE_URL + reverse("admin:index")}
        )
