"""Saving a record so that its audit history (django-simple-history) says who did it and why."""

from django.contrib.auth.models import AbstractBaseUser


def save_with_history(obj, *, user: AbstractBaseUser | None, reason: str, **save_kwargs) -> None:
    """Save and record who did it and why. The markers are removed afterwards so that a later,
    unrelated save of the same instance is not attributed to this change."""
    obj._history_user = user
    obj._change_reason = reason
    try:
        obj.save(**save_kwargs)
    finally:
        del obj._history_user
        del obj._change_reason
