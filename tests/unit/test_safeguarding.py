"""Disclosures are caught wherever they appear, typed the way 14-25 year olds type; career talk about
the same subjects (jobs in mental health, safeguarding, homelessness services) is not."""
from __future__ import annotations

import ast
import dataclasses
import sys
import time
from pathlib import Path

import pytest

import bot.safeguarding as safeguarding
from bot.safeguarding import Assessment, Concern, assess

S, H, A, N, L = Concern.SUICIDE, Concern.SELF_HARM, Concern.ABUSE, Concern.NEGLECT, Concern.HOMELESS

DISCLOSURES = [
    # suicide
    ("i wanna kms", S), ("dont want to be here anymore", S), ("i want to die", S), ("i wanna dieeee", S),
    ("honestly i just want to kill myself", S), ("i dont want to be alive anymore", S),
    ("im gonna end it all tonight", S), ("everyone would be better off if i was dead", S),
    ("I feel SO suicidal right now", S), ("ive been having suicidal thoughts again", S),
    ("no point in living tbh", S), ("i wish i was never born", S), ("i want to take my own life", S),
    ("i cant go on like this", S), ("thinking of jumping off the bridge", S),
    ("i dont want to wake up tomorrow", S), ("i want to unalive myself", S), ("I’m going to kill myself", S),
    ("i keep thinking about suicide", S), ("everyone would be better off without me", S),
    ("i tried to kill myself last year", S), ("i dont want to exist", S), ("suicidal", S),
    ("i'm not suicidal, i just want to die", S), ("ive been hoarding my meds", S),
    # self-harm
    ("ive been cutting again", H), ("i keep cutting myself", H), ("i hurt myself when im stressed", H),
    ("i burn myself sometimes", H), ("i self harm", H), ("relapsed last night, self harming again", H),
    ("relapsed sh", H), ("i sh when i feel like this", H), ("i took too many pills last night", H),
    ("i overdosed last month", H), ("my arms are covered in cuts", H), ("i feel like cutting", H),
    ("i've been struggling with self harm", H), ("i'm not suicidal but i do cut myself", H), ("sh urges", H),
    # abuse
    ("my stepdad hits me", A), ("my dad beats me when hes drunk", A), ("my boyfriend hurts me", A),
    ("someone online is making me send pics", A), ("im scared to go home", A), ("my uncle touched me", A),
    ("i was raped", A), ("im being abused at home", A), ("my carer slaps me", A),
    ("my mum's boyfriend hits me", A),
    ("i'm afraid of my stepmum", A), ("hes forcing me to sell stuff for him", A),
    ("im being groomed online", A),
    ("a guy i met online keeps asking for nudes", A), ("hes threatening to share my pics", A),
    ("my dad hits my mum", A), ("they make me sell drugs", A), ("my dad said hell kill me", A),
    ("im being bullied and threatened", A), ("theres domestic violence at home", A),
    ("theres a man who keeps messaging me, he said not to tell anyone", A),
    # neglect
    ("theres no food at home and mum hasnt been back for 3 days", N), ("nothing to eat in the house", N),
    ("ive been left on my own for days", N), ("nobody looks after me", N), ("i havent eaten in two days", N),
    ("mum leaves me alone for days", N), ("my mum is always drunk and we have no food", N),
    ("there's never any food in our house", N),
    # homeless / not safe at home
    ("got kicked out last night nowhere to go", L), ("i have nowhere to sleep tonight", L),
    ("been sofa surfing for weeks", L), ("im sleeping rough", L), ("i am homeless", L),
    ("my mum chucked me out", L), ("sleeping in my car atm", L), ("i got evicted", L),
    ("im not safe at home", L), ("i dont feel safe at home", L), ("me and my brother got kicked out", L),
    ("my placement broke down and i have nowhere to go", L), ("im kipping on my cousins floor", L),
    ("i ran away from home", L), ("my mum said i cant come back home", L),
    # disclosures inside career talk
    ("I want to be a nurse but I keep cutting myself", H),
    ("im interested in paramedics, also im sleeping on my mate's sofa because i got kicked out", L),
    ("how do i become a midwife, my dad hits me btw", A),
    ("i want to work in suicide prevention because i feel suicidal", S),
    ("i want to be a mental health nurse cos i self harm", H),
    ("i work in a shop and i want to kill myself because of my mental health", S),
    ("can i still apply for nursing if im homeless", L),
    ("what does a paramedic earn. also i havent eaten for days, theres no food at home", N),
    ("i want to help homeless people because im homeless myself", L),
    ("can i be a nurse with a history of self harm", H),
]

