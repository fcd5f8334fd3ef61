"""`make bench`: our bot beside a bare `rasa init` bot, measured in the same run.

Prints one table (p50/p95 REST turn latency, ratio to the baseline, ready time, RSS, training
time) and writes it as JSON under bench/results/. Not a test: nothing here asserts a time.

    .venv/bin/python bench/run_bench.py [--turns 200] [--retrain-baseline]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.supervisor import RASA, Service, Stack, services, stack_env  # noqa: E402
from tests.e2e.conftest import free_port  # noqa: E402

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
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def converse(port: int, script: list[str], turns: int, tag: str) -> list[float]:
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    times = []
    with httpx.Client(timeout=60) as client:
        for i in range(turns):
            sender = f"bench-{tag}-{i // len(script)}"
            start = time.perf_counter()
            resp = client.post(url, json={"sender": sender, "message": script[i % len(script)]})
            resp.raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return times


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
                       env=stack_env({"actions": 0, "rasa": 0}))
        trained = time.monotonic() - start
    return max((BASELINE_DIR / "models").glob("*.tar.gz"), key=os.path.getmtime), trained


def measure(stack: Stack, port: int, script: list[str], turns: int, tag: str) -> dict:
    started = time.monotonic()
    with stack:
        stack.wait_ready()
        ready = time.monotonic() - started
        converse(port, script, len(script), tag + "-warm")  # load lazy parts once
        times = converse(port, script, turns, tag)
        rss = sum(rss_mb(s.proc.pid) for s in stack.items if s.proc)
    return {"p50_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "mean_ms": statistics.fmean(times), "ready_s": ready, "rss_mb": rss, "turns": turns}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--retrain-baseline", action="store_true")
    args = parser.parse_args()
    logs = ROOT / "var" / "bench" / "logs"

    model, base_train = baseline_model(args.retrain_baseline)
    bport = free_port()
    env = stack_env({"actions": free_port(), "rasa": bport}, {"TRACKER_DB": str(logs / "base.db")})
    base_svc = Service("rasa-init", [str(RASA), "run", "--model", str(model), "--port", str(bport),
                                     "--interface", "127.0.0.1"],
                       f"http://127.0.0.1:{bport}/", logs / "baseline.log")
    base = measure(Stack([base_svc], env), bport, BASE, args.turns, "base")
    base["train_s"] = base_train

    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    ours_stack = Stack(services(ports, logs)[:2],  # action server + Rasa, as for the baseline
                       stack_env(ports, {"TRACKER_DB": str(logs / "ours-tracker.db")}))
    ours = measure(ours_stack, ports["rasa"], OURS, args.turns, "ours")

    rows = [("p50 turn latency (ms)", "p50_ms"), ("p95 turn latency (ms)", "p95_ms"),
            ("mean turn latency (ms)", "mean_ms"), ("ready time (s)", "ready_s"),
            ("RSS, all processes (MB)", "rss_mb")]
    print(f"\n{args.turns} sequential REST turns each (10-turn conversations)\n")
    print(f"{'metric':<26}{'rasa init':>12}{'ours':>12}{'ours/base':>11}")
    for label, key in rows:
        print(f"{label:<26}{base[key]:>12.1f}{ours[key]:>12.1f}{ours[key] / base[key]:>10.2f}x")
    if base_train:
        print(f"{'baseline training (s)':<26}{base_train:>12.1f}")
    out = ROOT / "bench" / "results" / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"baseline": base, "ours": ours}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
