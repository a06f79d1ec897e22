"""The reminder log, the notifications, the reminder policy and the sweeps in the admin.

Imported by cooperation/admin.py. The log is read-only: a reminder changes state only through
the sweep and the delivery service, or through the two actions below.
"""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.lib.admin import ReadOnlyAdmin
from cooperation.reminders.delivery import reminders_retry_now
from cooperation.reminders.models import Notification, Reminder, ReminderPolicy, SweepRun

# Records whose page can be linked without loading them (a follow-up action lives on its visit).
DETAIL_URL_OF_KIND = {
    Reminder.Kind.AGREEMENT_EXPIRY: "agreements:agreement-detail",
    Reminder.Kind.AGREEMENT_NOTICE: "agreements:agreement-detail",
    Reminder.Kind.VISIT_START: "cooperation:visit-detail",
    Reminder.Kind.PROGRAM_APPLICATION: "mobility:program-detail",
    Reminder.Kind.PROGRAM_NOMINATION: "mobility:program-detail",
}


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "record",
        "due_on",
        "threshold_days",
        "recipient_label",
        "state",
        "skip_reason",
        "attempts",
        "short_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("state", "kind", "skip_reason", "due_on")
    search_fields = ("recipient__username", "recipient__email", "email", "error", "=item_id")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    actions = ["send_again", "skip"]

    @admin.display(description=_("record"))
    def record(self, reminder):
        name = DETAIL_URL_OF_KIND.get(reminder.kind)
        if name is None:
            return f"#{reminder.item_id}" if reminder.item_id else "—"
        try:
            return format_html('<a href="{}">#{}</a>', reverse(name, args=[reminder.item_id]), reminder.item_id)
        except NoReverseMatch:
            return f"#{reminder.item_id}"

    @admin.display(description=_("recipient"))
    def recipient_label(self, reminder):
        return reminder.recipient_label

    @admin.display(description=_("last error"))
    def short_error(self, reminder):
        return reminder.error[:80]

    @admin.action(description=_("Send the selected failed or skipped reminders again"))
    def send_again(self, request, queryset):
        count = reminders_retry_now(reminder_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder will be sent within minutes.",
                "%(count)d reminders will be sent within minutes.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Skip the selected unsent reminders"))
    def skip(self, request, queryset):
        count = queryset.unsent().update(state=Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.BY_HAND)
        self.message_user(
            request,
            ngettext("%(count)d reminder skipped.", "%(count)d reminders skipped.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "message")
    list_select_related = ("user",)
    raw_id_fields = ("user", "reminder")


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "agreement_expiry_days", "agreement_notice_days", "visit_start_days", "updated_at")
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "Days before each due date, separated by commas: 0 is the day itself, a negative "
                    "number that many days after it. An empty field turns that reminder off. The "
                    "schedules (when the sweep and the digest run) are under Periodic tasks."
                ),
                "fields": (
                    "agreement_expiry_days",
                    "agreement_notice_days",
                    "visit_start_days",
                    "action_due_days",
                    "program_deadline_days",
                    "participant_documents_days",
                ),
            },
        ),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReminderPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1  # the one row
        super().save_model(request, obj, form, change)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = ("on", "triggered_by", "started_at", "finished_at", "due_items", "planned", "superseded")
    list_filter = ("triggered_by",)
    date_hierarchy = "finished_at"
