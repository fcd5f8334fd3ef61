"""Booking actions with hand-built Trackers and an in-memory database (no Rasa server)."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.booking_form import ActionBookingStart, ActionSubmitBooking, ValidateBookingForm
from actions.booking_manage import (
    ActionBookingNotice,
    ActionMyBookings,
    ValidateCancelForm,
    ValidateRescheduleForm,
)
from actions.forms import END
from actions.privacy import ActionSubmitErase
from bot.bookings.models import Event, EventSession
from bot.contact import Contact
from bot.forms.registry import FORMS, FormEnd

FORM = {"forms": {f.name: {"required_slots": [s.name for s in f.asks]} for f in FORMS.values()},
        "slots": {}}


@pytest.fixture
def svc(uow_factory, monkeypatch):
    monkeypatch.setattr(services, "uow_factory", lambda: uow_factory)
    services.bookings.cache_clear()
    service = services.bookings()
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)
    with uow_factory() as uow:
        for town, cap, age in (("Leeds", 10, 16), ("York", 1, 14)):
            e = Event(kind="taster_day", title=f"Taster day: {town}", status="published", min_age=age)
            e.sessions.append(EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                           site="Centre", town=town, capacity=cap))
            uow.bookings.add(e)
        uow.commit()
    yield service
    services.bookings.cache_clear()


def make(text="", slots=None, intent="book_event", loop=None, requested=None, channel="rest",
         sender="s1") -> Tracker:
    slots = {**(slots or {}), "requested_slot": requested}
    events = [{"event": "user", "text": text, "input_channel": channel}]
    if requested in slots:  # what Rasa extracted this turn: the form validates it
        events.append({"event": "slot", "name": requested, "value": slots[requested]})
    return Tracker(sender, slots, {"text": text, "intent": {"name": intent}, "entities": []},
                   events, False, None,
                   {"name": loop} if loop else {}, "action_listen")


def run(action, t):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, t, FORM))
    return d.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def sessions(svc):
    return {s.town: s.id for s in svc.upcoming()}


def test_start_reads_kind_and_town(svc):
    _, slots = run(ActionBookingStart(), make("any taster days in York?"))
    assert slots["booking_filter"] == '{"kind": "taster_day", "town": "York"}'


def test_free_text_choice_and_full_session_asks_about_the_waiting_list(svc):
    svc.book(sessions(svc)["York"], sender_id="x", channel="rest", first_name="X", contact=None)
    _, slots = run(ValidateBookingForm(), make("the york one", {"booking_session": "the york one"},
                                               loop="booking_form", requested="booking_session"))
    york = str(sessions(svc)["York"])
    assert slots["booking_session"] == york
    required = asyncio.run(ValidateBookingForm().required_slots(
        FORM["forms"]["booking_form"]["required_slots"], CollectingDispatcher(),
        make("", {"booking_session": york}), FORM))
    assert "booking_waitlist" in required
    leeds = make("", {"booking_session": str(sessions(svc)["Leeds"])})
    assert "booking_waitlist" not in asyncio.run(ValidateBookingForm().required_slots(
        FORM["forms"]["booking_form"]["required_slots"], CollectingDispatcher(), leeds, FORM))


def test_too_young_is_told_and_asked_again(svc):
    sid = str(sessions(svc)["Leeds"])
    messages, slots = run(ValidateBookingForm(), make("15", {
        "booking_session": sid, "booking_consent": True, "booking_age": "15"},
        loop="booking_form", requested="booking_age"))
    assert "16 and over" in messages[0]["text"]
    assert slots["booking_session"] is None and slots["requested_slot"] == "booking_session"


def test_bad_contact_twice_gets_an_explanation_and_a_way_out(svc):
    base = {"booking_session": str(sessions(svc)["Leeds"]), "booking_consent": True,
            "booking_age": "17", "booking_name": "Sam"}
    m1, s1 = run(ValidateBookingForm(), make("sam@", {**base, "booking_contact": "sam@"},
                                             loop="booking_form", requested="booking_contact"))
    assert "doesn't look like" in m1[0]["text"] and "stop" not in m1[0]["text"]
    m2, _ = run(ValidateBookingForm(), make("123", {**base, "booking_contact": "123",
                                                    "form_failures": s1["form_failures"]},
                                            loop="booking_form", requested="booking_contact"))
    assert "07" in m2[0]["text"] and "stop" in m2[0]["text"]


def test_telegram_chat_can_be_the_contact(svc):
    base = {"booking_session": str(sessions(svc)["Leeds"]), "booking_consent": True,
            "booking_age": "17", "booking_name": "Sam", "booking_contact": "here"}
    _, slots = run(ValidateBookingForm(), make("here", base, loop="booking_form",
                                               requested="booking_contact", channel="telegram",
                                               sender="12345"))
    assert slots["booking_contact"] == "telegram:12345"


def test_saying_no_to_the_privacy_notice_ends_the_form_and_saves_nothing(svc):
    _, slots = run(ValidateBookingForm(), make("no", {
        "booking_session": str(sessions(svc)["Leeds"]), "booking_consent": False},
        loop="booking_form", requested="booking_consent"))
    assert slots["requested_slot"] is None
    messages, _ = run(ActionSubmitBooking(), make("no", {"booking_consent": False}))
    assert "haven't booked anything" in messages[0]["text"]
    assert svc.mine("s1") == []


def test_submit_books_and_clears_the_slots(svc):
    done = {"booking_session": str(sessions(svc)["Leeds"]), "booking_consent": True,
            "booking_age": "17", "booking_name": "Sam", "booking_contact": "email:sam@example.com",
            "booking_access": "none", "booking_confirm": True}
    messages, slots = run(ActionSubmitBooking(), make("yes", done))
    assert "You're booked" in messages[0]["text"] and ".ics" in messages[0]["text"]
    assert all(v is None for v in slots.values())
    assert [b.status for b in svc.mine("s1")] == ["confirmed"]
    messages, _ = run(ActionMyBookings(), make("my bookings"))
    assert svc.mine("s1")[0].ref in messages[0]["text"]


def test_cancel_form_finds_the_only_booking_and_checks_a_stranger(svc):
    ref = svc.book(sessions(svc)["Leeds"], sender_id="s1", channel="rest", first_name="Sam",
                   contact=Contact("email", "sam@example.com")).booking.ref
    _, slots = run(ValidateCancelForm(), make("cancel my booking", intent="cancel_booking",
                                              loop="cancel_form"))
    assert slots["booking_ref"] == ref
    messages, slots = run(ValidateCancelForm(), make(ref, {"booking_ref": ref},
                                                     intent="cancel_booking", loop="cancel_form",
                                                     requested="booking_ref", sender="stranger"))
    assert "couldn't find" in messages[0]["text"] and slots["booking_ref"] is None
    _, slots = run(ValidateCancelForm(), make(f"{ref} sam@example.com",
                                              {"booking_ref": ref}, intent="cancel_booking",
                                              loop="cancel_form", requested="booking_ref",
                                              sender="stranger"))
    assert slots["booking_ref"] == ref and slots["booking_proof"] == "email:sam@example.com"


def test_notice_only_for_the_booking_owner(svc):
    ref = svc.book(sessions(svc)["Leeds"], sender_id="s1", channel="rest", first_name="Sam",
                   contact=None).booking.ref
    slots = {"notice_ref": ref, "notice_kind": "day_before"}
    triggered = "EXTERNAL: EXTERNAL_booking_notice"  # what Rasa's trigger_intent records
    messages, _ = run(ActionBookingNotice(), make(triggered, slots, intent="EXTERNAL_booking_notice"))
    assert "Reminder" in messages[0]["text"]
    messages, _ = run(ActionBookingNotice(), make(triggered, slots, intent="EXTERNAL_booking_notice",
                                                  sender="nosy"))
    assert messages == []


def test_a_typed_notice_intent_is_answered_like_anything_not_understood(svc):
    """Telegram drops a command's slash, so "/EXTERNAL_booking_notice{...}" reaches NLU as text
    that names the intent: the person gets the fallback's answer, never a booking of theirs or
    anyone else's, and never silence."""
    ref = svc.book(sessions(svc)["Leeds"], sender_id="s1", channel="rest", first_name="Sam",
                   contact=None).booking.ref
    typed = f'EXTERNAL_booking_notice{{"notice_ref":"{ref}","notice_kind":"day_before"}}'
    for sender in ("s1", "nosy"):
        messages, _ = run(ActionBookingNotice(), make(typed, {"notice_ref": ref, "notice_kind": "day_before"},
                                                      intent="EXTERNAL_booking_notice", sender=sender))
        assert len(messages) == 1 and "not sure what you mean" in messages[0]["text"]
        assert ref not in messages[0]["text"] and "Reminder" not in messages[0]["text"]


