"""The sentence encoder's cost, measured in a fresh process: load time, added RSS, and the
per-message time for new texts (uncached) and repeated ones (the cache)."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = r"""
import json, sys, time
from pathlib import Path
def rss():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
sys.path.insert(0, sys.argv[1])
import numpy, tokenizers, safetensors  # the libraries alone are not the model's cost
before = rss()
t = time.perf_counter()
from bot.embeddings import SentenceEncoder
enc = SentenceEncoder()
load_s = time.perf_counter() - t
after = rss()
words = "how do i become a nurse paramedic pay band apprenticeship care leaver money grades".split()
texts = [" ".join(words[(i * 7 + j) % len(words)] for j in range(4 + i % 9)) + f" {i}" for i in range(300)]
new = []
for text in texts:
    t = time.perf_counter(); enc.encode_one(text); new.append((time.perf_counter() - t) * 1000)
again = []
for text in texts:
    t = time.perf_counter(); enc.encode_one(text); again.append((time.perf_counter() - t) * 1000)
print(json.dumps({"load_s": load_s, "added_rss_mb": after - before, "new_ms": new, "cached_ms": again}))
"""


def embedding_figures(python: str = str(ROOT / ".venv" / "bin" / "python")) -> dict:
    out = subprocess.run([python, "-c", PROBE, str(ROOT)], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    p95 = lambda xs: statistics.quantiles(xs, n=100)[94]  # noqa: E731
    return {"load_s": raw["load_s"], "added_rss_mb": raw["added_rss_mb"],
            "new_p50_ms": statistics.median(raw["new_ms"]), "new_p95_ms": p95(raw["new_ms"]),
            "cached_p50_ms": statistics.median(raw["cached_ms"])}


if __name__ == "__main__":
    print(json.dumps(embedding_figures(), indent=2))
    sys.exit(0)
