"""Two Telegram chats in flight at once, through the real channel and Rasa, against the fake Bot API:
each chat gets exactly its own replies, and the never-silent apology only when its own turn
really said nothing, once (the review's finding 1 and Appendix A).

To make a turn silent, or slow, on purpose, the action server is swapped for a stand-in on its
port for this module: it answers or fails each chat's action after a delay the test chooses, so
the order in which the two turns reply and end is fixed rather than left to chance. The real
action server is started again afterwards.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.telegram_client import APOLOGY

pytestmark = pytest.mark.e2e

QUESTION = "how do I become a paramedic"  # predicted to a custom action: it reaches the stand-in
_chats = itertools.count(4000)


@dataclass
class Plan:
    delay: float       # seconds before the stand-in answers this chat's first action
    answer: str | None  # None: the action fails (500), so the turn says nothing


class StandInActions(ThreadingHTTPServer):
    """Plays the action server: each chat's first action call waits ``delay``, then answers with
    one message or fails; later calls in the same turn return nothing."""

    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.plans: dict[str, Plan] = {}
        self.calls: list[tuple[str, str]] = []  # (sender, action)
        self.lock = threading.Lock()

    def __enter__(self) -> StandInActions:
        threading.Thread(target=self.serve_forever, name="stand-in-actions", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: StandInActions

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._reply(200, {"status": "ok"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        sender, action = str(body.get("sender_id")), str(body.get("next_action"))
        with self.server.lock:
            first = all(s != sender for s, _ in self.server.calls)
            self.server.calls.append((sender, action))
            plan = self.server.plans.get(sender)
        if plan is None or not first:
            return self._reply(200, {"events": [], "responses": []})
        time.sleep(plan.delay)
        if plan.answer is None:
            return self._reply(500, {"error": "the stand-in fails this chat's action on purpose"})
        self._reply(200, {"events": [], "responses": [{"text": plan.answer}]})

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def stand_in(telegram):
    actions = next(s for s in telegram.stack.items if s.name == "actions")
    actions.stop()
    try:
        with StandInActions(telegram.ports["actions"]) as server:
            yield server
    finally:
        actions.start(telegram.stack.env)
        telegram.stack.wait_ready(timeout=300)


def two_chats_at_once(telegram, stand_in, a: Plan, b: Plan) -> tuple[list[str], list[str]]:
    """Chat A's message, then 0.3 s later (A's turn still in flight) chat B's; returns exactly
    what each chat was sent, once both webhook calls have returned (they return when the turn
    is over)."""
    chat_a, chat_b = next(_chats), next(_chats)
    stand_in.plans.update({str(chat_a): a, str(chat_b): b})
    mark = telegram.api.mark()

    def say(chat: int, after: float) -> int:
        time.sleep(after)
        return telegram.post({"message": telegram.message(chat, QUESTION)}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(say, (chat_a, chat_b), (0, 0.3)))
    assert codes == [200, 200]
    called = {sender for sender, _ in stand_in.calls}
    assert {str(chat_a), str(chat_b)} <= called, "both turns ran their action"
    return telegram.api.texts_to(chat_a, mark), telegram.api.texts_to(chat_b, mark)


def test_the_silent_chat_ends_last(telegram, stand_in):
    # A's action fails slowly; B is answered while A is still in flight. The old guard counted
    # B's answer for A as well, so A got nothing at all.
    a, b = two_chats_at_once(telegram, stand_in, Plan(3.0, None), Plan(0.2, "answer for B"))
    assert a == [APOLOGY]
    assert b == ["answer for B"]


def test_the_silent_chat_ends_first(telegram, stand_in):
    # A's action fails while B's turn is under way (A's delay outlasts B's 0.3 s head start); B
    # is answered after A's turn is over. The old guard sent B its answer and a spurious apology.
    a, b = two_chats_at_once(telegram, stand_in, Plan(1.5, None), Plan(4.0, "answer for B"))
    assert a == [APOLOGY]
    assert b == ["answer for B"]


def test_both_answered_no_apology(telegram, stand_in):
    a, b = two_chats_at_once(telegram, stand_in, Plan(2.0, "answer for A"), Plan(0.2, "answer for B"))
    assert (a, b) == (["answer for A"], ["answer for B"])


def test_both_silent_one_apology_each(telegram, stand_in):
    # the old guard counted B's apology for A, so A got nothing
    a, b = two_chats_at_once(telegram, stand_in, Plan(2.0, None), Plan(0.2, None))
    assert (a, b) == ([APOLOGY], [APOLOGY])
