"""Choosing the database from one URL setting."""

from __future__ import annotations

import pytest

from backend.feedback.database import (
    DEFAULT_DATABASE_URL,
    DatabaseUrlError,
    check_database_setting,
    database_url_from_env,
    parse_database_url,
    redact,
)


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://user:secret@db:5432/texsketch", "postgresql+psycopg"),
        ("postgres://user@db/texsketch", "postgresql+psycopg"),
        ("postgresql+psycopg://user@db/texsketch", "postgresql+psycopg"),
        ("sqlite:///data/feedback.sqlite3", "sqlite+pysqlite"),
        ("sqlite:////var/lib/texsketch/feedback.sqlite3", "sqlite+pysqlite"),
    ],
)
def test_parse_database_url_uses_the_installed_drivers(url: str, driver: str) -> None:
    assert parse_database_url(url).drivername == driver


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@db/texsketch", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory SQLite"),
        ("sqlite:///:memory:", "in-memory SQLite"),
        ("not a url", "cannot parse database URL"),
    ],
)
def test_parse_database_url_rejects_what_cannot_store(url: str, message: str) -> None:
    with pytest.raises(DatabaseUrlError, match=message):
        parse_database_url(url)


def test_database_url_from_env_prefers_the_project_variable() -> None:
    assert database_url_from_env({}) == DEFAULT_DATABASE_URL
    assert database_url_from_env({"DATABASE_URL": "postgresql://db/x"}) == "postgresql://db/x"
    both = {"DATABASE_URL": "postgresql://db/x", "TEXSKETCH_DATABASE_URL": "sqlite:///y.sqlite3"}
    assert database_url_from_env(both) == "sqlite:///y.sqlite3"


def test_check_database_setting_accepts_off() -> None:
    assert check_database_setting("OFF") == "off"
    assert check_database_setting("none") == "off"
    assert check_database_setting("postgresql://db/x") == "postgresql://db/x"


def test_redact_hides_the_password() -> None:
    shown = redact("postgresql://user:secret@db/texsketch")
    assert "secret" not in shown and "user" in shown
