"""One table of conversation scripts, run through REST, the website widget's channel (the web
app's /api/chat) and Telegram: the same replies, the same buttons, the same bookings."""
from __future__ import annotations

import itertools
import re

import httpx
import pytest

from bot.bootstrap import SqlUnitOfWork
from bot.db import session_factory
from tests.e2e.telegram_client import buttons as tg_buttons

pytestmark = pytest.mark.e2e
PRESS = "press:"
SCRIPTS = {
    "questions": ["how do I become a paramedic?", "how much do they earn?", "what about a midwife?",
                  "difference between a nurse and a nursing associate", "how do I become an astronaut"],
    "buttons": ["hi", PRESS + "What can you do?", PRESS + "Plan my route", "paramedic",
                PRESS + "GCSEs"],
    "booking": ["book a cv workshop", PRESS + "CV workshop", PRESS + "Yes, that's OK", "16", "Sam",
                "sam.cross@example.com", PRESS + "No, nothing", PRESS + "Yes, book it"],
}
# What legitimately differs on Telegram: the chat itself can be the contact route, and a
# Telegram booking's confirmation and reminder come in the chat, not by email (bot/bookings/outbox.py).
TELEGRAM_ONLY = [(" (or just this chat)", ""),
                 ("I'll send you a reminder here the day before.",
                  "I'll email you a confirmation now and a reminder the day before."),
                 ("How should we contact you? Type an email or a mobile number, or tap below to "
                  "use this chat.", "What email address or mobile number should we use?")]
TELEGRAM_ONLY_BUTTONS = {"Use this chat"}
_chats = itertools.count(3000)


def normalise(text: str) -> str:
    text = re.sub(r"\b(TD|CV)-[A-Z0-9]{4}\b", "REF", text)
    text = re.sub(r"https?://\S+/bookings/\S+\.ics", "ICS", text)
    text = re.sub(r"https?://[^/\s]+/privacy", "PRIVACY", text)  # each test stack has its own port
    text = re.sub(r"\(\d+ places\)", "(N places)", text)  # other tests book places too
    for theirs, ours in TELEGRAM_ONLY:
        text = text.replace(theirs, ours)
    return text.strip()


class Http:
    def __init__(self, url: str, sender: str) -> None:
        self.url, self.sender, self.last = url, sender, []

    def step(self, said: str) -> tuple[str, list[str]]:
        if said.startswith(PRESS):
            title = said[len(PRESS):]
            said = next(b["payload"] for m in self.last for b in m.get("buttons") or []
                        if b["title"].startswith(title))
        resp = httpx.post(self.url, json={"sender": self.sender, "message": said}, timeout=60)
        assert resp.status_code == 200, resp.text
        self.last = resp.json()
        return (normalise("\n".join(m.get("text", "") for m in self.last)),
                [normalise(b["title"]) for m in self.last for b in m.get("buttons") or []])


class Tg:
    def __init__(self, telegram, chat: int) -> None:
        self.tg, self.chat, self.last = telegram, chat, []

    def step(self, said: str) -> tuple[str, list[str]]:
        if said.startswith(PRESS):
            title = said[len(PRESS):]
            data = next(b["callback_data"] for b in tg_buttons(self.last) if b["text"].startswith(title))
            answered, self.last = self.tg.press(self.chat, data, f"cbq-x{next(_chats)}")
            assert len(answered) == 1
        else:
            self.last = self.tg.say(self.chat, said)
        return (normalise("\n".join(c.params["text"] for c in self.last)),
                [normalise(b["text"]) for b in tg_buttons(self.last)
                 if b["text"] not in TELEGRAM_ONLY_BUTTONS])


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_same_outcomes_on_every_channel(stack, telegram, name):
    chat = next(_chats)
    channels = {
        "rest": Http(f"http://127.0.0.1:{stack.ports['rasa']}/webhooks/rest/webhook", f"x-rest-{chat}"),
        "widget": Http(f"http://127.0.0.1:{stack.ports['web']}/api/chat", f"x-web-{chat}"),
        "telegram": Tg(telegram, chat),
    }
    for said in SCRIPTS[name]:
        outcomes = {ch: conv.step(said) for ch, conv in channels.items()}
        assert outcomes["rest"][0], f"no reply to {said!r}"
        assert outcomes["widget"] == outcomes["rest"], said
        assert outcomes["telegram"] == outcomes["rest"], said
    if name == "booking":
        for db_url, sender, channel in ((stack.db_url, f"x-rest-{chat}", "rest"),
                                        (stack.db_url, f"x-web-{chat}", "rest"),
                                        (telegram.db_url, str(chat), "telegram")):
            with SqlUnitOfWork(session_factory(db_url)) as uow:
                found = [(b.status, b.channel, b.contact_value) for b in uow.bookings.for_sender(sender)]
            assert found == [("confirmed", channel, "sam.cross@example.com")]
