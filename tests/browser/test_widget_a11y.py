"""WCAG 2.2 AA checks on the widget in real Chromium: keyboard only, focus, small screens and
200 % zoom, target sizes, and an axe-core scan (vendored, see tests/browser/package.json)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    active,
    bot_count,
    box_of,
    dialog,
    launcher,
    load,
    message_box,
    no_horizontal_scroll,
    open_chat,
    run_axe,
    say,
    serious,
    small_targets,
    wait_reply,
)

pytestmark = pytest.mark.e2e


def focus_ring(page) -> dict:
    return page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                         " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)} }")


def test_keyboard_only_journey(new_page, web, artefacts):
    page = load(new_page(), web + "/")
    for _ in range(40):  # Tab from the top of the page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ccw-launcher')"):
            break
    else:
        pytest.fail(f"Tab never reached the launcher; last focus: {active(page)}")
    ring = focus_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(dialog(page)).to_be_visible()
    box = message_box(page)
    expect(box).to_be_focused()

    page.keyboard.type("how do I become a paramedic?")
    page.keyboard.press("Enter")
    expect(box).to_be_focused()  # focus stays in the box while waiting and after the answer
    assert "paramedic" in wait_reply(page, 0).lower()
    expect(box).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    for _ in range(20):  # back past the box and any links or buttons to the conversation
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('ccw-scroll')"):
            break
    expect(page.get_by_role("region", name="Conversation")).to_be_focused()
    ring = focus_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=artefacts / "widget-desktop-1280-closed.png")

    page.keyboard.press("Enter")  # open again: the conversation is still there
    expect(box).to_be_focused()
    expect(page.locator(".ccw-msg.ccw-user")).to_have_count(1)
    for _ in range(12):  # Shift+Tab up to the close button, then press it with the keyboard
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('ccw-close')"):
            break
    else:
        pytest.fail(f"Shift+Tab never reached the close button; last focus: {active(page)}")
    page.keyboard.press("Enter")
    expect(dialog(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_quick_replies_by_keyboard(new_page, web):
    page = load(new_page(), web + "/")
    open_chat(page)
    say(page, "I don't know what I want to do")
    replies = page.locator(".ccw-reply")
    expect(replies.first).to_be_visible()
    title = replies.first.inner_text()
    replies.first.focus()
    before = bot_count(page)
    page.keyboard.press("Enter")
    expect(page.locator(".ccw-user .ccw-text").last).to_have_text(title)
    expect(message_box(page)).to_be_focused()  # the pressed button is gone: focus goes to the box
    assert wait_reply(page, before).strip()


@pytest.mark.parametrize("width,height", [(320, 640), (375, 812)])
def test_small_screens_go_full_screen_without_sideways_scrolling(new_page, web, artefacts, width, height):
    page = load(new_page(width, height), web + "/")
    no_horizontal_scroll(page)
    page.screenshot(path=artefacts / f"widget-mobile-{width}-closed.png")
    open_chat(page)
    box = box_of(dialog(page))
    assert box == {"x": 0, "y": 0, "width": width, "height": height}, box
    say(page, "how do I become a paramedic? https://example.org/a/very/long/address/" + "x" * 80)
    no_horizontal_scroll(page)
    assert small_targets(page) == []
    expect(message_box(page)).to_be_in_viewport()
    expect(page.get_by_role("button", name="Send")).to_be_in_viewport()
    page.screenshot(path=artefacts / f"widget-mobile-{width}-open.png")


def test_200_percent_zoom(new_page, web, artefacts):
    """1280 x 800 at 200 % zoom is a 640 x 400 CSS px viewport at 2 device pixels per px."""
    page = load(new_page(640, 400, device_scale_factor=2), web + "/")
    no_horizontal_scroll(page)
    open_chat(page)
    assert box_of(dialog(page)) == {"x": 0, "y": 0, "width": 640, "height": 400}
    no_horizontal_scroll(page)
    expect(message_box(page)).to_be_in_viewport()
    assert small_targets(page) == []
    page.screenshot(path=artefacts / "widget-zoom-200-open.png")


def test_structure_and_labels(new_page, web):
    page = load(new_page(), web + "/")
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    open_chat(page)
    panel = dialog(page)
    expect(panel).to_have_attribute("aria-labelledby", re.compile(".+"))
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.locator(".ccw > [aria-live=polite]")).to_have_count(1)
    expect(page.get_by_role("region", name="Conversation")).to_be_visible()
    assert small_targets(page) == []


@pytest.mark.parametrize("where", ["desktop", "mobile-320"])
def test_axe_closed_and_open(new_page, web, artefacts, where):
    page = load(new_page(1280, 800) if where == "desktop" else new_page(320, 640), web + "/")
    found = {"closed": run_axe(page, f"{where}-closed")}
    open_chat(page)
    say(page, "I don't know what I want to do")  # a reply with quick-reply buttons
    expect(page.locator(".ccw-reply").first).to_be_visible()
    found["open"] = run_axe(page, f"{where}-open")
    for state, summary in found.items():
        assert serious(summary) == [], (state, summary["violations"])


@pytest.mark.parametrize("path", ["/privacy", "/roles", "/roles/paramedic"])
def test_axe_other_pages(new_page, web, path):
    page = new_page()
    page.goto(web + path)
    expect(launcher(page)).to_be_visible()
    summary = run_axe(page, "page-" + (path.strip("/").replace("/", "-")))
    assert serious(summary) == [], summary["violations"]
