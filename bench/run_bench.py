"""`make bench`: our bot beside a bare `rasa init` bot, both up at once, measured turn about.

Both servers start together; at each load level (1, 20 and 50 concurrent users) they run the
same turns in interleaved rounds, A B A B ... (bench/interleaved.py), and the table gives each
bot's median p50, p95, p99 and throughput over the rounds, their spread, and the median of the
per-round ratios. Then: turn 1 vs turn 200 of one long conversation, ready time, RSS, the
embedding model's per-message cost and added RSS, catalogue lookup and booking throughput. The
verdict is issue 16's targets. Writes JSON under bench/results/. Not a test: nothing asserts a
time. Say what else was running when you quote it.

    .venv/bin/python bench/run_bench.py [--turns 200] [--rounds 5] [--levels 1,20,50] [--retrain-baseline]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_matching import lookup_figures  # noqa: E402
from bench.booking_bench import booking_figures  # noqa: E402
from bench.embedding_cost import embedding_figures  # noqa: E402
from bench.interleaved import Check, checks, level_table, run_rounds  # noqa: E402
from bench.load import conversation, long_conversation, users  # noqa: E402
from bot.process.supervisor import MODEL, RASA, Service, Stack, services, stack_env  # noqa: E402
from tests.e2e.stack import free_port  # noqa: E402

BASELINE_DIR = ROOT / "var" / "bench" / "baseline"
OURS = ["hi", "how do I become a paramedic?", "how much do they earn?", "what about a midwife?",
        "what does a porter do", "how do i get into nursing", "tell me about radiographers",
        "what band is a physio", "thanks", "bye"]
BASE = ["hi", "I am sad", "yes", "hello", "great", "bye", "hey", "very bad", "no", "goodbye"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            todo.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except OSError:
            continue
    return total / 1024


def baseline_model(retrain: bool) -> tuple[Path, float | None]:
    if retrain and BASELINE_DIR.exists():
        shutil.rmtree(BASELINE_DIR)
    trained = None
    if not list((BASELINE_DIR / "models").glob("*.tar.gz")):
        BASELINE_DIR.mkdir(parents=True, exist_ok=True)
        print("training the `rasa init` baseline ...", flush=True)
        start = time.monotonic()
        subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(BASELINE_DIR)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=stack_env({"actions": 0, "rasa": 0, "web": 0}))
        trained = time.monotonic() - start
    return max((BASELINE_DIR / "models").glob("*.tar.gz"), key=os.path.getmtime), trained


def start_both(base: Stack, ours: Stack) -> dict[str, float]:
    """Start both at once; each one's ready time is from the common start."""
    began = time.monotonic()
    base.__enter__()
    ours.__enter__()
    ready: dict[str, float] = {}
    for name, stack in (("base", base), ("ours", ours)):
        stack.wait_ready()
        ready[name] = time.monotonic() - began
    return ready


def rss_of(stack: Stack) -> float:
    return sum(rss_mb(s.proc.pid) for s in stack.items if s.proc)


