"""Small helpers for driving the chat widget with Playwright."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bot.process.supervisor import APP_PY, Service
from bot.settings import VAR_DIR

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # from npm: see package.json
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTEFACTS = VAR_DIR / "artefacts"

TITLE = "NHS careers adviser"      # data-title on the demo page
LAUNCHER = "Ask about NHS careers"  # the widget's default launcher text


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name=LAUNCHER)


def dialog(page: Page, title: str = TITLE) -> Locator:
    return page.get_by_role("dialog", name=title)


def message_box(page: Page) -> Locator:
    return page.get_by_label("Your message")


def load(page: Page, url: str) -> Page:
    page.goto(url)
    expect(launcher(page)).to_be_visible()
    return page


def open_chat(page: Page) -> None:
    launcher(page).click()
    expect(dialog(page)).to_be_visible()
    expect(message_box(page)).to_be_focused()
    settle(page)


def settle(page: Page) -> None:
    """Wait for the panel's opening animation to finish."""
    page.locator(".ccw-panel").evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")


def box_of(locator: Locator) -> dict:
    return {k: round(v) for k, v in locator.bounding_box().items()}


def bot_count(page: Page) -> int:
    return page.locator(".ccw-msg.ccw-bot").count()


def wait_reply(page: Page, before: int) -> str:
    """Wait until the bot has answered (more bot messages, typing indicator gone); its text."""
    page.wait_for_function(
        "n => document.querySelectorAll('.ccw-msg.ccw-bot').length > n"
        " && document.querySelector('.ccw-typing').hidden", arg=before)
    texts = page.locator(".ccw-msg.ccw-bot").all_inner_texts()
    return "\n".join(texts[before:])


def say(page: Page, text: str) -> str:
    """Type a message, press Enter, wait for the answer and return the bot's new text."""
    before = bot_count(page)
    box = message_box(page)
    box.fill(text)
    box.press("Enter")
    return wait_reply(page, before)


def active(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    return page.evaluate("() => { const a = document.activeElement;"
                         " return a ? a.tagName + '.' + a.className + ' '"
                         " + a.textContent.slice(0, 40) : '' }")


def no_horizontal_scroll(page: Page) -> None:
    sizes = page.evaluate("""() => {
        const d = document.documentElement, s = document.querySelector('.ccw-scroll');
        return {page: d.scrollWidth, view: d.clientWidth,
                log: s && s.offsetParent ? s.scrollWidth : 0, logView: s ? s.clientWidth : 0};
    }""")
    assert sizes["page"] <= sizes["view"], sizes
    assert sizes["log"] <= sizes["logView"], sizes


def small_targets(page: Page) -> list[dict]:
    """Visible buttons and controls in the widget smaller than 24 x 24 CSS px (WCAG 2.5.8)."""
    return page.evaluate("""() => [...document.querySelectorAll(
            '.ccw button, .ccw input, .ccw .ccw-tool')]
        .filter(e => e.offsetParent)
        .map(e => ({name: e.textContent.trim() || e.getAttribute('aria-label') || e.id,
                    w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height}))
        .filter(r => r.w < 24 || r.h < 24)""")


def serious(summary: dict) -> list[dict]:
    return [v for v in summary["violations"] if v["impact"] in ("serious", "critical")]


def run_axe(page, name: str, context: str | None = None) -> dict:
    """Inject the vendored axe-core, run the WCAG 2.x A/AA rules, save the results as JSON."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "([context, tags]) => axe.run(context || document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", [context, AXE_TAGS])
    summary = {
        "url": page.url, "axe": results["testEngine"]["version"], "tags": AXE_TAGS,
        "violations": [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                        "nodes": [n["target"] for n in v["nodes"]]} for v in results["violations"]],
        "passes": len(results.get("passes", [])),
        "incomplete": [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
                       for v in results.get("incomplete", [])],  # "needs review": checked by hand
    }
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"axe-{name}.json").write_text(json.dumps(summary, indent=2))
    return summary



@contextmanager
def web_app(name: str, port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """The real web app alone (uvicorn) on ``port`` with ``env``; yields its base URL."""
    python = str(APP_PY) if APP_PY.exists() else sys.executable
    svc = Service(name, [python, "-m", "uvicorn", "bot.web.app:app", "--ws", "none",
                         "--host", "127.0.0.1", "--port", str(port)],
                  f"http://127.0.0.1:{port}/healthz", log)
    svc.start(env)
    try:
        deadline = time.monotonic() + 60
        while not svc.ready():
            if svc.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the web app did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        svc.stop()
