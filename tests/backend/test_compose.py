"""Packaging: the compose file is valid for Docker Compose and the image follows `make run`, without torch."""

import re
import shutil
import subprocess
import tomllib

import pytest

from tests.backend.live_server import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "backend" / "Dockerfile").read_text()
needs_compose = pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")


def compose(*arguments):
    return subprocess.run(
        ["docker-compose", "-f", str(REPO_ROOT / "docker-compose.yml"), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_compose
def test_compose_file_is_valid():
    result = compose("config", "--quiet")
    assert result.returncode == 0, result.stderr


@needs_compose
def test_compose_serves_backend_on_host_loopback_with_a_database():
    assert set(compose("config", "--services").stdout.split()) == {"db", "backend"}
    resolved = compose("config").stdout
    assert "127.0.0.1:8000:8000" in resolved
    assert re.search(r"DATABASE_URL: postgresql://\S+@db:5432/", resolved)
    assert "dockerfile: backend/Dockerfile" in resolved
    assert "condition: service_healthy" in resolved


def test_dockerfile_runs_the_serving_extra_as_non_root_with_a_healthcheck():
    assert re.search(r"^FROM python:3\.\d+-slim", DOCKERFILE, re.MULTILINE)
    assert "pip install -e '.[serve]'" in DOCKERFILE  # the same install as `make run`
    assert "train" not in re.sub(r"#.*", "", DOCKERFILE)
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", DOCKERFILE, re.MULTILINE)
    assert re.search(r'^CMD \[".*python", "-m", "backend"\]', DOCKERFILE, re.MULTILINE)


def test_make_run_uses_the_same_install_and_command_as_the_image():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "-e '.[serve]'" in makefile
    assert "-m backend" in makefile


def test_serving_extra_has_no_torch():
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert not [requirement for requirement in extras["serve"] if requirement.lower().startswith("torch")]
    for module in ("onnxruntime", "fastapi", "uvicorn", "pydantic-settings", "orjson"):
        assert any(requirement.startswith(module) for requirement in extras["serve"]), module
