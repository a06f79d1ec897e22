"""Mixins shared by the apps' views."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class ViewPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Logged in and allowed to view this kind of record; anonymous users go to the login page."""

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        model = self.model or self.get_queryset().model
        return [f"{model._meta.app_label}.view_{model._meta.model_name}"]
