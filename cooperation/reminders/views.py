"""The notifications page: a user's own notifications, newest first, marked read one by one or
all at once. Opening one marks it read and goes to its record."""

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView

from cooperation.lib.text import record_id
from cooperation.lib.views import ViewPermissionMixin
from cooperation.reminders.delivery import notifications_mark_read
from cooperation.reminders.models import Notification


class NotificationListView(ViewPermissionMixin, ListView):
    model = Notification
    paginate_by = 30
    template_name = "cooperation/notifications.html"
    context_object_name = "notifications"

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    def post(self, request, *args, **kwargs):
        """open=<id>: mark read and go to the record; read=<id>: mark read; read=all: all of them."""
        back = reverse("notifications")
        if record_id(request.POST.get("open", "")) is not None:
            notification = get_object_or_404(Notification, pk=record_id(request.POST["open"]), user=request.user)
            notifications_mark_read(user=request.user, notification_id=notification.pk)
            safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
            return HttpResponseRedirect(notification.url if notification.url and safe else back)
        target = request.POST.get("read", "")
        if target == "all":
            notifications_mark_read(user=request.user)
        elif record_id(target) is not None:
            notification = get_object_or_404(Notification, pk=record_id(target), user=request.user)
            notifications_mark_read(user=request.user, notification_id=notification.pk)
        page = request.POST.get("page", "")
        return HttpResponseRedirect(f"{back}?page={page}" if record_id(page) is not None else back)
