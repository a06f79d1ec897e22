"""The Celery application: `celery -A cooperation worker` and `celery -A cooperation beat`."""

import os
from pathlib import Path

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")

app = Celery("cooperation")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The queues a worker consumes when started without -Q: the reminder sweep, e-mails (routed by
# CELERY_TASK_ROUTES in settings) and everything else.
app.conf.task_queues = tuple(
    Queue(name, Exchange(name), routing_key=name) for name in ("default", "reminders", "email")
)
app.autodiscover_tasks()


def _make_filesystem_broker_folders() -> None:
    # The filesystem transport (used when REDIS_URL is unset) expects its folders to exist.
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url).startswith("filesystem"):
    _make_filesystem_broker_folders()
