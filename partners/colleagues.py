"""Our colleagues as an entry page offers them: by full name and unit, as the pages show them,
never by the user name they log in with. The one place that names a user in a choice."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet


def colleague_label(user) -> str:
    name = user.get_full_name() or user.get_username()
    try:
        unit = user.profile.unit
    except ObjectDoesNotExist:  # a user made outside the portal (createsuperuser) has no profile
        unit = None
    return f"{name} ({unit})" if unit else name


def active_colleagues() -> QuerySet:
    """Who may be named responsible, owner or coordinator, in the order of their names, with
    what their labels read (no query per option)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile__unit")
        .order_by("first_name", "last_name", "username")
    )


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return colleague_label(obj)
