"""The quiz and the pathway planner, on the seed catalogue (no database)."""
from __future__ import annotations

import pytest
import textstat

from bot import pathways, suggestions
from bot.catalogue import io
from bot.cli import SEED_DIR


@pytest.fixture(scope="module")
def roles():
    from sqlalchemy.orm import sessionmaker

    import bot.casework.models  # noqa: F401
    from bot.bootstrap import SqlUnitOfWork
    from bot.catalogue.service import CatalogueService
    from bot.db import Base, make_engine

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    io.load(SqlUnitOfWork(factory), io.read(SEED_DIR))
    return CatalogueService(lambda: SqlUnitOfWork(factory)).roles()


@pytest.mark.parametrize("slot, text, value", [
    ("quiz_interest", "i like helping people", "people"), ("quiz_interest", "computers", "tech"),
    ("quiz_interest", "Science", "science"), ("quiz_interest", "fixing stuff", "hands-on"),
    ("quiz_blood", "ew no blood", "no"), ("quiz_blood", "yeah blood's fine", "yes"),
    ("quiz_blood", "idk", "any"), ("quiz_children", "kids", "yes"), ("quiz_children", "dont mind", "any"),
    ("quiz_children", "nah", "no"), ("quiz_training", "asap i want to earn now", "short"),
    ("quiz_training", "dont mind how long", "any"), ("quiz_training", "happy to go to uni", "medium"),
    ("quiz_training", "Start soon and learn on the job", "short"), ("quiz_interest", "zzz", None),
])
def test_parse_answer(slot, text, value):
    assert suggestions.parse_answer(slot, text) == value


def test_at_most_five_questions_with_buttons():
    assert len(suggestions.QUESTIONS) <= 5 and all(q.options for q in suggestions.QUESTIONS)


def test_three_varied_roles_that_fit(roles):
    picks = suggestions.suggest(roles, {"quiz_interest": "people", "quiz_blood": "no",
                                        "quiz_children": "yes", "quiz_training": "short"})
    assert len(picks) == 3 and len({p.role.slug for p in picks}) == 3
    assert len({p.role.career_area for p in picks}) == 3
    assert all("blood" not in p.role.tags for p in picks)
    assert all("You like helping people." in p.reasons for p in picks)


def test_training_and_children_preferences(roles):
    picks = suggestions.suggest(roles, {"quiz_interest": "science", "quiz_training": "long",
                                        "quiz_children": "no"})
    assert all("train-long" in p.role.tags and "children" not in p.role.tags for p in picks)


def test_rendered_suggestions_are_short_and_plain(roles):
    picks = suggestions.suggest(roles, {"quiz_interest": "tech", "quiz_training": "short"})
    for reply in suggestions.render(picks):
        assert len(reply.text) < 900 and reply.buttons


@pytest.mark.parametrize("text, stage", [
    ("i got my gcses", "gcses"), ("doing a levels", "a-levels"),
    ("btec in health and social care", "t-level-btec"),
    ("im 28 and want to go back to college", "adult-returner"), ("i left school with nothing", "no-gcses"),
    ("no qualifications", "no-gcses"), ("hmm", None),
])
def test_parse_stage(text, stage):
    assert pathways.parse_stage(text) == stage


def _role(roles, slug):
    return next(r for r in roles if r.slug == slug)


def test_plan_for_a_degree_level_role(roles):
    paramedic = _role(roles, "paramedic")
    from_nothing = pathways.plan(paramedic, "no-gcses")
    assert from_nothing.steps[0].title == "Get English and maths"
    assert any("level 3" in s.title for s in from_nothing.steps)
    with_a_levels = pathways.plan(paramedic, "a-levels")
    assert not with_a_levels.steps[0].title.startswith(("Get", "Later"))


def test_plan_for_an_on_the_job_role(roles):
    porter = _role(roles, "porter")
    plan = pathways.plan(porter, "no-gcses")
    assert not plan.steps[0].title.startswith(("Get", "Later"))
    reply = pathways.render(porter, plan)
    assert "porter" in reply.text and textstat.flesch_reading_ease(reply.text) >= 40
