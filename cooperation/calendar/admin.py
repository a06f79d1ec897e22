"""The calendar feed's tokens in the Django admin, as the API's (cooperation/api/admin.py).
Imported by cooperation/admin.py."""

from django.contrib import admin

from cooperation.api.admin import SecretTokenAdmin
from cooperation.calendar.models import CalendarFeedToken

admin.site.register(CalendarFeedToken, SecretTokenAdmin)
