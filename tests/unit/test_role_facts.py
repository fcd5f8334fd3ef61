"""One fact of one role ("what grades for radiography", "do paramedics need a licence"), and how
the finder chooses between a role's fact, an answer-bank item and "is it one of these?"."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.catalogue import io
from bot.catalogue.facts import Fact, fact_reply
from bot.catalogue.finder import ANSWERED, ITEM_SURE, Finding, choose
from bot.catalogue.schema import DrivingLicence, RoleData, WorkingPattern
from bot.catalogue.semantic import Hit
from bot.catalogue.views import ContentView


@pytest.fixture
def paramedic(service):
    return service.role("paramedic")


@pytest.fixture
def porter(service):
    return service.role("porter")


def item(slug: str, related: tuple[str, ...] = ()) -> ContentView:
    return ContentView(slug, "money", slug.replace("-", " ").title(), f"About {slug}.", "",
                       "https://www.nhsbsa.nhs.uk/x", dt.date(2026, 12, 1), related)


def test_the_fact_fields_load_and_come_back_out(paramedic):
    assert paramedic.ucas_tariff == (96, 128) and paramedic.training_years == (3, 4)
    assert paramedic.driving_licence is DrivingLicence.REQUIRED
    assert paramedic.working_pattern == (WorkingPattern.SHIFTS, WorkingPattern.NIGHTS,
                                         WorkingPattern.WEEKENDS)
    assert paramedic.source_of("ucas_tariff_min").startswith("https://www.ucas.com/")
    assert paramedic.source_of("gcse") == paramedic.source_url


def test_grades_name_each_level_and_the_page_the_tariff_came_from(paramedic):
    text = fact_reply(paramedic, Fact.GRADES).text
    assert "GCSEs: Five GCSEs at grade 4" in text and "96 to 128 UCAS points" in text
    assert "Source: https://www.ucas.com/explore/subjects/paramedic-science" in text


def test_a_licence_answer_is_yes_with_the_extra_category(paramedic):
    text = fact_reply(paramedic, Fact.DRIVING_LICENCE).text
    assert text.startswith("Yes. You need a full driving licence to work as a paramedic.")
    assert "C1 category" in text


def test_training_length_and_earning_while_training(paramedic):
    assert "usually takes 3 to 4 years" in fact_reply(paramedic, Fact.TRAINING_LENGTH).text
    earn = fact_reply(paramedic, Fact.EARN_WHILE_TRAINING).text
    assert earn.startswith("Yes. You can earn while you train to be a paramedic")


def test_the_fund_answer_quotes_the_fund_item(paramedic):
    fund = item("learning-support-fund")
    text = fact_reply(paramedic, Fact.LEARNING_SUPPORT_FUND, fund=fund).text
    assert text.startswith("Yes. Students on a paramedic course") and fund.summary in text


def test_working_pattern_joins_the_words_and_the_hours(paramedic):
    text = fact_reply(paramedic, Fact.WORKING_PATTERN).text
    assert text.startswith("A paramedic usually works shifts, nights and weekends.")


def test_a_fact_we_do_not_hold_is_said_so_with_what_we_know(porter):
    reply = fact_reply(porter, Fact.GRADES)
    assert reply.text.startswith("I don't have set grades for a porter in my checked facts.")
    assert porter.entry_requirements in reply.text and "Source:" in reply.text
    assert "I don't have" in fact_reply(porter, Fact.DRIVING_LICENCE).text


def test_registration_both_ways(paramedic, porter):
    assert "Health and Care Professions Council" in fact_reply(paramedic, Fact.REGISTRATION).text
    assert fact_reply(porter, Fact.REGISTRATION).text.startswith("No.")


def test_a_clearly_asked_fact_of_the_named_job_beats_a_general_item():
    found = choose([(item("driving-licence"), 0.9)],
                   [Hit("driving_licence", 0.67), Hit("entry_requirements", 0.45)], "paramedic")
    assert found.fact is Fact.DRIVING_LICENCE and found.sure


def test_an_item_written_about_the_job_beats_the_fact():
    special = item("lsf-specialist-subject-payment", related=("mental-health-nurse",))
    found = choose([(special, 0.7), (item("learning-support-fund"), 0.65)],
                   [Hit("learning_support_fund", 0.7), Hit("grades", 0.4)], "mental-health-nurse")
    assert found.item == special and found.fact is None


def test_no_job_named_means_no_fact():
    found = choose([(item("apprentice-pay"), 0.9), (item("apprenticeship-levels"), 0.7)],
                   [Hit("earn_while_training", 0.8)], None)
    assert found.item.slug == "apprentice-pay" and found.fact is None


def test_not_sure_offers_only_close_items():
    found = choose([(item("a"), 0.58), (item("b"), 0.56), (item("c"), 0.3)], [], None)
    assert not found.sure and [c.slug for c in found.closest] == ["a", "b"]
    assert choose([(item("a"), ANSWERED.floor - 0.2)], [], None) == Finding(score=ANSWERED.floor - 0.2)


def test_an_unclear_fact_is_not_chosen():
    found = choose([(item("x"), 0.5)], [Hit("grades", 0.5), Hit("entry_requirements", 0.47)], "paramedic")
    assert found.fact is None


@pytest.mark.parametrize("change, message", [
    ({"ucas_tariff_min": 120}, "give both ucas_tariff_min and ucas_tariff_max"),
    ({"training_years_min": 5, "training_years_max": 3}, "training_years_min is above"),
    ({"driving_licence": "sometimes"}, "driving_licence"),
    ({"working_pattern": ["whenever"]}, "working_pattern"),
    ({"field_sources": {"made_up": "https://x.nhs.uk"}}, "not a role fact"),
    ({"field_sources": {"gcse": "nowhere"}}, "full web address"),
])
def test_bad_facts_are_refused(catalogue_data, change, message):
    data = catalogue_data.roles[1].model_dump() | change
    with pytest.raises(Exception, match=message):
        RoleData.model_validate(data)


def test_unknown_related_roles_are_refused_at_import(uow_factory, catalogue_data):
    bad = io.ContentData(slug="x", topic="money", title="Xs", summary="A summary here.",
                         related_roles=["astronaut"], source_url="https://www.gov.uk/x",
                         reviewed_on=dt.date(2026, 12, 1))
    data = catalogue_data.model_copy(update={"content": [bad]})
    with pytest.raises(io.ImportProblem, match="astronaut"):
        io.load(uow_factory(), data)


def test_a_pay_year_that_is_over_is_said_to_be_over():
    from bot.catalogue.answers import pay_year_note

    assert pay_year_note("2025/26", dt.date(2026, 3, 31)) == ""
    note = pay_year_note("2025/26", dt.date(2026, 4, 1))
    assert "These are the 2025/26 figures" in note and "NHS Jobs adverts" in note


# -- with the bank's classifier deciding the item (CatalogueService.find) -------------------------
def test_a_sure_classifier_picks_the_item_even_below_the_alias_floor():
    pay, fund = item("student-nurses-paid"), item("learning-support-fund")
    found = choose([(pay, ANSWERED.floor - 0.05), (fund, 0.6)], [], None,
                   sureness=[(pay, ITEM_SURE.floor + 0.1), (fund, 0.1)])
    assert found.item == pay and found.closest == (fund,)


def test_an_unsure_classifier_offers_only_items_near_enough():
    a, b, c = item("a"), item("b"), item("c")
    found = choose([(a, 0.66), (b, 0.3)], [], None,
                   sureness=[(a, ITEM_SURE.floor - 0.1), (b, 0.3), (c, 0.05)])
    assert not found.sure and found.closest == (a,)


def test_with_the_classifier_a_clearly_asked_fact_still_wins_unless_an_item_on_the_job_is_sure():
    licence = item("driving-licence")
    found = choose([(licence, 0.9)], [Hit("driving_licence", 0.67), Hit("grades", 0.45)], "paramedic",
                   sureness=[(licence, ITEM_SURE.floor - 0.05)])
    assert found.fact is Fact.DRIVING_LICENCE
    special = item("lsf-specialist-subject-payment", related=("mental-health-nurse",))
    found = choose([(special, 0.7)], [Hit("learning_support_fund", 0.7), Hit("grades", 0.4)],
                   "mental-health-nurse", sureness=[(special, ITEM_SURE.floor + 0.2)])
    assert found.item == special and found.fact is None
