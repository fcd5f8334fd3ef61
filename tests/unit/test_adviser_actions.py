"""Compare, care-leaver opt-in/out, handoff, stop: hand-built Trackers, CollectingDispatcher."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.care_leaver import ActionCareLeaverOptIn, ActionCareLeaverOptOut
from actions.compare import ActionCompareRoles
from actions.control import ActionStop
from actions.handoff import ActionSubmitHandoff, ValidateHandoffForm
from actions.roles import ActionRoleEntry
from bot.casework.models import HandoffRequest
from bot.forms.registry import FORMS


@pytest.fixture(autouse=True)
def _wiring(service, seeded, monkeypatch):
    monkeypatch.setattr(services, "catalogue", lambda: service)
    monkeypatch.setattr(services, "uow_factory", lambda: seeded)


def make(text="", slots=None, intent="ask_role_info", loop=None, channel="rest") -> Tracker:
    return Tracker("s1", slots or {}, {"text": text, "intent": {"name": intent}, "entities": []},
                   [{"event": "user", "text": text, "input_channel": channel}], False, None,
                   {"name": loop} if loop else {}, "action_listen")


def run(action, t):
    d = CollectingDispatcher()
    domain = {"forms": {"handoff_form": {"required_slots": ["handoff_consent", "handoff_contact"]}}}
    events = asyncio.run(action.run(d, t, domain))
    return d.messages, events


def test_compare_two_named_roles():
    messages, events = run(ActionCompareRoles(), make("difference between a paramedic and a porter"))
    text = messages[0]["text"]
    assert "PARAMEDIC" in text and "PORTER" in text and "£" in text
    assert events[-1]["value"] == "porter"


def test_compare_with_the_current_role():
    messages, _ = run(ActionCompareRoles(), make("how does that compare to a porter", {"role": "paramedic"}))
    assert "PARAMEDIC" in messages[0]["text"] and "PORTER" in messages[0]["text"]


def test_compare_needs_two_roles():
    messages, _ = run(ActionCompareRoles(), make("compare them"))
    assert "Which two jobs" in messages[0]["text"]


def test_care_leaver_opt_in_and_out():
    messages, events = run(ActionCareLeaverOptIn(), make("i'm a care leaver"))
    assert events[-1] == {"event": "slot", "name": "care_leaver", "value": True, "timestamp": None}
    assert any("turn this off" in m["text"] for m in messages)
    assert "prove" in messages[-1]["text"]
    _, events = run(ActionCareLeaverOptOut(), make("turn it off"))
    assert events[-1]["value"] is False


def test_entry_mentions_care_leaver_support_only_when_opted_in():
    messages, _ = run(ActionRoleEntry(), make("how do i become a paramedic", {"care_leaver": True}))
    assert any("care leaver" in m["text"] for m in messages)
    messages, _ = run(ActionRoleEntry(), make("how do i become a paramedic", {"care_leaver": False}))
    assert not any("care leaver" in m["text"] for m in messages)


@pytest.mark.parametrize("text, ok", [("jo@example.com", True), ("07911 123456", True),
                                      ("not an email", False), ("123", False)])
def test_handoff_contact_validation(text, ok):
    form = ValidateHandoffForm()
    d = CollectingDispatcher()
    out = asyncio.run(form.validate_handoff_contact(text, d, make(text, loop="handoff_form"), {}))
    assert (out["handoff_contact"] is not None) == ok
    assert bool(d.messages) != ok


def test_handoff_without_consent_is_no_dead_end_and_stores_nothing(seeded):
    d = CollectingDispatcher()
    out = asyncio.run(ValidateHandoffForm().validate_handoff_consent(False, d, make("no"), {}))
    assert "0800 100 900" in d.messages[0]["text"] and out["handoff_consent"] is False
    run(ActionSubmitHandoff(), make("", {"handoff_consent": False}))
    with seeded() as uow:
        assert uow.casework.open_handoffs() == []


def test_handoff_is_recorded_for_staff(seeded):
    slots = {"handoff_consent": True, "handoff_contact": "email:jo@example.com"}
    messages, events = run(ActionSubmitHandoff(), make("", slots))
    assert "2 working days" in messages[0]["text"]
    with seeded() as uow:
        (req,) = uow.casework.open_handoffs()
        assert isinstance(req, HandoffRequest) and req.contact_value == "jo@example.com" and req.consent
    assert {e["name"] for e in events} == set(FORMS["handoff_form"].slot_names())
    assert {"handoff_contact", "handoff_consent"} <= {e["name"] for e in events if e["value"] is None}


def test_stop_clears_the_form_and_says_so():
    messages, events = run(ActionStop(), make("stop", {"quiz_interest": "people"}, intent="stop",
                                              loop="suggestion_form"))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert {"event": "slot", "name": "quiz_interest", "value": None, "timestamp": None} in events
    assert messages[0]["response"] == "utter_stopped"


def test_a_name_read_as_stop_is_taken_as_the_answer():
    t = make("Grace", {"requested_slot": "booking_name"}, intent="stop", loop="booking_form")
    messages, events = run(ActionStop(), t)
    assert messages == []
    assert events[0] == {"event": "slot", "name": "booking_name", "value": "Grace", "timestamp": None}
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "booking_form"
    messages, events = run(ActionStop(), make("SamT", {"requested_slot": "booking_contact"},
                                              intent="stop", loop="booking_form"))
    assert "doesn't look like" in messages[0]["text"]  # checked by the form's own validation
    assert events[0] == {"event": "slot", "name": "booking_contact", "value": None, "timestamp": None}
    _, events = run(ActionStop(), make("stop please", {"requested_slot": "booking_name"},
                                       intent="stop", loop="booking_form"))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
