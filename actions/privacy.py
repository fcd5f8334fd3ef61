""""Delete my data": confirm, then remove contact details now and the conversation soon after."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.base import Events, ThreadedAction
from actions.bookings_common import bookings
from bot.bookings.statuses import BookingStatus
from bot.kernel.replies import Button, Reply


class ActionAskEraseConfirm(ThreadedAction):
    def name(self) -> str:
        return "action_ask_erase_confirm"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        held = [b for b in bookings().mine(tracker.sender_id) if b.status == BookingStatus.CONFIRMED]
        keep = (" Your bookings stay (you can still cancel them here), but without your name or "
                "contact details." if held else "")
        return [Reply("This deletes your name and contact details from any bookings, and this "
                      f"conversation from our records.{keep} Delete now?",
                      (Button("Yes, delete my data", "/affirm"), Button("No", "/deny")))], []


class ActionSubmitErase(ThreadedAction):
    def name(self) -> str:
        return "action_submit_erase"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        clear = [SlotSet("erase_confirm", None)]
        if tracker.get_slot("erase_confirm") is not True:
            return [Reply("OK, I haven't deleted anything.")], clear
        bookings().erase(tracker.sender_id)
        return [Reply("Done. I've deleted your contact details, and this conversation will be "
                      "removed from our records within a minute. If you start a new chat, I "
                      "won't remember this one.")], clear
