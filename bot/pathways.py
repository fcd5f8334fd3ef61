"""The pathway planner: from where someone is now to a role, in realistic order.

Pure functions over RoleView/RouteView: the routes and their wording come from the catalogue
(staff edit them); this module only orders them and adds the bridging steps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalogue.answers import article, payload
from bot.catalogue.views import RoleView, RouteView
from bot.kernel.replies import Button, Reply


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    level: int          # the qualification level someone at this stage usually holds
    phrase: str         # "with GCSEs", for the plan's heading


STAGES: tuple[Stage, ...] = (
    Stage("no-gcses", "No GCSEs (or not many)", 1, "without GCSEs"),
    Stage("gcses", "GCSEs", 2, "with GCSEs"),
    Stage("a-levels", "A levels", 3, "with A levels"),
    Stage("t-level-btec", "A T Level or BTEC", 3, "with a T Level or BTEC"),
    Stage("adult-returner", "An adult going back to learning", 2, "as an adult going back to learning"),
)
BY_KEY = {s.key: s for s in STAGES}

_STAGE_WORDS = [
    ("adult-returner", r"\b(?:adult|mature|back to (?:learning|college|school|education|study)|"
                       r"return(?:ing)?|i am (?:2\d|3\d|4\d|5\d)|im (?:2\d|3\d|4\d|5\d)|years? old)\b"),
    ("t-level-btec", r"\b(?:t ?levels?|btecs?|extended diploma|level 3 diploma)\b"),
    ("a-levels", r"\b(?:a ?levels?|alevels?|sixth form|6th form)\b"),
    ("no-gcses", r"\b(?:no|not many|failed|without|dont have|don't have|didnt get|didn't get|nothing)\b"
                 r".{0,20}\b(?:gcses?|qualifications?|quals)\b|\bleft school with nothing\b|\bno quals\b"),
    ("gcses", r"\b(?:gcses?|gcse's|year 11|yr 11|functional skills)\b"),
]


def parse_stage(text: str) -> str | None:
    """A stage key from free text ("i got my gcses" -> "gcses"), or None."""
    low = (text or "").lower()
    for key, pattern in _STAGE_WORDS:
        if re.search(pattern, low):
            return key
    return None


@dataclass(frozen=True)
class PlanStep:
    title: str
    detail: str


@dataclass(frozen=True)
class Plan:
    stage: Stage
    steps: tuple[PlanStep, ...]
    next_action: str


def required_level(route: RouteView) -> int:
    """The qualification level you usually need before you can start ``route``."""
    if route.kind in ("degree", "foundation-degree"):
        return 3
    if route.kind == "postgraduate":
        return 6
    if route.kind in ("t-level", "access"):
        return 2
    if route.kind == "apprenticeship" and route.level:
        return max(int(route.level.split("-")[0]) - 1, 1)
    return 0


_BRIDGES = {
    2: PlanStep("Get English and maths", "Get GCSEs or Functional Skills in English and maths. "
                                         "A local college can help."),
    3: PlanStep("Get a level 3 qualification", "Do A levels, a T Level in Health, or an Access to "
                                               "Higher Education Diploma if you're an adult."),
}


def plan(role: RoleView, stage_key: str) -> Plan:
    stage = BY_KEY[stage_key]
    routes = sorted(role.routes, key=required_level)
    now = [r for r in routes if required_level(r) <= stage.level]
    later = [r for r in routes if required_level(r) > stage.level]
    steps: list[PlanStep] = []
    if not now and later:  # bridge up to the level the first route needs
        for level in range(stage.level + 1, required_level(later[0]) + 1):
            if level in _BRIDGES:
                steps.append(_BRIDGES[level])
    steps += [PlanStep(r.name, r.summary) for r in now]
    steps += [PlanStep(f"Later: {r.name}", r.summary) for r in later]
    return Plan(stage, tuple(steps[:5]), _next_action(now[0] if now else None))


def _next_action(first: RouteView | None) -> str:
    if first is None:
        return ("Talk to your school or college careers adviser, or call the National Careers "
                "Service on 0800 100 900, about English, maths and level 3 courses near you.")
    if first.kind == "apprenticeship":
        return "Search NHS Jobs and Find an apprenticeship (on GOV.UK) for health apprenticeships near you."
    if first.kind in ("degree", "foundation-degree"):
        return "Look up courses on UCAS and check what grades each one asks for."
    if first.kind == "on-the-job":
        return "Search NHS Jobs for entry-level jobs at hospitals near you."
    return f"Ask your local NHS hospital trust about {first.name.lower()}."


def render(role: RoleView, p: Plan) -> Reply:
    lines = [f"Your route to becoming {article(role.title)} {role.title.lower()}, {p.stage.phrase}:"]
    lines += [f"{i}. {step.title}: {step.detail}" for i, step in enumerate(p.steps, start=1)]
    lines.append(f"Next step: {p.next_action}")
    buttons = (Button("What's the pay?", payload("ask_role_pay", role.slug)),
               Button("Entry requirements", payload("ask_role_entry", role.slug)))
    return Reply("\n\n".join(lines), buttons)
