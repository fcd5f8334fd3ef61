"""The form registry (bot/forms/registry.py) is the one declaration of every form: the rules
file, domain.yml and the actions must agree with it, and the generic validation works."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import RegistryFormValidation, validator_for
from bot.bookings import chat
from bot.contact import Contact, ContactMethod
from bot.forms import rules
from bot.forms.codecs import BOOL, CONTACT, DICT, INT, EnumCodec, SlotType
from bot.forms.registry import END, FAILURES, FORMS, QUESTIONS, Fill, Form, FormEnd, Slot

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def test_the_committed_rules_are_what_the_registry_writes():
    assert (ROOT / "data" / "rules" / "forms.yml").read_text() == rules.render(), \
        "data/rules/forms.yml is out of date: run `make rules`"


def test_the_rules_check_fails_when_the_file_differs(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rules, "PATH", tmp_path / "forms.yml")
    assert rules.main([]) == 0 and rules.main(["--check"]) == 0
    monkeypatch.setitem(FORMS, "erase_form", Form("erase_form", FORMS["erase_form"].asks,
                                                  submit="action_submit_erase", answers=()))
    assert rules.main(["--check"]) == 1 and "make rules" in capsys.readouterr().err


def test_every_form_ends_with_its_submit_action_and_answers_its_questions():
    text = rules.render()
    for form in FORMS.values():
        assert f"rule: finish {form.name}\n" in text and f"action: {form.submit}\n" in text
        for q in form.answers:
            assert f"rule: {q} during {form.name}\n" in text
    assert "rule: care_leaver_optin during handoff_form" not in text
    assert "rule: ask for a person during handoff_form" not in text


def test_domain_forms_are_the_registry():
    assert set(DOMAIN["forms"]) == set(FORMS)
    for name, form in FORMS.items():
        assert DOMAIN["forms"][name]["required_slots"] == [s.name for s in form.asks], name


@pytest.mark.parametrize("form", FORMS.values(), ids=list(FORMS))
def test_each_slot_is_declared_in_the_domain_as_the_registry_says(form: Form):
    for slot in form.slots:
        declared = DOMAIN["slots"][slot.name]
        assert declared["type"] == slot.codec.slot_type.value, slot.name
        assert declared.get("influence_conversation") is False, slot.name
        mappings = declared["mappings"]
        if slot.fill is Fill.CUSTOM:
            assert mappings == [{"type": "custom"}], slot.name
            continue
        mine = [m for m in mappings if m["type"] != "from_entity"]
        assert mine and all({"active_loop": form.name, "requested_slot": slot.name} in m["conditions"]
                            for m in mine), slot.name
        kinds = {m["type"] for m in mine}
        if slot.fill is Fill.YES_NO:
            assert {(m["intent"], m["value"]) for m in mine} == {("affirm", True), ("deny", False)}
        else:
            assert "from_text" in kinds, slot.name


def test_the_no_access_needs_answer_is_one_value():
    deny = [m for m in DOMAIN["slots"]["booking_access"]["mappings"] if m.get("intent") == "deny"]
    assert [m["value"] for m in deny] == [chat.NO_ACCESS_NEEDS]
    assert chat.parse_access("nope") == chat.NO_ACCESS_NEEDS


def test_every_action_the_registry_names_exists():
    known = set(DOMAIN["actions"]) | set(DOMAIN["responses"])
    for form in FORMS.values():
        assert form.submit in known
        assert form.validation_action in known or validator_for(form.name) is None
    assert set(QUESTIONS.values()) <= known
    assert set(QUESTIONS) <= set(DOMAIN["intents"]) | {"nlu_fallback"}


def test_each_validation_action_is_found_by_its_form_and_named_after_it():
    for name in ("suggestion_form", "pathway_form", "handoff_form", "booking_form",
                 "cancel_form", "reschedule_form"):
        found = validator_for(name)
        assert isinstance(found, RegistryFormValidation) and found.name() == f"validate_{name}"
        for slot in FORMS[name].asks:  # a parser means a validator, written or generated
            assert slot.parse is None or hasattr(found, f"validate_{slot.name}"), slot.name
    assert validator_for("erase_form") is None


def test_slots_cleared_keep_conversation_context():
    names = FORMS["pathway_form"].slot_names()
    assert "role" not in names and "current_stage" in names
    assert {FAILURES.name, END.name} <= set(names)


def test_codecs_round_trip_and_refuse_what_they_cannot_read():
    assert INT.decode(INT.encode(12)) == 12 and INT.decode("twelve") is None and INT.decode(True) is None
    assert BOOL.decode(False) is False and BOOL.decode("yes") is None
    assert DICT.decode(DICT.encode({"town": "York"})) == {"town": "York"} and DICT.decode("{") is None
    jo = Contact(ContactMethod.EMAIL, "jo@example.com")
    assert CONTACT.encode(jo) == "email:jo@example.com" and CONTACT.decode("email:jo@example.com") == jo
    assert CONTACT.decode("declined") is None and CONTACT.decode("fax:123") is None
    ends = EnumCodec(FormEnd)
    assert ends.decode(ends.encode(FormEnd.NO_OTHER_DATES)) is FormEnd.NO_OTHER_DATES
    assert ends.decode("none") is None and BOOL.slot_type is SlotType.BOOL


# -- the generic validation: a parsed slot, its retry, and the one failure counter -----------

def _tracker(slots: dict, requested: str) -> Tracker:
    events = [{"event": "user", "text": str(slots.get(requested))},
              {"event": "slot", "name": requested, "value": slots.get(requested)}]
    return Tracker("s", {**slots, "requested_slot": requested}, {"text": "", "intent": {}},
                   events, False, None, {"name": "tiny_form"}, "action_listen")


@pytest.fixture
def tiny(monkeypatch):
    form = Form("tiny_form", (Slot("age", INT, parse=chat.parse_age, retry="Your age as a number?",
                                   help="Like 16."),
                              Slot("ok", BOOL, Fill.YES_NO, ends_on_no=True)), submit="action_x")
    monkeypatch.setitem(FORMS, "tiny_form", form)
    cls = type("TinyValidation", (RegistryFormValidation,), {"form": "tiny_form"})
    return cls()


def _validate(action, slots, requested):
    d = CollectingDispatcher()
    domain = {"forms": {"tiny_form": {"required_slots": ["age", "ok"]}}, "slots": {}}
    events = asyncio.run(action.run(d, _tracker(slots, requested), domain))
    return [m["text"] for m in d.messages], {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_a_parsed_slot_is_read_and_stored_by_its_codec(tiny):
    said, slots = _validate(tiny, {"age": "im seventeen"}, "age")
    assert said == [] and slots["age"] == "17" and slots["form_failures"] is None
    assert "requested_slot" not in slots  # Rasa's form asks the next question itself


def test_an_unreadable_answer_is_asked_again_with_help_from_the_second_time(tiny):
    said, slots = _validate(tiny, {"age": "dunno"}, "age")
    assert said == ["Your age as a number?"] and slots["age"] is None and slots["form_failures"] == "1"
    said, slots = _validate(tiny, {"age": "old", "form_failures": "1"}, "age")
    assert said == ["Your age as a number? Like 16."] and slots["form_failures"] == "2"
    _, slots = _validate(tiny, {"age": "16", "form_failures": "2"}, "age")
    assert slots["form_failures"] is None  # a good answer resets the count


def test_no_to_a_closing_question_ends_the_form(tiny):
    _, slots = _validate(tiny, {"age": "17", "ok": False}, "ok")
    assert slots["requested_slot"] is None


def test_a_form_told_to_end_asks_nothing(tiny):
    _, slots = _validate(tiny, {"age": "17", END.name: FormEnd.NOTHING_TO_BOOK.value}, "age")
    assert slots["requested_slot"] is None
