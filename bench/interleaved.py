"""Interleaved rounds for `make bench`: both bots up at once, A B A B ..., ratios per round.

Machine drift (another process, CPU frequency, a noisy neighbour) lands on both bots alike
because they are measured turn about, in alternating order, many times. Each round runs the
same number of turns and users against each bot; a level's figures are the median over rounds
with their spread (min to max), and each ratio is computed per round and its median taken, so
one lucky or unlucky round (a long tail in one bot's run) can't decide the verdict.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

Run = Callable[[int, str], dict]     # (users, tag) -> a load summary (bench/load.py `summary`)
METRICS = ("p50_ms", "p95_ms", "p99_ms", "throughput_per_s")


@dataclass
class Level:
    users: int
    base: list[dict] = field(default_factory=list)
    ours: list[dict] = field(default_factory=list)

    def median(self, who: str, metric: str) -> float:
        return statistics.median(r[metric] for r in getattr(self, who))

    def spread(self, who: str, metric: str) -> tuple[float, float]:
        values = [r[metric] for r in getattr(self, who)]
        return min(values), max(values)

    def ratios(self, metric: str) -> list[float]:
        """ours / baseline, round by round."""
        return [o[metric] / b[metric] for b, o in zip(self.base, self.ours, strict=False) if b[metric]]

    def ratio(self, metric: str) -> float:
        return statistics.median(self.ratios(metric))


def run_rounds(levels: tuple[int, ...], rounds: int, base: Run, ours: Run,
               progress: Callable[[str], None] = lambda _: None) -> list[Level]:
    """For each load level, ``rounds`` rounds; even rounds run the baseline first, odd ours."""
    out = []
    for n in levels:
        level = Level(n)
        for r in range(rounds):
            order = (("base", base), ("ours", ours)) if r % 2 == 0 else (("ours", ours), ("base", base))
            for who, run in order:
                getattr(level, who).append(run(n, f"{who}-{n}u-r{r}"))
            progress(f"  {n} users, round {r + 1}/{rounds}: p50 ratio "
                     f"{level.ours[-1]['p50_ms'] / level.base[-1]['p50_ms']:.2f}")
        out.append(level)
    return out


def level_table(levels: list[Level]) -> list[str]:
    """Per level and metric: each bot's median over rounds, the median of the per-round
    ratios, each bot's spread (min-max over rounds), and the per-round ratios."""
    lines = [f"{'users':>5}  {'metric':<17}{'rasa init':>10}{'ours':>10}{'ratio':>8}"
             f"{'base min-max':>16}{'ours min-max':>16}   ratio per round"]
    for level in levels:
        for metric in METRICS:
            lo_b, hi_b = level.spread("base", metric)
            lo_o, hi_o = level.spread("ours", metric)
            rounds = " ".join(f"{x:.2f}" for x in level.ratios(metric))
            d = 1 if metric == "throughput_per_s" else 0
            lines.append(f"{level.users:>5}  {metric:<17}{level.median('base', metric):>10.1f}"
                         f"{level.median('ours', metric):>10.1f}{level.ratio(metric):>7.2f}x"
                         f"{f'{lo_b:.{d}f}-{hi_b:.{d}f}':>16}{f'{lo_o:.{d}f}-{hi_o:.{d}f}':>16}   {rounds}")
    return lines


@dataclass(frozen=True)
class Check:
    name: str
    value: float
    limit: float
    at_most: bool = True     # False: the value must be at least the limit

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def line(self) -> str:
        return f"{'met   ' if self.met else 'MISSED'} {self.name}: {self.value:.2f}"


def checks(levels: list[Level], long_ratio: float, rss_ratio: float, ready_ratio: float) -> list[Check]:
    """Issue 16's targets: p50 and p95 <= 1.0x at 1 and 20 users, throughput >= 1.0x at 20,
    turn 200 <= 1.5x turn 1, RSS <= 1.3x, ready time <= the baseline's."""
    by_users = {level.users: level for level in levels}
    found: list[Check] = []
    for n in (1, 20):
        if n in by_users:
            users = f"{n} user{'s' * (n > 1)}"
            found += [Check(f"p50 at {users} <= 1.0x baseline", by_users[n].ratio("p50_ms"), 1.0),
                      Check(f"p95 at {users} <= 1.0x baseline", by_users[n].ratio("p95_ms"), 1.0)]
    if 20 in by_users:
        found.append(Check("throughput at 20 users >= 1.0x baseline",
                           by_users[20].ratio("throughput_per_s"), 1.0, at_most=False))
    found += [Check("turn 200 <= 1.5x turn 1", long_ratio, 1.5),
              Check("RSS <= 1.3x baseline (embedding model loaded)", rss_ratio, 1.3),
              Check("ready time <= baseline", ready_ratio, 1.0)]
    return found
