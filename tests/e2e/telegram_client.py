"""Plays Telegram for the end-to-end tests: a fake Bot API server and a Rasa + action server
stack whose Telegram channel (bot/rasa_server/channels/telegram.py) talks to it."""
from __future__ import annotations

import ast
import itertools
import socket
import textwrap
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.bookings.seed import seed_events
from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.cli import SEED_DIR
from bot.db import session_factory, upgrade
from bot.process.supervisor import ROOT, Stack, services, stack_env
from bot.rasa_server.channels.telegram_helpers import PayloadStore, keyboard_rows, message_chunks
from tests.e2e.fake_telegram import FakeTelegram

TOKEN = "123456789:TEST-token_for-the-fake-api"
BOT = "careers_test_bot"
SECRET = "test-secret_0123456789abcdefghijklmnopqrstuvwxyz"
API_TOKEN = "rasa-api-token-for-tests"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
LONG_PAYLOAD = '/ask_role_pay{"role":"call-handler-emergency-medical-dispatcher"}'  # 67 bytes

_ids = itertools.count(1000)


def guard_constant(name: str):
    """A constant of bot/rasa_server/channels/guard.py, read without importing it (it needs Rasa)."""
    tree = ast.parse((ROOT / "bot" / "rasa_server" / "channels" / "guard.py").read_text())
    return next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) == name for t in node.targets))


APOLOGY = guard_constant("APOLOGY")  # what the never-silent guard sends for a turn with no reply


def bot_events(rasa_url: str, sender: str, token: str = API_TOKEN) -> list[dict]:
    """Every message the bot uttered in one conversation, from Rasa's tracker (all sessions)."""
    resp = httpx.get(f"{rasa_url}/conversations/{sender}/tracker",
                     params={"token": token, "include_events": "ALL"}, timeout=60)
    resp.raise_for_status()
    return [e for e in resp.json()["events"] if e.get("event") == "bot"]


def telegram_texts(events: list[dict]) -> list[str]:
    """The Telegram messages those bot events become (bot/rasa_server/channels/telegram.py): long texts split,
    a keyboard with no text on "Choose one:". Only text and buttons are expected here."""
    texts = []
    for event in events:
        data = {k: v for k, v in (event.get("data") or {}).items() if v}
        assert set(data) <= {"buttons"}, f"a bot message this test can't map to Telegram: {data}"
        keyboard = keyboard_rows(data.get("buttons"), PayloadStore()) if data.get("buttons") else []
        texts += message_chunks(event.get("text") or "", bool(keyboard))
    return texts


class Telegram:
    """Plays Telegram: posts updates to the webhook, reads what the bot sent to the fake API."""

    def __init__(self, rasa_url: str, api: FakeTelegram) -> None:
        self.rasa_url, self.api = rasa_url, api
        self.url = f"{rasa_url}/webhooks/telegram/webhook"

    def post(self, update: dict | bytes | str, secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        if isinstance(update, dict):
            update = {"update_id": next(_ids), **update}
            return httpx.post(self.url, json=update, headers=headers, timeout=90)
        return httpx.post(self.url, content=update, headers={**headers, "Content-Type": "application/json"},
                          timeout=90)

    @staticmethod
    def message(chat_id: int, text: str | None = None, chat_type: str = "private", **extra) -> dict:
        msg = {"message_id": next(_ids), "date": 1700000000,
               "from": {"id": chat_id if chat_type == "private" else 555, "is_bot": False,
                        "first_name": "Sam"},
               "chat": {"id": chat_id, "type": chat_type}, **extra}
        if text is not None:
            msg["text"] = text
        return msg

    def say(self, chat_id: int, text: str) -> list:
        mark = self.api.mark()
        resp = self.post({"message": self.message(chat_id, text)})
        assert resp.status_code == 200, resp.text
        return self.api.since(mark, "sendMessage")

    def press(self, chat_id: int, data: str, query_id: str) -> tuple[list, list]:
        mark = self.api.mark()
        resp = self.post({"callback_query": {
            "id": query_id, "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
            "chat_instance": "42", "data": data,
            "message": {"message_id": 1, "date": 1700000000, "text": "...",
                        "chat": {"id": chat_id, "type": "private"}}}})
        assert resp.status_code == 200, resp.text
        return self.api.since(mark, "answerCallbackQuery"), self.api.since(mark, "sendMessage")


def buttons(calls) -> list[dict]:
    return [b for c in calls for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


def text_of(calls) -> str:
    return "\n".join(c.params["text"] for c in calls)


def assert_callback_data_fits(calls) -> None:
    for b in buttons(calls):
        if "callback_data" in b:
            assert 1 <= len(b["callback_data"].encode("utf-8")) <= 64, b



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def telegram_stack(tmp: Path):
    """Action server + Rasa (with our Telegram channel) + worker, talking to a fake Bot API."""
    db_url = f"sqlite:///{tmp / 'careers.db'}"
    upgrade(db_url)
    io.load(SqlUnitOfWork(session_factory(db_url)), io.read(SEED_DIR))
    seed_events(SqlUnitOfWork(session_factory(db_url)))
    with FakeTelegram(TOKEN, username=BOT) as api:
        credentials = tmp / "credentials.yml"
        credentials.write_text(textwrap.dedent(f"""\
            rest:
            bot.rasa_server.channels.telegram.SafeTelegramInput:
              access_token: "{TOKEN}"
              verify: "{BOT}"
              webhook_url: "https://careers.example.org/webhooks/telegram/webhook"
              secret_token: "{SECRET}"
              api_server: "{api.base_url}"
            """))
        ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
        items = [s for s in services(ports, tmp / "logs", token=API_TOKEN) if s.name != "web"]
        rasa = next(s for s in items if s.name == "rasa")
        rasa.argv[rasa.argv.index("credentials.yml")] = str(credentials)
        env = stack_env(ports, {"DATABASE_URL": db_url, "TRACKER_DB": str(tmp / "tracker.db"),
                                "RASA_AUTH_TOKEN": API_TOKEN, "WORKER_INTERVAL_SECONDS": "1"})
        with Stack(items, env) as running:
            running.wait_ready(timeout=300)
            tg = Telegram(f"http://127.0.0.1:{ports['rasa']}", api)
            tg.db_url = db_url
            tg.stack, tg.ports = running, ports
            tg.logs = tmp / "logs"
            yield tg
        print((tmp / "logs" / "rasa.log").read_text()[-3000:])  # shown only when a test fails


