"""Talk to a real person: consent, a contact route, a request staff can see."""
from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.base import Events, ThreadedAction
from bot.casework.service import request_handoff
from bot.catalogue.answers import Reply
from bot.contact import Contact, parse_contact

NO_CONSENT = ("That's fine. You can still get free careers advice: call the National Careers "
              "Service on 0800 100 900, or talk to the careers adviser at your school or college. "
              "I'm here too if you want to ask me anything.")
ON_TELEGRAM = {"here", "this chat", "telegram", "on here", "message me here", "this"}


def contact_for(tracker: Tracker, text: str) -> Contact | None:
    if tracker.get_latest_input_channel() == "telegram" and text.strip().lower() in ON_TELEGRAM:
        return Contact("telegram", tracker.sender_id)
    return parse_contact(text)


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def validate_handoff_consent(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is False:  # no dead end: other help; the form ends and nothing is stored
            dispatcher.utter_message(text=NO_CONSENT)
            return {"handoff_consent": False, "handoff_contact": "declined"}
        return {"handoff_consent": value}

    async def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        contact = contact_for(tracker, str(value or ""))
        if contact is not None:
            return {"handoff_contact": f"{contact.method}:{contact.value}"}
        failures = sum(1 for e in tracker.events if e.get("event") == "bot"
                       and "doesn't look like an email" in (e.get("text") or ""))
        hint = " Or type \"stop\" if you'd rather not." if failures >= 1 else ""
        dispatcher.utter_message(text="That doesn't look like an email address or a UK mobile "
                                      f"number. Please check it and try again.{hint}")
        return {"handoff_contact": None}


class ActionSubmitHandoff(ThreadedAction):
    def name(self) -> str:
        return "action_submit_handoff"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        stored = tracker.get_slot("handoff_contact")
        clear = [SlotSet("handoff_contact", None), SlotSet("handoff_consent", None)]
        if not tracker.get_slot("handoff_consent") or not stored or ":" not in stored:
            return [], clear
        method, value = stored.split(":", 1)
        ref = request_handoff(services.uow_factory(), channel=tracker.get_latest_input_channel() or "unknown",
                              sender_id=tracker.sender_id, contact=Contact(method, value))
        how = "here on Telegram" if method == "telegram" else f"by {'email' if method == 'email' else 'phone'}"
        return [Reply(f"Thanks. I've passed your request to our careers team (reference H{ref}). "
                      f"Someone will contact you {how}, usually within 2 working days. "
                      "If you need help sooner, your school or college careers adviser can help, "
                      "or call the National Careers Service on 0800 100 900.")], clear
