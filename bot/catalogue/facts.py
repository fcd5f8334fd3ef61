"""One fact about one role: "what grades do I need for radiography", "do paramedics need a licence".

A role's page says what the job is; young people ask for one fact of it. ``Fact`` names the facts
we keep (the role fields of ``schema.ROLE_FACT_FIELDS`` and the page's pay, entry and
registration), ``QUESTIONS`` are ways of asking each, found by meaning (`bot.catalogue.semantic`),
and ``fact_reply`` answers from the role's own fields: a fact the catalogue does not hold is
said so, with what we do know and the source, never guessed.
"""
from __future__ import annotations

from enum import Enum

from bot.catalogue.answers import article, payload, role_entry, role_pay
from bot.catalogue.schema import DrivingLicence, WorkingPattern
from bot.catalogue.views import ContentView, PayRange, RoleView
from bot.kernel.replies import Button, Reply


class Fact(str, Enum):
    GRADES = "grades"
    TRAINING_LENGTH = "training_length"
    EARN_WHILE_TRAINING = "earn_while_training"
    LEARNING_SUPPORT_FUND = "learning_support_fund"
    DRIVING_LICENCE = "driving_licence"
    WORKING_PATTERN = "working_pattern"
    PAY = "pay"
    ENTRY_REQUIREMENTS = "entry_requirements"
    REGISTRATION = "registration"


# Ways of asking, with the job left general: the role is found by name separately.
QUESTIONS: dict[Fact, tuple[str, ...]] = {
    Fact.GRADES: (
        "what grades do you need for this job", "which gcses do i need", "what a levels should i take",
        "how many ucas points do you need", "what subjects do i need to study", "do i need a science a level",
        "what grades does the course ask for", "do i need good grades in maths and english",
        "entry grades for the degree", "what gcse grades are required",
        "what grades do u need", "what gcses do they need", "how many ucas points for it",
        "what a levels do you need for it", "is a science subject needed", "grades needed?",
        "what are the entry grades", "what do i need to get at a level", "what grades do unis ask for",
    ),
    Fact.TRAINING_LENGTH: (
        "how long does it take to qualify", "how many years is the training", "how long is the course",
        "how many years at uni", "how long until i am fully qualified", "how long does the degree last",
        "how long is the apprenticeship for this job", "how many years of study does it take",
        "how many years does it take to become one", "how long till qualified",
        "how long do you study for", "is it a 3 year course", "how long is training?",
        "how many years to qualify", "how long before i can work as one",
    ),
    Fact.EARN_WHILE_TRAINING: (
        "can i get paid while i train", "is there an apprenticeship for this job",
        "can i earn money while training", "can i do it without going to university",
        "is there a paid training route", "can i learn on the job and get a wage",
        "do trainees get a salary",
        "do you get paid to train", "is there an apprenticeship route", "can i train on the job",
        "do they get paid while training", "can you do it as an apprenticeship",
        "is there a way in without uni", "paid training?", "can i get a job and be trained up",
    ),
    Fact.LEARNING_SUPPORT_FUND: (
        "do students on this course get the learning support fund",
        "can i get the nhs learning support fund for this course", "is there a grant for this degree",
        "do students get the 5000 training grant", "do the students get extra nhs money",
        "is this course eligible for lsf",
        "does it get the lsf", "can students get the learning support fund for it",
        "is it an lsf course", "do students get the 5k", "does the course get nhs funding",
        "is there extra money for students on it", "do students on it get the training grant",
        "lsf eligible?",
    ),
    Fact.DRIVING_LICENCE: (
        "do you need a driving licence", "do i have to be able to drive", "do you need to drive for this job",
        "what licence do you need", "do i need a c1 licence", "can i do it if i cant drive",
        "do they need to drive", "u need to drive for it?", "do i need a car for it",
        "is driving essential", "can you do it without a licence", "driving licence needed?",
        "do you need to pass your test first", "do they need a c1",
    ),
    Fact.WORKING_PATTERN: (
        "do you have to work nights", "what are the hours like", "do they work weekends",
        "is it shift work", "is it nine to five", "do you have to be on call", "what shifts do they do",
        "would i work night shifts",
        "what hours do they work", "do they do nights", "is it monday to friday",
        "do they work 12 hour shifts", "do they work bank holidays", "whats the shift pattern",
        "is it weekends too", "are the hours regular",
    ),
    Fact.PAY: (
        "how much does this job pay", "what is the salary", "what band is it", "how much would i earn",
        "what is the starting pay",
        "how much do they earn", "whats the pay like", "what band are they",
        "how much do they get paid a year", "salary?", "how much money do you make", "whats the wage",
        "is it well paid",
    ),
    Fact.ENTRY_REQUIREMENTS: (
        "what qualifications do i need", "how do i get into this job", "what do i need to become one",
        "what are the entry requirements", "how do i start training",
        "how do i become one", "what do you need to do it", "how do you get into it",
        "what training do you need", "where do i start", "requirements to get in?",
        "how can i get into this career", "do i need a degree for it",
    ),
    Fact.REGISTRATION: (
        "who do you register with", "do you need to be registered", "which regulator is it",
        "do i need to register with the hcpc or nmc", "is it a registered profession",
        "do they have to be registered", "who are they registered with",
        "do you need to register with anyone", "is it regulated", "do they need hcpc registration",
        "do i need an nmc pin", "what body regulates them", "registration?",
    ),
}

PATTERN_WORDS = {WorkingPattern.OFFICE_HOURS: "usual office hours", WorkingPattern.SHIFTS: "shifts",
                 WorkingPattern.NIGHTS: "nights", WorkingPattern.WEEKENDS: "weekends",
                 WorkingPattern.ON_CALL: "on call"}
