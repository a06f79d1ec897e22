"""Filters of the log configuration (settings.LOGGING). Imported while logging is configured,
before the apps are ready: this module imports nothing of Django."""

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (403, 400, 405) is the visitor's doing, not a fault of ours: Django logs it
    with the exception that refused it, and its traceback says nothing a line does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
