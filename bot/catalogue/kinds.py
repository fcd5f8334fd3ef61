"""Jobs of a kind: "jobs in a lab", "behind the scenes jobs", "types of nurse", "jobs without GCSEs".

A question about a kind of job is read into a `RoleFilter` (career area, tags, how much you
need to start) from the catalogue's own vocabulary; anything else is left to search by meaning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from bot.catalogue.views import RoleView


class Start(str, Enum):
    """How much you need before you can start."""

    ANYTHING = "anything"
    NO_QUALIFICATIONS = "no_qualifications"  # no GCSEs needed: on the job, level 2, pre-employment
    NO_DEGREE = "no_degree"                  # no degree first: apprenticeships, on the job, T Levels


NO_QUALIFICATION_ROUTES = frozenset({"on-the-job", "apprenticeship-level-2", "pre-employment-programme"})
NO_DEGREE_ROUTES = NO_QUALIFICATION_ROUTES | {"apprenticeship-level-3", "apprenticeship-level-4-5",
                                              "degree-apprenticeship", "t-level-health",
                                              "t-level-healthcare-science"}


@dataclass(frozen=True)
class RoleFilter:
    label: str
    areas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()           # any of these
    without_tags: tuple[str, ...] = ()   # none of these
    start: Start = Start.ANYTHING
    extra: tuple[str, ...] = field(default=(), compare=False)

    def keeps(self, role: RoleView) -> bool:
        routes = {r.slug for r in role.routes}
        if self.areas and role.career_area not in self.areas:
            return False
        if self.tags and not set(self.tags) & set(role.tags):
            return False
        if set(self.without_tags) & set(role.tags):
            return False
        if self.start is Start.NO_QUALIFICATIONS and not routes & NO_QUALIFICATION_ROUTES:
            return False
        return not (self.start is Start.NO_DEGREE and not routes & NO_DEGREE_ROUTES)


_NO_QUALS = re.compile(
    r"\b(no|without|dont have|don'?t have|didn'?t get|did ?n[o']?t get|failed|bad|low|zero|any)\b"
    r"[\w ']{0,20}\b(gcse|gcses|gcse'?s|qualifications?|quals|grades|exams|experience)\b"
    r"|left school with (nothing|no)|\bschool leavers?\b|straight (out of|from) school"
    r"|\bentry[- ]level\b|didn'?t do well at school")
_NO_DEGREE = re.compile(r"\b(no|without|dont want|don'?t want|not|instead of|skip)\b[\w ']{0,20}"
                        r"\b(degree|uni|university)\b|\bearn while\b|\bget paid to train\b")
# (pattern, label, areas, tags, without_tags)
_KINDS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (r"behind the scenes|non[- ]?clinical|not with patients|no patients|without patients"
     r"|away from patients|don'?t want to (work with|see|deal with) patients",
     "behind-the-scenes jobs", (), (), ("patient-facing",)),
    (r"\b(labs?|laborator\w*|scien\w*)\b",
     "jobs in healthcare science and labs", ("healthcare-science",), (), ()),
    (r"\b(it|tech|computers?|digital|data|coding|software|cyber)\b",
     "jobs in digital, data and IT", ("health-informatics",), (), ()),
    (r"\b(nurses?|nursing)\b", "kinds of nurse and nursing jobs", ("nursing",), (), ()),
    (r"\b(doctors?|medicine|medical)\b",
     "kinds of doctor", ("doctors", "medical-associate-professions"), (), ()),
    (r"\b(dental|dentists?|teeth)\b", "jobs in the dental team", ("dental-team",), (), ()),
    (r"\b(ambulance|999|emergency services?|paramedics?)\b", "jobs in the ambulance service",
     ("ambulance-service-team",), (), ()),
    (r"\b(pharmacy|pharmacists?|medicines)\b", "jobs in pharmacy", ("pharmacy",), (), ()),
    (r"\b(mental health|psycholog\w*|counsell\w*|talking therap\w*)\b",
     "jobs in mental health and psychological therapies", ("psychological-therapies",), (), ()),
    (r"\b(therapists?|therapy|allied health|ahps?)\b", "allied health professions",
     ("allied-health-professions",), (), ()),
    (r"\b(midwi\w*|maternity|pregnan\w*)\b", "jobs in midwifery and maternity", ("midwifery",), (), ()),
    (r"\bpublic health\b", "jobs in public health", ("public-health",), (), ()),
    (r"\b(admin|office|management|managers?|finance|hr|business)\b", "jobs in management and admin",
     ("management", "wider-healthcare-team", "health-informatics"), ("organising",), ()),
    (r"\b(kids|children|child|babies|baby|young people)\b", "jobs working with children",
     (), ("children",), ()),
    (r"\b(creative|art|arts|music|drama)\b", "creative jobs", (), ("creative",), ()),
    (r"\b(hands[- ]on|practical|fix\w*|build\w*|trades?)\b", "hands-on jobs", (), ("hands-on",), ()),
)


def read_kind(text: str) -> RoleFilter | None:
    """The kind of job a question asks for, or None when it names no kind we know."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    start = (Start.NO_QUALIFICATIONS if _NO_QUALS.search(low)
             else Start.NO_DEGREE if _NO_DEGREE.search(low) else Start.ANYTHING)
    for pattern, label, areas, tags, without in _KINDS:
        if re.search(pattern, low):
            return RoleFilter(label, areas, tags, without, start)
    if start is Start.NO_QUALIFICATIONS:
        return RoleFilter("jobs you can start without qualifications", start=start)
    if start is Start.NO_DEGREE:
        return RoleFilter("jobs you can start without a degree", start=start)
    return None


def label_with_start(f: RoleFilter) -> str:
    if f.start is Start.NO_QUALIFICATIONS and "without" not in f.label:
        return f"{f.label} you can start without qualifications"
    if f.start is Start.NO_DEGREE and "without" not in f.label:
        return f"{f.label} you can start without a degree"
    return f.label
