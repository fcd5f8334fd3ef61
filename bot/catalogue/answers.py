"""What the bot says about a role: short, plain English, always with its source."""
from __future__ import annotations

import datetime as dt
import json

from bot.catalogue.views import PayRange, RoleView
from bot.kernel.replies import Button, Reply
from bot.matching import Candidate


def pay_year_note(pay_year: str, today: dt.date | None = None) -> str:
    """When the pay table's year is over, say so: newer rates apply (Agenda for Change years
    start on 1 April), so a figure we quote may now be a little low."""
    today = today or dt.date.today()
    start = int(pay_year[:4])
    if today < dt.date(start + 1, 4, 1):
        return ""
    return (f" These are the {pay_year} figures. Pay rises each year on 1 April, so pay now may be "
            "a little higher: NHS Jobs adverts show the current pay for each post.")


def payload(intent: str, role: str | None = None) -> str:
    """A Rasa button payload: ``/intent{"role":"slug"}``."""
    return f"/{intent}" + (json.dumps({"role": role}, separators=(",", ":")) if role else "")


def article(title: str) -> str:
    return "an" if title[:1].lower() in "aeiou" else "a"


def _source(role: RoleView) -> str:
    return f"Source: {role.source_url} (checked {role.reviewed_on:%-d %B %Y})"


def _next_steps(role: RoleView, skip: str) -> tuple[Button, ...]:
    options = [
        ("ask_role_info", "What's the job like?"),
        ("ask_role_entry", "How do I get in?"),
        ("ask_role_pay", "What's the pay?"),
        ("plan_pathway", "Plan my route"),
    ]
    return tuple(Button(title, payload(intent, role.slug)) for intent, title in options if intent != skip)


def role_info(role: RoleView) -> Reply:
    parts = [f"{role.title} ({role.area_name})", role.summary]
    if role.day_to_day:
        parts.append(role.day_to_day)
    parts.append(_source(role))
    return Reply("\n\n".join(parts), _next_steps(role, "ask_role_info"))


def role_entry(role: RoleView) -> Reply:
    parts = [f"How to become {article(role.title)} {role.title.lower()}:", role.entry_requirements]
    if role.routes:
        parts.append("Ways in: " + "; ".join(r.name for r in role.routes) + ".")
    if role.registration_body:
        parts.append(f"To work as one, you need to register with the {role.registration_body}.")
    parts.append(_source(role))
    return Reply("\n\n".join(p for p in parts if p), _next_steps(role, "ask_role_entry"))


def role_day(role: RoleView) -> Reply:
    parts = [f"A day as {article(role.title)} {role.title.lower()}:", role.day_to_day or role.summary]
    if role.hours:
        parts.append(f"Hours: {role.hours}")
    if role.works_with:
        parts.append(f"You work with: {role.works_with}")
    parts.append(_source(role))
    return Reply("\n\n".join(parts), _next_steps(role, "ask_role_day"))


def role_progression(role: RoleView) -> Reply:
    if role.progression:
        text = f"Where being {article(role.title)} {role.title.lower()} can lead:\n\n{role.progression}"
    else:
        text = (f"I don't have details on where being {article(role.title)} {role.title.lower()} "
                "can lead yet. Most NHS jobs have training to help you move up.")
    return Reply(f"{text}\n\n{_source(role)}", _next_steps(role, "ask_role_progression"))


def _pay_line(role: RoleView, pay: PayRange | None) -> str:
    if pay is not None:
        return f"Agenda for Change {pay.bands_text} (£{pay.minimum:,} to £{pay.maximum:,} in {pay.pay_year})"
    return role.pay_note or "not known yet"


def compare(a: RoleView, pay_a: PayRange | None, b: RoleView, pay_b: PayRange | None) -> Reply:
    """Two roles side by side, one short line per question."""
    def block(role: RoleView, pay: PayRange | None) -> str:
        routes = "; ".join(r.name for r in role.routes) or "see the source"
        lines = [role.title.upper(), role.summary, f"Pay: {_pay_line(role, pay)}.", f"Ways in: {routes}."]
        if role.registration_body:
            lines.append(f"Register with: {role.registration_body}.")
        lines.append(f"Source: {role.source_url}")
        return "\n".join(lines)

    def entry(role: RoleView) -> Button:
        return Button(f"How to become {article(role.title)} {role.title.lower()}",
                      payload("ask_role_entry", role.slug))

    buttons = (entry(a), entry(b))
    return Reply(f"{block(a, pay_a)}\n\n{block(b, pay_b)}", buttons)


def role_pay(role: RoleView, pay: PayRange | None) -> Reply:
    if pay is not None:
        text = (
            f"{article(role.title).capitalize()} {role.title.lower()} in the NHS is paid on "
            f"Agenda for Change {pay.bands_text}. In {pay.nation} in {pay.pay_year}, that is "
            f"£{pay.minimum:,} to £{pay.maximum:,} a year for full-time work, before tax. "
            f"Pay goes up with experience within a band.{pay_year_note(pay.pay_year)}"
            f"\n\nPay table: {pay.source_url}\n"
            f"{_source(role)}"
        )
    elif role.pay_note:
        text = f"{role.title}: {role.pay_note}\n\n{_source(role)}"
    else:
        text = (f"Sorry, I don't have pay figures for {article(role.title)} {role.title.lower()} "
                f"yet. NHS Jobs adverts show the pay for each post.\n\n{_source(role)}")
    return Reply(text, _next_steps(role, "ask_role_pay"))


def with_alternatives(reply: Reply, alternatives: tuple[Candidate, ...]) -> Reply:
    """Add "did you mean" buttons when the message could mean more than one role."""
    if not alternatives:
        return reply
    names = ", ".join(c.title for c in alternatives)
    text = f"{reply.text}\n\nThat name covers more than one job. You can also ask about: {names}."
    buttons = tuple(Button(c.title, payload("ask_role_info", c.slug)) for c in alternatives)
    return Reply(text, buttons + reply.buttons)


def unknown_role(term: str | None, suggestions: tuple[Candidate, ...]) -> Reply:
    if term is None and not suggestions:
        return Reply("Which job would you like to know about? Type a job title, like nurse, "
                     "paramedic or porter.")
    named = f'"{term}"' if term else "that one"
    if suggestions:
        text = f"I'm not sure which job you mean by {named}. Did you mean one of these?"
        buttons = tuple(Button(c.title, payload("ask_role_info", c.slug)) for c in suggestions[:3])
        return Reply(text, buttons)
    text = f"Sorry, I don't have {named} in my list of NHS roles."
    return Reply(text + " The NHS has over 350 kinds of job, and I'm still learning some. "
                 "Try another job title, or ask me what I can do.")
