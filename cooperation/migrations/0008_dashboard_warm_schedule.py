"""Beat's schedule for the dashboard's warm-up (cooperation.tasks.dashboard_warm), every five
minutes, editable in the admin under "Periodic tasks" like the others (migration 0004)."""

import json
import zoneinfo

from django.db import migrations
from django.utils import timezone

NAME = "Dashboard warm-up"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="*/5",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=zoneinfo.ZoneInfo("Asia/Almaty"),
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "cooperation.tasks.dashboard_warm",
            "crontab": schedule,
            "queue": "default",
            "args": "[]",
            "kwargs": json.dumps({}),
            "description": "Every five minutes: the default dashboard drawn again into the cache if a change made it stale.",
        },
    )
    # A running beat reloads its schedule when this changes (the model's signals do not fire here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0007_list_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
