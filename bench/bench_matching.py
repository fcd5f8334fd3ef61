"""Latency of bot.matching for a 350-role catalogue.

Run: PYTHONPATH=/work/main /tmp/app-probe/bin/python bench/bench_matching.py
"""
from __future__ import annotations

import statistics
import time

from bot.matching import RoleEntry, RoleMatcher, _pipeline

SPECIALTIES = (
    "cardiac renal neonatal stroke orthopaedic respiratory oncology community district school "
    "prison theatre endoscopy dialysis palliative diabetes haematology dermatology audiology "
    "vascular urology cystic-fibrosis sleep genetics virology immunology pathology radiotherapy "
    "rehabilitation continence infection-control tissue-viability neurology ophthalmology"
).split()
PROFESSIONS = ("physiologist", "specialist nurse", "support worker", "technician", "coordinator",
               "practitioner", "manager", "administrator", "scientist", "assistant")
REAL = [
    RoleEntry("paramedic", "Paramedic"),
    RoleEntry("nurse", "Nurse", ("adult nurse", "registered nurse")),
    RoleEntry("childrens-nurse", "Children's nurse", ("paediatric nurse",)),
    RoleEntry("nursing-associate", "Nursing associate"),
    RoleEntry("healthcare-assistant", "Healthcare assistant", ("HCA", "healthcare support worker")),
    RoleEntry("odp", "Operating department practitioner", ("ODP",)),
    RoleEntry("occupational-therapist", "Occupational therapist", ("OT",)),
    RoleEntry("physiotherapist", "Physiotherapist", ("physio",)),
    RoleEntry("slt", "Speech and language therapist", ("SLT", "SALT")),
    RoleEntry("midwife", "Midwife"),
    RoleEntry("diagnostic-radiographer", "Diagnostic radiographer"),
    RoleEntry("porter", "Porter"),
    RoleEntry("general-practitioner", "General practitioner", ("GP", "family doctor")),
]
MESSAGES = [
    "how do i become a paramedik", "what's the pay for a nursing associate", "hello",
    "difference between a nurse and a nursing associate", "I wanna be a midwife when I leave school",
    "thanks", "what do physiotherapsits do all day", "how much do they earn", "HCA",
    "tell me about being a renal specialist nurse please", "cardiak physiologist",
    "I'm 16 and I like science, what jobs are there in the NHS for someone like me?",
    "speech-and-language therapists", "radiograper", "can I be an ODP without a degree",
]


def catalogue(size: int = 350) -> list[RoleEntry]:
    """The real roles above plus synthetic "<specialty> <profession>" ones, ``size`` in all."""
    roles = list(REAL)
    for spec in SPECIALTIES:
        for prof in PROFESSIONS:
            if len(roles) >= size:
                return roles
            title = f"{spec.replace('-', ' ')} {prof}"
            roles.append(RoleEntry(title.replace(" ", "-"), title.capitalize(), (f"{spec} {prof}s",)))
    return roles


def lookup_figures(size: int = 350) -> dict:
    """p50/p95 of a catalogue lookup (match) at ``size`` roles, for make bench."""
    matcher = RoleMatcher(catalogue(size))
    for message in MESSAGES:
        matcher.match(message)
    times = []
    for _ in range(50):
        for message in MESSAGES:
            start = time.perf_counter()
            matcher.match(message)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"roles": size, "p50_ms": statistics.median(times),
            "p95_ms": times[int(0.95 * len(times))]}


def main() -> None:
    t0 = time.perf_counter()
    _pipeline()
    t1 = time.perf_counter()
    roles = catalogue()
    matcher = RoleMatcher(roles)
    t2 = time.perf_counter()
    RoleMatcher(roles)
    t3 = time.perf_counter()
    print(f"roles: {len(roles)}; pipeline load {1000 * (t1 - t0):.0f} ms (once per process); "
          f"build {1000 * (t2 - t1):.1f} ms first, {1000 * (t3 - t2):.1f} ms rebuild")
    for name, call in (("match", matcher.match), ("best", matcher.best), ("suggest", matcher.suggest)):
        for message in MESSAGES:   # warm caches
            call(message)
        times = []
        for _ in range(100):
            for message in MESSAGES:
                start = time.perf_counter()
                call(message)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(0.95 * len(times))]
        print(f"{name:8s} n={len(times)} p50 {statistics.median(times):.3f} ms  p95 {p95:.3f} ms  "
              f"max {times[-1]:.3f} ms")
    cold = []
    for i in range(300):     # unseen words: tokenizer and lemma caches miss
        message = f"how do i become a paramedik number{i} zq{i}x"
        start = time.perf_counter()
        matcher.match(message)
        cold.append((time.perf_counter() - start) * 1000)
    cold.sort()
    p95 = cold[int(0.95 * len(cold))]
    print(f"match (unseen words) p50 {statistics.median(cold):.3f} ms  p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()
