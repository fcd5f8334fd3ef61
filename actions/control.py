"""Stopping a form cleanly, and carrying on after an interruption."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
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


# A form only stops when the person clearly said so: a one-word answer such as a first name
# ("Grace") can be read as "stop" by the classifier, and must not throw their answers away.
STOP_WORDS = re.compile(r"\b(stop\w*|cancel\w*|quit|exit|never ?mind|nvm|forget|leave|abort|end|"
                        r"scrap|enough|don'?t want|do not want|no more|give up|not now|later|"
                        r"nah|no thanks)\b", re.IGNORECASE)
FREE_TEXT = {"booking_name", "booking_age", "booking_contact", "booking_access", "booking_ref",
             "booking_session", "new_session", "current_stage", "handoff_contact", "quiz_interest",
             "quiz_blood", "quiz_children", "quiz_training"}


def really_stop(tracker: Tracker) -> bool:
    text = tracker.latest_message.get("text") or ""
    return (not tracker.active_loop_name or text.startswith("/") or bool(STOP_WORDS.search(text))
            or tracker.get_intent_of_latest_message() == "request_human")


class ActionStop(Action):
    """End the active form; clear what it collected so nothing half-written is kept."""

    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        if not really_stop(tracker):  # e.g. "Grace" at "What's your first name?": an answer
            requested = tracker.get_slot("requested_slot")
            answer = ([SlotSet(requested, tracker.latest_message.get("text"))]
                      if requested in FREE_TEXT else [])
            return answer + [FollowupAction(tracker.active_loop_name)]
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
