"""Answers about a way in: apprenticeships, T Levels, Access courses, cadets, funding..."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from actions.knowledge import sure_answer
from bot.catalogue import answers, guidance
from bot.kernel.replies import Reply


class ActionPathwayInfo(ThreadedAction):
    def name(self) -> str:
        return "action_pathway_info"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        catalogue = services.catalogue()
        entity = next(tracker.get_latest_entity_values("route"), None)
        route = catalogue.resolve_route(tracker.latest_message.get("text") or "", entity)
        if route is None:  # no way in named: a job named instead? (the classifier can mix them up)
            best = catalogue.matcher().best(tracker.latest_message.get("text") or "")
            role = catalogue.role(best.slug) if best else None
            if role is not None:  # unless the question is one the answer bank clearly answers
                answered = sure_answer(tracker.latest_message.get("text") or "", role.slug)
                return [answered or answers.role_entry(role)], [SlotSet("role", role.slug)]
            answered = sure_answer(tracker.latest_message.get("text") or "")
            if answered is not None:  # "do student nurses get paid"
                return [answered], []
            return [guidance.pathways_menu(catalogue.routes())], []
        named = catalogue.matcher().best(tracker.latest_message.get("text") or "")
        role = catalogue.role(named.slug) if named else None
        if role is not None:  # "are there any paramedic apprenticeships": that job's way in
            return [guidance.role_route(role, route)], [SlotSet("role", role.slug)]
        return [guidance.route_info(route)], []
