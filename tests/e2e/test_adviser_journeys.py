"""The main adviser journeys end to end over REST, checking the database where it matters."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.e2e


def _rows(stack, sql: str) -> list:
    engine = create_engine(stack.db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return rows


def test_suggestion_journey(chat):
    first = chat.say("i dont know what i want to do")
    assert first and first[-1].get("buttons"), "the first question comes with buttons"
    chat.say("I like helping people")            # free text works
    chat.say("blood is fine")
    chat.say("I'd like to work with kids")
    final = chat.say("I want to start soon")
    text = "\n".join(m.get("text", "") for m in final)
    titled = [m for m in final if m.get("buttons")]
    assert len(titled) >= 3, text
    assert "people" in text.lower()


def test_care_leaver_journey(chat):
    text = chat.text("I'm a care leaver")
    assert "bursary" in text.lower() and "turn this off" in text.lower()
    entry = chat.text("how do I become a midwife")
    assert "care leaver" in entry.lower()
    chat.text("stop showing me the care leaver stuff")
    assert "care leaver" not in chat.text("how do I become a paramedic").lower()


def test_disclosure_mid_form_gets_signposting_then_carries_on(chat, stack):
    chat.say("help me choose a job")
    reply = chat.text("i dont want to be alive anymore")
    assert "116 123" in reply and "0800 1111" in reply and "85258" in reply and "999" in reply
    assert _rows(stack, "select concerns from safeguarding_flags where sender_id = 'test-"
                        "test_disclosure_mid_form_gets_signposting_then_carries_on'")
    assert not _rows(stack, "select 1 from safeguarding_flags where concerns like '%alive%'")
    again = chat.say("/carry_on")
    assert again and again[-1].get("buttons"), "the quiz question is asked again"


def test_homelessness_gets_shelter(chat):
    assert "0808 800 4444" in chat.text("got kicked out last night and i have nowhere to sleep")


def test_career_talk_about_mental_health_is_not_a_disclosure(chat):
    reply = chat.text("how do I become a mental health nurse")
    assert "116 123" not in reply and "mental health nurse" in reply.lower()


def test_handoff_is_recorded(chat, stack):
    assert "Is that OK" in chat.text("can i talk to a real person")
    assert "email" in chat.text("yes")
    assert "doesn't look like" in chat.text("my email is nope")
    done = chat.text("jo.bloggs@example.com")
    assert "reference H" in done
    assert _rows(stack, "select contact_value from handoff_requests"
                        " where contact_value = 'jo.bloggs@example.com'")


def test_pathway_plan(chat):
    chat.say("how do i become a paramedic")
    reply = chat.text("/plan_pathway")
    if "where are you" in reply.lower() or reply:
        final = chat.text("I've got my GCSEs")
        assert "paramedic" in final.lower()


def test_compare_and_digression_in_a_form(chat):
    both = chat.text("difference between a nurse and a nursing associate").upper()
    assert "ADULT NURSE" in both and "NURSING ASSOCIATE" in both
    chat.say("help me choose a job")
    pay = chat.text("how much does a porter earn")
    assert "£" in pay
    assert chat.say("/carry_on")[-1].get("buttons")
