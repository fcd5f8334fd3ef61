"""Lived experience that is over gets a gentle check-in beside the career answer (issue 12,
item 4); a disclosure still gets the full help, and career talk gets neither."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.base import check_in_replies
from bot.safeguarding import Concern, read_rules
from bot.safeguarding_model import Reading, Risk
from bot.safeguarding_signals import CHECK_IN_ENTITY, combine
from bot.signposting import CHECK_IN, check_in

LIVED = [
    ("i used to self harm and now i want to be a nurse who helps people like me", Concern.SELF_HARM),
    ("i used to self harm when i was younger but ive been fine for years, can i still be a nurse",
     Concern.SELF_HARM),
    ("i was homeless at 17 but ive got my own flat now and a job, want to work in housing",
     Concern.HOMELESS),
]


@pytest.mark.parametrize("text,concern", LIVED)
def test_lived_experience_that_is_over_is_heard_as_lived_not_disclosed(text, concern):
    reading = read_rules(text)
    assert not reading.disclosed.flagged
    assert concern in reading.lived.concerns


@pytest.mark.parametrize("text", [
    "i used to self harm but ive started again",
    "i used to self harm, fine for years, but the urges are back this week",
    "i used to self harm and now i want to be dead",
])
def test_a_past_that_is_back_is_a_disclosure_not_a_check_in(text):
    reading = read_rules(text)
    assert reading.disclosed.flagged and not reading.lived.flagged


def _harmless() -> Reading:
    return Reading(False, None, False, 0.2, support=0.1)


def test_combine_gives_a_check_in_only_when_nothing_is_disclosed():
    text = LIVED[0][0]
    reading = read_rules(text)
    heard = combine(reading.disclosed, _harmless(), text, lived=reading.lived)
    assert not heard.flagged and heard.check_in == (Risk.SELF_HARM,)
    # the learned layer hears a disclosure all the same: the full help, no check-in
    disclosed = combine(reading.disclosed, Reading(True, Risk.SELF_HARM, False, 0.9, support=0.1),
                        text, lived=reading.lived)
    assert disclosed.flagged and not disclosed.check_in


def test_career_talk_gets_no_check_in():
    for text in ("what does a mental health nurse do", "jobs with homeless charities"):
        reading = read_rules(text)
        assert not combine(reading.disclosed, _harmless(), text, lived=reading.lived).check_in


def test_the_check_in_is_kind_short_and_names_checked_helplines():
    lines = check_in([Risk.SELF_HARM])
    assert lines[0] == CHECK_IN
    text = "\n".join(lines)
    assert "116 123" in text and "0800 1111" in text and "999" not in text
    assert len(text) < 600
    assert "beat" in "\n".join(check_in([Risk.EATING_DISORDER])).lower()


def _tracker(entities: list[dict]) -> Tracker:
    return Tracker("u1", {}, {"text": "x", "intent": {"name": "ask_role_entry"}, "entities": entities},
                   [], False, None, {}, "action_listen")


def test_the_action_adds_the_check_in_after_its_answer_only_when_heard():
    heard = _tracker([{"entity": CHECK_IN_ENTITY, "value": "self_harm"}])
    replies = check_in_replies(heard)
    assert len(replies) == 1 and replies[0].text.startswith(CHECK_IN)
    assert check_in_replies(_tracker([])) == []
    assert check_in_replies(_tracker([{"entity": CHECK_IN_ENTITY, "value": "not-a-risk"}])) == []
