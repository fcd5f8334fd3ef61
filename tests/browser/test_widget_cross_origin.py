"""The widget embedded on another site (issue 15, item 6): the demo school page, exactly as the
web app renders it, served from a second origin (a tiny static server on another port).

A web app with ALLOWED_ORIGINS listing the first school site (and talking to the shared stack's
Rasa) answers it through CORS; a second school site not in the list is refused by the browser,
and the widget shows its "can't be reached" state with no reply.
"""
from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import bot_count, load, message_box, open_chat, say, web_app
from tests.e2e.stack import free_port

pytestmark = pytest.mark.e2e


class SchoolSite:
    """A static web server on its own port (its own origin) serving the pages it is given."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server name
                body = pages.get(urlsplit(self.path).path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def schools():
    allowed, refused = SchoolSite(), SchoolSite()
    yield allowed, refused
    allowed.close()
    refused.close()


@pytest.fixture(scope="module")
def embedding_bot(stack, schools, tmp_path_factory):
    """The real web app with ALLOWED_ORIGINS = the allowed school site, on the shared stack's Rasa
    and database; both school sites serve its demo page, copied as it is."""
    allowed, refused = schools
    tmp = tmp_path_factory.mktemp("cors-web")
    env = dict(stack.env, ALLOWED_ORIGINS=f"{allowed.origin}, https://another-school.example")
    with web_app("web-cors", free_port(), env, tmp / "web.log") as bot:
        demo = httpx.get(bot + "/", timeout=30)
        demo.raise_for_status()
        assert f'src="{bot}/static/widget/widget.js"' in demo.text  # the embed is absolute
        for site in schools:
            site.pages["/"] = demo.content
        yield bot


def chat_calls(page, into: list) -> None:
    page.on("request", lambda r: into.append(r) if r.url.endswith("/api/chat") else None)


def test_widget_on_an_allowed_school_site_chats_with_the_bot(new_page, schools, embedding_bot, artefacts):
    school = schools[0]
    page = new_page()
    calls: list = []
    chat_calls(page, calls)
    load(page, school.origin + "/")
    assert page.evaluate("location.origin") == school.origin != embedding_bot
    expect(page).to_have_title("Careers | Northfield Academy (demo)")
    open_chat(page)
    text = say(page, "how do I become a paramedic?")
    assert "paramedic" in text.lower(), text
    expect(page.locator(".ccw-error")).to_be_empty()

    post = calls[-1]
    assert post.method == "POST" and post.url == embedding_bot + "/api/chat"
    assert post.header_value("origin") == school.origin
    answer = post.response()
    assert answer.status == 200
    assert answer.header_value("access-control-allow-origin") == school.origin
    assert answer.header_value("access-control-allow-credentials") is None
    assert "Origin" in (answer.header_value("vary") or "")

    # a quick reply works the same way; the privacy notice link points at the bot's site
    say(page, "I don't know what I want to do")
    replies = page.locator(".ccw-reply")
    expect(replies.first).to_be_visible()
    before = bot_count(page)
    replies.first.click()
    page.wait_for_function("n => document.querySelectorAll('.ccw-msg.ccw-bot').length > n"
                           " && document.querySelector('.ccw-typing').hidden", arg=before)
    expect(page.get_by_role("link", name=re.compile("Privacy notice"))).to_have_attribute(
        "href", embedding_bot + "/privacy")
    page.screenshot(path=artefacts / "widget-cross-origin-allowed.png")


def test_widget_on_a_site_not_allowed_is_refused(new_page, schools, embedding_bot, artefacts):
    school = schools[1]
    page = new_page()
    calls: list = []
    failed: list = []
    chat_calls(page, calls)
    page.on("requestfailed", lambda r: failed.append(r) if r.url.endswith("/api/chat") else None)
    load(page, school.origin + "/")
    open_chat(page)
    message_box(page).fill("how do I become a paramedic?")
    message_box(page).press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("can't be reached right now")
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    expect(message_box(page)).to_be_focused()
    assert bot_count(page) == 0  # no reply
    assert calls and failed and failed[-1].url == embedding_bot + "/api/chat"
    page.screenshot(path=artefacts / "widget-cross-origin-refused.png")

    # what the browser was told: its preflight refused, with no CORS headers at all
    preflight = httpx.options(embedding_bot + "/api/chat", timeout=10, headers={
        "Origin": school.origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 403 and "ALLOWED_ORIGINS" in preflight.text
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]

    # the same page on the allowed site works (it is the origin, not the page, that is refused)
    other = new_page()
    load(other, schools[0].origin + "/")
    open_chat(other)
    assert "paramedic" in say(other, "how do I become a paramedic?").lower()
