"""Settings fail loudly on malformed values, and production settings pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from mhsip.env import env_bool, env_int, env_str


def run_settings(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "MHSIP_ENV",
            "SECRET_KEY",
            "DATABASE_URL",
            "DEBUG",
            "PSEUDONYM_KEY",
            "IDENTITY_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args, "--settings=mhsip.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("SECURE_COOKIES", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SECURE_COOKIES='perhaps' is not a boolean"):
        env_bool("SECURE_COOKIES")


def test_a_malformed_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_AGE", "eight hours")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE='eight hours'"):
        env_int("SESSION_COOKIE_AGE", 10)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "from-a-file"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"MHSIP_ENV": "production"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_start_up_stops_naming_a_malformed_variable():
    result = run_settings({"MHSIP_ENV": "development", "SESSION_COOKIE_AGE": "soon"}, "check")
    assert result.returncode != 0
    assert "SESSION_COOKIE_AGE='soon' is not a whole number" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_settings(
        {
            "MHSIP_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-Production-Secret-0123456789-xyz!",
            "PSEUDONYM_KEY": "p" * 40,
            "IDENTITY_KEY": "i" * 40,
            "ALLOWED_HOSTS": "mhsip.example.nhs.uk",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgres_is_used_when_database_url_is_set():
    result = run_settings(
        {"MHSIP_ENV": "development", "DATABASE_URL": "postgres://u@db.example:5432/mhsip"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
    )
    assert "postgresql" in result.stdout, result.stderr


def test_the_default_database_is_sqlite_with_wal_and_a_busy_timeout():
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run uses PostgreSQL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 1


def test_pages_carry_security_headers_and_a_content_security_policy(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'nonce-" in csp and "frame-ancestors 'none'" in csp
