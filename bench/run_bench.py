"""`make bench`: our bot beside a bare `rasa init` bot, measured in the same run.

Prints one table (REST turn latency at 1 and 20 concurrent users, throughput, turn 1 vs turn
200 of one long conversation, ready time, RSS, training time) plus catalogue lookup and booking
throughput, and writes it all as JSON under bench/results/. Not a test: nothing asserts a time.

    .venv/bin/python bench/run_bench.py [--turns 200] [--long 200] [--retrain-baseline]
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
from bench.load import conversation, long_conversation, users  # noqa: E402
from bot.supervisor import MODEL, RASA, Service, Stack, services, stack_env  # noqa: E402
from tests.e2e.stack import free_port  # noqa: E402

BASELINE_DIR = ROOT / "var" / "bench" / "baseline"
OURS = ["hi", "how do I become a paramedic?", "how much do they earn?", "what about a midwife?",
        "what does a porter do", "how do i get into nursing", "tell me about radiographers",
        "what band is a physio", "thanks", "bye"]
BASE = ["hi", "I am sad", "yes", "hello", "great", "bye", "hey", "very bad", "no", "goodbye"]
TARGETS = {"p95_1": 1.2, "p95_20": 1.2, "long_ratio": 2.0, "lookup_p95_ms": 10.0}


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


def measure(stack: Stack, port: int, script: list[str], args, tag: str) -> dict:
    started = time.monotonic()
    with stack:
        stack.wait_ready()
        ready = time.monotonic() - started
        conversation(port, f"{tag}-warm", script, len(script))  # load lazy parts once
        one = users(port, script, 1, args.turns, f"{tag}-1")
        twenty = users(port, script, 20, args.turns, f"{tag}-20")
        long = long_conversation(port, script, args.long, tag)
        rss = sum(rss_mb(s.proc.pid) for s in stack.items if s.proc)
    return {"users_1": one, "users_20": twenty, "long": long, "ready_s": ready, "rss_mb": rss}


def ours_training_seconds() -> float | None:
    """Time to train our model from scratch (only with --train-ours: it takes minutes)."""
    out = ROOT / "var" / "bench" / "ours-model"
    start = time.monotonic()
    subprocess.run([str(RASA), "train", "--force", "--out", str(out), "--fixed-model-name", "b"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=stack_env({"actions": 0, "rasa": 0, "web": 0}))
    return time.monotonic() - start


def table(base: dict, ours: dict, extra: dict) -> list[str]:
    rows = [("p50 latency, 1 user (ms)", ("users_1", "p50_ms")),
            ("p95 latency, 1 user (ms)", ("users_1", "p95_ms")),
            ("p50 latency, 20 users (ms)", ("users_20", "p50_ms")),
            ("p95 latency, 20 users (ms)", ("users_20", "p95_ms")),
            ("throughput, 20 users (/s)", ("users_20", "throughput_per_s")),
            ("turn 1-10 p50 (ms)", ("long", "first10_p50_ms")),
            ("turn 191-200 p50 (ms)", ("long", "last10_p50_ms")),
            ("turn 200 / turn 1", ("long", "ratio")),
            ("ready time (s)", ("ready_s",)), ("RSS, all processes (MB)", ("rss_mb",)),
            ("training time (s)", ("train_s",))]
    out = [f"{'metric':<30}{'rasa init':>11}{'ours':>11}{'ours/base':>11}"]
    for label, path in rows:
        b, o = base, ours
        for key in path:
            b, o = (b or {}).get(key), (o or {}).get(key)
        if b is None and o is None:
            continue
        ratio = f"{o / b:>10.2f}x" if b and o else f"{'':>11}"
        out.append(f"{label:<30}{b if b is not None else float('nan'):>11.1f}"
                   f"{o if o is not None else float('nan'):>11.1f}{ratio}")
    out.append(f"{'catalogue lookup p95, 350 roles':<30}{'':>11}{extra['lookup']['p95_ms']:>11.3f} ms")
    bk = extra["booking"]
    out.append(f"{'bookings per second (SQLite)':<30}{'':>11}{bk['per_s']:>11.1f}"
               f"   ({bk['attempts']} attempts, {bk['workers']} threads, {bk['confirmed']} confirmed)")
    return out


def verdict(base: dict, ours: dict, extra: dict) -> list[str]:
    checks = [("p95 at 1 user <= 1.2x baseline", ours["users_1"]["p95_ms"] / base["users_1"]["p95_ms"], 1.2),
              ("p95 at 20 users <= 1.2x baseline", ours["users_20"]["p95_ms"] / base["users_20"]["p95_ms"], 1.2),
              ("turn 200 <= 2x turn 1", ours["long"]["ratio"], 2.0),
              ("lookup p95 <= 10 ms", extra["lookup"]["p95_ms"], 10.0)]
    return [f"{'met ' if value <= limit else 'MISSED'} {name}: {value:.2f}" for name, value, limit in checks]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--long", type=int, default=200)
    parser.add_argument("--retrain-baseline", action="store_true")
    parser.add_argument("--train-ours", action="store_true", help="also time our training")
    args = parser.parse_args()
    logs = ROOT / "var" / "bench" / "logs"

    model, base_train = baseline_model(args.retrain_baseline)
    bport = free_port()
    env = stack_env({"actions": free_port(), "rasa": bport, "web": 0},
                    {"TRACKER_DB": str(logs / "base.db")})
    base_svc = Service("rasa-init", [str(RASA), "run", "--model", str(model), "--port", str(bport),
                                     "--interface", "127.0.0.1"],
                       f"http://127.0.0.1:{bport}/", logs / "baseline.log")
    base = measure(Stack([base_svc], env), bport, BASE, args, "base")
    base["train_s"] = base_train

    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    ours_stack = Stack(services(ports, logs)[:2],  # action server + Rasa, as for the baseline
                       stack_env(ports, {"TRACKER_DB": str(logs / f"ours-{time.time():.0f}.db")}))
    ours = measure(ours_stack, ports["rasa"], OURS, args, "ours")
    ours["train_s"] = ours_training_seconds() if args.train_ours else None
    extra = {"lookup": lookup_figures(350), "booking": booking_figures()}

    lines = table(base, ours, extra) + [""] + verdict(base, ours, extra)
    print(f"\n{args.turns} REST turns per load level (10-turn conversations); model {MODEL.name}\n")
    print("\n".join(lines))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"baseline": base, "ours": ours, **extra, "table": lines}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