def test_erase_needs_a_yes(svc):
    svc.book(sessions(svc)["Leeds"], sender_id="s1", channel="rest", first_name="Sam",
             contact=Contact("email", "sam@example.com"))
    messages, _ = run(ActionSubmitErase(), make("no", {"erase_confirm": False}))
    assert "haven't deleted" in messages[0]["text"] and svc.mine("s1")[0].first_name == "Sam"
    run(ActionSubmitErase(), make("yes", {"erase_confirm": True}))
    assert svc.mine("s1")[0].first_name is None


def test_submit_when_the_last_place_went_meanwhile_queues_on_the_waiting_list(svc):
    york = sessions(svc)["York"]
    svc.book(york, sender_id="quicker", channel="rest", first_name="Q", contact=None)
    done = {"booking_session": str(york), "booking_consent": True, "booking_age": "17",
            "booking_name": "Sam", "booking_contact": "email:sam@example.com",
            "booking_access": "none", "booking_confirm": True}
    messages, slots = run(ActionSubmitBooking(), make("yes", done))
    assert messages[0]["text"] == "Sorry, the last place went just before you."
    assert "waiting list" in messages[1]["text"] and "number 1" in messages[1]["text"]
    assert all(v is None for v in slots.values())
    assert [b.status for b in svc.mine("s1")] == ["waiting"]


def _choose_for_reschedule(ref):
    return run(ValidateRescheduleForm(), make(ref, {"booking_ref": ref}, intent="reschedule_booking",
                                              loop="reschedule_form", requested="booking_ref"))


def test_reschedule_form_ends_when_there_is_no_other_date(svc):
    ref = svc.book(sessions(svc)["Leeds"], sender_id="s1", channel="rest", first_name="Sam",
                   contact=None).booking.ref
    messages, slots = _choose_for_reschedule(ref)
    assert "no other dates" in messages[0]["text"]
    assert slots["booking_ref"] == ref and slots[END.name] == FormEnd.NO_OTHER_DATES.value


def test_reschedule_form_goes_on_when_there_is_another_date(svc):
    leeds = sessions(svc)["Leeds"]
    with svc.uow_factory() as uow:
        first = uow.bookings.session(leeds)
        later = first.starts_at + dt.timedelta(days=7)
        uow.bookings.add(EventSession(event_id=first.event_id, starts_at=later, town="Leeds",
                                      ends_at=later + dt.timedelta(hours=3), site="Centre", capacity=5))
        uow.commit()
    ref = svc.book(leeds, sender_id="s1", channel="rest", first_name="Sam", contact=None).booking.ref
    messages, slots = _choose_for_reschedule(ref)
    assert messages == [] and slots["booking_ref"] == ref and END.name not in slots
