"""`make bench`'s interleaved rounds (bench/interleaved.py): the order alternates, ratios are
taken per round and their median used, and the verdict reads p50, p95 and throughput."""
from __future__ import annotations

from bench.interleaved import Check, Level, checks, level_table, run_rounds


def fixed(p50: float, p95: float, per_s: float):
    return {"p50_ms": p50, "p95_ms": p95, "p99_ms": p95 * 1.5, "throughput_per_s": per_s}


def test_rounds_alternate_and_each_bot_gets_the_same_load():
    calls: list[tuple[str, int]] = []

    def run(who):
        def go(n, tag):
            calls.append((who, n))
            assert tag.startswith(f"{who}-{n}u-r")
            return fixed(100, 200, 10)
        return go

    levels = run_rounds((1, 20), 5, run("base"), run("ours"))
    assert [who for who, _ in calls[:10]] == ["base", "ours", "ours", "base"] * 2 + ["base", "ours"]
    assert [len(level.base) for level in levels] == [5, 5] and [len(level.ours) for level in levels] == [5, 5]
    assert sorted(n for _, n in calls) == [1] * 10 + [20] * 10


def test_one_lucky_round_does_not_decide_the_ratio():
    level = Level(20)
    for b, o in ((100, 130), (100, 125), (40, 130), (100, 120), (100, 128)):   # a fast baseline round
        level.base.append(fixed(b, b * 2, 1000 / b))
        level.ours.append(fixed(o, o * 2, 1000 / o))
    assert level.ratios("p50_ms")[2] == 3.25
    assert level.ratio("p50_ms") == 1.28                       # median of per-round ratios
    assert level.spread("base", "p50_ms") == (40, 100)
    table = "\n".join(level_table([level]))
    assert "1.28x" in table and "1.30 1.25 3.25 1.20 1.28" in table


def test_the_verdict_needs_p50_p95_and_throughput():
    slow_median = Level(20, [fixed(100, 200, 10)] * 5, [fixed(130, 180, 11)] * 5)   # p95 fine, p50 not
    one = Level(1, [fixed(100, 200, 10)] * 5, [fixed(80, 160, 12)] * 5)
    found = {c.name: c.met
             for c in checks([one, slow_median], long_ratio=1.2, rss_ratio=1.1, ready_ratio=0.9)}
    assert found["p50 at 1 user <= 1.0x baseline"] and found["p95 at 20 users <= 1.0x baseline"]
    assert not found["p50 at 20 users <= 1.0x baseline"]
    assert found["throughput at 20 users >= 1.0x baseline"]
    assert not Check("throughput", 0.9, 1.0, at_most=False).met
    assert found["turn 200 <= 1.5x turn 1"] and found["ready time <= baseline"]
