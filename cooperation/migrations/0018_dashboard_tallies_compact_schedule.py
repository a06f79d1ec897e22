"""Beat's schedule for summing up the dashboard's kept counts (cooperation.tasks.dashboard_tallies_compact),
every ten minutes, editable in the admin under "Periodic tasks" like the others (migration 0004)."""

import json
import zoneinfo

from django.db import migrations
from django.utils import timezone

NAME = "Dashboard counts summed up"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="*/10",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=zoneinfo.ZoneInfo("Asia/Almaty"),
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "cooperation.tasks.dashboard_tallies_compact",
            "crontab": schedule,
            "queue": "default",
            "args": "[]",
            "kwargs": json.dumps({}),
            "description": "Every ten minutes: the rows that writes appended to the dashboard's kept counts summed into one per key.",
        },
    )
    # A running beat reloads its schedule when this changes (the model's signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0017_dashboard_tallies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
