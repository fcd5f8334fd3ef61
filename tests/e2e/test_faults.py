"""Faults on the running stack: the action server down, Rasa restarted, the database locked.

Each test puts the stack back as it found it, whatever happens.
"""
from __future__ import annotations

import re
import sqlite3
import threading

import pytest

from tests.e2e.test_bookings import button, text, uow

pytestmark = pytest.mark.e2e


def service(stack, name):
    return next(s for s in stack.items if s.name == name)


def test_action_server_down_gets_an_apology_then_works_again(stack, chat):
    actions = service(stack, "actions")
    actions.stop()
    try:
        reply = chat.text("how do I become a paramedic")
        assert "can't answer that right now" in reply  # not silence
    finally:
        actions.start(stack.env)
        stack.wait_ready(timeout=300)   # the restarted action server builds its search indexes first
    assert "paramedic" in chat.text("how do I become a paramedic").lower()


def test_rasa_restart_mid_booking_carries_on(stack, chat):
    listed = chat.say("book a cv workshop")
    chat.say(button(listed, "CV workshop")["payload"])
    assert "How old" in chat.text("yes")
    rasa = service(stack, "rasa")
    rasa.stop()
    rasa.start(stack.env)
    stack.wait_ready(timeout=300)
    assert "first name" in chat.text("16").lower()  # the form picked up where it was


def test_database_locked_during_booking_then_retry(stack, chat):
    listed = chat.say("book a cv workshop")
    chat.say(button(listed, "CV workshop")["payload"])
    for answer in ("yes", "16", "Dee", "dee@example.com", "no"):
        chat.say(answer)
    path = stack.db_url.split("///", 1)[1]
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the database for longer than
    released = threading.Event()        # the booking is willing to wait (busy_timeout 10 s)

    def release_later():
        released.wait(60)
        blocker.execute("ROLLBACK")
        blocker.close()

    releaser = threading.Thread(target=release_later, daemon=True)
    releaser.start()
    try:
        failed = chat.say("/affirm")
    finally:
        released.set()
        releaser.join(timeout=60)  # the other writer has let go of the database
    assert "nothing has been booked" in text(failed)
    assert button(failed, "Try again")
    with uow(stack)() as u:
        assert u.bookings.for_sender(chat.sender) == []  # no half-made booking
    assert not releaser.is_alive()
    done = text(chat.say(button(failed, "Try again")["payload"]))
    assert re.search(r"reference is CV-[A-Z0-9]{4}", done)
    with uow(stack)() as u:
        assert len(u.bookings.for_sender(chat.sender)) == 1


def test_unclear_messages_never_loop_or_stick(chat):
    for message in ("scale.19@example.com", "no", "zzkq vvbl", "no", "qwpx", "nope"):
        replies = chat.say(message)
        texts = [r.get("text", "") for r in replies]
        assert 1 <= len(replies) <= 2, texts  # an answer, never a loop of fallbacks
        assert sum("didn't get that" in t for t in texts) <= 1, texts
    assert "nurse" in chat.text("how do I become a nurse").lower()  # not stuck afterwards


def test_a_name_the_classifier_reads_as_stop_is_kept(stack, chat):
    listed = chat.say("book a cv workshop")
    chat.say(button(listed, "CV workshop")["payload"])
    chat.say("yes")
    chat.say("16")
    assert "email" in chat.text("Grace").lower()
    assert "doesn't look like" in chat.text("SamT")
    assert "Nothing was saved" in chat.text("stop")
