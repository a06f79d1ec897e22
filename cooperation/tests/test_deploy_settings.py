"""Production settings: `check --deploy` passes with DEBUG off, and the development key is refused."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DEBUG", None)
    environment.pop("SITE_URL", None)
    environment.update(env, DJANGO_SETTINGS_MODULE="cooperation.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_finds_nothing_with_debug_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7Hq2-production-like-secret-key-of-sufficient-length-and-variety-9vZp",
        ALLOWED_HOSTS="cooperation.university.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_secret_key_is_refused_with_debug_off():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="cooperation.university.example")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_site_address_follows_port_when_site_url_is_not_set():
    """`load_demo` prints this address: it must be the port `make run` serves on."""
    show = ["shell", "-c", "from django.conf import settings; print(settings.SITE_URL)"]
    with_port = manage(*show, PORT="8123")
    assert with_port.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123", with_port.stderr
    explicit = manage(*show, PORT="8123", SITE_URL="https://cooperation.university.example/")
    assert explicit.stdout.strip().splitlines()[-1] == "https://cooperation.university.example", explicit.stderr
