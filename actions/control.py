"""Stopping a form cleanly, and carrying on after an interruption."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import cleared, validator_for
from bot.forms.registry import Fill, form

# A form only stops when the person clearly said so: a one-word answer such as a first name
# ("Grace") can be read as "stop" by the classifier, and must not throw their answers away.
STOP_WORDS = re.compile(r"\b(stop\w*|cancel\w*|quit|exit|never ?mind|nvm|forget|leave|abort|end|"
                        r"scrap|enough|don'?t want|do not want|no more|give up|not now|later|"
                        r"nah|no thanks)\b", re.IGNORECASE)


async def as_answer(dispatcher: CollectingDispatcher, tracker: Tracker,
                    domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Treat the message as the answer to the form's question, checked by the form's own
    validation (which re-asks if it isn't a good answer), then carry on with the form."""
    name, slot = tracker.active_loop_name, tracker.get_slot("requested_slot")
    spec = form(name)
    text = tracker.latest_message.get("text") or ""
    events: list[dict[str, Any]] = []
    if spec and slot in {s.name for s in spec.asks if s.fill is Fill.TEXT}:
        check = getattr(validator_for(name), f"validate_{slot}", None)
        values = await check(text, dispatcher, tracker, domain) if check else {slot: text}
        events = [SlotSet(key, value) for key, value in values.items()]
    return events + [FollowupAction(name)]


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
        spec = form(tracker.active_loop_name)
        events: list[dict[str, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += cleared(spec) if spec else []
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
