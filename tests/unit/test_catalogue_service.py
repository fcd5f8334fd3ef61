"""The catalogue service: resolving roles, carrying them over, reloading after edits, pay."""
from __future__ import annotations

from bot.catalogue import answers, io
from bot.catalogue.service import CatalogueService
from bot.catalogue.wording import unknown_role_term


def test_resolves_plurals_abbreviations_and_typos(service):
    assert service.resolve("tell me about paramedics").role.slug == "paramedic"
    assert service.resolve("how much does a GP earn").role.slug == "general-practitioner"
    assert service.resolve("how do i become a paramedik").role.slug == "paramedic"


def test_button_entity_beats_text_and_slot(service):
    found = service.resolve("/ask_role_pay", entity="porter", current="paramedic")
    assert found.role.slug == "porter" and not found.carried_over


def test_carries_the_current_role_over_only_when_none_is_named(service):
    found = service.resolve("how much do they earn?", current="paramedic")
    assert found.role.slug == "paramedic" and found.carried_over
    other = service.resolve("how do i become an astronaut", current="paramedic")
    assert other.role is None and other.unknown_term == "astronaut"


def test_unknown_term_extraction():
    assert unknown_role_term("how do I become an astronaut?") == "astronaut"
    assert unknown_role_term("what qualifications do i need") is None
    assert unknown_role_term("how much do thay earn") is None  # a typo of a question word


def test_matcher_reloads_when_staff_change_the_catalogue(seeded, catalogue_data):
    clock = [0.0]
    service = CatalogueService(seeded, refresh_seconds=30, clock=lambda: clock[0])
    assert service.resolve("what does a sonographer do").role is None
    new = catalogue_data.roles[3].model_copy(update={"slug": "sonographer", "title": "Sonographer",
                                                     "aliases": []})
    io.load(seeded(), io.CatalogueData(roles=[new]))
    assert service.resolve("what does a sonographer do").role is None  # not yet: cached
    clock[0] += 31
    assert service.resolve("what does a sonographer do").role.slug == "sonographer"


def test_pay_range_comes_from_the_pay_table(service):
    pay = service.pay(service.role("paramedic"))
    assert (pay.minimum, pay.maximum) == (29970, 44962)
    assert (pay.pay_year, pay.bands_text) == ("2025/26", "bands 5 or 6")
    assert service.pay(service.role("general-practitioner")) is None


def test_alternatives_are_offered_as_buttons(service):
    reply = answers.with_alternatives(answers.role_info(service.role("paramedic")),
                                      tuple(service.matcher().match("GP")))
    assert "more than one job" in reply.text
    assert reply.buttons[0].payload == '/ask_role_info{"role":"general-practitioner"}'
