"""Run the portal for development: the web server, one Celery worker and the one beat process.

`make run` calls this after installing, migrating and loading the demo data. Ctrl-C (or a
SIGTERM) stops all three; if one of them dies, the others are stopped too, so nothing is left
running half-way.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def commands(port: str) -> dict[str, list[str]]:
    celery = [PYTHON, "-m", "celery", "-A", "cooperation"]
    return {
        "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [*celery, "worker", "-Q", "reminders,email,default", "--concurrency", "2", "--loglevel", "INFO"],
        # Exactly one beat, with the schedules kept in the database (django-celery-beat).
        "beat": [*celery, "beat", "--loglevel", "INFO", "--pidfile", ""],
    }


def main() -> int:
    port = os.environ.get("PORT", "8000")
    processes: dict[str, subprocess.Popen] = {}
    for name, command in commands(port).items():
        processes[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    print(
        f"\nCooperation is at http://127.0.0.1:{port}/ (web, worker and beat running; Ctrl-C stops all)\n", flush=True
    )

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping the others.", flush=True)
                    exit_code = process.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        for name, process in processes.items():
            if process.poll() is None:
                if name == "web":
                    # runserver's autoreloader runs the server in a child: stop the whole group.
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    # Celery shuts its own pool down (a warm shutdown finishes the task at hand).
                    process.terminate()
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
