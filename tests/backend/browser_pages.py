"""What the demo, contribute and personal-examples page tests need before they can drive real Chromium: the
browser, playwright-core from the extension's npm packages and (for most) the shipped model. One list of markers,
so every page test skips for the same reasons, with the same words."""

from __future__ import annotations

import shutil

import pytest

from tests.backend.live_server import NO_SHIPPED_MODEL, REPO_ROOT, shipped_model_present

PLAYWRIGHT = REPO_ROOT / "extension" / "node_modules" / "playwright-core"


def page_test_marks(needs_shipped_model: bool = True) -> list[pytest.MarkDecorator]:
    """`pytestmark` of a module whose tests drive a page in headless Chromium."""
    marks = [
        pytest.mark.browser,
        pytest.mark.slow,
        pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make system-deps)"),
        pytest.mark.skipif(not PLAYWRIGHT.is_dir(), reason="playwright-core is not installed (npm ci in extension/)"),
    ]
    if needs_shipped_model:
        marks.append(pytest.mark.skipif(not shipped_model_present(), reason=NO_SHIPPED_MODEL))
    return marks
