"""Load throughput: `pccovid load` of a scenario dataset into a fresh store, rows/s per table and peak memory.

Prints figures, never fails on time. The datasets live under bench/out/ (git-ignored) and are
generated with the scenario's presets when missing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def ensure_dataset(preset: str) -> Path:
    folder = OUT / preset
    if (folder / "people.parquet").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating the {preset} scenario into {folder} …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "cli", "scenario", "--preset", preset, "--out", str(folder), "--quiet"],
        cwd=ROOT,
        check=True,
    )
    return folder


def run_load(dataset: Path, db: Path, label: str) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cli", "load", str(dataset), "--db", str(db), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(f"load failed ({label})")
    print(f"\n{label}: {dataset.name} → {db.name}")
    print(result.stdout.rstrip())
    rows = sum(int(line.split()[2].replace(",", "")) for line in result.stdout.splitlines()[1:-1])
    peak_note = f"{peak / 1024:,.0f} MB" if peak > before else "≤ earlier peak (see above)"
    print(f"wall {seconds:.1f} s, {rows / seconds:,.0f} rows/s overall, peak RSS {peak_note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="all", help="demo, bench or all")
    args = parser.parse_args()
    presets = ["demo", "bench"] if args.preset == "all" else [args.preset]
    for preset in presets:
        dataset = ensure_dataset(preset)
        db = OUT / f"load-{preset}.duckdb"
        db.unlink(missing_ok=True)
        run_load(dataset, db, f"first load ({preset})")
        run_load(dataset, db, f"same dataset again, idempotent ({preset})")
        # The loaded store serves the dashboard benchmark next, instead of loading the same data again.
        db.replace(OUT / f"dashboard-{preset}.duckdb")


if __name__ == "__main__":
    main()
