"""Stopping a form cleanly, and carrying on after an interruption."""
from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
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


def validator_for(form: str) -> FormValidationAction | None:
    """The form's FormValidationAction (actions/*), found by its name ``validate_<form>``."""
    import actions  # the action server imports them all; make sure of it here too

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    todo = list(FormValidationAction.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        try:
            if cls().name() == f"validate_{form}":
                return cls()
        except TypeError:  # an abstract helper class
            continue
    return None


async def as_answer(dispatcher: CollectingDispatcher, tracker: Tracker,
                    domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Treat the message as the answer to the form's question, checked by the form's own
    validation (which re-asks if it isn't a good answer), then carry on with the form."""
    form, slot = tracker.active_loop_name, tracker.get_slot("requested_slot")
    text = tracker.latest_message.get("text") or ""
    events: list[dict[str, Any]] = []
    if slot in FREE_TEXT:
        check = getattr(validator_for(form), f"validate_{slot}", None)
        values = await check(text, dispatcher, tracker, domain) if check else {slot: text}
        events = [SlotSet(name, value) for name, value in values.items()]
    return events + [FollowupAction(form)]


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
            return await as_answer(dispatcher, tracker, domain)
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
