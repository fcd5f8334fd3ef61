"""Catalogue service: resolve a role from a message and answer questions about it.

Callers pass a unit-of-work factory; every call opens its own session, so one service object
can be shared by all conversations and threads.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.catalogue.facts import QUESTIONS
from bot.catalogue.finder import RELATED_BOOST, SURENESS_TEMPERATURE, Finding, choose
from bot.catalogue.schema import band_rank
from bot.catalogue.semantic import Confidence, Encode, Hit, SemanticIndex
from bot.catalogue.views import BandView, ContentView, PayRange, RoleView, RouteView
from bot.catalogue.wording import unknown_role_term
from bot.kernel.unit_of_work import AbstractUnitOfWork
from bot.matching import Candidate, RoleEntry, RoleMatcher


@dataclass(frozen=True)
class Resolution:
    """Which role a message is about, and how sure we are."""

    role: RoleView | None
    alternatives: tuple[Candidate, ...] = field(default_factory=tuple)
    carried_over: bool = False
    unknown_term: str | None = None
    suggestions: tuple[Candidate, ...] = field(default_factory=tuple)
    described: bool = False  # found from what the job does, not its name


@dataclass(frozen=True)
class _Indexes:
    version: object
    roles: SemanticIndex
    answers: SemanticIndex
    facts: SemanticIndex
    content: dict[str, ContentView]


# A role found by what it does must be clearly nearest; a weaker match is offered as buttons.
DESCRIBED = Confidence(floor=0.5, lead=0.04)
MAYBE_DESCRIBED = 0.4


class CatalogueService:
    def __init__(
        self,
        uow_factory: Callable[[], AbstractUnitOfWork],
        refresh_seconds: float = 30.0,
        nation: str = "England",
        clock: Callable[[], float] = time.monotonic,
        encode: Encode | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._refresh_seconds = refresh_seconds
        self._nation = nation
        self._clock = clock
        self._lock = threading.Lock()
        self._matcher: RoleMatcher | None = None
        self._route_matcher: RoleMatcher | None = None
        self._version: object = None
        self._checked_at = float("-inf")
        self._encode = encode
        self._indexes: _Indexes | None = None
        self._index_lock = threading.Lock()  # building the indexes never blocks name matching
        self._waits = True  # until warm() starts a background build, a search builds them itself

    # -- matcher, reloaded from the database when the roles change ---------------------------
    def matcher(self) -> RoleMatcher:
        now = self._clock()
        if self._matcher is not None and now - self._checked_at < self._refresh_seconds:
            return self._matcher
        with self._lock:
            if self._matcher is not None and now - self._checked_at < self._refresh_seconds:
                return self._matcher
            with self._uow_factory() as uow:
                version = uow.catalogue.version()
                if self._matcher is None or version != self._version:
                    self._matcher = RoleMatcher(
                        RoleEntry(r.slug, r.title, tuple(a.alias for a in r.aliases))
                        for r in uow.catalogue.list_roles())
                    self._route_matcher = RoleMatcher(
                        RoleEntry(r.slug, r.name, tuple(r.aliases or ()))
                        for r in uow.catalogue.list_routes())
                    self._version = version
            self._checked_at = now
            return self._matcher

    # -- search by meaning, rebuilt with the matcher when the catalogue changes ------------------
    def _semantic(self, wait: bool = True) -> _Indexes:
        """The role, answer and fact indexes. While another thread rebuilds them after a
        catalogue change, a caller that won't wait gets the previous ones: a user's turn never
        queues behind a rebuild. Before the first build is done every caller waits for it, so
        no one is told "no checked answer" only because the server has just started."""
        self.matcher()
        indexes = self._indexes
        if indexes is not None and indexes.version == self._version:
            return indexes
        if not self._index_lock.acquire(blocking=wait or indexes is None):
            assert indexes is not None  # a blocking acquire always succeeds
            return indexes
        try:
            indexes = self._indexes
            if indexes is not None and indexes.version == self._version:
                return indexes
            version = self._version
            if self._encode is None:
                from bot.embeddings import encoder

                self._encode = encoder().encode
            with self._uow_factory() as uow:
                content = {c.slug: ContentView.of(c) for c in uow.catalogue.list_content()}
                roles = SemanticIndex(((r.slug, (f"{r.title}: {r.summary}", f"{r.title}: {r.day_to_day}"))
                                       for r in uow.catalogue.list_roles()), self._encode)
                answers = SemanticIndex(((c.slug, (*(c.aliases or ()), f"{c.title}. {c.summary}"))
                                         for c in uow.catalogue.list_content()), self._encode)
            facts = indexes.facts if indexes is not None and len(indexes.facts) else SemanticIndex(
                ((fact.value, forms) for fact, forms in QUESTIONS.items()), self._encode)
            self._indexes = _Indexes(version, roles, answers, facts, content)
            return self._indexes
        finally:
            self._index_lock.release()

    @property
    def ready(self) -> bool:
        """Whether the search indexes have been built (the action server's /ready)."""
        return self._indexes is not None

    def warm(self) -> None:
        """Build the search indexes now (in the background at start), not on a user's turn."""
        self._waits = False
        threading.Thread(target=self._semantic, name="semantic-index", daemon=True).start()

    def describe(self, text: str, limit: int = 3) -> list[Hit]:
        """Roles whose own description is nearest in meaning to ``text`` (slugs, scores)."""
        return self._semantic(wait=self._waits).roles.rank(text, limit)

    def search_answers(self, text: str, limit: int = 3) -> list[tuple[ContentView, float]]:
        """Content and answer-bank items nearest in meaning to ``text``, best first."""
        indexes = self._semantic(wait=self._waits)
        hits = indexes.answers.rank(text, limit)
        return [(indexes.content[h.key], h.score) for h in hits if h.key in indexes.content]

    def find(self, text: str, role: str | None = None) -> Finding:
        """The answer to a question beyond a role's page: an answer-bank item, or (when
        ``role`` is the job the message names) one fact of that role; else the closest items."""
        indexes = self._semantic(wait=self._waits)
        hits = indexes.answers.rank(text, 5)
        items = [(indexes.content[h.key], h.score) for h in hits if h.key in indexes.content]
        facts = indexes.facts.rank(text, 3) if role else []
        about = frozenset(slug for slug, c in indexes.content.items() if role in c.related_roles)
        sure = indexes.answers.sureness(text, 3, prefer=about, boost=RELATED_BOOST,
                                        temperature=SURENESS_TEMPERATURE)
        return choose(items, facts, role,
                      sureness=[(indexes.content[h.key], h.score) for h in sure if h.key in indexes.content])

    def content_item(self, slug: str) -> ContentView | None:
        indexes = self._indexes
        if indexes is not None and indexes.version == self._version and slug in indexes.content:
            return indexes.content[slug]
        with self._uow_factory() as uow:
            item = uow.catalogue.get_content(slug)
            return ContentView.of(item) if item else None

    # -- queries --------------------------------------------------------------------------------
    def role(self, slug: str) -> RoleView | None:
        with self._uow_factory() as uow:
            role = uow.catalogue.get_role(slug)
            return RoleView.of(role) if role else None

    def resolve(self, text: str, entity: str | None = None, current: str | None = None) -> Resolution:
        """Find the role ``text`` is about.

        ``entity`` is a slug sent by a button; ``current`` is the role already being discussed,
        used when the message names no role ("how much do they earn?").
        """
        if entity:
            view = self.role(entity)
            if view is None:
                found = self.matcher().best(entity)
                view = self.role(found.slug) if found else None
            if view:
                return Resolution(view)
        matcher = self.matcher()
        best = matcher.best(text or "")
        if best is not None:
            view = self.role(best.slug)
            if view:
                return Resolution(view)
        candidates = matcher.match(text or "", limit=4)
        if candidates:  # "radiographers": more than one kind; answer the first, offer the rest
            view = self.role(candidates[0].slug)
            if view:
                return Resolution(view, alternatives=tuple(candidates[1:]))
        term = unknown_role_term(text or "")
        if term is None and current:  # "how much do they earn?": the job being discussed
            view = self.role(current)
            if view:
                return Resolution(view, carried_over=True)
        described = self.describe(text or "")
        if DESCRIBED.sure(described):  # "the one who fits artificial limbs"
            view = self.role(described[0].key)
            if view:
                return Resolution(view, described=True)
        suggestions = tuple(matcher.suggest(text or ""))
        if not suggestions and described and described[0].score >= MAYBE_DESCRIBED:
            suggestions = tuple(self._candidate(h.key) for h in described
                                if h.score >= MAYBE_DESCRIBED - 0.1)
        return Resolution(None, unknown_term=term, suggestions=suggestions)

    def _candidate(self, slug: str) -> Candidate:
        view = self.role(slug)
        return Candidate(slug, view.title if view else slug, 0.0, matched="", exact=False)

    def resolve_route(self, text: str, entity: str | None = None) -> RouteView | None:
        """The pathway (apprenticeship, T Level, cadets...) ``text`` asks about, if any."""
        self.matcher()  # refreshes both matchers
        assert self._route_matcher is not None
        slug = entity
        if not slug:
            found = self._route_matcher.best(text or "") or next(
                iter(self._route_matcher.match(text or "", limit=1)), None)
            slug = found.slug if found else None
        if not slug:
            return None
        with self._uow_factory() as uow:
            route = uow.catalogue.get_route(slug)
            return RouteView.of(route) if route else None

    def routes(self) -> list[RouteView]:
        with self._uow_factory() as uow:
            return [RouteView.of(r) for r in uow.catalogue.list_routes()]

    def content(self, topic: str | None = None) -> list[ContentView]:
        """Content items of ``topic`` (every item when None)."""
        with self._uow_factory() as uow:
            return [ContentView.of(c) for c in uow.catalogue.list_content(topic)]

    def roles(self) -> list[RoleView]:
        with self._uow_factory() as uow:
            return [RoleView.of(r) for r in uow.catalogue.list_roles()]

    def pay(self, role: RoleView) -> PayRange | None:
        with self._uow_factory() as uow:
            return PayRange.for_role(role, uow.catalogue.pay_bands(self._nation))

    def pay_table(self) -> list[BandView]:
        """The latest year's Agenda for Change bands for this service's nation, lowest first."""
        with self._uow_factory() as uow:
            rows = [BandView.of(b) for b in uow.catalogue.pay_bands(self._nation)]
        return sorted(rows, key=lambda b: band_rank(b.band))

    def role_count(self) -> int:
        with self._uow_factory() as uow:
            count: int = uow.catalogue.version()[0]
            return count
