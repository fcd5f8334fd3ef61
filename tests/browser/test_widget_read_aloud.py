"""Read aloud (issue 15, item 7): a button on each bot message that reads it with the browser's
own speechSynthesis. `speechSynthesis` is replaced in the page by a stub (an init script) that
records what it is asked to say; with it removed, there are no buttons."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    active,
    bot_count,
    load,
    message_box,
    no_horizontal_scroll,
    open_chat,
    run_axe,
    say,
    serious,
    small_targets,
)

pytestmark = pytest.mark.e2e

STUB = """
window.__speech = {spoken: [], utterances: [], cancels: 0};
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false, pending: false, paused: false,
  speak(u) { window.__speech.spoken.push({text: u.text, lang: u.lang}); window.__speech.utterances.push(u); },
  cancel() { window.__speech.cancels += 1; },
  pause() {}, resume() {}, getVoices() { return []; },
}});
"""
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: undefined});
delete window.SpeechSynthesisUtterance;
"""
LINKED = [{"text": "Paramedics work in ambulances.\nMore at https://www.healthcareers.nhs.uk/paramedic.",
           "buttons": [{"title": "Pay", "payload": "/pay"}]},
          {"text": "Anything else?"}]
URLS = re.compile(r"\bhttps?://[^\s<>\"'`]+")


def spoken(text: str) -> str:
    """What the widget should say for ``text`` (a web address becomes "a link to <site>")."""
    def link(m: re.Match) -> str:
        url = re.sub(r"[.,;:!?)\]}]+$", "", m.group(0))
        site = re.sub(r"^www\.", "", urlsplit(url).hostname or "")
        return ("a link to " + site if site else "a link") + m.group(0)[len(url):]
    return re.sub(r"\s+", " ", URLS.sub(link, text)).strip()


def speech(page) -> dict:
    return page.evaluate("() => ({spoken: window.__speech.spoken, cancels: window.__speech.cancels})")


def reply_with(page, replies: list) -> None:
    page.route("**/api/chat", lambda route: route.fulfill(json=replies))


def test_each_bot_message_can_be_read_aloud_by_keyboard(new_page, web, artefacts):
    page = new_page()
    page.add_init_script(STUB)
    load(page, web + "/")
    open_chat(page)
    say(page, "how do I become a paramedic?")
    bots = page.locator(".ccw-msg.ccw-bot")
    with_text = [i for i in range(bots.count()) if bots.nth(i).locator(".ccw-text").count()]
    assert with_text
    for i in range(bots.count()):  # one button on each bot message with text, none on yours
        expect(bots.nth(i).locator(".ccw-speak")).to_have_count(1 if i in with_text else 0)
    expect(page.locator(".ccw-user .ccw-speak")).to_have_count(0)

    last = bots.nth(with_text[-1])
    button = last.get_by_role("button", name="Read aloud")
    expect(button).to_be_visible()
    expect(button.locator("svg")).to_have_attribute("aria-hidden", "true")
    for _ in range(30):  # keyboard: Shift+Tab back from the message box to the last message's button
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('ccw-speak')"):
            break
    else:
        pytest.fail(f"Shift+Tab never reached a Read aloud button; last focus: {active(page)}")
    expect(button).to_be_focused()
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none"

    page.keyboard.press("Enter")
    text = page.evaluate("() => JSON.parse(localStorage.getItem('careers-chat:transcript'))"
                         ".filter(e => e.who === 'bot' && e.text).at(-1).text")
    said = speech(page)["spoken"]
    assert said == [{"text": spoken(text), "lang": "en-GB"}], (said, text)
    assert "paramedic" in said[0]["text"].lower()
    expect(last.get_by_role("button", name="Stop reading")).to_be_focused()
    page.screenshot(path=artefacts / "widget-read-aloud.png")

    page.keyboard.press("Space")  # pressed again: it stops
    expect(button).to_have_accessible_name("Read aloud")
    assert speech(page)["cancels"] >= 1 and len(speech(page)["spoken"]) == 1

    page.keyboard.press("Enter")  # reads again; when speech ends the button says so
    expect(last.get_by_role("button", name="Stop reading")).to_be_visible()
    page.evaluate("() => window.__speech.utterances.at(-1).dispatchEvent(new Event('end'))")
    expect(button).to_have_accessible_name("Read aloud")
    assert len(speech(page)["spoken"]) == 2


def test_links_are_said_as_their_site_and_buttons_come_back_after_a_reload(new_page, web):
    page = new_page()
    page.add_init_script(STUB)
    reply_with(page, LINKED)
    load(page, web + "/")
    open_chat(page)
    say(page, "paramedic")
    for attempt in ("live", "reloaded"):
        buttons = page.locator(".ccw-bot .ccw-speak")
        expect(buttons).to_have_count(2)
        buttons.first.click()
        assert speech(page)["spoken"][-1]["text"] == (
            "Paramedics work in ambulances. More at a link to healthcareers.nhs.uk.")
        buttons.nth(1).click()  # another message: the first stops, the second is read
        expect(buttons.first).to_have_accessible_name("Read aloud")
        expect(buttons.nth(1)).to_have_accessible_name("Stop reading")
        assert speech(page)["spoken"][-1]["text"] == "Anything else?"
        if attempt == "live":
            page.reload()
            open_chat(page)
    before = speech(page)["cancels"]
    page.get_by_role("button", name="Close chat").click()  # closing the chat stops reading
    assert speech(page)["cancels"] > before


def test_no_button_without_speech_synthesis(new_page, web):
    page = new_page()
    page.add_init_script(NO_SPEECH)
    reply_with(page, LINKED)
    load(page, web + "/")
    assert page.evaluate("typeof window.speechSynthesis") == "undefined"
    open_chat(page)
    say(page, "paramedic")
    assert bot_count(page) == 2
    expect(page.locator(".ccw-speak")).to_have_count(0)
    expect(page.get_by_role("button", name="Read aloud")).to_have_count(0)
    expect(page.locator(".ccw-reply")).to_have_text("Pay")  # the rest of the widget as usual
    message_box(page).fill("still works")
    expect(message_box(page)).to_have_value("still works")


def test_read_aloud_at_320_px_and_axe_clean(new_page, web, artefacts):
    page = new_page(320, 640)
    page.add_init_script(STUB)
    reply_with(page, LINKED)
    load(page, web + "/")
    open_chat(page)
    say(page, "paramedic")
    buttons = page.locator(".ccw-bot .ccw-speak")
    expect(buttons).to_have_count(2)
    for i in range(2):
        expect(buttons.nth(i)).to_be_visible()
        box = buttons.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320 and box["height"] >= 24, box
    no_horizontal_scroll(page)
    assert small_targets(page) == []
    buttons.first.click()  # the reading state too
    summary = run_axe(page, "mobile-320-read-aloud")
    assert serious(summary) == [], summary["violations"]
    page.screenshot(path=artefacts / "widget-mobile-320-read-aloud.png")
