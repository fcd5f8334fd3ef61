"""The running stacks the end-to-end and browser tests share, once per test session.

`stack`: action server, Rasa, web app and worker as subprocesses on free ports, with a seeded
temporary database, and GOV.UK Notify pointed at a fake on loopback (``stack.notify``).
`telegram`: Rasa with our Telegram channel talking to a fake Bot API.
Registered once, in tests/conftest.py, so every directory gets the same instances.
"""
from __future__ import annotations

import socket

import httpx
import pytest

from bot.bookings.outbox import FIELDS
from bot.bookings.seed import seed_events
from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.cli import SEED_DIR
from bot.db import session_factory, upgrade
from bot.process.supervisor import MODEL, Stack, services, stack_env
from tests.fakes.fake_notify import FakeNotify, template_env

NOTIFY_CALLBACK_TOKEN = "e2e-receipts-3b9f0c2d8e7a4f61"
STAFF_TEAM = "careers-team.e2e@example.org"   # STAFF_ALERT_EMAIL: staff alerts go here


def links_of(stack):
    """The running stack's booking links (its SECRET_KEY and PUBLIC_URL)."""
    from bot.bookings.links import BookingLinks

    return BookingLinks(stack.env["PUBLIC_URL"], stack.env["SECRET_KEY"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    tmp = tmp_path_factory.mktemp("stack")
    db_url = f"sqlite:///{tmp / 'careers.db'}"
    upgrade(db_url)
    io.load(SqlUnitOfWork(session_factory(db_url)), io.read(SEED_DIR))
    seed_events(SqlUnitOfWork(session_factory(db_url)))
    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    notify = FakeNotify().start()
    env = stack_env(ports, {"DATABASE_URL": db_url, "TRACKER_DB": str(tmp / "tracker.db"),
                            "CATALOGUE_REFRESH_SECONDS": "1", "WORKER_INTERVAL_SECONDS": "1",
                            "SECRET_KEY": "e2e-stack-only-5c0d9e7a1f3b48e2a6d4c8b0f1e2d3c4",
                            "NOTIFY_API_KEY": notify.api_key(), "NOTIFY_BASE_URL": notify.url,
                            "NOTIFY_CALLBACK_TOKEN": NOTIFY_CALLBACK_TOKEN,
                            "NOTIFY_RETRY_BASE_SECONDS": "1",
                            # one staff alert of each kind per test session: they never use up
                            # a Notify failure a booking test asked for
                            "STAFF_ALERT_EMAIL": STAFF_TEAM, "STAFF_ALERT_MINUTES": "600",
                            **template_env(notify, {k.value: f for k, f in FIELDS.items()})})
    running = Stack(services(ports, tmp / "logs", token=env["RASA_AUTH_TOKEN"]), env)
    running.notify = notify
    with running:
        running.wait_ready(timeout=300)
        running.ports = ports
        running.db_url = db_url
        running.tmp = tmp
        try:
            yield running
        finally:
            notify.stop()


@pytest.fixture(scope="session")
def telegram(tmp_path_factory):
    from tests.e2e.telegram_client import telegram_stack

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train`")
    with telegram_stack(tmp_path_factory.mktemp("telegram")) as tg:
        yield tg


class Chat:
    """One conversation over Rasa's REST channel."""

    def __init__(self, base: str, sender: str) -> None:
        self.url, self.sender = f"{base}/webhooks/rest/webhook", sender

    def say(self, message: str) -> list[dict]:
        resp = httpx.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        resp.raise_for_status()
        return resp.json()

    def text(self, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(message))


@pytest.fixture
def chat(stack, request):
    return Chat(f"http://127.0.0.1:{stack.ports['rasa']}", f"test-{request.node.name}")
