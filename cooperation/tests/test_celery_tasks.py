"""The Celery tasks keep their names: beat's schedules (django-celery-beat rows made by the
migrations) and CELERY_TASK_ROUTES in settings name them as strings, so a task that moved or
was renamed would be scheduled and routed no more, with no error anywhere."""

import pytest
from django.conf import settings

from cooperation.celery import app

TASKS = {
    "cooperation.tasks.reminders_sweep",
    "cooperation.tasks.reminders_requeue",
    "cooperation.tasks.weekly_digest",
    "cooperation.tasks.reminder_send",
    "cooperation.tasks.reminders_send",
    "cooperation.tasks.dashboard_warm",
    "cooperation.tasks.dashboard_tallies_compact",
}


def registered() -> set[str]:
    app.loader.import_default_modules()  # what the worker imports: autodiscovery of tasks.py
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_the_tasks_keep_their_names():
    assert registered() == TASKS


def test_every_route_names_a_task():
    assert set(settings.CELERY_TASK_ROUTES) <= registered()


@pytest.mark.django_db
def test_every_schedule_names_a_task():
    from django_celery_beat.models import PeriodicTask

    scheduled = set(PeriodicTask.objects.exclude(task__startswith="celery.").values_list("task", flat=True))
    # Every task but the sending ones, which the others queue.
    assert scheduled == TASKS - {"cooperation.tasks.reminder_send", "cooperation.tasks.reminders_send"}
