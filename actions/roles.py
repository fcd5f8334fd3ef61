"""Answers about one role: what it is, how to get in, what it pays."""
from __future__ import annotations

import abc
import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from actions.knowledge import find_beyond_the_page, found_reply, pay_bands_reply, sure_answer
from bot.catalogue import answers
from bot.catalogue.answers import payload
from bot.catalogue.facts import Fact
from bot.catalogue.views import RoleView
from bot.kernel.replies import Button, Reply


def care_leaver_note(tracker: Tracker) -> list[Reply]:
    """For someone who said they are care-experienced: point to the extra money and support."""
    if not tracker.get_slot("care_leaver"):
        return []
    return [Reply("As a care leaver, you may get extra money and support to train, like bursaries "
                  "for college, apprenticeships and university.",
                  (Button("Support for care leavers", payload("ask_care_leaver_support")),))]


CARE_MENTION = re.compile(r"\b(left care|leaving care|(i was|i am|i'?m|im|grew up|been|lived|living) in "
                          r"care|care leaver|care experienced|care-experienced|"
                          r"(my|live with|living with|with my) foster\w*|i was fostered|i'?m fostered|"
                          r"children'?s home|my personal adviser)\b", re.IGNORECASE)


def care_follow_up(tracker: Tracker) -> list[Reply]:
    """Someone mentions care in passing ("I live with foster carers, can I come to a CV
    workshop?"): their question is answered, and the care-leaver offer follows, never instead."""
    text = tracker.latest_message.get("text") or ""
    if tracker.get_slot("care_leaver") or not CARE_MENTION.search(text):
        return []
    return [Reply("You mentioned care. If you've been in care, there's extra money and support to "
                  "help you train and work in the NHS. Would you like to hear about it?",
                  (Button("Support for care leavers", payload("care_leaver_optin")),))]


def role_entity(tracker: Tracker) -> str | None:
    """A role slug sent with the message (e.g. by a button payload)."""
    return next(tracker.get_latest_entity_values("role"), None)


class RoleAction(ThreadedAction):
    """Resolve the role the user means, then reply about it."""

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        found = services.catalogue().resolve(
            tracker.latest_message.get("text") or "",
            entity=role_entity(tracker),
            current=tracker.get_slot("role"),
        )
        if found.role is None:
            return [self.without_role(tracker, found.unknown_term, found.suggestions)], []
        reply = answers.with_alternatives(self.fact_or_reply(tracker, found.role),
                                          found.alternatives)
        return [reply, *self.extras(tracker)], [SlotSet("role", found.role.slug)]

    def fact_or_reply(self, tracker: Tracker, role: RoleView) -> Reply:
        """One fact when that is what was asked ("what grades for radiography", "do paramedics
        need a licence"), or an answer-bank item when one clearly is ("do paramedic students
        get the NHS money"); else this action's page of the role."""
        text = tracker.latest_message.get("text") or ""
        if not text or text.startswith("/"):
            return self.reply(role)
        finding = find_beyond_the_page(text, role.slug)
        if finding.fact in (Fact.PAY, Fact.ENTRY_REQUIREMENTS) or not finding.sure:
            return self.reply(role)
        return found_reply(finding, role.slug) or self.reply(role)

    def extras(self, tracker: Tracker) -> list[Reply]:
        """Anything to add after the answer (e.g. care-leaver support, when opted in)."""
        return []

    def without_role(self, tracker: Tracker, term: str | None, suggestions: tuple) -> Reply:
        """No job named or described: an answer-bank item if one clearly fits, else ask which job."""
        if not suggestions:
            answered = sure_answer(tracker.latest_message.get("text") or "")
            if answered is not None:
                return answered
        return answers.unknown_role(term, suggestions)

    @abc.abstractmethod
    def reply(self, role: RoleView) -> Reply: ...


class ActionRoleInfo(RoleAction):
    def name(self) -> str:
        return "action_role_info"

    def reply(self, role: RoleView) -> Reply:
        return answers.role_info(role)


class ActionRoleEntry(RoleAction):
    def name(self) -> str:
        return "action_role_entry"

    def reply(self, role: RoleView) -> Reply:
        return answers.role_entry(role)

    def extras(self, tracker: Tracker) -> list[Reply]:
        return care_leaver_note(tracker)


class ActionRoleDay(RoleAction):
    def name(self) -> str:
        return "action_role_day"

    def reply(self, role: RoleView) -> Reply:
        return answers.role_day(role)


class ActionRoleProgression(RoleAction):
    def name(self) -> str:
        return "action_role_progression"

    def reply(self, role: RoleView) -> Reply:
        return answers.role_progression(role)


class ActionRolePay(RoleAction):
    def name(self) -> str:
        return "action_role_pay"

    def reply(self, role: RoleView) -> Reply:
        return answers.role_pay(role, services.catalogue().pay(role))

    def without_role(self, tracker: Tracker, term: str | None, suggestions: tuple) -> Reply:
        if term is None and not suggestions:  # "how do nhs bands work": the pay table
            return pay_bands_reply(tracker)
        return super().without_role(tracker, term, suggestions)
