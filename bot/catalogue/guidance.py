"""Replies about pathways and support content (care leavers, funding), always sourced."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.catalogue.answers import pay_year_note, payload
from bot.catalogue.views import BandView, ContentView, RoleView, RouteView
from bot.kernel.replies import Button, Reply


def _checked(source_url: str, reviewed_on: dt.date | None) -> str:
    when = f" (checked {reviewed_on:%-d %B %Y})" if reviewed_on else ""
    return f"Source: {source_url}{when}"


def route_info(route: RouteView) -> Reply:
    parts = [route.name, route.summary]
    if route.details:
        parts.append(route.details)
    if route.min_age:
        parts.append(f"You need to be at least {route.min_age}.")
    parts.append(_checked(route.source_url, route.reviewed_on))
    buttons = (Button("Help me choose a job", payload("ask_suggestions")),
               Button("Plan my route", payload("plan_pathway")))
    return Reply("\n\n".join(parts), buttons)


def pathways_menu(routes: list[RouteView]) -> Reply:
    """When the question names no pathway: list the main ones as buttons."""
    wanted = ("apprenticeship", "t-level", "access", "degree", "cadets", "work-experience",
              "volunteering", "funding")
    picks: list[RouteView] = []
    for kind in wanted:
        picks.extend(r for r in routes if r.kind == kind and r not in picks)
    buttons = tuple(Button(r.name, f'/ask_pathway{{"route":"{r.slug}"}}') for r in picks[:8])
    return Reply("There are lots of ways into the NHS. Which would you like to know about?", buttons)


def content_list(intro: str, items: list[ContentView], limit: int = 6) -> Reply:
    lines = [intro]
    for item in items[:limit]:
        lines.append(f"• {item.title}: {item.summary} ({item.source_url})")
    return Reply("\n\n".join(lines))


def content_item(item: ContentView) -> Reply:
    parts = [item.title, item.summary]
    if item.details:
        parts.append(item.details)
    parts.append(_checked(item.source_url, item.reviewed_on))
    return Reply("\n\n".join(parts))


# -- pay bands -------------------------------------------------------------------------------------
AFC_SOURCE = "https://www.healthcareers.nhs.uk/working-health/working-nhs/nhs-pay-and-benefits/agenda-change-pay-rates"
AFC_REVIEWED = "1 December 2026"


def pay_bands(bands: list[BandView], band: str | None = None) -> Reply:
    """What Agenda for Change is, and what one band (or every band) pays, from the pay table.

    ``bands`` are the latest year's rows for the nation (band, minimum, maximum, pay_year,
    nation, source_url)."""
    if not bands:
        return Reply("Sorry, I don't have the NHS pay table to hand right now. NHS Jobs adverts "
                     f"show the pay for each post.\n\nSource: {AFC_SOURCE}")
    first = bands[0]
    by_band = {b.band: b for b in bands}
    about = ("Agenda for Change is the pay system for most NHS staff. It covers everyone except "
             "doctors, dentists and very senior managers. Each job is put in a band from 1 to 9 "
             "(band 8 has four steps, 8a to 8d): the higher the band, the more it pays. Within a "
             "band, your pay goes up with experience. Staff in and around London get extra pay.")
    if band and band in by_band:
        b = by_band[band]
        text = (f"Band {b.band} pays £{b.minimum:,} to £{b.maximum:,} a year for full-time work in "
                f"{b.nation} in {b.pay_year}, before tax." if b.minimum != b.maximum else
                f"Band {b.band} pays £{b.minimum:,} a year for full-time work in {b.nation} in "
                f"{b.pay_year}, before tax.")
        if b.band == "1":
            text += " Band 1 closed to new staff in 2018: people on it are paid the band 2 rate."
        text += f"\n\n{about}"
    else:
        rows = [f"Band {b.band}: £{b.minimum:,}" + (f" to £{b.maximum:,}" if b.maximum != b.minimum else "")
                for b in bands if b.band != "1"]
        text = (f"{about}\n\nFull-time pay a year, before tax, in {first.nation} in "
                f"{first.pay_year}:\n" + "\n".join(rows))
    text += pay_year_note(first.pay_year)
    text += f"\n\nPay table: {first.source_url}\nSource: {AFC_SOURCE} (checked {AFC_REVIEWED})"
    buttons = (Button("Pay for a job", payload("ask_role_pay")),
               Button("Jobs you can start without qualifications", "/ask_roles_by_kind"))
    return Reply(text, buttons)


# -- jobs of a kind -------------------------------------------------------------------------------
def role_list(label: str, roles: list[RoleView], limit: int = 8) -> Reply:
    if not roles:
        return Reply(f"I couldn't find {label} in my list. Try asking about a kind of job, like "
                     "\"jobs in a lab\" or \"jobs working with children\".",
                     (Button("Help me choose a job", payload("ask_suggestions")),))
    lines = [f"Here are some {label} in the NHS:"]
    lines += [f"• {r.title}: {r.summary}" for r in roles[:limit]]
    if len(roles) > limit:
        lines.append(f"...and {len(roles) - limit} more. Ask me about any job by name.")
    buttons = tuple(Button(r.title, payload("ask_role_info", r.slug)) for r in roles[:5])
    return Reply("\n\n".join(lines), buttons + (Button("Help me choose", payload("ask_suggestions")),))


# -- answers beyond a role's page ---------------------------------------------------------------
def answer(item: ContentView, related: Sequence[ContentView] = ()) -> Reply:
    """A checked answer, with the next closest items as buttons."""
    reply = content_item(item)
    buttons = tuple(Button(r.title, f'/ask_question{{"answer":"{r.slug}"}}') for r in related[:2])
    return Reply(reply.text, buttons + (Button("Talk to a person", payload("request_human")),))


def not_sure(closest: list[ContentView]) -> Reply:
    """Below the confidence threshold: never a wrong answer, the closest items instead."""
    if not closest:
        return Reply("Sorry, I don't have a checked answer to that yet. I can tell you about NHS "
                     "jobs, ways in and money to help you train, or pass your question to a person.",
                     (Button("What can you do?", payload("bot_capabilities")),
                      Button("Talk to a person", payload("request_human"))))
    buttons = tuple(Button(c.title, f'/ask_question{{"answer":"{c.slug}"}}') for c in closest[:2])
    return Reply("I'm not sure I have the right answer to that. Is it one of these? If not, a "
                 "person from our careers team can help.",
                 buttons + (Button("Talk to a person", payload("request_human")),))


# -- a job and a way in together: "is there a nursing apprenticeship" ---------------------------
def role_route(role: RoleView, route: RouteView) -> Reply:
    """Whether ``role`` has a way in of ``route``'s kind: the matching routes, or what there is."""
    name = role.title.lower()
    same_kind = [r for r in role.routes if r.kind == route.kind]
    ways = "; ".join(r.name for r in role.routes) or "see the source"
    if same_kind:
        lines = [f"Yes. You can become {_a(name)} {name} through: "
                 + "; ".join(r.name.lower() for r in same_kind) + "."]
        lines += [f"{r.name}: {r.summary}" for r in same_kind[:2]]
        others = [r.name for r in role.routes if r not in same_kind]
        if others:
            lines.append("Other ways in: " + "; ".join(others) + ".")
    else:
        lines = [f"Not for {_a(name)} {name}, as far as I know: the usual ways in are {ways}.",
                 f"{route.name}s do lead into other NHS jobs. Ask me about jobs you can start "
                 f"through one."]
    lines.append(_checked(role.source_url, role.reviewed_on))
    buttons = (Button(f"How to become {_a(name)} {name}", payload("ask_role_entry", role.slug)),
               Button("Plan my route", payload("plan_pathway", role.slug)))
    return Reply("\n\n".join(lines), buttons)


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
