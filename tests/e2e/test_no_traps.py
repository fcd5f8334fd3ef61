"""No traps, no stonewalls: every form, driven with messages that are not answers.

A new question is answered (and the form asks its question again); gibberish gets a clear
re-ask with a way out; nothing is ever silent.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

FORMS = {
    "suggestion_form": "i dont know what job i want",
    "pathway_form": "plan my route to becoming a nurse",
    "handoff_form": "can i talk to a real person",
    "booking_form": "book a taster day",
    "cancel_form": "cancel my booking",
    "reschedule_form": "i need to change the date of my booking",
    "erase_form": "delete my data",
}


def said(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_new_question_inside_a_form_is_answered(chat, form):
    chat.say(FORMS[form])
    text = said(chat.say("what does a porter earn"))
    assert "porter" in text.lower() and "£" in text, text


@pytest.mark.parametrize("form", sorted(FORMS))
def test_gibberish_inside_a_form_gets_a_way_out(chat, form):
    chat.say(FORMS[form])
    for _ in range(2):
        replies = chat.say("asdfghjkl qwertyuiop")
        text = said(replies).lower()
        assert replies and text.strip(), "never silent"
        titles = [b["title"].lower() for m in replies for b in m.get("buttons") or []]
        assert "stop" in text or any("stop" in t or "something else" in t for t in titles) \
            or "what can you do" in " ".join(titles) or "what would you like" in text, text
    # and the person can always leave
    assert "stopped" in said(chat.say("stop")).lower()
