"""Answers beyond one role's page: the answer bank, pay bands, and jobs of a kind."""
from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from bot.catalogue import answers, guidance, kinds
from bot.catalogue.answers import payload
from bot.catalogue.facts import fact_reply
from bot.catalogue.finder import Finding
from bot.kernel.replies import Button, Reply

JOB_QUESTION = re.compile(r"\b(become|becoming|be an?|job as|work as|working as|career as|"
                          r"train(ing)? to be|how to be)\b", re.IGNORECASE)
BAND_RE = re.compile(r"\b(?:band|b)\s*([1-9]|8\s*[a-d])\b", re.IGNORECASE)


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def sure_answer(text: str, role: str | None = None) -> Reply | None:
    """The answer to ``text`` when one is clearly nearest: an answer-bank item (with the next
    closest as buttons) or, when ``role`` is the job named, that job's fact; None when not sure."""
    return found_reply(services.catalogue().find(text, role), role)


def found_reply(finding: Finding, role: str | None) -> Reply | None:
    catalogue = services.catalogue()
    if finding.fact is not None and role:
        view = catalogue.role(role)
        if view is not None:
            reply = fact_reply(view, finding.fact, catalogue.pay(view),
                               catalogue.content_item("learning-support-fund"))
            more = tuple(Button(c.title, f'/ask_question{{"answer":"{c.slug}"}}')
                         for c in finding.closest[:1] if c.slug not in reply.text)
            return Reply(reply.text, more + reply.buttons)
    if finding.item is not None:
        return guidance.answer(finding.item, list(finding.closest))
    return None


def find_beyond_the_page(text: str, role: str) -> Finding:
    """What a message about ``role`` asks beyond its page: one of its facts ("what grades for
    radiography"), an answer-bank item ("do paramedic students get the LSF"), or neither."""
    return services.catalogue().find(text, role)


class ActionAnswerQuestion(ThreadedAction):
    def name(self) -> str:
        return "action_answer_question"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        catalogue = services.catalogue()
        chosen = next(tracker.get_latest_entity_values("answer"), None)
        item = catalogue.content_item(chosen) if chosen else None
        if item is not None:
            return [guidance.answer(item)], []
        named = catalogue.matcher().best(_text(tracker))  # "do paramedic students get the LSF"
        keep_role = [SlotSet("role", named.slug)] if named else []
        finding = catalogue.find(_text(tracker), named.slug if named else None)
        answered = found_reply(finding, named.slug if named else None)
        if answered is not None:
            return [answered], keep_role
        route = catalogue.resolve_route(_text(tracker))
        if route is not None:  # "can i do a t level in health": a way in, after all
            return [guidance.route_info(route)], keep_role
        return [guidance.not_sure(list(finding.closest))], keep_role


def pay_bands_reply(tracker: Tracker) -> Reply:
    match = BAND_RE.search(_text(tracker))
    band = match.group(1).replace(" ", "").lower() if match else None
    return guidance.pay_bands(services.catalogue().pay_table(), band)


class ActionPayBands(ThreadedAction):
    def name(self) -> str:
        return "action_pay_bands"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        catalogue = services.catalogue()
        named = catalogue.matcher().best(_text(tracker))
        if named is not None and not BAND_RE.search(_text(tracker)):  # "what band is a porter"
            role = catalogue.role(named.slug)
            if role is not None:
                return [answers.role_pay(role, catalogue.pay(role))], [SlotSet("role", role.slug)]
        return [pay_bands_reply(tracker)], []


class ActionListRoles(ThreadedAction):
    """Jobs of a kind, from the catalogue's areas, tags and routes; else by meaning."""

    def name(self) -> str:
        return "action_list_roles"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        catalogue = services.catalogue()
        wanted = kinds.read_kind(_text(tracker))
        if wanted is not None:
            roles = [r for r in catalogue.roles() if wanted.keeps(r)]
            return [guidance.role_list(kinds.label_with_start(wanted), roles)], []
        hits = [h for h in catalogue.describe(_text(tracker), limit=6) if h.score >= 0.3]
        roles = [r for r in (catalogue.role(h.key) for h in hits) if r is not None]
        return [guidance.role_list("jobs that might fit", roles)], []


class ActionOutOfScope(ThreadedAction):
    """Not about NHS careers. A job we don't cover ("how do I become an astronaut") is named
    honestly; anything else gets what we can do, as buttons: never a bare "can't help"."""

    def name(self) -> str:
        return "action_out_of_scope"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        from bot.catalogue.wording import unknown_role_term

        asks_for_a_job = JOB_QUESTION.search(_text(tracker))
        term = unknown_role_term(_text(tracker)) if asks_for_a_job else None
        if term is not None:
            return [answers.unknown_role(term, ())], []
        return [Reply("Sorry, I can't help with that. I can tell you about NHS jobs: what they're "
                      "like, how to get in and the pay, and book you onto a taster day or a CV "
                      "workshop.", (Button("What can you do?", payload("bot_capabilities")),
                                    Button("Help me choose a job", payload("ask_suggestions"))))], []
