"""Booking a place: start (read filters), the form's questions and checks, and the submit."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import Events, ThreadedAction
from actions.bookings_common import BOOKING, FILTER, bookings, contact_for, filters, ics_url, options
from actions.forms import RegistryFormValidation, cleared, end_form, ended_because, read
from bot.bookings import chat
from bot.bookings.statuses import OutcomeStatus
from bot.bookings.views import found_session
from bot.forms.codecs import INT
from bot.forms.registry import FormEnd
from bot.kernel.replies import Button, Reply
from bot.settings import get_settings

NONE_AHEAD = ("There are no taster days or workshops open for booking right now. New dates are "
              "added often, so please ask again soon. Meanwhile I can tell you about NHS jobs.")


class ActionBookingStart(ThreadedAction):
    """Remember what the person asked for ("CV workshops in Leeds") before the form asks."""

    def name(self) -> str:
        return "action_booking_start"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ahead = bookings().upcoming()
        if not ahead:
            return [Reply(NONE_AHEAD)], [SlotSet(k, v) for k, v in end_form(FormEnd.NOTHING_TO_BOOK).items()]
        found = chat.parse_filters(tracker.latest_message.get("text") or "",
                                   sorted({s.town for s in ahead if s.town}))
        return [], [SlotSet(FILTER.name, FILTER.codec.encode(found))]


class ActionAskBookingSession(ThreadedAction):
    def name(self) -> str:
        return "action_ask_booking_session"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        found = chat.apply_filters(bookings().upcoming(), filters(tracker))
        age = read(tracker, BOOKING)["booking_age"]
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
        answers = read(tracker, BOOKING)
        session = found_session(bookings().session(answers["booking_session"]), answers["booking_session"])
        contact = answers["booking_contact"]
        text = chat.summary(session, answers["booking_name"] or "", contact.label if contact else "",
                            answers["booking_access"] or chat.NO_ACCESS_NEEDS,
                            bool(answers["booking_waitlist"]))
        return [Reply(text, (Button("Yes, book it", "/affirm"), Button("No", "/deny")))], []


class ValidateBookingForm(RegistryFormValidation):
    form = BOOKING.name

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        session = read(tracker, BOOKING)["booking_session"]
        full = (slots and session is not None
                and await asyncio.to_thread(bookings().check, session) == OutcomeStatus.FULL)
        return [s for s in slots if s != "booking_waitlist" or full]  # the waiting list: only if full

    async def validate_booking_session(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        age = read(tracker, BOOKING)["booking_age"]
        listed = await asyncio.to_thread(options, tracker, age)
        choice = chat.pick(str(value or ""), listed)
        if choice is None and str(value or "").isdigit():  # a button from an earlier list
            found = await asyncio.to_thread(bookings().session, int(value))
            choice = found if found and found.published else None
        if choice is None:
            return self.refuse("booking_session", dispatcher, tracker)
        status = await asyncio.to_thread(bookings().check, choice.id, age)
        if status in chat.PROBLEMS and status != OutcomeStatus.FULL:
            return self.refuse("booking_session", dispatcher, tracker, chat.PROBLEMS[status])
        if status == OutcomeStatus.TOO_YOUNG and age is not None:
            return self.refuse("booking_session", dispatcher, tracker, chat.too_young(choice, age))
        return {"booking_session": INT.encode(choice.id), "booking_waitlist": None}

    async def validate_booking_waitlist(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is False:
            return {"booking_waitlist": None, "booking_session": None}
        return {"booking_waitlist": True}

    async def validate_booking_age(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        age = chat.parse_age(str(value or ""))
        if age is None:
            return self.refuse("booking_age", dispatcher, tracker)
        chosen = read(tracker, BOOKING)["booking_session"]
        session = await asyncio.to_thread(bookings().session, chosen) if chosen is not None else None
        if session and age < session.min_age:  # keep the age, choose another session
            dispatcher.utter_message(text=chat.too_young(session, age))
            return {"booking_age": INT.encode(age), "booking_session": None, "booking_waitlist": None}
        return {"booking_age": INT.encode(age)}

    async def validate_booking_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        contact = contact_for(tracker, str(value or ""))
        if contact is None:
            return self.refuse("booking_contact", dispatcher, tracker)
        return {"booking_contact": contact.encode()}


class ActionSubmitBooking(ThreadedAction):
    """Books the place. If the database can't be reached nothing is written (one transaction),
    the answers are kept, and "Try again" runs this again."""

    apology = ("Sorry, I couldn't save your booking just now, so nothing has been booked yet. "
               "Please try again in a minute.")
    apology_buttons = [{"title": "Try again", "payload": "/retry_booking"}]

    def name(self) -> str:
        return "action_submit_booking"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        clear = cleared(BOOKING)
        answers = read(tracker, BOOKING)
        if ended_because(tracker) is FormEnd.NOTHING_TO_BOOK:
            return [], clear
        if answers["booking_consent"] is False or answers["booking_confirm"] is False:
            return [Reply("OK, I haven't booked anything or saved your details. Ask me any time "
                          "if you change your mind.")], clear
        session, contact = answers["booking_session"], answers["booking_contact"]
        if session is None or contact is None:
            return [Reply("There's nothing waiting to be booked. Would you like to see what's on?",
                          (Button("See events", "/book_event"),))], clear
        access = answers["booking_access"]
        kw: dict[str, Any] = dict(
            sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest",
            first_name=answers["booking_name"] or "", contact=contact, age=answers["booking_age"],
            access_needs=None if access in (None, chat.NO_ACCESS_NEEDS) else access)
        out = bookings().book(session, waitlist=bool(answers["booking_waitlist"]),
                              fall_back_to_waiting_list=True, **kw)
        if out.waiting_list_fallback and out.booking:
            return [Reply("Sorry, the last place went just before you."),
                    chat.booked(out, ics_url(out.booking.ics_token))], clear
        if out.status in (OutcomeStatus.CONFIRMED, OutcomeStatus.WAITING) and out.booking:
            return [chat.booked(out, ics_url(out.booking.ics_token))], clear
        if out.status == OutcomeStatus.DUPLICATE and out.booking:
            return [Reply(f"You're already booked on this one: reference {out.booking.ref}."),
                    chat.my_bookings([out.booking])], clear
        return [Reply(chat.PROBLEMS.get(out.status, "Sorry, I couldn't book that.")
                      + " Nothing was saved.")], clear
