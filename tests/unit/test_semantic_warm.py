"""The search indexes are built once, in the background, when the action server starts. Until
that first build is done a search waits for it rather than finding nothing: a user who asks
in the first minute gets the answer, never "I don't have a checked answer" by accident. Once
built, a rebuild after a catalogue change never holds up a turn."""
from __future__ import annotations

import threading

from bot.catalogue.service import CatalogueService
from bot.embeddings import encoder

BUILDER = "semantic-index"  # the name of warm()'s thread


class GatedEncoder:
    """The real encoder, held at a gate so a test can see what happens mid-build."""

    def __init__(self) -> None:
        self.entered, self.gate = threading.Event(), threading.Event()

    def __call__(self, texts):
        self.entered.set()
        assert self.gate.wait(timeout=60), "the test never opened the gate"
        return encoder().encode(texts)


class WatchedLock:
    """The index lock, telling the test when a user's search (not the builder) waits on it."""

    def __init__(self) -> None:
        self._lock, self.search_waits = threading.Lock(), threading.Event()

    def acquire(self, blocking: bool = True) -> bool:
        if blocking and threading.current_thread().name != BUILDER:
            self.search_waits.set()
        return self._lock.acquire(blocking)

    def release(self) -> None:
        self._lock.release()


def test_a_search_during_the_first_build_waits_for_it(seeded):
    encode = GatedEncoder()
    service = CatalogueService(seeded, refresh_seconds=3600, encode=encode)
    service._index_lock = lock = WatchedLock()
    service.warm()
    assert encode.entered.wait(timeout=60)  # the builder holds the lock, stopped at the gate
    assert not service.ready
    found: list = []
    searching = threading.Thread(target=lambda: found.extend(service.describe("moves patients around")))
    searching.start()
    assert lock.search_waits.wait(timeout=30), "the search gave up instead of waiting"
    encode.gate.set()
    searching.join(timeout=60)
    assert service.ready
    assert found and found[0].key == "porter"


def test_once_built_a_search_is_answered_from_the_index(seeded):
    service = CatalogueService(seeded, refresh_seconds=3600, encode=encoder().encode)
    service.warm()
    assert service.describe("moves patients around")[0].key == "porter"
    assert service.ready
