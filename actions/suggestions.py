"""The "I don't know what I want" quiz: its validation, its questions, the result."""
from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.base import Events, ThreadedAction, send
from actions.forms import RegistryFormValidation, cleared
from bot import suggestions
from bot.forms.registry import FORMS, FormName
from bot.kernel.replies import Button, Reply

QUIZ = FORMS[FormName.SUGGESTION]
QUESTIONS = {q.slot: q for q in suggestions.QUESTIONS}


def ask(slot: str) -> Reply:
    question = QUESTIONS[slot]
    buttons = tuple(Button(o.title, f'/choose{{"{slot}":"{o.value}"}}') for o in question.options)
    return Reply(question.text, buttons)


class AskQuizQuestion(Action, abc.ABC):
    """Asks one quiz question with its buttons (subclassed once per question below, each setting
    ``slot``; this base is abstract, so the action server never serves it)."""

    @property
    @abc.abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        send(dispatcher, [ask(self.slot)])
        return []


for _q in suggestions.QUESTIONS:  # action_ask_quiz_interest, action_ask_quiz_blood, ...
    globals()[f"AskQuiz_{_q.slot}"] = type(f"AskQuiz_{_q.slot}", (AskQuizQuestion,), {"slot": _q.slot})


class ValidateSuggestionForm(RegistryFormValidation):
    """Each answer is read by the quiz's parser (bot/forms/registry.py); the first message's
    own words ("i like people but blood makes me faint") answer what they can at the start."""

    form = QUIZ.name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        if tracker.active_loop_name != self.form_name():  # starting: take what was already said
            said = suggestions.read_statement(tracker.latest_message.get("text") or "")
            events += [SlotSet(slot, value) for slot, value in said.items() if tracker.get_slot(slot) is None]
            if said:
                dispatcher.utter_message(text=suggestions.heard(said))
        tracker.add_slots(events)
        return events + await super().run(dispatcher, tracker, domain)


class ActionSuggestRoles(ThreadedAction):
    def name(self) -> str:
        return "action_suggest_roles"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        answers = {slot: tracker.get_slot(slot) for slot in QUESTIONS if tracker.get_slot(slot)}
        picks = suggestions.suggest(services.catalogue().roles(), answers, limit=3)
        intro = Reply("Thanks! Here are three NHS jobs that could suit you:")
        reset = cleared(QUIZ)
        if not picks:
            return [Reply("I couldn't find a good match this time. Try asking about a job you've "
                          "heard of, or talk to a person.")], reset
        return [intro, *suggestions.render(picks)], reset
