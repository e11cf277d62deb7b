from pathlib import Path

import pytest
from pydantic import ValidationError

from backend.__main__ import parse_arguments
from backend.drawing import DrawingLimits
from backend.settings import REPO_ROOT, Settings


def test_settings_defaults_serve_shipped_model_on_loopback(monkeypatch):
    for name in ("TEXSKETCH_HOST", "TEXSKETCH_PORT", "TEXSKETCH_MODEL_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.model_dir == REPO_ROOT / "models"
    assert settings.cors_origins == []
    assert settings.drawing_limits() == DrawingLimits()


def test_settings_read_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TEXSKETCH_PORT", "9123")
    monkeypatch.setenv("TEXSKETCH_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("TEXSKETCH_MAX_STROKES", "7")
    monkeypatch.setenv("TEXSKETCH_CORS_ORIGINS", '["https://example.org"]')
    settings = Settings()
    assert settings.port == 9123
    assert settings.model_dir == tmp_path
    assert settings.drawing_limits().max_strokes == 7
    assert settings.cors_origins == ["https://example.org"]


def test_settings_reject_port_out_of_range(monkeypatch):
    monkeypatch.setenv("TEXSKETCH_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_cli_flags_override_environment(monkeypatch):
    monkeypatch.setenv("TEXSKETCH_PORT", "9123")
    overrides = parse_arguments(["--port", "9200", "--model-dir", "elsewhere", "--no-batching", "--threads", "2"])
    settings = Settings(**overrides)
    assert settings.port == 9200
    assert settings.model_dir == Path("elsewhere")
    assert settings.batching is False
    assert settings.threads == 2


def test_cli_without_flags_changes_nothing():
    assert parse_arguments([]) == {}


def test_settings_refuse_wildcard_cors_origin():
    with pytest.raises(ValidationError, match="every web page"):
        Settings(cors_origins=["*"])
