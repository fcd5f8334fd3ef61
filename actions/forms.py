"""The generic side of every form, read off the registry (bot/forms/registry.py).

``RegistryFormValidation`` is the one validation base (like financial-demo's
``CustomFormValidationAction``): a slot declared with a parser gets a validator for free, an
unreadable answer is said once in one place with the form's own words, and one counter
(``form_failures``) knows how many answers in a row could not be read, so the help grows on the
second try. A form ends early when it was told to (``form_end``) or a yes/no that ends it got "no".
"""
from __future__ import annotations

import abc
import importlib
import inspect
import pkgutil
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.forms.registry import END, FAILURES, FORMS, Form, FormEnd, Slot

Events = list[dict[str, Any]]


def read(tracker: Tracker, form: Form) -> dict[str, Any]:
    """The form's slots, each decoded by its codec (None when not filled or unreadable)."""
    return {s.name: s.codec.decode(tracker.get_slot(s.name)) for s in form.slots}


def cleared(form: Form) -> Events:
    return [SlotSet(name, None) for name in form.slot_names()]


def ended_because(tracker: Tracker) -> FormEnd | None:
    return END.codec.decode(tracker.get_slot(END.name))


def end_form(why: FormEnd) -> dict[str, Any]:
    return {END.name: END.codec.encode(why)}


def _parsing_validator(slot: Slot) -> Any:
    async def validate(self: RegistryFormValidation, value: Any, dispatcher: CollectingDispatcher,
                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        parsed = slot.parse(str(value if value is not None else "")) if slot.parse else value
        if parsed is None:
            return self.refuse(slot.name, dispatcher, tracker)
        return {slot.name: slot.codec.encode(parsed)}

    validate.__name__ = f"validate_{slot.name}"
    validate.__doc__ = f"{slot.name}: read by its parser; unreadable answers are asked again."
    return validate


class RegistryFormValidation(FormValidationAction, abc.ABC):
    """Subclasses set ``form`` to their form's name; the action is ``validate_<form>``.

    Until a subclass names its form the class is abstract, so the action server (which skips
    abstract classes) never registers a base such as this one or ``ManageFormValidation``.
    """

    @property
    @abc.abstractmethod
    def form(self) -> str:
        """The form's name in the registry (a plain class attribute in each subclass)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        form = getattr(cls, "form", None)
        if not isinstance(form, str):
            return
        for slot in FORMS[form].asks:
            if slot.parse is not None and not hasattr(cls, f"validate_{slot.name}"):
                setattr(cls, f"validate_{slot.name}", _parsing_validator(slot))

    @property
    def spec(self) -> Form:
        return FORMS[self.form]

    def name(self) -> str:
        return self.spec.validation_action

    def failures(self, tracker: Tracker) -> int:
        """Answers in a row to this form's questions that could not be used."""
        return FAILURES.codec.decode(tracker.get_slot(FAILURES.name)) or 0

    def refuse(self, slot_name: str, dispatcher: CollectingDispatcher, tracker: Tracker,
               text: str | None = None) -> dict[str, Any]:
        """Say why the answer can't be used (with the slot's help from the second time), and
        ask the question again."""
        slot = self.spec.slot(slot_name)
        said = text or slot.retry
        if slot.help and self.failures(tracker) >= 1:
            said = f"{said} {slot.help}"
        if said:
            dispatcher.utter_message(text=said)
        return {slot_name: None}

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if ended_because(tracker) is not None or any(
                s.ends_on_no and tracker.get_slot(s.name) is False for s in self.spec.asks):
            return []  # told to end, or the person said no: the form ends, nothing saved
        return domain_slots

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Events:
        asked = tracker.get_slot("requested_slot")
        events = await super().get_validation_events(dispatcher, tracker, domain)
        answered = {e["name"]: e["value"] for e in events if e.get("name") == asked}
        if asked in answered:  # the question just asked: count it if it could not be used
            count = self.failures(tracker) + 1 if answered[asked] is None else None
            events.append(SlotSet(FAILURES.name, FAILURES.codec.encode(count)))
        return events


def validator_for(form_name: str | None) -> RegistryFormValidation | None:
    """The form's validation action (actions/*), found by the form it declares."""
    import actions  # the action server imports them all; make sure of it here too

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    todo = list(RegistryFormValidation.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (cls.__module__.startswith("actions.") and not inspect.isabstract(cls)
                and cls.form == form_name):
            return cls()
    return None
