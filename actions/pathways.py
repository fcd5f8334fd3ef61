"""The pathway planner: from where someone is now to a chosen role (one form, one plan)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.base import Events, ThreadedAction, send
from actions.forms import RegistryFormValidation
from actions.roles import care_follow_up, care_leaver_note
from bot import pathways
from bot.forms.registry import FormName
from bot.kernel.replies import Button, Reply


class ActionAskCurrentStage(Action):
    def name(self) -> str:
        return "action_ask_current_stage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        buttons = tuple(Button(s.title, f'/choose{{"current_stage":"{s.key}"}}') for s in pathways.STAGES)
        send(dispatcher, [Reply("Where are you now with school, college or learning?", buttons)])
        return []


class ValidatePathwayForm(RegistryFormValidation):
    form = FormName.PATHWAY

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        if tracker.active_loop_name != self.form_name():  # starting: take what was already said
            text = tracker.latest_message.get("text") or ""
            named = services.catalogue().matcher().best(text)
            if named is not None:  # "plan my route to becoming a midwife"
                events.append(SlotSet("role", named.slug))
            stage = pathways.parse_stage(text)
            if stage is not None and not tracker.get_slot("current_stage"):
                events.append(SlotSet("current_stage", stage))
            send(dispatcher, care_follow_up(tracker))
        tracker.add_slots(events)
        return events + await super().run(dispatcher, tracker, domain)

    async def validate_role(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        catalogue = services.catalogue()
        if catalogue.role(str(value)) is not None:  # already a slug
            return {"role": value}
        matcher = catalogue.matcher()
        found = matcher.best(str(value)) or next(iter(matcher.match(str(value))), None)
        if found is None:
            return self.refuse("role", dispatcher, tracker)
        return {"role": found.slug}


class ActionPlanPathway(ThreadedAction):
    def name(self) -> str:
        return "action_plan_pathway"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        role = services.catalogue().role(tracker.get_slot("role") or "")
        stage = tracker.get_slot("current_stage")
        if role is None or not stage:
            return [Reply("Sorry, I couldn't make a plan. Tell me the job you want, and try again.")], []
        plan = pathways.plan(role, stage)
        return [pathways.render(role, plan), *care_leaver_note(tracker)], []
