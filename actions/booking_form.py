"""Booking a place: start (read filters), the form's questions and checks, and the submit."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import Events, ThreadedAction, send
from actions.bookings_common import (BOOKING_SLOTS, bookings, contact_for, contact_label, filters,
                                     ics_url, options, stored_contact)
from bot.bookings import chat
from bot.catalogue.answers import Button, Reply
from bot.settings import get_settings

NONE_AHEAD = ("There are no taster days or workshops open for booking right now. New dates are "
              "added often, so please ask again soon. Meanwhile I can tell you about NHS jobs.")
CONTACT_HELP = ("An email looks like name@example.com. A UK mobile number starts with 07 and "
                "has 11 digits. If you'd rather not give one, type \"stop\": nothing will be saved.")


class ActionBookingStart(ThreadedAction):
    """Remember what the person asked for ("CV workshops in Leeds") before the form asks."""

    def name(self) -> str:
        return "action_booking_start"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ahead = bookings().upcoming()
        if not ahead:
            return [Reply(NONE_AHEAD)], [SlotSet("booking_filter", json.dumps({"none": "1"}))]
        found = chat.parse_filters(tracker.latest_message.get("text") or "",
                                   sorted({s.town for s in ahead if s.town}))
        return [], [SlotSet("booking_filter", json.dumps(found))]


class ActionAskBookingSession(ThreadedAction):
    def name(self) -> str:
        return "action_ask_booking_session"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        found = chat.apply_filters(bookings().upcoming(), filters(tracker))
        age = chat.parse_age(tracker.get_slot("booking_age") or "")
        listed = options(tracker, age)
        what = chat.describe_filters(filters(tracker))
        intro = (f"Here are the {what} coming up:" if found
                 else f"I couldn't find {what}, but here's what's coming up:")
        return [chat.session_list(listed, intro)], []


class ActionAskBookingConsent(Action):
    def name(self) -> str:
        return "action_ask_booking_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        s = get_settings()
        telegram = tracker.get_latest_input_channel() == "telegram"
        how = "an email address or a mobile number" + (" (or just this chat)" if telegram else "")
        dispatcher.utter_message(
            text=f"Before I book you a place: I'll need your first name and {how}. We only use them "
                 "for this booking, to send your details and a reminder, and we delete them "
                 f"{s.purge_after_days} days after the event, or sooner if you type \"delete my data\". "
                 f"Our privacy notice: {s.public_url.rstrip('/')}/privacy\nIs that OK?",
            buttons=[{"title": "Yes, that's OK", "payload": "/affirm"},
                     {"title": "No thanks", "payload": "/deny"}])
        return []


class ActionAskBookingContact(Action):
    def name(self) -> str:
        return "action_ask_booking_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_latest_input_channel() == "telegram":
            dispatcher.utter_message(text="How should we contact you? Type an email or a mobile "
                                          "number, or tap below to use this chat.",
                                     buttons=[{"title": "Use this chat", "payload": "here"}])
        else:
            dispatcher.utter_message(text="What email address or mobile number should we use?")
        return []


class ActionAskBookingConfirm(ThreadedAction):
    def name(self) -> str:
        return "action_ask_booking_confirm"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        session = bookings().session(int(tracker.get_slot("booking_session")))
        text = chat.summary(session, tracker.get_slot("booking_name") or "",
                            contact_label(tracker.get_slot("booking_contact")),
                            tracker.get_slot("booking_access") or "none",
                            bool(tracker.get_slot("booking_waitlist")))
        return [Reply(text, (Button("Yes, book it", "/affirm"), Button("No", "/deny")))], []


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if "none" in filters(tracker) or tracker.get_slot("booking_consent") is False \
                or tracker.get_slot("booking_confirm") is False:
            return []  # nothing to book, or the person said no: the form ends, nothing saved
        session = tracker.get_slot("booking_session")
        full = (str(session or "").isdigit()
                and await asyncio.to_thread(bookings().check, int(session)) == "full")
        return [s for s in domain_slots if s != "booking_waitlist" or full]

    async def validate_booking_session(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        age = chat.parse_age(tracker.get_slot("booking_age") or "")
        listed = await asyncio.to_thread(options, tracker, age)
        choice = chat.pick(str(value or ""), listed)
        if choice is None and str(value or "").isdigit():  # a button from an earlier list
            found = await asyncio.to_thread(bookings().session, int(value))
            choice = found if found and found.published else None
        if choice is None:
            dispatcher.utter_message(text="Sorry, I didn't catch which one. Tap a button or type "
                                          "its number, or type \"stop\" to leave booking.")
            return {"booking_session": None}
        status = await asyncio.to_thread(bookings().check, choice.id, age)
        if status in chat.PROBLEMS and status != "full":
            dispatcher.utter_message(text=chat.PROBLEMS[status])
            return {"booking_session": None}
        if status == "too_young":
            dispatcher.utter_message(text=chat.too_young(choice, age))
            return {"booking_session": None}
        return {"booking_session": str(choice.id), "booking_waitlist": None}

    async def validate_booking_waitlist(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is False:
            return {"booking_waitlist": None, "booking_session": None}
        return {"booking_waitlist": True}

    async def validate_booking_age(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        age = chat.parse_age(str(value or ""))
        if age is None:
            dispatcher.utter_message(text="Please type your age as a number, like 16.")
            return {"booking_age": None}
        session = await asyncio.to_thread(bookings().session, int(tracker.get_slot("booking_session")))
        if session and age < session.min_age:
            dispatcher.utter_message(text=chat.too_young(session, age))
            return {"booking_age": str(age), "booking_session": None, "booking_waitlist": None}
        return {"booking_age": str(age)}

    async def validate_booking_name(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        name = chat.parse_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(text="Please type just your first name, like Sam.")
        return {"booking_name": name}

    async def validate_booking_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        contact = contact_for(tracker, str(value or ""))
        if contact is not None:
            return {"booking_contact": f"{contact.method}:{contact.value}", "booking_tries": None}
        tries = int(tracker.get_slot("booking_tries") or 0) + 1
        text = "That doesn't look like an email address or a UK mobile number. Please try again."
        if tries >= 2:
            text += " " + CONTACT_HELP
        dispatcher.utter_message(text=text)
        return {"booking_contact": None, "booking_tries": str(tries)}

    async def validate_booking_access(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"booking_access": chat.parse_access(str(value or ""))}


class ActionSubmitBooking(ThreadedAction):
    """Books the place. If the database can't be reached nothing is written (one transaction),
    the answers are kept, and "Try again" runs this again."""

    apology = ("Sorry, I couldn't save your booking just now, so nothing has been booked yet. "
               "Please try again in a minute.")
    apology_buttons = [{"title": "Try again", "payload": "/retry_booking"}]

    def name(self) -> str:
        return "action_submit_booking"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        clear = [SlotSet(s, None) for s in BOOKING_SLOTS]
        slot = tracker.get_slot
        if "none" in filters(tracker):
            return [], clear
        if slot("booking_consent") is False or slot("booking_confirm") is False:
            return [Reply("OK, I haven't booked anything or saved your details. Ask me any time "
                          "if you change your mind.")], clear
        if not slot("booking_session") or not slot("booking_contact"):
            return [Reply("There's nothing waiting to be booked. Would you like to see what's on?",
                          (Button("See events", "/book_event"),))], clear
        kw = dict(sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest",
                  first_name=slot("booking_name") or "", contact=stored_contact(slot("booking_contact")),
                  access_needs=None if slot("booking_access") in (None, "none") else slot("booking_access"),
                  age=chat.parse_age(slot("booking_age") or ""))
        out = bookings().book(int(slot("booking_session")), waitlist=bool(slot("booking_waitlist")), **kw)
        if out.status == "full":  # the last place went while we were talking: queue, don't lose it
            out = bookings().book(int(slot("booking_session")), waitlist=True, **kw)
            if out.booking:
                return [Reply("Sorry, the last place went just before you."),
                        chat.booked(out, ics_url(out.booking.ics_token))], clear
        if out.status in ("confirmed", "waiting"):
            return [chat.booked(out, ics_url(out.booking.ics_token))], clear
        if out.status == "duplicate" and out.booking:
            return [Reply(f"You're already booked on this one: reference {out.booking.ref}."),
                    chat.my_bookings([out.booking])], clear
        return [Reply(chat.PROBLEMS.get(out.status, "Sorry, I couldn't book that.")
                      + " Nothing was saved.")], clear
