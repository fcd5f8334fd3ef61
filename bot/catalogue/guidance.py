"""Replies about pathways and support content (care leavers, funding), always sourced."""
from __future__ import annotations

from bot.catalogue.answers import Button, Reply, payload
from bot.catalogue.views import ContentView, RouteView


def _checked(source_url: str, reviewed_on) -> str:
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
