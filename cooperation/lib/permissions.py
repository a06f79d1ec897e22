"""Who may do what to which record: the object-level half of the roles.

Model permissions (which group may add, change, delete or view a kind of record) come from
cooperation.roles. On top of them, a faculty coordinator may change only the records that
belong to their unit: each model names the path to its owning unit in `unit_path`.
Institutions and contacts have no owner: they are shared by every unit.
"""

from functools import reduce

from django.db.models import Model, QuerySet

from cooperation import roles


def _group_names(user) -> set[str]:
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._role_names


def is_office(user) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.OFFICE in _group_names(user))


def is_coordinator(user) -> bool:
    return user.is_authenticated and roles.COORDINATOR in _group_names(user)


def is_rector_office(user) -> bool:
    return user.is_authenticated and roles.RECTOR in _group_names(user)


def holds_a_role(user) -> bool:
    """An active user of the office (a superuser counts as one), a coordinator or the rector's
    office: who reads the portal, its API and calendar feeds."""
    return (
        user.is_authenticated and user.is_active and (is_office(user) or is_coordinator(user) or is_rector_office(user))
    )


def role_holders(*role_names: str) -> QuerySet:
    """The active users holding one of the roles, as holds_a_role() judges one user."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    holding = Q(groups__name__in=role_names)
    if roles.OFFICE in role_names:
        holding |= Q(is_superuser=True)
    return get_user_model().objects.filter(holding, is_active=True).distinct()


def user_unit_id(user) -> int | None:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile.unit_id if profile else None


def owning_unit_id(obj: Model) -> int | None:
    path = getattr(obj, "unit_path", None)
    if path is None:
        return None
    *relations, field = path.split("__")
    target = reduce(lambda current, name: getattr(current, name) if current is not None else None, relations, obj)
    return getattr(target, f"{field}_id", None) if target is not None else None


def can_change(user, obj: Model) -> bool:
    """May this user change (or delete, with the model permission) this record?"""
    if is_office(user):
        return True
    if not is_coordinator(user):
        return False
    if getattr(obj, "unit_path", None) is None:
        return True  # shared records: partners and their contacts
    if obj.pk is None and owning_unit_id(obj) is None:
        return True  # a new record whose unit is not chosen yet
    unit_id = user_unit_id(user)
    return unit_id is not None and owning_unit_id(obj) == unit_id


def changeable_by(user, queryset: QuerySet) -> QuerySet:
    """The records of a queryset that this user may change."""
    if is_office(user):
        return queryset
    if not is_coordinator(user):
        return queryset.none()
    path = getattr(queryset.model, "unit_path", None)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}_id": user_unit_id(user)})
