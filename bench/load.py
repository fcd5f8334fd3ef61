"""REST load for make bench: sequential, concurrent, and one long conversation."""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def summary(times: list[float], seconds: float) -> dict:
    return {"p50_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
            "mean_ms": statistics.fmean(times), "turns": len(times),
            "throughput_per_s": len(times) / seconds}


def conversation(port: int, sender: str, script: list[str], turns: int) -> list[float]:
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    times = []
    with httpx.Client(timeout=120) as client:
        for i in range(turns):
            start = time.perf_counter()
            resp = client.post(url, json={"sender": sender, "message": script[i % len(script)]})
            resp.raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return times


def users(port: int, script: list[str], n_users: int, turns: int, tag: str) -> dict:
    """``n_users`` people talking at once, each through 10-turn conversations."""
    per_user = max(turns // n_users, len(script))

    def one(u: int) -> list[float]:
        out: list[float] = []
        for c in range(per_user // len(script)):
            out += conversation(port, f"{tag}-u{u}-c{c}", script, len(script))
        return out

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n_users) as pool:
        times = [t for chunk in pool.map(one, range(n_users)) for t in chunk]
    return summary(times, time.perf_counter() - began)


def long_conversation(port: int, script: list[str], turns: int, tag: str) -> dict:
    """One conversation of ``turns`` turns: how much slower is the end than the start?"""
    times = conversation(port, f"{tag}-long", script, turns)
    first, last = statistics.median(times[:10]), statistics.median(times[-10:])
    return {"turns": turns, "first10_p50_ms": first, "last10_p50_ms": last, "ratio": last / first}
