"""The default schedules of beat (editable in the admin under "Periodic tasks"), the reminder
policy with the thresholds from settings, and the roles' permissions on the new models."""

import json
import zoneinfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from cooperation.roles import sync_role_permissions

ALMATY = "Asia/Almaty"

# name -> (task, queue, crontab fields, description)
SCHEDULES = {
    "Reminder sweep": (
        "cooperation.tasks.reminders_sweep",
        "reminders",
        {"minute": "0", "hour": "7", "day_of_week": "*"},
        "Every morning: records the reminders that are due today and sends them.",
    ),
    "Weekly digest": (
        "cooperation.tasks.weekly_digest",
        "reminders",
        {"minute": "0", "hour": "8", "day_of_week": "1"},
        "Mondays: what expires, starts and is overdue in the next 30 days, to the office and the rector's office.",
    ),
    "Reminder retries": (
        "cooperation.tasks.reminders_requeue",
        "reminders",
        {"minute": "*/10", "hour": "*", "day_of_week": "*"},
        "Every ten minutes: failed reminders due for another attempt, and any left behind by a stopped worker.",
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, queue, crontab, description) in SCHEDULES.items():
        schedule, _ = CrontabSchedule.objects.get_or_create(
            day_of_month="*", month_of_year="*", timezone=zoneinfo.ZoneInfo(ALMATY), **crontab
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": schedule,
                "queue": queue,
                "args": "[]",
                "kwargs": json.dumps({}),
                "description": description,
            },
        )
    # A running beat reloads its schedule when this changes (the model's signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()


def create_policy(apps, schema_editor):
    ReminderPolicy = apps.get_model("cooperation", "ReminderPolicy")
    fields = {
        "agreement_expiry_days": "agreement_expiry",
        "agreement_notice_days": "agreement_notice",
        "visit_start_days": "visit_start",
        "action_due_days": "action_due",
        "program_deadline_days": "program_application",
        "participant_documents_days": "participant_documents",
    }
    defaults = {
        field: ", ".join(str(day) for day in settings.REMINDER_THRESHOLDS.get(kind, ()))
        for field, kind in fields.items()
    }
    ReminderPolicy.objects.get_or_create(pk=1, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0003_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
        migrations.RunPython(create_policy, migrations.RunPython.noop),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
