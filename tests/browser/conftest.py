"""The chat widget in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Reuses the real stack from tests/e2e (action server + Rasa + web app on free ports). Chromium
comes from `make browser`; without it these tests skip locally and fail when CI=true.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.settings import ROOT
from tests.browser.helpers import ARTEFACTS, web_app
from tests.conftest import require_service
from tests.e2e.stack import free_port  # the `stack` fixture comes from tests/conftest.py

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 90_000  # a bot reply on a busy 2-core machine


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        require_service("Chromium", f"{CHROMIUM} not found: run `make browser`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the app environment has it
        require_service("Playwright", str(exc))
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        found = pw.chromium.launch(executable_path=CHROMIUM, args=["--disable-dev-shm-usage"])
        yield found
        found.close()


@pytest.fixture
def web(stack) -> str:
    return f"http://127.0.0.1:{stack.ports['web']}"


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (own localStorage), closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB",
                                      **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def dead_web(tmp_path_factory):
    """The real web app with RASA_URL pointing at a closed port: /api/chat answers 503."""
    port, dead = free_port(), free_port()
    tmp = tmp_path_factory.mktemp("dead-web")
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_URL=f"http://127.0.0.1:{dead}",
               DATABASE_URL=f"sqlite:///{tmp / 'careers.db'}")
    with web_app("web-dead", port, env, tmp / "web.log") as url:
        yield url