NEAR_MISSES = [
    "I want to work in suicide prevention", "how do I become a mental health nurse",
    "what does a mental health nurse do with patients who self harm",
    "what do psychological wellbeing practitioners do", "suicide prevention training for nurses",
    "jobs with homeless charities", "is being a social worker stressful",
    "what does a safeguarding nurse earn",
    "i want to help kids who were abused", "CAMHS jobs", "crisis line volunteer",
    "my sister is a domestic abuse adviser", "this exam is killing me", "dying to know the pay",
    "I could kill for a coffee", "I'd die for that job", "that was a killer interview", "I'm dead tired",
    "I'd like to help homeless people", "crisis team jobs", "my coursework is on child abuse",
    "Samaritans volunteer role", "is a safeguarding lead a good job",
    "how do i work with people who self harm",
    "do paramedics deal with overdoses", "jobs helping people with suicidal thoughts",
    "is there training in self harm awareness", "what do homelessness outreach workers do",
    "domestic violence adviser jobs", "I'm not suicidal, just bored", "how much does a crisis worker earn",
    "i want to be a counsellor for young people who self harm",
    "what does a nurse do if a patient says they want to die",
    "i want to work with people who are sleeping rough", "what's sofa surfing",
    "i'm doing my epq on suicide", "i want to volunteer for a suicide helpline",
    "what support is there for nurses dealing with suicide", "i'm studying child protection",
    "my module is about neglect", "i'd love to work for childline", "i got kicked out of class today lol",
    "my teacher kicked me out of the lesson", "i hurt myself playing football", "she beat me at fifa",
    "hit me up with the pay info", "then it hit me, i want to be a nurse", "that story really touched me",
    "my parents are forcing me to do medicine", "i cut my hair", "i've been cutting back on caffeine",
    "cutting edge technology in the nhs", "i could die of embarrassment", "i wanna die my hair pink",
    "i don't want to live in london for uni", "i cant go on the trip", "i cant go home until my shift ends",
    "i'm not homeless", "i would never hurt myself", "im scared of my mum finding out i failed",
    "i'm not a looked after child", "i'm a care leaver what bursaries can i get",
    "nothing to eat in the canteen",
    "i see no point in doing a degree", "my scars from surgery wont stop me being a nurse right",
    "do nurses get abused by patients", "my brother got kicked out of school",
    "I hurt my knee playing football",
    "what band is a paramedic", "hi", "thanks", "how do i get into nursing", "i'm killing it at college",
    "i dont want to be a nurse anymore", "i dont want to live with my parents when i go to uni",
    "i'm done with college", "can homeless people get nhs jobs", "i got hurt at work can i still be a nurse",
]


@pytest.mark.parametrize("text, concern", DISCLOSURES)
def test_disclosures_are_caught(text, concern):
    result = assess(text)
    assert result.flagged, text
    assert concern in result.concerns, (text, result.concerns)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_career_talk_is_not_a_disclosure(text):
    assert assess(text).concerns == (), text


