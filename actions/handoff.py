"""Talk to a real person: consent, a contact route, a request staff can see."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.base import Events, ThreadedAction
from actions.bookings_common import contact_for
from actions.forms import RegistryFormValidation, cleared, read
from bot.casework.service import request_handoff
from bot.forms.registry import FORMS, FormName
from bot.kernel.replies import Reply

HANDOFF = FORMS[FormName.HANDOFF]

NO_CONSENT = ("That's fine. You can still get free careers advice: call the National Careers "
              "Service on 0800 100 900, or talk to the careers adviser at your school or college. "
              "I'm here too if you want to ask me anything.")


class ValidateHandoffForm(RegistryFormValidation):
    form = HANDOFF.name

    async def validate_handoff_consent(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is False:  # no dead end: other help; the form ends and nothing is stored
            dispatcher.utter_message(text=NO_CONSENT)
        return {"handoff_consent": value}

    async def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        contact = contact_for(tracker, str(value or ""))
        if contact is None:
            return self.refuse("handoff_contact", dispatcher, tracker)
        return {"handoff_contact": contact.encode()}


class ActionSubmitHandoff(ThreadedAction):
    def name(self) -> str:
        return "action_submit_handoff"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        answers, clear = read(tracker, HANDOFF), cleared(HANDOFF)
        contact = answers["handoff_contact"]
        if answers["handoff_consent"] is not True or contact is None:
            return [], clear
        ref = request_handoff(services.uow_factory(), channel=tracker.get_latest_input_channel() or "unknown",
                              sender_id=tracker.sender_id, contact=contact)
        return [Reply(f"Thanks. I've passed your request to our careers team (reference H{ref}). "
                      f"Someone will contact you {contact.how}, usually within 2 working days. "
                      "If you need help sooner, your school or college careers adviser can help, "
                      "or call the National Careers Service on 0800 100 900.")], clear