def ours_training_seconds() -> float | None:
    """Time to train our model from scratch (only with --train-ours: it takes minutes)."""
    out = ROOT / "var" / "bench" / "ours-model"
    start = time.monotonic()
    subprocess.run([str(RASA), "train", "--force", "--out", str(out), "--fixed-model-name", "b"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=stack_env({"actions": 0, "rasa": 0, "web": 0}))
    return time.monotonic() - start


def other_lines(base: dict, ours: dict, extra: dict) -> list[str]:
    rows = [("turn 1-10 p50 (ms)", ("long", "first10_p50_ms")),
            ("turn 191-200 p50 (ms)", ("long", "last10_p50_ms")),
            ("turn 200 / turn 1", ("long", "ratio")),
            ("ready time (s), both started at once", ("ready_s",)),
            ("RSS, all processes (MB)", ("rss_mb",)), ("training time (s)", ("train_s",))]
    out = [f"{'metric':<38}{'rasa init':>11}{'ours':>11}{'ours/base':>11}"]
    for label, path in rows:
        b, o = base, ours
        for key in path:
            b, o = (b or {}).get(key), (o or {}).get(key)
        if b is None and o is None:
            continue
        ratio = f"{o / b:>10.2f}x" if b and o else f"{'':>11}"
        out.append(f"{label:<38}{b if b is not None else float('nan'):>11.1f}"
                   f"{o if o is not None else float('nan'):>11.1f}{ratio}")
    emb = extra["embedding"]
    out.append(f"{'embedding, new message p50 / p95 (ms)':<38}{'':>11}"
               f"{emb['new_p50_ms']:>11.1f} / {emb['new_p95_ms']:.1f}")
    out.append(f"{'embedding, repeated message p50 (ms)':<38}{'':>11}{emb['cached_p50_ms']:>11.3f}")
    out.append(f"{'embedding model: load (s), added RSS (MB)':<38}{'':>11}"
               f"{emb['load_s']:>11.2f} / {emb['added_rss_mb']:.0f} per process that loads it")
    out.append(f"{'catalogue lookup p95, 350 roles':<38}{'':>11}{extra['lookup']['p95_ms']:>11.3f} ms")
    bk = extra["booking"]
    out.append(f"{'bookings per second (SQLite)':<38}{'':>11}{bk['per_s']:>11.1f}"
               f"   ({bk['attempts']} attempts, {bk['workers']} threads, {bk['confirmed']} confirmed)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="turns per bot per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per load level (>= 5)")
    parser.add_argument("--levels", default="1,20,50", help="concurrent users per level")
    parser.add_argument("--long", type=int, default=200)
    parser.add_argument("--retrain-baseline", action="store_true")
    parser.add_argument("--train-ours", action="store_true", help="also time our training")
    args = parser.parse_args()
    levels = tuple(int(x) for x in args.levels.split(","))
    logs = ROOT / "var" / "bench" / "logs"

    model, base_train = baseline_model(args.retrain_baseline)
    bport = free_port()
    base_env = stack_env({"actions": free_port(), "rasa": bport, "web": 0},
                         {"TRACKER_DB": str(logs / f"base-{time.time():.0f}.db")})
    base_stack = Stack([Service("rasa-init", [str(RASA), "run", "--model", str(model), "--port",
                                              str(bport), "--interface", "127.0.0.1"],
                                f"http://127.0.0.1:{bport}/", logs / "baseline.log")], base_env)
    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    ours_stack = Stack(services(ports, logs)[:2],  # action server + Rasa, as for the baseline
                       stack_env(ports, {"TRACKER_DB": str(logs / f"ours-{time.time():.0f}.db")}))
    oport = ports["rasa"]
    try:
        ready = start_both(base_stack, ours_stack)
        conversation(bport, "base-warm", BASE, len(BASE))   # load lazy parts once
        conversation(oport, "ours-warm", OURS, len(OURS))
        print(f"both up; {args.rounds} interleaved rounds per level {levels}, "
              f"{args.turns} turns per bot per round", flush=True)
        rounds = run_rounds(levels, args.rounds,
                            lambda n, tag: users(bport, BASE, n, args.turns, tag),
                            lambda n, tag: users(oport, OURS, n, args.turns, tag),
                            progress=lambda line: print(line, flush=True))
        base = {"long": long_conversation(bport, BASE, args.long, "base"), "ready_s": ready["base"],
                "rss_mb": rss_of(base_stack), "train_s": base_train}
        ours = {"long": long_conversation(oport, OURS, args.long, "ours"), "ready_s": ready["ours"],
                "rss_mb": rss_of(ours_stack)}
    finally:
        ours_stack.__exit__(None, None, None)
        base_stack.__exit__(None, None, None)
    ours["train_s"] = ours_training_seconds() if args.train_ours else None
    extra = {"lookup": lookup_figures(350), "booking": booking_figures(),
             "embedding": embedding_figures()}

    verdict = checks(rounds, ours["long"]["ratio"], ours["rss_mb"] / base["rss_mb"],
                     ours["ready_s"] / base["ready_s"])
    verdict.append(Check("lookup p95 <= 10 ms", extra["lookup"]["p95_ms"], 10.0))
    lines = (level_table(rounds) + [""] + other_lines(base, ours, extra) + [""]
             + [c.line() for c in verdict])
    print(f"\n{args.turns} REST turns per bot per round, 10-turn conversations; model {MODEL.name}; "
          f"ratio = median of per-round ours/base\n")
    print("\n".join(lines))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"levels": [vars(level) for level in rounds], "baseline": base,
                               "ours": ours, **extra, "table": lines}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
