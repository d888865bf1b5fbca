"""Benchmark of the scenario generator: wall time, rows per table, rows/s and peak RSS per preset, and both shapes side by side.

Run `python bench/bench_scenario.py --preset demo|bench|community|community-bench|shapes|all`; each preset runs in a
child process so that its peak RSS is its own. `shapes` prints one table of the Delta wave and the community shape at
the test scale and of the community preset (people, check-ins, encounters, cases, attack rate, exposures per case,
generation seconds). Prints figures only; never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

SIZES = ["demo", "bench", "community", "community-bench"]
SHAPES_TABLE = ["test", "community-test", "community"]


def run_one(name: str, figures: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    import scenario
    from scenario.figures import dataset_figures

    options = scenario.preset(name)
    started = time.perf_counter()
    counts = scenario.generate(OUT / name, **options)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"preset": name, "shape": options["shape"], "seconds": elapsed, "rows": counts}
    result["peak_rss_mib"] = peak_kib / 1024
    if figures:
        f = dataset_figures(OUT / name)
        result["figures"] = {**asdict(f), "attack_rate": f.attack_rate, "confirmed_rate": f.confirmed_rate}
    return result


def child(name: str, figures: bool = False) -> dict:
    argv = [sys.executable, __file__, "--child", name, *(["--figures"] if figures else [])]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict) -> None:
    total = sum(result["rows"].values())
    print(
        f"preset {result['preset']} ({result['shape']}): {result['seconds']:.1f} s wall, "
        f"peak RSS {result['peak_rss_mib']:.0f} MiB"
    )
    for table, rows in result["rows"].items():
        print(f"  {table:<13} {rows:>13,} rows")
    print(f"  {'total':<13} {total:>13,} rows  ({total / result['seconds']:,.0f} rows/s)")


def shapes_table(results: list[dict]) -> None:
    """One line per preset: what a tracer faces in each shape (scenario/figures.py)."""
    head = (
        f"{'preset':<15}{'shape':<10}{'people':>9}{'check-ins':>12}{'encounters':>12}{'infected':>9}{'seeds':>6}"
        f"{'confirmed':>10}{'attack':>8}{'conf.':>7}{'venue':>6}{'sympt.':>7}{'exposed':>8}{'F1':>6}{'gen s':>7}"
    )
    print(head)
    for r in results:
        f = r["figures"]
        print(
            f"{r['preset']:<15}{r['shape']:<10}{f['people']:>9,}{f['checkins']:>12,}{f['encounters']:>12,}"
            f"{f['infections']:>9,}{f['seeds']:>6}{f['confirmed']:>10,}{f['attack_rate']:>8.1%}"
            f"{f['confirmed_rate']:>7.1%}{f['venue_share']:>6.0%}{f['symptomatic_share']:>7.0%}"
            f"{f['venue_exposures']:>8.1f}{f['f1']:>6.1f}{r['seconds']:>7.1f}"
        )
    print(
        "attack: infected / people; conf.: confirmed / people; venue: infections with an infector that happened at a "
        "venue;\nsympt.: confirmed cases who declared symptoms before their sample; exposed: mean distinct people at a "
        "venue with a case\ninside its infectious window; F1: mean distinct F1 per case (venue, encounter <= 2 m, "
        "household), as the tracer lists them."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=[*SIZES, "shapes", "all"], default="all")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.figures)))
        return
    if args.preset in ("shapes", "all"):
        shapes_table([child(name, figures=True) for name in SHAPES_TABLE])
    for name in SIZES if args.preset == "all" else [args.preset] if args.preset in SIZES else []:
        report(child(name))


if __name__ == "__main__":
    main()