LICENCE_WORDS = {
    DrivingLicence.REQUIRED: "Yes. You need a full driving licence to work as {a} {job}.",
    DrivingLicence.OFTEN: "Often. Many {job} posts ask for a driving licence, because the work "
                          "involves travel, but not all do: check each job advert.",
    DrivingLicence.NOT_NEEDED: "No, you don't usually need a driving licence to work as {a} {job}.",
}


def _job(role: RoleView) -> tuple[str, str]:
    return article(role.title), role.title.lower()


def _source(role: RoleView, *fields: str) -> str:
    return f"Source: {role.source_of(*fields)} (checked {role.reviewed_on:%-d %B %Y})"


def _years(span: tuple[float, float]) -> str:
    low, high = (f"{v:g}" for v in span)
    return f"{low} year{'s' if span[0] != 1 else ''}" if low == high else f"{low} to {high} years"


def _buttons(role: RoleView) -> tuple[Button, ...]:
    return (Button(f"How to become {article(role.title)} {role.title.lower()}",
                   payload("ask_role_entry", role.slug)),
            Button("What's the pay?", payload("ask_role_pay", role.slug)))


def _not_held(role: RoleView, what: str) -> Reply:
    """A fact we don't hold: say so, and give what the role's page does say."""
    a, job = _job(role)
    known = role_entry(role)
    return Reply(f"I don't have {what} for {a} {job} in my checked facts. Here is what I know "
                 f"about getting in:\n\n{known.text}", known.buttons)


def fact_reply(role: RoleView, fact: Fact, pay: PayRange | None = None,
               fund: ContentView | None = None) -> Reply:
    """Answer one fact about ``role`` from its own fields (``fund``: the Learning Support Fund
    item, quoted when the fund applies)."""
    a, job = _job(role)
    if fact is Fact.PAY:
        return role_pay(role, pay)
    if fact is Fact.ENTRY_REQUIREMENTS:
        return role_entry(role)
    if fact is Fact.REGISTRATION:
        text = (f"Yes. To work as {a} {job} you must register with the {role.registration_body}."
                if role.registration_body else
                f"No. {a.capitalize()} {job} doesn't need to join a professional register to work "
                "in the NHS.")
        return Reply(f"{text}\n\n{_source(role)}", _buttons(role))
    if fact is Fact.GRADES:
        parts = [line for line in (
            f"GCSEs: {role.gcse}" if role.gcse else "",
            f"A levels or equivalent: {role.a_levels}" if role.a_levels else "",
            (f"Universities usually ask for {role.ucas_tariff[0]} to {role.ucas_tariff[1]} UCAS "
             "points, and each sets its own offer." if role.ucas_tariff else "")) if line]
        if not parts:
            return _not_held(role, "set grades")
        return Reply(f"What you usually need to become {a} {job}:\n\n" + "\n".join(parts)
                     + f"\n\n{_source(role, 'gcse', 'a_levels', 'ucas_tariff_min')}", _buttons(role))
    if fact is Fact.TRAINING_LENGTH:
        if role.training_years is None:
            return _not_held(role, "how long the training takes")
        ways = "; ".join(r.name for r in role.routes)
        text = f"Training to become {a} {job} usually takes {_years(role.training_years)}."
        if ways:
            text += f" Ways in: {ways}."
        return Reply(f"{text}\n\n{_source(role, 'training_years_min')}", _buttons(role))
    if fact is Fact.EARN_WHILE_TRAINING:
        if role.earn_while_training is None:
            return _not_held(role, "whether there is a paid way to train")
        paid = [r.name for r in role.routes if r.kind in ("apprenticeship", "on-the-job")]
        if role.earn_while_training:
            text = f"Yes. You can earn while you train to be {a} {job}"
            text += (": " + "; ".join(paid) + "." if paid else ", in a paid trainee post.")
        else:
            text = (f"Not usually. Training to be {a} {job} is mostly full-time study, so you "
                    "don't earn a wage while you train. Ask about money to help while you study.")
        return Reply(f"{text}\n\n{_source(role, 'earn_while_training')}", _buttons(role))
    if fact is Fact.LEARNING_SUPPORT_FUND:
        if role.learning_support_fund is None:
            return _not_held(role, "whether its course gets the NHS Learning Support Fund")
        if role.learning_support_fund:
            text = (f"Yes. Students on {a} {job} course at a university in England can usually "
                    "get the NHS Learning Support Fund.")
            if fund is not None:
                text += f"\n\n{fund.summary}"
        else:
            text = (f"No. The NHS Learning Support Fund is for some nursing, midwifery and allied "
                    f"health courses, and {a} {job} course is not one of them.")
        buttons = (Button("The Learning Support Fund", '/ask_question{"answer":"learning-support-fund"}'),
                   *_buttons(role))
        return Reply(f"{text}\n\n{_source(role, 'learning_support_fund')}", buttons)
    if fact is Fact.DRIVING_LICENCE:
        if role.driving_licence is None:
            return _not_held(role, "whether you need a driving licence")
        text = LICENCE_WORDS[role.driving_licence].format(a=a, job=job)
        if role.special_requirements:
            text += f" {role.special_requirements}"
        return Reply(f"{text}\n\n{_source(role, 'driving_licence', 'special_requirements')}",
                     _buttons(role))
    if fact is Fact.WORKING_PATTERN:
        if not role.working_pattern and not role.hours:
            return _not_held(role, "the usual hours")
        words = [PATTERN_WORDS[p] for p in role.working_pattern]
        text = (f"{a.capitalize()} {job} usually works " + _and(words) + "." if words else "")
        if role.hours:
            text = f"{text} {role.hours}".strip()
        return Reply(f"{text}\n\n{_source(role, 'working_pattern', 'hours')}", _buttons(role))
    raise ValueError(fact)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
