"""Spotting a job title we don't hold: what is left of a question once its usual words go."""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# Words that turn up in questions about a role but never name one.
_GENERIC = set("""
a about actually after again age all also am an and another any anyone are as at average
band bands be become becoming being best between by can career careers college compare could
course courses day days degree did difference different do does doing done earn earns earning
entry exactly experience for from get gets getting go going gonna good got have having hello
hey hi hour hours how hows i id if im in info information into is it its ive job jobs just
kind know levels life like long lot make makes many me mean means money more much my need
needed needs next nhs no now of ok okay on one ones or other paid pay per please pls plz
qualification qualifications qualified qualify really requirement requirements required role
roles route routes salary school should skills so some sort start starting step steps still
study take takes tell than thanks thank that thats the their them then there these they thing
things this those though to train training type typical uni university us want wanna wage wages
was way ways we week well what whats when where which who why will with work working would
year years yeah you your ur u r gcse gcses alevel alevels level apprenticeship apprenticeships
option options explain bout abt wat wot tho lol pls cheers ta okay cool great right quick
involve involves involved entail entails responsibilities responsibility duties duty tasks
hard easy fun stressful interesting worth worthwhile pros cons benefits perks shift shifts
describe description overview detail details sound sounds typical typically earnings income
becomes trained learn learning apply applying
""".split())

_TOKEN = re.compile(r"[a-z]+")


def unknown_role_term(text: str) -> str | None:
    """The words of ``text`` that look like a job title we did not recognise, or None.

    "how do I become an astronaut" gives "astronaut"; "how much do they earn" gives None, so
    the caller may carry the current role over.
    """
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _GENERIC]
    content = [w for w in words if len(w) >= 4 and not _near_generic(w)]
    if not content:
        return None
    return " ".join(content[:4])


def _near_generic(word: str) -> bool:
    """A typo of a question word: one edit away for short words, close overall for longer."""
    if len(word) <= 5:
        return process.extractOne(word, _GENERIC, scorer=Levenshtein.distance, score_cutoff=1) is not None
    return process.extractOne(word, _GENERIC, scorer=fuzz.ratio, score_cutoff=85) is not None
