"""My bookings, cancelling and moving a place, waiting-list offers and reminders."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import Events, ThreadedAction
from actions.bookings_common import bookings, ics_url
from actions.fallback import ActionFallback
from actions.forms import RegistryFormValidation, cleared, end_form, ended_because, read
from bot.bookings import chat
from bot.bookings.models import NoticeKind
from bot.bookings.references import find_reference, normalise_reference
from bot.bookings.statuses import ACTIVE, BookingStatus, OutcomeStatus
from bot.bookings.views import BookingView, found_booking, found_session
from bot.contact import Contact, find_contact
from bot.forms.codecs import CONTACT, INT
from bot.forms.registry import FORMS, FormEnd, FormName
from bot.kernel.replies import Button, Reply

CANCEL, RESCHEDULE = FORMS[FormName.CANCEL], FORMS[FormName.RESCHEDULE]


def proof_of(tracker: Tracker) -> Contact | None:
    """The email or mobile someone gave to show a booking made in another chat is theirs."""
    return CONTACT.decode(tracker.get_slot("booking_proof"))


def ref_of(tracker: Tracker) -> str | None:
    return tracker.get_slot("booking_ref") or find_reference(tracker.latest_message.get("text") or "")


def lookup(tracker: Tracker, ref: str) -> BookingView | None:
    return bookings().find(ref, contact=proof_of(tracker), sender_id=tracker.sender_id)


class ActionMyBookings(ThreadedAction):
    def name(self) -> str:
        return "action_my_bookings"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        return [chat.my_bookings(bookings().mine(tracker.sender_id))], []


class ActionAskBookingRef(ThreadedAction):
    def name(self) -> str:
        return "action_ask_booking_ref"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        mine = bookings().mine(tracker.sender_id)
        if tracker.active_loop.get("name") == FormName.RESCHEDULE:
            mine = [b for b in mine if b.status == BookingStatus.CONFIRMED]
        if not mine:
            return [Reply("What's your booking reference? It looks like TD-7K3Q. If you booked "
                          "in another chat, add the email or mobile you used.")], []
        buttons = tuple(Button(chat.booking_line(b), chat.payload("choose", booking_ref=b.ref))
                        for b in mine)
        return [Reply("Which booking?", buttons)], []


class ManageFormValidation(RegistryFormValidation):
    """Shared by the cancel and reschedule forms: which booking, and is it theirs."""

    statuses: tuple[BookingStatus, ...] = ACTIVE

    async def extract_booking_ref(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("booking_ref") or tracker.get_slot("requested_slot") not in (None, "booking_ref"):
            return {}
        text = tracker.latest_message.get("text") or ""
        found = find_reference(text)
        if found:
            return {"booking_ref": found, "booking_proof": CONTACT.encode(find_contact(text))}
        if tracker.get_slot("requested_slot") is None:  # only one booking: no need to ask
            mine = [b for b in await asyncio.to_thread(bookings().mine, tracker.sender_id)
                    if b.status in self.statuses]
            if len(mine) == 1:
                return {"booking_ref": mine[0].ref}
        return {}

    async def validate_booking_ref(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        ref = find_reference(str(value or "")) or normalise_reference(str(value or ""))
        proof = find_contact(tracker.latest_message.get("text") or "") or proof_of(tracker)
        found = await asyncio.to_thread(bookings().find, ref, proof, tracker.sender_id)
        if found is None or found.status not in self.statuses:
            return self.refuse("booking_ref", dispatcher, tracker)
        return {"booking_ref": found.ref, "booking_proof": CONTACT.encode(proof),
                **await self.after_choosing(found, dispatcher)}

    async def after_choosing(self, booking: BookingView, dispatcher: CollectingDispatcher
                             ) -> dict[str, Any]:
        """More slots once the booking is known and theirs (none here)."""
        return {}


class ValidateCancelForm(ManageFormValidation):
    form = CANCEL.name


class ActionAskCancelConfirm(ThreadedAction):
    def name(self) -> str:
        return "action_ask_cancel_confirm"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        b = found_booking(lookup(tracker, tracker.get_slot("booking_ref")))
        what = "your place on the waiting list for" if b.status == BookingStatus.WAITING else "your place on"
        return [Reply(f"Cancel {what} {b.session.title}, {chat.label_date(b.session)} ({b.ref})?",
                      (Button("Yes, cancel it", "/affirm"), Button("No, keep it", "/deny")))], []


class ActionSubmitCancel(ThreadedAction):
    def name(self) -> str:
        return "action_submit_cancel"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        clear = cleared(CANCEL)
        ref = tracker.get_slot("booking_ref")
        if not ref:
            return [], clear
        if read(tracker, CANCEL)["cancel_confirm"] is not True:
            return [Reply(f"OK, I haven't changed anything. {ref} is still yours.")], clear
        out = bookings().cancel(ref, sender_id=tracker.sender_id, contact=proof_of(tracker))
        if out.status != OutcomeStatus.CANCELLED:
            return [Reply("That booking was already cancelled, so there's nothing to do.")], clear
        return [Reply(f"Done: {ref} is cancelled. Thanks for letting us know, it means someone "
                      "else can have the place.", (Button("Book another date", "/book_event"),))], clear


class ValidateRescheduleForm(ManageFormValidation):
    form = RESCHEDULE.name
    statuses = (BookingStatus.CONFIRMED,)

    async def after_choosing(self, booking: BookingView, dispatcher: CollectingDispatcher
                             ) -> dict[str, Any]:
        if await asyncio.to_thread(bookings().other_dates, booking):
            return {}
        dispatcher.utter_message(text="There are no other dates with places for this "
                                      "event right now, so your booking stays as it is.")
        return end_form(FormEnd.NO_OTHER_DATES)

    async def validate_new_session(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        found = await asyncio.to_thread(lookup, tracker, tracker.get_slot("booking_ref"))
        choice = chat.pick(str(value or ""), await asyncio.to_thread(bookings().other_dates, found))
        if choice is None:
            return self.refuse("new_session", dispatcher, tracker)
        return {"new_session": INT.encode(choice.id)}


class ActionAskNewSession(ThreadedAction):
    def name(self) -> str:
        return "action_ask_new_session"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        b = found_booking(lookup(tracker, tracker.get_slot("booking_ref")))
        return [chat.session_list(bookings().other_dates(b), f"Which date would you like instead of "
                                                   f"{chat.label_date(b.session)}?", "new_session")], []


class ActionAskRescheduleConfirm(ThreadedAction):
    def name(self) -> str:
        return "action_ask_reschedule_confirm"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        b = found_booking(lookup(tracker, tracker.get_slot("booking_ref")))
        new_id = read(tracker, RESCHEDULE)["new_session"]
        new = found_session(bookings().session(new_id), new_id)
        return [Reply(f"Move {b.ref} from {chat.label_date(b.session)} to {chat.label_date(new)}"
                      f" ({new.town or 'online'})?",
                      (Button("Yes, move it", "/affirm"), Button("No, keep it", "/deny")))], []


class ActionSubmitReschedule(ThreadedAction):
    def name(self) -> str:
        return "action_submit_reschedule"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        clear = cleared(RESCHEDULE)
        answers = read(tracker, RESCHEDULE)
        ref, new = answers["booking_ref"], answers["new_session"]
        if not ref or new is None or ended_because(tracker) is FormEnd.NO_OTHER_DATES:
            return [], clear
        if answers["reschedule_confirm"] is not True:
            return [Reply(f"OK, I haven't changed anything. {ref} stays as it was.")], clear
        out = bookings().reschedule(ref, new, sender_id=tracker.sender_id, contact=proof_of(tracker))
        if out.status != OutcomeStatus.MOVED:
            return [Reply("Sorry, that date has just filled up, so your booking stays as it "
                          "was. Ask me again to pick another date.")], clear
        b = out.booking
        if b is None:   # a MOVED outcome always has its booking
            raise ValueError("a moved booking's outcome has no booking")
        return [Reply(f"Done: {b.ref} is now on {b.session.when}.\n"
                      f"New calendar file: {ics_url(b.ics_token)}")], clear


class ActionAcceptOffer(ThreadedAction):
    def name(self) -> str:
        return "action_accept_offer"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ref = ref_of(tracker) or next((b.ref for b in bookings().mine(tracker.sender_id)
                                       if b.status == BookingStatus.OFFERED), None)
        out = bookings().accept_offer(ref, sender_id=tracker.sender_id) if ref else None
        clear = [SlotSet("booking_ref", None)]
        if out and out.status in (OutcomeStatus.CONFIRMED, OutcomeStatus.DUPLICATE) and out.booking:
            return [chat.booked(out, ics_url(out.booking.ics_token))], clear
        if out and out.status == OutcomeStatus.EXPIRED:
            return [Reply("Sorry, the time to accept that place has run out, so it went to the "
                          "next person. I can look for another date.",
                          (Button("Other dates", "/book_event"),))], clear
        return [Reply("I can't find a place waiting for you to accept.",
                      (Button("My bookings", "/my_bookings"),))], clear


class ActionDeclineOffer(ThreadedAction):
    def name(self) -> str:
        return "action_decline_offer"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ref = ref_of(tracker)
        out = bookings().decline_offer(ref, sender_id=tracker.sender_id) if ref else None
        clear = [SlotSet("booking_ref", None)]
        if out and out.status == OutcomeStatus.CANCELLED:
            return [Reply(f"OK, I've let the place go and taken you off the waiting list ({ref}).")], clear
        return [Reply("I can't find that offer any more.")], clear


class ActionBookingNotice(ThreadedAction):
    """Runs when the worker triggers EXTERNAL_booking_notice: a reminder, an offer, a cancellation."""

    def name(self) -> str:
        return "action_booking_notice"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ref, kind = tracker.get_slot("notice_ref"), tracker.get_slot("notice_kind")
        clear = [SlotSet("notice_ref", None), SlotSet("notice_kind", None)]
        if not sent_by_the_worker(tracker):  # someone typed the intent's name: answer them
            return ActionFallback().answer(tracker)
        found = bookings().find(ref, sender_id=tracker.sender_id) if ref else None
        if found is None or kind not in {k.value for k in NoticeKind}:
            return [], clear  # not this conversation's booking: say nothing
        return [chat.notice(NoticeKind(kind), found)], clear


def sent_by_the_worker(tracker: Tracker) -> bool:
    """Rasa's trigger_intent marks the message it adds as external (Rasa's ``IS_EXTERNAL``
    metadata, text ``EXTERNAL: <intent>``); a typed message is never marked so."""
    latest = tracker.latest_message or {}
    return bool((latest.get("metadata") or {}).get("is_external")) or \
        (latest.get("text") or "").startswith("EXTERNAL: ")
