"""Benchmark of the scenario generator: wall time, rows per table, rows/s and peak RSS per preset.

Run `python bench/bench_scenario.py --preset demo|bench|all`; each preset runs in a child process so
that its peak RSS is its own. Prints figures only; never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def run_one(name: str) -> dict:
    sys.path.insert(0, str(ROOT))
    import scenario

    started = time.perf_counter()
    counts = scenario.generate(OUT / name, **scenario.preset(name))
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"preset": name, "seconds": elapsed, "rows": counts, "peak_rss_mib": peak_kib / 1024}


def report(result: dict) -> None:
    total = sum(result["rows"].values())
    print(f"preset {result['preset']}: {result['seconds']:.1f} s wall, peak RSS {result['peak_rss_mib']:.0f} MiB")
    for table, rows in result["rows"].items():
        print(f"  {table:<13} {rows:>13,} rows")
    print(f"  {'total':<13} {total:>13,} rows  ({total / result['seconds']:,.0f} rows/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=["demo", "bench", "all"], default="all")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return
    for name in ["demo", "bench"] if args.preset == "all" else [args.preset]:
        done = subprocess.run([sys.executable, __file__, "--child", name], check=True, capture_output=True, text=True)
        report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
