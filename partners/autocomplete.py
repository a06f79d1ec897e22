"""Autocomplete for institutions and contacts: a JSON endpoint and the form widget that uses it.

A partner list grows to thousands of names in several scripts, so a form never renders them all
as <option>s: the widget renders only the chosen ones, and static/js/autocomplete.js asks the
endpoint as the user types, matching any name variant (Institution.objects.search).
"""

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from cooperation.lib.text import record_id
from cooperation.lib.views import ViewPermissionMixin
from partners.models import Contact, Institution

RESULTS = 20


class InstitutionAutocompleteView(ViewPermissionMixin, View):
    permission_required = "partners.view_institution"

    def get(self, request):
        query = request.GET.get("q", "").strip()
        institutions = Institution.objects.current().search(query).order_by("name")[:RESULTS] if query else []
        results = [
            {"id": institution.pk, "text": f"{institution.name} ({institution.country.code})"}
            for institution in institutions
        ]
        message = (
            ngettext("%(count)s partner found", "%(count)s partners found", len(results)) % {"count": len(results)}
            if results
            else _("No partner found: the choice is unchanged.")
        )
        return JsonResponse({"results": results, "message": message})


class ContactAutocompleteView(ViewPermissionMixin, View):
    permission_required = "partners.view_contact"

    def get(self, request):
        query = request.GET.get("q", "").strip()
        contacts = Contact.objects.select_related("institution").order_by("full_name")
        if query:
            contacts = contacts.filter(Q(full_name__icontains=query) | Q(native_name__icontains=query))
        institution_id = request.GET.get("institution", "")
        if record_id(institution_id) is not None:
            contacts = contacts.filter(institution_id=record_id(institution_id))
        results = [
            {"id": contact.pk, "text": f"{contact} — {contact.institution.short_name or contact.institution.name}"}
            for contact in contacts[:RESULTS]
        ]
        message = (
            ngettext("%(count)s contact found", "%(count)s contacts found", len(results)) % {"count": len(results)}
            if results
            else _("No contact found: the choice is unchanged.")
        )
        return JsonResponse({"results": results, "message": message})


class AutocompleteSelect(forms.Select):
    """A <select> that holds only the chosen option and is filled as the user types."""

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        attrs = {
            **(attrs or {}),
            "data-autocomplete-url": reverse(self.url_name),
            # The search box's name is the field's name and this word (autocomplete.js).
            "data-autocomplete-search": _("search"),
            # What the live region says when a match is chosen (%s is the match).
            "data-autocomplete-chosen": _("Chosen: %s"),
        }
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        # Only the selected choice (and the empty one) is rendered: the rest come from the endpoint.
        # A form sent back with a value that is no id ("abc", or too big for the database's
        # integer) re-renders with its error, not a 500.
        chosen = {record_id(item) for item in value} - {None}
        queryset = self.choices.queryset.filter(pk__in=chosen) if chosen else self.choices.queryset.none()
        self.choices.queryset = queryset
        return super().optgroups(name, value, attrs)


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    pass
