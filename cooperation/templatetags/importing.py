"""The "Import" button of a list page (templates/list_page.html): which imports fill the list's
kind of record, shown to those who may import (cooperation/importing/views.py)."""

from django import template
from django.urls import reverse

from cooperation.importing.services import KINDS, may_import

register = template.Library()

# The list's model -> the imports linked from it (participants are imported into a program).
IMPORTS_OF_LIST = {
    "partners.institution": ["institutions", "contacts"],
    "agreements.agreement": ["agreements"],
    "mobility.program": ["participants"],
}


@register.inclusion_tag("importing/import_button.html", takes_context=True)
def import_button(context):
    request = context.get("request")
    filterset = context.get("filter")
    if request is None or filterset is None:
        return {"links": []}
    kinds = IMPORTS_OF_LIST.get(filterset._meta.model._meta.label_lower, [])
    if not kinds or not may_import(request.user):
        return {"links": []}
    return {"links": [(reverse(f"importing:{kind}"), KINDS[kind].title) for kind in kinds]}