def test_there_are_enough_cases():
    assert len(DISCLOSURES) >= 45 and len(NEAR_MISSES) >= 45
    assert len({t.lower() for t, _ in DISCLOSURES}) == len(DISCLOSURES)
    assert len({t.lower() for t in NEAR_MISSES}) == len(NEAR_MISSES)
    assert {c for _, c in DISCLOSURES} == set(Concern)


def test_most_urgent_first_and_urgency():
    result = assess("i got kicked out, theres no food, my stepdad hits me and i want to kill myself")
    assert result.concerns == (S, A, N, L) and result.urgent
    assert assess("i keep cutting myself and i have nowhere to sleep").concerns == (H, L)
    assert assess("i self harm and i want to die").concerns == (S, H)
    assert not assess("i have nowhere to sleep tonight").urgent
    assert not assess("theres no food at home").urgent
    assert assess("im not safe at home").urgent  # possible danger at home: abuse as well as housing


def test_the_same_concern_is_listed_once():
    assert assess("i want to die. i want to die! kms").concerns == (S,)


def test_assessment_shape():
    assert Assessment() == Assessment(()) and not Assessment().flagged and not Assessment().urgent
    assert [c.value for c in Concern] == ["suicide", "self_harm", "abuse", "neglect", "homeless"]
    assert Concern("self_harm") is H and H == "self_harm"
    with pytest.raises(dataclasses.FrozenInstanceError):
        assess("i want to die").concerns = ()  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂", "😭😭😭", "🙏🏽❤️‍🩹", "...", "?!", "\x00\x01"])
def test_empty_and_odd_input_is_calm(text):
    assert assess(text) == Assessment()


LONG = {
    "one long word": "a" * 10_000,
    "single letters": "i " * 5_000,
    "digits": "1" * 10_000,
    "repeated letters": "o" * 10_000,
    "punctuation": "!?." * 3_334,
    "career words": "work in mental health nurse training with people who " * 190,
    "near misses": "my sister is a domestic abuse adviser and i love it " * 200,
    "apostrophes": "i'm don't can't " * 625,
    "emoji": "😭" * 10_000,
}


@pytest.mark.parametrize("name", LONG)
def test_ten_thousand_characters_return_fast(name):
    text = LONG[name]
    assert len(text) >= 9_900
    start = time.perf_counter()
    assert not assess(text).flagged
    assert time.perf_counter() - start < 2  # guards against catastrophic backtracking, not a benchmark


def test_disclosure_far_into_a_long_message():
    start = time.perf_counter()
    assert assess("blah " * 2_000 + "i want to die").concerns == (S,)
    assert assess("what does a nurse do " * 450 + "my stepdad hits me").concerns == (A,)
    assert time.perf_counter() - start < 2


def test_standard_library_only():
    """The Rasa server's separate environment imports this module too."""
    tree = ast.parse(Path(safeguarding.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, "no relative imports"
            names.add(node.module.split(".")[0])
    assert names and names <= set(sys.stdlib_module_names), names - set(sys.stdlib_module_names)


@pytest.mark.parametrize("text", [
    "i used to self harm when i was younger but ive been fine for years, can i still be a nurse",
    "i was homeless at 17 but ive got my own flat now and a job, want to work in housing",
    "i was in an abusive relationship at 16, im out and safe now and want to help others",
    "my mum kicked me out of the kitchen so i can revise lol",
    "im starving myself of sleep for these exams lol",
])
def test_what_is_over_or_a_figure_of_speech_is_left_to_the_learned_layer(text):
    assert assess(text) == Assessment()


@pytest.mark.parametrize("text", [
    "my step dad battered me for being late, its fine tho im used to it",  # played down, not over
    "i was abused as a kid and im fine now lol but he still lives with us",
    "my dad used to hit me, hes back now",
    "i used to self harm but ive started again",
    "i used to self harm, fine for years, but the urges are back this week",
    "my mum kicked me out last night",
    "im starving myself so i lose weight",
])
def test_a_past_that_is_not_over_is_still_heard(text):
    assert assess(text).concerns
