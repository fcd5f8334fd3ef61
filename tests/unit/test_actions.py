"""Actions with a hand-built Tracker and CollectingDispatcher, on an in-memory catalogue."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.fallback import ActionFallback
from actions.roles import ActionRoleEntry, ActionRoleInfo, ActionRolePay


@pytest.fixture(autouse=True)
def _catalogue(service, monkeypatch):
    monkeypatch.setattr(services, "catalogue", lambda: service)


def tracker(text: str, role: str | None = None, entities: list[dict] | None = None,
            intent: str = "ask_role_info") -> Tracker:
    return Tracker(
        sender_id="t1", slots={"role": role},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": entities or []},
        events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_info_sets_the_role_slot():
    messages, events = run(ActionRoleInfo(), tracker("tell me about radiographers"))
    assert "Diagnostic radiographer" in messages[0]["text"]
    assert "Source: https://www.healthcareers.nhs.uk" in messages[0]["text"]
    assert events == [{"event": "slot", "name": "role", "value": "diagnostic-radiographer",
                       "timestamp": None}]
    titles = {b["title"] for b in messages[0]["buttons"]}
    assert titles == {"How do I get in?", "What's the pay?", "Plan my route"}


def test_pay_uses_the_slot_when_no_role_is_named():
    messages, _ = run(ActionRolePay(), tracker("how much do they earn?", role="paramedic"))
    text = messages[0]["text"]
    assert "bands 5 or 6" in text and "£29,970 to £44,962" in text and "2025/26" in text


def test_named_role_beats_the_slot():
    messages, events = run(ActionRoleEntry(), tracker("how do i become a porter", role="paramedic"))
    assert "porter" in messages[0]["text"].lower()
    assert events[0]["value"] == "porter"


def test_button_entity_wins():
    t = tracker("/ask_role_pay", entities=[{"entity": "role", "value": "porter"}])
    messages, _ = run(ActionRolePay(), t)
    assert "band 2" in messages[0]["text"] and "£24,465 to £24,465" in messages[0]["text"]


def test_role_off_agenda_for_change_gives_pay_note():
    messages, _ = run(ActionRolePay(), tracker("how much does a GP earn"))
    assert "doctors' pay scales" in messages[0]["text"]


def test_entry_lists_routes_and_registration():
    messages, _ = run(ActionRoleEntry(), tracker("how do i become a paramedic"))
    text = messages[0]["text"]
    assert "A university degree; A degree apprenticeship" in text
    assert "Health and Care Professions Council (HCPC)" in text


def test_unknown_role_is_honest_and_keeps_no_slot():
    messages, events = run(ActionRoleEntry(), tracker("how do i become an astronaut", role="paramedic"))
    assert "don't have \"astronaut\"" in messages[0]["text"]
    assert events == []


def test_no_role_at_all_asks_which():
    messages, _ = run(ActionRoleInfo(), tracker("what does it involve"))
    assert "Which job" in messages[0]["text"]


def test_fallback_answers_a_named_role():
    messages, _ = run(ActionFallback(), tracker("paramedics??", intent="nlu_fallback"))
    assert "Paramedic" in messages[0]["text"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\t\x1f\r", "\u200b\ufeff"])
def test_an_empty_message_is_told_so_and_shown_what_to_ask(text):
    messages, events = run(ActionFallback(), tracker(text, intent="nlu_fallback"))
    assert "came through empty" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["What can you do?"]
    assert [e["event"] for e in events] == ["rewind"]


@pytest.mark.parametrize("text, words", [("", False), (" \t\n\x0c", False), ("\x00\x01\x1b", False),
                                         ("\u200b\u200c\u200d\ufeff\u202e", False), ("?", True),
                                         ("🙂", True), ("hi", True), ("\u00a0x", True)])
def test_what_counts_as_words(text, words):
    from bot.text import has_words

    assert has_words(text) is words


def test_fallback_offers_did_you_mean_buttons_then_help():
    t = tracker("blorp", intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.5},
                                          {"name": "ask_role_pay", "confidence": 0.3},
                                          {"name": "greet", "confidence": 0.1}]
    messages, events = run(ActionFallback(), t)
    assert "Did you mean" in messages[0]["text"]
    assert [e["event"] for e in events] == ["rewind"]  # the message is reverted: no loop
    assert [b["title"] for b in messages[0]["buttons"]] == ["Pay", "Something else"]
    t.events = [{"event": "user", "text": "blorp"}, {"event": "action", "name": "action_fallback"},
                {"event": "rewind"}, {"event": "action", "name": "action_listen"},
                {"event": "user", "text": "blorp"}]
    messages, _ = run(ActionFallback(), t)
    assert "still didn't get that" in messages[0]["text"]
    assert "Talk to a person" in [b["title"] for b in messages[0]["buttons"]]


def test_database_failure_gives_an_apology(monkeypatch, service):
    def broken(*_a, **_k):
        raise RuntimeError("database is down")
    monkeypatch.setattr(service, "resolve", broken)
    messages, events = run(ActionRoleInfo(), tracker("paramedic"))
    assert "Sorry, something went wrong" in messages[0]["text"] and events == []
