"""End to end over the Telegram channel (bot/channels/telegram.py).

A real Rasa server (with our SafeTelegramInput from a temporary credentials file) and the real
action server talk to a fake Bot API server (tests/e2e/fake_telegram.py); the test plays Telegram
by POSTing updates to /webhooks/telegram/webhook.
"""
from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
import textwrap

import httpx
import pytest

from bot.bookings.seed import seed_events
from bot.catalogue import io
from bot.catalogue.unit_of_work import SqlUnitOfWork
from bot.cli import SEED_DIR
from bot.db import session_factory, upgrade
from bot.supervisor import MODEL, ROOT, Stack, services, stack_env
from tests.e2e.conftest import free_port
from tests.e2e.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "123456789:TEST-token_for-the-fake-api"
BOT = "careers_test_bot"
SECRET = "test-secret_0123456789abcdefghijklmnopqrstuvwxyz"
API_TOKEN = "rasa-api-token-for-tests"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
LONG_PAYLOAD = '/ask_role_pay{"role":"call-handler-emergency-medical-dispatcher"}'  # 67 bytes

_ids = itertools.count(1000)


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


@pytest.fixture(scope="module")
def telegram(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train`")
    tmp = tmp_path_factory.mktemp("telegram")
    db_url = f"sqlite:///{tmp / 'careers.db'}"
    upgrade(db_url)
    io.load(SqlUnitOfWork(session_factory(db_url)), io.read(SEED_DIR))
    seed_events(SqlUnitOfWork(session_factory(db_url)))
    with FakeTelegram(TOKEN, username=BOT) as api:
        credentials = tmp / "credentials.yml"
        credentials.write_text(textwrap.dedent(f"""\
            rest:
            bot.channels.telegram.SafeTelegramInput:
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
            yield tg
        print((tmp / "logs" / "rasa.log").read_text()[-3000:])  # shown only when a test fails


def test_registers_webhook_with_secret(telegram):
    call = telegram.api.wait_for("setWebhook")
    assert call.params["url"] == "https://careers.example.org/webhooks/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]


def test_text_message_gets_reply_with_inline_keyboard(telegram):
    sent = telegram.say(101, "how do I become a paramedic")
    assert sent and all(int(c.params["chat_id"]) == 101 for c in sent)
    assert "paramedic" in text_of(sent).lower()
    assert buttons(sent), "next-step buttons as an inline keyboard"
    assert "parse_mode" not in sent[0].params  # plain text: nothing to escape
    assert_callback_data_fits(sent)


def test_button_press_is_answered_and_replied_to(telegram):
    sent = telegram.say(102, "how do I become a paramedic")
    data = next(b["callback_data"] for b in buttons(sent) if "callback_data" in b)
    answered, replies = telegram.press(102, data, "cbq-102")
    assert [c.params["callback_query_id"] for c in answered] == ["cbq-102"]
    assert replies and all(int(c.params["chat_id"]) == 102 for c in replies)
    assert "paramedic" in text_of(replies).lower()


def _push_bot_message(telegram, chat_id: int, text: str, buttons_: list[dict]) -> list:
    """Make Rasa send a bot message through the Telegram output channel (HTTP API)."""
    mark = telegram.api.mark()
    resp = httpx.post(f"{telegram.rasa_url}/conversations/{chat_id}/tracker/events",
                      params={"token": API_TOKEN, "output_channel": "telegram",
                              "execute_side_effects": "true"},
                      json=[{"event": "bot", "text": text, "data": {"buttons": buttons_}}], timeout=60)
    assert resp.status_code == 200, resp.text
    return telegram.api.since(mark, "sendMessage")


def test_long_reply_is_split_and_long_payloads_are_mapped(telegram):
    sentence = "An NHS career can start in many ways."
    paragraphs = [f"Paragraph {i}: " + " ".join([sentence] * 20) for i in range(20)]
    text = "\n\n".join(paragraphs)  # about 15,000 characters
    sent = _push_bot_message(telegram, 103, text, [
        {"title": "Pay for call handlers", "payload": LONG_PAYLOAD},
        {"title": "Help me choose a job", "payload": "/ask_suggestions"},
    ])
    assert len(sent) >= 4
    assert all(len(c.params["text"]) < 4096 for c in sent)
    for p in paragraphs:  # nothing lost, no paragraph cut in half
        assert sum(p in c.params["text"] for c in sent) == 1
    assert not buttons(sent[:-1]) and len(buttons(sent[-1:])) == 2, "keyboard on the last part only"
    assert_callback_data_fits(sent)
    long_key, short = [b["callback_data"] for b in buttons(sent)]
    assert short == "/ask_suggestions" and long_key.startswith("p:")

    answered, replies = telegram.press(103, long_key, "cbq-103")
    assert answered and replies
    reply = text_of(replies).lower()
    assert "call handler" in reply or "dispatcher" in reply  # the full payload reached Rasa

    answered, replies = telegram.press(103, "p:notakey000", "cbq-103b")  # e.g. after a restart
    assert answered and "expired" in text_of(replies)


def test_secret_token_is_checked(telegram):
    mark = telegram.api.mark()
    update = {"message": telegram.message(104, "hello")}
    assert telegram.post(update, secret="wrong-secret").status_code == 403
    assert telegram.post(update, secret=None).status_code == 403
    assert telegram.post(update, secret="").status_code == 403
    assert telegram.post(update, secret=SECRET[:-1]).status_code == 403
    assert telegram.api.since(mark) == []


def test_bad_bodies_are_400(telegram):
    mark = telegram.api.mark()
    assert telegram.post(b"{not json").status_code == 400
    assert telegram.post(b"").status_code == 400
    assert telegram.post(b"[1, 2]").status_code == 400
    assert telegram.post(b'"a string"').status_code == 400
    assert telegram.post(b"{not json", secret="wrong").status_code == 403  # secret checked first
    assert telegram.api.since(mark) == []


def test_updates_we_do_not_handle_are_200_and_ignored(telegram):
    mark = telegram.api.mark()
    chat = {"id": 105, "type": "private"}
    for update in [
        {"edited_message": telegram.message(105, "how do I become a nurse")},
        {"my_chat_member": {"chat": chat, "from": {"id": 105, "is_bot": False, "first_name": "Sam"},
                            "date": 1700000000,
                            "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True,
                                                                             "first_name": "b"}},
                            "new_chat_member": {"status": "kicked", "user": {"id": 1, "is_bot": True,
                                                                             "first_name": "b"}}}},
        {"channel_post": telegram.message(-100105, "news", chat_type="channel")},
        {"inline_query": {"id": "1", "from": {"id": 105}, "query": "x", "offset": ""}},
        {},
        {"message": "not an object"},
        {"message": {"chat": {"id": "not-an-int"}}},
        {"message": telegram.message(105, None, pinned_message={"message_id": 1})},  # service msg
    ]:
        resp = telegram.post(update)
        assert resp.status_code == 200, (update, resp.text)
    assert telegram.api.since(mark, "sendMessage") == []


def test_non_text_messages_get_a_text_only_reply(telegram):
    for kind, content in [("sticker", {"file_id": "s", "file_unique_id": "u", "width": 512,
                                       "height": 512, "is_animated": False}),
                          ("photo", [{"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}]),
                          ("voice", {"file_id": "v", "file_unique_id": "u", "duration": 3}),
                          ("document", {"file_id": "d", "file_unique_id": "u"})]:
        mark = telegram.api.mark()
        resp = telegram.post({"message": telegram.message(106, None, **{kind: content})})
        assert resp.status_code == 200
        sent = telegram.api.since(mark, "sendMessage")
        assert [c.params["text"] for c in sent] == ["Sorry, I can only read text messages."], kind
        assert int(sent[0].params["chat_id"]) == 106


def test_group_chats_only_get_a_pointer_to_a_private_chat(telegram):
    group = -100200

    def group_says(text: str, **extra) -> list:
        mark = telegram.api.mark()
        resp = telegram.post({"message": telegram.message(group, text, chat_type="supergroup", **extra)})
        assert resp.status_code == 200
        return telegram.api.since(mark, "sendMessage")

    assert group_says("how do I become a paramedic") == []  # not for us: ignored
    assert group_says("ask @someone_else") == []
    assert group_says("/start@other_bot") == []
    for text in [f"@{BOT} how do I become a paramedic", "/start", f"/help@{BOT}"]:
        sent = group_says(text, entities=[{"type": "bot_command", "offset": 0, "length": 6}]
                          if text.startswith("/") else [])
        assert len(sent) == 1 and "Please message me directly" in sent[0].params["text"], text
        assert int(sent[0].params["chat_id"]) == group


def test_typed_commands_are_not_intents(telegram):
    assert "NHS" in text_of(telegram.say(107, "/start"))
    assert text_of(telegram.say(107, "/help")).strip()


def test_send_failures_and_retries_never_break_the_webhook(telegram):
    telegram.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    failed = telegram.say(108, "what does a porter do")  # asserts 200 although sending failed
    assert failed, "the bot tried to reply"
    assert "porter" in text_of(telegram.say(108, "what does a porter do")).lower()

    body = json.dumps({"update_id": 987654,
                       "message": telegram.message(108, "what does a porter do")}).encode()
    mark = telegram.api.mark()
    assert telegram.post(body).status_code == 200
    assert telegram.api.since(mark, "sendMessage")
    mark = telegram.api.mark()
    assert telegram.post(body).status_code == 200  # Telegram retrying the same update
    assert telegram.api.since(mark) == [], "a retried update is handled once"


def test_rasa_side_checks():
    """Run in the Rasa environment: startup refusals, the docs' credentials block, the LRU map."""
    docs = (ROOT / "docs" / "telegram.md").read_text()
    block = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    script = textwrap.dedent("""
        import os, sys, tempfile
        from rasa.core.run import create_http_input_channels
        from rasa.shared.exceptions import RasaException
        from bot.channels.telegram import SafeTelegramInput, PayloadStore, split_text

        good = dict(access_token="1:abc", verify="@b", webhook_url="https://x/y", secret_token="s" * 32)
        for broken in ({**good, "secret_token": ""}, {**good, "secret_token": None},
                       {k: v for k, v in good.items() if k != "secret_token"},
                       {**good, "secret_token": "has spaces"}, {**good, "access_token": "nonsense"}):
            try:
                SafeTelegramInput.from_credentials(broken)
            except RasaException:
                continue
            sys.exit(f"started with {broken}")

        os.environ.update(TELEGRAM_TOKEN="1:abc", TELEGRAM_BOT_NAME="b", TELEGRAM_SECRET="s" * 32,
                          TELEGRAM_WEBHOOK_URL="https://x/webhooks/telegram/webhook", TELEGRAM_API_SERVER="")
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("rest:\\n" + sys.argv[1])
        [rest, tg] = create_http_input_channels(None, f.name)
        assert tg.name() == "telegram" and isinstance(tg, SafeTelegramInput), tg
        assert tg.get_output_channel().server.base.startswith("https://api.telegram.org/"), "default server"
        os.environ["TELEGRAM_SECRET"] = ""
        try:
            create_http_input_channels(None, f.name)
            sys.exit("started without a secret")
        except RasaException:
            pass

        store = PayloadStore(capacity=3)
        keys = [store.encode("/ask_role_info" + '{"role":"%s"}' % ("x" * 60 + str(i))) for i in range(5)]
        assert all(len(k.encode()) <= 64 and k.startswith("p:") for k in keys)
        assert len(store) == 3 and store.decode(keys[0]) is None and store.decode(keys[4]).endswith('4"}')
        assert store.encode("/greet") == "/greet" and store.decode("/greet") == "/greet"
        assert store.encode("p:x").startswith("p:") and store.decode(store.encode("p:x")) == "p:x"

        assert split_text("") == [] and split_text("  hi  ") == ["hi"]
        for text in ["word " * 3000, "x" * 9000, "\\U0001F600" * 3000, "line\\n" * 2000]:
            parts = split_text(text)
            assert parts and all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts), text[:10]
            squash = lambda s: s.replace(" ", "").replace("\\n", "")
            assert squash("".join(parts)) == squash(text)
        print("ok")
    """)
    result = subprocess.run([str(RASA_PY), "-c", script, block], cwd=ROOT, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                 "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
                            timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_channel_imports_nothing_from_the_app():
    allowed = set(sys.stdlib_module_names) | {"rasa", "aiogram", "sanic"}
    for path in (ROOT / "bot" / "channels").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("bot.channels."):  # a sibling channel module is fine
                    continue
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_real_reply_with_long_payloads_round_trips(telegram):
    sent = telegram.say(109, "how much does a call handler earn")
    assert "call handler" in text_of(sent).lower()
    assert_callback_data_fits(sent)
    keys = [b["callback_data"] for b in buttons(sent) if b.get("callback_data", "").startswith("p:")]
    assert keys, "call-handler-emergency-medical-dispatcher payloads are over 64 bytes"
    answered, replies = telegram.press(109, keys[0], "cbq-109")
    assert answered and "call handler" in text_of(replies).lower()


def test_a_whole_booking_and_its_reminder_on_telegram(telegram):
    import datetime as dt
    import re
    import time

    from bot.bookings.models import Reminder

    chat = 110

    def press(title_part: str, calls) -> list:
        data = next(b["callback_data"] for b in buttons(calls) if title_part in b["text"])
        answered, replies = telegram.press(chat, data, f"cbq-{next(_ids)}")
        assert len(answered) == 1, "every button press is answered"
        return replies

    listed = telegram.say(chat, "book a cv workshop")
    assert_callback_data_fits(listed)
    consent = press("CV workshop", listed)
    assert "privacy notice" in text_of(consent) and "or just this chat" in text_of(consent)
    assert "How old" in text_of(press("Yes, that's OK", consent))
    assert "first name" in text_of(telegram.say(chat, "17"))
    contact = telegram.say(chat, "Sam")
    access = press("Use this chat", contact)
    summary = press("No, nothing", access)
    assert "Contact: this Telegram chat" in text_of(summary)
    done = text_of(press("Yes, book it", summary))
    ref = re.search(r"reference is (CV-[A-Z0-9]{4})", done).group(1)

    factory = session_factory(telegram.db_url)
    with SqlUnitOfWork(factory) as uow:
        b = uow.bookings.by_ref(ref)
        assert (b.channel, b.contact_method, b.contact_value, b.sender_id) == (
            "telegram", "telegram", str(chat), str(chat))
        r = uow.session.query(Reminder).filter_by(booking_id=b.id).one()
        r.due_at = dt.datetime.now(dt.timezone.utc)  # make the day-before reminder due now
        uow.commit()
    mark = telegram.api.mark()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sent = [c for c in telegram.api.since(mark, "sendMessage") if "Reminder:" in c.params["text"]]
        if sent:
            break
        time.sleep(0.5)
    assert len(sent) == 1 and int(sent[0].params["chat_id"]) == chat and ref in sent[0].params["text"]
    assert [b["text"] for b in buttons(sent)] == ["Cancel my place"]


def test_telegram_fuzz(telegram):
    from concurrent.futures import ThreadPoolExecutor

    from tests.fuzz_inputs import SILENT_OK, inputs

    messages = inputs(1000, seed=11)
    mark = telegram.api.mark()

    def send(i: int) -> int:
        chat = 2000 + i % 20
        return telegram.post({"message": telegram.message(chat, messages[i])}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(send, range(len(messages))))
    assert set(codes) == {200}, [(messages[i][:40], c) for i, c in enumerate(codes) if c != 200][:10]
    sent = telegram.api.since(mark, "sendMessage")
    assert {int(c.params["chat_id"]) for c in sent} == set(range(2000, 2020))
    may_be_silent = sum(bool(SILENT_OK.match(m)) for m in messages)
    assert len(sent) >= len(messages) - may_be_silent  # at least one reply each
    assert telegram.say(2100, "how do I become a paramedic")  # still alive
