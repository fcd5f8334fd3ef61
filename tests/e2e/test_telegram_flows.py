"""Whole journeys on Telegram: a booking with its reminder, and 1,000 fuzzed messages."""
from __future__ import annotations

import datetime as dt
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.bookings.models import Reminder
from bot.bootstrap import SqlUnitOfWork
from bot.db import session_factory
from bot.rasa_server.channels.telegram_helpers import user_texts
from tests.e2e.telegram_client import (
    APOLOGY,
    BOT,
    _ids,
    assert_callback_data_fits,
    bot_events,
    buttons,
    telegram_texts,
    text_of,
)
from tests.fuzz_inputs import ERASED, SILENT_OK, inputs

pytestmark = pytest.mark.e2e


def test_a_whole_booking_and_its_reminder_on_telegram(telegram):
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
    """1,000 fuzzed messages over 20 chats, four chats at a time (each chat's messages in order, so
    every reply belongs to a known turn). No apology anywhere (the action server is up, so no turn
    may be silent), every turn that needs an answer gets one, and each chat was sent exactly the
    messages its Rasa tracker says the bot uttered: nothing missing, nothing extra."""
    messages = inputs(1000, seed=11)
    chats = {2000 + c: messages[c::20] for c in range(20)}
    mark = telegram.api.mark()

    def converse(chat: int) -> list[tuple[str, int, list[str]]]:
        turns = []
        for text in chats[chat]:
            before = telegram.api.mark()
            code = telegram.post({"message": telegram.message(chat, text)}).status_code
            turns.append((text, code, telegram.api.texts_to(chat, before)))
        return turns

    with ThreadPoolExecutor(max_workers=4) as pool:
        turns = [t for chat_turns in pool.map(converse, chats) for t in chat_turns]
    assert [(t[:40], c) for t, c, _ in turns if c != 200] == []
    assert [t[:40] for t, _, replies in turns if APOLOGY in replies] == [], "silent turns (apologised for)"
    def needs_an_answer(text: str) -> bool:  # what Rasa gets from it: a turn that may not be silent
        return any(not SILENT_OK.match(m) for m in user_texts(text, BOT))

    assert [t[:40] for t, _, replies in turns if needs_an_answer(t) and not replies] == []
    for chat in chats:
        sent = telegram.api.texts_to(chat, mark)
        recorded = telegram_texts(bot_events(telegram.rasa_url, str(chat)))
        if any(text.startswith(ERASED) for text in sent):  # the worker removed it up to then
            assert len(recorded) <= len(sent) and sent[len(sent) - len(recorded):] == recorded, chat
        else:
            assert sent == recorded, chat
    assert telegram.say(2100, "how do I become a paramedic")  # still alive
