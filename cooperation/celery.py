"""The Celery application: `celery -A cooperation worker` and `celery -A cooperation beat`."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")

app = Celery("cooperation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _make_filesystem_broker_folders() -> None:
    # The filesystem transport (used when REDIS_URL is unset) expects its folders to exist.
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url).startswith("filesystem"):
    _make_filesystem_broker_folders()
