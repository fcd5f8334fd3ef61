"""End to end over the Telegram channel (bot/rasa_server/channels/telegram.py).

A real Rasa server (with our SafeTelegramInput from a temporary credentials file) and the real
action server talk to a fake Bot API server (tests/e2e/fake_telegram.py); the test plays Telegram
by POSTing updates to /webhooks/telegram/webhook. The stack is the session fixture `telegram`
(tests/e2e/conftest.py, built by tests/e2e/telegram_client.py).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

import httpx
import pytest

from bot.process.supervisor import ROOT
from tests.e2e.telegram_client import (
    API_TOKEN,
    BOT,
    LONG_PAYLOAD,
    SECRET,
    assert_callback_data_fits,
    buttons,
    text_of,
)

pytestmark = pytest.mark.e2e
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"


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
    """Run in the Rasa environment: startup refusals, the docs' credentials block, the guard's
    per-turn wrapper on the real Rasa classes (the pure helpers are tests/unit/test_telegram_helpers.py)."""
    docs = (ROOT / "docs" / "telegram.md").read_text()
    block = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    script = textwrap.dedent("""
        import os, sys, tempfile
        from rasa.core.run import create_http_input_channels
        from rasa.shared.exceptions import RasaException
        from bot.rasa_server.channels.telegram import SafeTelegramInput

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

        # the never-silent guard's per-turn wrapper, against the real OutputChannel
        import asyncio
        from rasa.core.channels.channel import OutputChannel
        from bot.rasa_server.channels.guard import TurnOutput
        from bot.rasa_server.channels.telegram import SafeTelegramOutput
        assert not [n for n in dir(OutputChannel) if n.startswith("send_") and n not in vars(TurnOutput)]
        shared = SafeTelegramOutput("1:abc", api_server="http://127.0.0.1:9")
        turn = TurnOutput(shared)
        assert isinstance(turn, OutputChannel) and turn.name() == "telegram" and turn.id == 1
        assert turn.keyboard([{"title": "x", "payload": "/" + "y" * 80}]).inline_keyboard[0][0].callback_data
        asyncio.run(turn.send_response("1", {"text": "hi"}))  # nowhere to send: logged, not raised
        assert turn.sent == 1
        from rasa.core.channels.channel import CollectingOutputChannel  # REST's, one per request
        collector = CollectingOutputChannel()
        turn = TurnOutput(collector)
        asyncio.run(turn.send_response("1", {"text": "a\\n\\nb", "buttons": []}))
        assert turn.sent == 1 and turn.messages is collector.messages and len(collector.messages) == 2
        print("ok")
    """)
    result = subprocess.run([str(RASA_PY), "-c", script, block], cwd=ROOT, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                 "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
                            timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_channel_imports_nothing_from_the_app():
    allowed = set(sys.stdlib_module_names) | {"rasa", "aiogram", "sanic"}
    for path in (ROOT / "bot" / "rasa_server" / "channels").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("bot.rasa_server.channels."):  # a sibling channel module is fine
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
