"""The chat widget against the real stack: answers, quick replies, history, errors, safety."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import bot_count, dialog, launcher, load, message_box, open_chat, say, wait_reply

pytestmark = pytest.mark.e2e
SENDER_KEY = "careers-chat:sender"


def stored(page, key: str):
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", key)


def test_answer_with_timestamps_and_announcement(new_page, web, artefacts):
    page = load(new_page(), web + "/")
    open_chat(page)
    box = message_box(page)
    box.fill("how do I become a paramedic?")
    box.press("Enter")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    expect(page.locator(".ccw-user .ccw-text").last).to_have_text("how do I become a paramedic?")
    text = wait_reply(page, 0)
    assert "paramedic" in text.lower(), text
    expect(box).to_be_focused()
    stamp = page.locator(".ccw-msg time").first
    expect(stamp).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d"))
    expect(stamp).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(page.locator(".ccw > [aria-live=polite]")).to_contain_text(re.compile("paramedic", re.IGNORECASE))
    links = page.locator(".ccw-bot .ccw-text a[href^='http']")
    if links.count():  # the answer cites its source: a real, clickable link
        expect(links.first).to_have_attribute("target", "_blank")
    page.screenshot(path=artefacts / "widget-desktop-1280-open.png")


def test_quick_replies_history_delete_and_start_again(new_page, web):
    page = load(new_page(), web + "/")
    open_chat(page)
    say(page, "I don't know what I want to do")
    first = page.locator(".ccw-reply").first
    expect(first).to_be_visible()
    title = first.inner_text()
    before = bot_count(page)
    first.click()
    expect(page.locator(".ccw-user .ccw-text").last).to_have_text(title)
    assert wait_reply(page, before).strip()
    expect(message_box(page)).to_be_focused()
    sender = stored(page, SENDER_KEY)
    history = page.locator(".ccw-msg").all_inner_texts()
    assert len(history) >= 4

    page.reload()
    open_chat(page)
    expect(page.locator(".ccw-msg")).to_have_count(len(history))
    assert page.locator(".ccw-msg").all_inner_texts() == history
    assert stored(page, SENDER_KEY) == sender

    privacy = page.get_by_role("link", name=re.compile("Privacy notice"))
    expect(privacy).to_have_attribute("href", web + "/privacy")
    page.get_by_role("button", name="Start again").click()
    expect(page.locator(".ccw-msg")).to_have_count(0)
    expect(message_box(page)).to_be_focused()
    assert stored(page, "careers-chat:transcript") == []
    assert stored(page, SENDER_KEY) not in (None, sender)

    before = bot_count(page)
    page.get_by_role("button", name="Delete my data").click()
    expect(page.locator(".ccw-user .ccw-text").last).to_have_text("delete my data")
    assert "delete" in wait_reply(page, before).lower()
    before = bot_count(page)
    page.locator(".ccw-reply", has_text=re.compile(r"^No$")).click()
    assert "haven't deleted" in wait_reply(page, before)


def test_bot_down_shows_error_and_retry(new_page, dead_web, artefacts):
    page = load(new_page(), dead_web + "/")
    calls = []
    page.on("request", lambda r: calls.append(r.url) if r.url.endswith("/api/chat") else None)
    open_chat(page)
    message_box(page).fill("hello")
    message_box(page).press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("can't be reached")
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    expect(message_box(page)).to_be_focused()
    page.screenshot(path=artefacts / "widget-bot-down.png")
    retry.click()
    page.wait_for_function("() => document.querySelector('.ccw-typing').hidden"
                           " && document.querySelector('.ccw-retry')")
    assert len(calls) == 2, calls
    expect(alert).to_contain_text("can't be reached")
    expect(page.locator(".ccw-user")).to_have_count(1)  # retried, not sent twice
    expect(message_box(page)).to_be_focused()


def test_retry_recovers_when_the_bot_is_back(new_page, web):
    page = load(new_page(), web + "/")
    page.route("**/api/chat", lambda route: route.abort())
    open_chat(page)
    message_box(page).fill("what does a porter do")
    message_box(page).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("can't be reached")
    page.unroute("**/api/chat")
    page.get_by_role("button", name="Retry").click()
    assert "porter" in wait_reply(page, 0).lower()
    expect(page.locator(".ccw-error")).to_be_empty()


HOSTILE = [{"text": "Role: <script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
                    " More at https://example.org/roles?a=1&b=2.",
            "buttons": [{"title": "<img src=x onerror=window.__pwned=3>Nurse", "payload": "/x"}]}]


def test_markup_in_a_bot_reply_is_shown_as_text(new_page, web):
    page = new_page(reduced_motion="reduce")
    held = []
    page.route("**/api/chat", lambda route: held.append(route))
    load(page, web + "/")
    open_chat(page)
    message_box(page).fill("hi")
    message_box(page).press("Enter")
    typing = page.locator(".ccw-typing")
    expect(typing).to_be_visible()  # the typing indicator, while the bot is "thinking"
    assert page.locator(".ccw-dots span").first.evaluate(
        "e => getComputedStyle(e).animationName") == "none"  # prefers-reduced-motion
    while not held:
        page.wait_for_timeout(50)
    held[0].fulfill(json=HOSTILE)
    expect(typing).to_be_hidden()
    for attempt in ("live", "reloaded"):
        bubble = page.locator(".ccw-bot .ccw-text")
        expect(bubble).to_contain_text('<script>window.__pwned = 1</script><img src=x onerror=')
        expect(page.locator(".ccw-reply")).to_have_text("<img src=x onerror=window.__pwned=3>Nurse")
        expect(bubble.locator("a")).to_have_attribute("href", "https://example.org/roles?a=1&b=2")
        assert page.locator(".ccw script, .ccw img").count() == 0, attempt
        assert page.evaluate("window.__pwned") is None, attempt
        if attempt == "live":
            page.reload()
            open_chat(page)


def test_config_from_a_script_tag_and_window_object(new_page, web):
    html = ("<!doctype html><html lang='en-GB'><head><title>Another site</title></head><body>"
            "<main><h1>Another site</h1></main>"
            "<script>window.CareersChat = {title: 'Ignored', colour: '#ffb81c',"
            " launcherText: 'Careers help'};</script>"
            "<script src='/static/widget/widget.js' data-title='Ask the adviser' defer></script>"
            "</body></html>")
    page = new_page()
    page.route(web + "/embed-test", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(web + "/embed-test")
    button = page.get_by_role("button", name="Careers help")
    expect(button).to_be_visible()
    expect(button).to_have_css("background-color", "rgb(255, 184, 28)")
    expect(button).to_have_css("color", "rgb(33, 43, 50)")  # dark text: white would fail AA
    button.click()
    expect(dialog(page, "Ask the adviser")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Privacy notice"))).to_have_attribute(
        "href", web + "/privacy")
    expect(launcher(page)).to_have_count(0)


def test_privacy_page(new_page, web):
    page = new_page()
    page.goto(web + "/privacy")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy notice")
    body = page.locator("main")
    for words in ("tracker store", "consent", "days after the event", "delete my data", "Start again"):
        expect(body).to_contain_text(re.compile(words, re.IGNORECASE))
    expect(launcher(page)).to_be_visible()  # the widget is on every page of the web app
