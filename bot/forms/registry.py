"""Every form of the conversation, declared once.

A form is its name, the questions it asks in order (each a slot with a codec, how it is filled,
how a typed answer is read and what is said when it can't be), the slots it keeps while it runs,
the questions it answers in passing, and how it ends. Everything else is derived from here:

- the interruption and finish rules (``make rules``: data/rules/forms.yml, checked by a test);
- the ``forms:`` section and the form slots of domain.yml (checked by a test);
- the slots cleared when a form stops or ends (``Form.slot_names``);
- the generic validation in actions/forms.py, with one failure counter (``FAILURES``).

Adding a question to a form: add its ``Slot`` here, its slot in domain.yml, and its data.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot import pathways, suggestions
from bot.bookings import chat
from bot.contact import parse_contact
from bot.forms.codecs import BOOL, CONTACT, DICT, INT, TEXT, Codec, EnumCodec
from bot.kernel.enums import StrEnum


class Fill(str, Enum):
    """How a slot gets its value while its form asks for it."""

    TEXT = "text"      # what the person types (or a button's entity of the same name)
    YES_NO = "yes_no"  # affirm / deny
    CUSTOM = "custom"  # set by the form's actions, never asked


class FormEnd(str, Enum):
    """Why a form ended before its last question (kept in ``END``)."""

    NOTHING_TO_BOOK = "nothing_to_book"  # no events ahead: the booking form asks nothing
    NO_OTHER_DATES = "no_other_dates"    # nothing to move a booking to


@dataclass(frozen=True)
class Slot:
    name: str
    codec: Codec[Any] = TEXT
    fill: Fill = Fill.TEXT
    parse: Callable[[str], Any] | None = None  # a typed answer -> its value, or None
    retry: str = ""         # said when the answer can't be read, and the question is asked again
    help: str = ""          # added from the second unreadable answer in a row
    ends_on_no: bool = False  # "no" here ends the form, nothing saved
    keep: bool = False      # conversation context that outlives the form (e.g. the role)


# Kept by every form while it runs, and cleared when it ends.
FAILURES = Slot("form_failures", INT, Fill.CUSTOM)   # unreadable answers in a row
END = Slot("form_end", EnumCodec(FormEnd), Fill.CUSTOM)

# Question intents a form answers in passing, and the action that answers each; then the form
# asks its question again.
QUESTIONS: dict[str, str] = {
    "ask_role_info": "action_role_info", "ask_role_entry": "action_role_entry",
    "ask_role_pay": "action_role_pay", "ask_role_day": "action_role_day",
    "ask_role_progression": "action_role_progression", "compare_roles": "action_compare_roles",
    "ask_pathway": "action_pathway_info", "bot_capabilities": "utter_capabilities",
    "ask_care_leaver_support": "action_care_leaver_support",
    "care_leaver_optin": "action_care_leaver_optin",
    "care_leaver_optout": "action_care_leaver_optout",
    "ask_question": "action_answer_question", "ask_pay_bands": "action_pay_bands",
    "ask_roles_by_kind": "action_list_roles", "ask_is_bot": "utter_bot_identity",
    "ask_events": "action_list_events", "ask_cv_help": "action_cv_help",
    # not an answer and not a question we know: say so, with the way out, and ask again
    "out_of_scope": "utter_not_an_answer", "nlu_fallback": "utter_not_an_answer",
}


class FormName(StrEnum):
    """Every form, by the name Rasa knows it by (domain.yml's ``forms:``, ``active_loop``)."""

    SUGGESTION = "suggestion_form"
    PATHWAY = "pathway_form"
    HANDOFF = "handoff_form"
    BOOKING = "booking_form"
    CANCEL = "cancel_form"
    RESCHEDULE = "reschedule_form"
    ERASE = "erase_form"


@dataclass(frozen=True)
class Form:
    name: FormName
    asks: tuple[Slot, ...]
    submit: str                          # the action that runs when the form ends
    keeps: tuple[Slot, ...] = ()         # filled by its actions while it runs
    answers: tuple[str, ...] = tuple(QUESTIONS)
    hands_off: bool = True               # "can I talk to a person" moves to the handoff form

    @property
    def slots(self) -> tuple[Slot, ...]:
        return self.asks + self.keeps + (FAILURES, END)

    def slot(self, name: str) -> Slot:
        return next(s for s in self.slots if s.name == name)

    def slot_names(self) -> list[str]:
        """The slots cleared when the form stops or ends."""
        return [s.name for s in self.slots if not s.keep]

    @property
    def validation_action(self) -> str:
        return f"validate_{self.name}"


def _quiz_slot(question: suggestions.Question) -> Slot:
    return Slot(question.slot, parse=functools.partial(suggestions.parse_answer, question.slot),
                retry="Sorry, I didn't catch that. Tap one of the buttons, or type \"stop\" to leave "
                      "the quiz.")


def _stage(text: str) -> str | None:
    return text if text in pathways.BY_KEY else pathways.parse_stage(text)


CONTACT_RETRY = "That doesn't look like an email address or a UK mobile number. Please try again."
BOOKING_REF = Slot("booking_ref", retry=(
    "I couldn't find that booking. Type your reference and the email or mobile you booked with, "
    "like \"TD-7K3Q jo@example.com\". Or type \"stop\"."))
BOOKING_PROOF = Slot("booking_proof", CONTACT, Fill.CUSTOM)

FORMS: dict[str, Form] = {f.name: f for f in (
    Form(FormName.SUGGESTION, tuple(_quiz_slot(q) for q in suggestions.QUESTIONS),
         submit="action_suggest_roles"),
    Form(FormName.PATHWAY, (
        Slot("role", keep=True, retry="Sorry, I don't know that job. Try a job title like nurse, "
                                      "paramedic or porter, or type \"stop\"."),
        Slot("current_stage", parse=_stage,
             retry="Sorry, I didn't catch that. Tap the button that fits best, or type \"stop\"."),
    ), submit="action_plan_pathway"),
    Form(FormName.HANDOFF, (
        Slot("handoff_consent", BOOL, Fill.YES_NO, ends_on_no=True),
        Slot("handoff_contact", CONTACT, parse=parse_contact, retry=(
            "That doesn't look like an email address or a UK mobile number. Please check it and "
            "try again."), help="Or type \"stop\" if you'd rather not."),
    ), submit="action_submit_handoff",
        answers=tuple(q for q in QUESTIONS if not q.startswith("care_leaver_opt")), hands_off=False),
    Form(FormName.BOOKING, (
        Slot("booking_session", INT, retry="Sorry, I didn't catch which one. Tap a button or type "
                                           "its number, or type \"stop\" to leave booking."),
        Slot("booking_waitlist", BOOL, Fill.YES_NO),
        Slot("booking_consent", BOOL, Fill.YES_NO, ends_on_no=True),
        Slot("booking_age", INT, parse=chat.parse_age, retry="Please type your age as a number, like 16."),
        Slot("booking_name", parse=chat.parse_name, retry="Please type just your first name, like Sam."),
        Slot("booking_contact", CONTACT, parse=parse_contact, retry=CONTACT_RETRY, help=(
            "An email looks like name@example.com. A UK mobile number starts with 07 and has 11 "
            "digits. If you'd rather not give one, type \"stop\": nothing will be saved.")),
        Slot("booking_access", parse=chat.parse_access),
        Slot("booking_confirm", BOOL, Fill.YES_NO, ends_on_no=True),
    ), submit="action_submit_booking", keeps=(Slot("booking_filter", DICT, Fill.CUSTOM),)),
    Form(FormName.CANCEL, (BOOKING_REF, Slot("cancel_confirm", BOOL, Fill.YES_NO)),
         submit="action_submit_cancel", keeps=(BOOKING_PROOF,)),
    Form(FormName.RESCHEDULE, (
        BOOKING_REF,
        Slot("new_session", INT, retry="Sorry, I didn't catch which date. Tap one of the buttons, "
                                       "or type \"stop\" to keep your booking."),
        Slot("reschedule_confirm", BOOL, Fill.YES_NO, ends_on_no=True),
    ), submit="action_submit_reschedule", keeps=(BOOKING_PROOF,)),
    Form(FormName.ERASE, (Slot("erase_confirm", BOOL, Fill.YES_NO),), submit="action_submit_erase"),
)}


def form(name: str | None) -> Form | None:
    return FORMS.get(name or "")
