"""Search by meaning over the real seed catalogue: jobs by what they do, answers by question,
jobs of a kind, quiz answers from a first message. My own wording, not the evaluation sets'."""
from __future__ import annotations

import pytest

from bot import suggestions
from bot.catalogue import io, kinds
from bot.catalogue.semantic import Confidence, Hit, SemanticIndex
from bot.catalogue.service import CatalogueService
from bot.cli import SEED_DIR
from bot.embeddings import encoder


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from bot.bootstrap import SqlUnitOfWork
    from bot.db import session_factory, upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'c.db'}"
    upgrade(url)
    factory = session_factory(url)
    io.load(SqlUnitOfWork(factory), io.read(SEED_DIR))
    return CatalogueService(lambda: SqlUnitOfWork(factory), refresh_seconds=3600)


@pytest.mark.parametrize("text, slug", [
    ("what does the person who fits artificial limbs do", "prosthetist-and-orthotist"),
    ("someone who helps people speak again after a stroke", "speech-and-language-therapist"),
])
def test_a_job_found_by_what_it_does(real, text, slug):
    found = real.resolve(text)
    assert found.role is not None and found.role.slug == slug and found.described


def test_a_question_with_no_job_is_not_matched_to_one_by_meaning(real):
    assert real.resolve("how much do they earn").role is None


@pytest.mark.parametrize("text, slug", [
    ("will my caution from when i was 15 stop me working in a hospital", "criminal-record-dbs"),
    ("do male midwives exist", "men-in-midwifery"),
    ("can i get help at interviews because im autistic", "adhd-autism"),
])
def test_answer_bank_by_meaning(real, text, slug):
    assert real.search_answers(text, limit=1)[0][0].slug == slug


def test_confidence_needs_a_floor_and_a_lead():
    sure = Confidence(floor=0.6, lead=0.05)
    assert sure.sure([Hit("a", 0.8), Hit("b", 0.6)])
    assert not sure.sure([Hit("a", 0.8), Hit("b", 0.78)])
    assert not sure.sure([Hit("a", 0.5)])
    assert not sure.sure([])


def test_index_ranks_one_hit_per_entry():
    index = SemanticIndex([("x", ["nurse", "nursing"]), ("y", ["porter"])], encoder().encode)
    hits = index.rank("a nurse", limit=5)
    assert [h.key for h in hits] == ["x", "y"]


@pytest.mark.parametrize("text, check", [
    ("what jobs can i get without any gcses", lambda f: f.start is kinds.Start.NO_QUALIFICATIONS),
    ("jobs in a lab", lambda f: f.areas == ("healthcare-science",)),
    ("behind the scenes jobs", lambda f: f.without_tags == ("patient-facing",)),
    ("what types of nurse are there", lambda f: f.areas == ("nursing",)),
])
def test_kinds_of_job(text, check):
    assert check(kinds.read_kind(text))


def test_jobs_without_qualifications_are_real_entry_level_jobs(real):
    wanted = kinds.read_kind("jobs for school leavers with no qualifications")
    roles = [r for r in real.roles() if wanted.keeps(r)]
    assert roles and all({r.slug for r in role.routes} & kinds.NO_QUALIFICATION_ROUTES for role in roles)


@pytest.mark.parametrize("text, said", [
    ("i wanna help ppl but blood makes me faint", {"quiz_interest": "people", "quiz_blood": "no"}),
    ("I love art", {"quiz_interest": "creative"}),
    ("I don't want a long degree", {"quiz_training": "short"}),
    ("help me choose a job", {}),
])
def test_quiz_answers_from_the_first_message(text, said):
    assert suggestions.read_statement(text) == said


def test_sureness_is_a_classifier_over_entries():
    """Each entry is the mean of its passages; scores are a softmax: one scale, summing to 1."""
    index = SemanticIndex([("pay", ["do student nurses get paid", "student nurse bursary"]),
                           ("dbs", ["will a caution stop me", "what is a dbs check"]),
                           ("shifts", ["do nurses work nights"])], encoder().encode)
    hits = index.sureness("do u get money as a student nurse", limit=3)
    assert [h.key for h in hits][0] == "pay" and hits[0].score > 0.5
    assert abs(sum(h.score for h in hits) - 1.0) < 1e-5
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)
    plain = {h.key: h.score for h in index.sureness("nights", limit=3)}
    preferred = {h.key: h.score for h in index.sureness("nights", limit=3, prefer=frozenset({"dbs"}),
                                                        boost=0.1)}
    assert preferred["dbs"] > plain["dbs"]
    assert index.sureness("   ") == [] and SemanticIndex([], encoder().encode).sureness("x") == []
