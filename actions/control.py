"""Stopping a form cleanly, and carrying on after an interruption."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

FORM_SLOTS = {
    "suggestion_form": ["quiz_interest", "quiz_blood", "quiz_children", "quiz_training"],
    "pathway_form": ["current_stage"],
    "handoff_form": ["handoff_consent", "handoff_contact"],
    "booking_form": ["booking_session", "booking_waitlist", "booking_consent", "booking_age",
                     "booking_name", "booking_contact", "booking_access", "booking_confirm",
                     "booking_filter", "booking_tries"],
    "cancel_form": ["booking_ref", "booking_proof", "cancel_confirm"],
    "reschedule_form": ["booking_ref", "booking_proof", "new_session", "reschedule_confirm"],
    "erase_form": ["erase_confirm"],
}


class ActionStop(Action):
    """End the active form; clear what it collected so nothing half-written is kept."""

    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        form = tracker.active_loop_name
        events: list[dict[str, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(slot, None) for slot in FORM_SLOTS.get(form or "", [])]
        if tracker.get_intent_of_latest_message() != "request_human":
            dispatcher.utter_message(response="utter_stopped")
        return events


class ActionCarryOn(Action):
    """"Carry on" with nothing going on: say what we can do next."""

    def name(self) -> str:
        return "action_carry_on"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Sure. What would you like to know about next?")
        dispatcher.utter_message(response="utter_capabilities")
        return []
