"""Mixins shared by the apps' views."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied

from cooperation.lib.permissions import can_change


class ViewPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Logged in and allowed to view this kind of record; anonymous users go to the login page."""

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        model = self.model or self.get_queryset().model
        return [f"{model._meta.app_label}.view_{model._meta.model_name}"]


class ChangePermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Allowed to add (no object) or change (an object) this kind of record, and, for a faculty
    coordinator, the record belongs to their unit. Everyone else logged in gets 403, on GET and
    POST alike, so a read-only role never even sees the form."""

    def get_permission_required(self):
        model = self.model
        action = "change" if self.kwargs.get("pk") else "add"
        return [f"{model._meta.app_label}.{action}_{model._meta.model_name}"]

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not can_change(self.request.user, obj):
            raise PermissionDenied
        return obj


class HistoryMixin:
    """Puts the record's history of changes (who, when, what) in the context of a detail page."""

    def get_context_data(self, **kwargs):
        from cooperation.lib.history import change_log

        return super().get_context_data(history=change_log(self.object), **kwargs)
