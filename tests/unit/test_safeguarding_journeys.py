"""More disclosures and near-misses, incl. ones seen in end-to-end journeys."""
from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import pytest

from bot.safeguarding import Concern, assess

S, H, A, N, HL = Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE, Concern.NEGLECT, Concern.HOMELESS

DISCLOSURES = [
    ("i wanna kms", S), ("dont want to be here anymore", S), ("i want to die", S),
    ("honestly i just want to kill myself", S), ("i dont want to be alive anymore", S),
    ("im gonna end it all tonight", S),
    ("sometimes i think everyone would be better off if i was dead", None),
    ("i feel suicidal", S), ("ive been having suicidal thoughts", S), ("no point in living tbh", S),
    ("i wish i was never born", S), ("i want to take my own life", S), ("i cant go on like this", S),
    ("thinking of jumping off the bridge", S), ("i dont want to wake up tomorrow", S),
    ("ive been cutting again", H), ("i keep cutting myself", H), ("i hurt myself when im stressed", H),
    ("i burn myself sometimes", H), ("i self harm", H), ("relapsed last night, self harming again", H),
    ("i took too many pills last night", H), ("i overdosed last month", H), ("my scars are showing", H),
    ("my stepdad hits me", A), ("my dad beats me when hes drunk", A), ("my boyfriend hurts me", A),
    ("someone online is making me send pics", A), ("im scared to go home", A), ("my uncle touched me", A),
    ("i was raped", A), ("im being abused at home", A), ("my carer slaps me", A),
    ("i'm afraid of my stepmum", A), ("hes forcing me to sell stuff for him", A), ("im not safe at home", A),
    ("theres no food at home and mum hasnt been back for 3 days", N), ("nothing to eat in the house", N),
    ("ive been left on my own for days", N), ("nobody looks after me", N), ("i havent eaten in two days", N),
    ("got kicked out last night nowhere to go", HL), ("i have nowhere to sleep tonight", HL),
    ("been sofa surfing for weeks", HL), ("im sleeping rough", HL), ("i am homeless", HL),
    ("my mum chucked me out", HL), ("sleeping in my car atm", HL), ("i got evicted", HL),
    ("I want to be a nurse but I keep cutting myself", H),
    ("im interested in paramedics, also im sleeping on my mates sofa because i got kicked out", HL),
    ("how do i become a midwife, my dad hits me btw", A),
]

NEAR_MISSES = [
    "I want to work in suicide prevention", "how do I become a mental health nurse",
    "what does a mental health nurse do with patients who self harm",
    "what do psychological wellbeing practitioners do", "suicide prevention training for nurses",
    "jobs with homeless charities", "is being a social worker stressful",
    "what does a safeguarding nurse earn", "i want to help kids who were abused", "CAMHS jobs",
    "crisis line volunteer", "my sister is a domestic abuse adviser", "this exam is killing me",
    "dying to know the pay", "I could kill for a coffee", "I'd die for that job",
    "that was a killer interview", "i'm dead tired after my shift", "I'd like to help homeless people",
    "crisis team jobs near me", "my coursework is on child abuse", "Samaritans volunteer role",
    "what is a safeguarding lead", "how do i work with people who self harm",
    "mental health nurse vs psychologist", "do paramedics deal with overdoses",
    "I want to support young people in care", "jobs helping people with suicidal thoughts",
    "is there training in self harm awareness", "what do homelessness outreach workers do",
    "domestic violence adviser jobs", "I'm not suicidal, just bored", "the commute is murder",
    "how much does a crisis worker earn", "i love helping people", "what does a porter do",
    "hi", "thanks", "my nan was a nurse", "how do i get into nursing", "what band is a paramedic",
    "social work degree entry requirements", "I want to study psychology", "tell me about CAMHS nurses",
    "mental health first aid course", "working in a hospice sounds sad", "I hurt my knee playing football",
]


@pytest.mark.parametrize("text, concern", DISCLOSURES)
def test_disclosures_are_caught(text, concern):
    result = assess(text)
    assert result.flagged, text
    if concern is not None:
        assert concern in result.concerns


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_career_talk_is_not_a_disclosure(text):
    assert assess(text).concerns == ()


def test_counts():
    assert len(DISCLOSURES) >= 40 and len(NEAR_MISSES) >= 40


def test_most_urgent_first_and_urgency():
    result = assess("i got kicked out and i want to kill myself")
    assert result.concerns == (S, HL) and result.urgent
    assert not assess("i have nowhere to sleep tonight").urgent


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "\x00\x01", "a" * 10_000])
def test_odd_input_is_calm_and_fast(text):
    start = time.perf_counter()
    assert not assess(text).flagged
    assert time.perf_counter() - start < 2  # a guard against catastrophic backtracking, not a benchmark


def test_disclosure_far_into_a_long_message():
    assert assess("blah " * 3000 + "i want to die").flagged


def test_standard_library_only():
    """The Rasa server's environment imports this module too."""
    tree = ast.parse(Path(sys.modules["bot.safeguarding"].__file__).read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names - {"__future__"} <= set(sys.stdlib_module_names)
