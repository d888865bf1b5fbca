"""`make bench`: every benchmark in turn; figures printed, nothing asserted on time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS = [
    ("scenario generation (issue 3)", ["bench_scenario.py", "--preset", "all"]),
    ("load throughput and peak memory (issue 2)", ["bench_load.py", "--preset", "all"]),
    ("dashboard: overview callbacks, map changes, page loads (issue 4)", ["bench_dashboard.py", "--preset", "all"]),
    ("tracing at the demo preset: ours against PostgreSQL 15 (issue 5)", ["bench_trace.py", "--preset", "demo"]),
    (
        "tracing on a community epidemic: ours against PostgreSQL 15 (issue 14)",
        ["bench_trace.py", "--preset", "community"],
    ),
    (
        "tracing on a community epidemic of a million people: ours against PostgreSQL 15 (issue 14)",
        ["bench_trace.py", "--preset", "community-bench"],
    ),
    ("tracing at the bench preset: ours against PostgreSQL 15 (issue 5)", ["bench_trace.py", "--preset", "bench"]),
    ("the write path stage by stage, demo (issue 11)", ["bench_pipeline.py", "--preset", "demo"]),
    ("the write path stage by stage, community epidemic (issue 11)", ["bench_pipeline.py", "--preset", "community"]),
    (
        "the write path stage by stage, bench: bulk, then 10,000-event batches (issue 11)",
        ["bench_pipeline.py", "--preset", "bench"],
    ),
    ("/health alone and under 32 trace pages (issue 10)", ["bench_health.py"]),
    (
        "the ingest stream alone (no HTTP) to committed, derived rows, by batch size (issue 12)",
        ["bench_stream.py", "--preset", "demo", "--duration", "0"],
    ),
    (
        "HTTP to committed, derived rows; the writer's lag and event posted -> visible in Chromium at 10,000 events/s "
        "for 10 minutes (issue 12)",
        ["bench_stream.py", "--preset", "demo", "--sink", "http", "--duration", "600"],
    ),
    (
        "the ingest API alone: events/s to the durable stream, appendfsync always and everysec (issue 12)",
        ["bench_ingest.py"],
    ),
]


def main() -> int:
    failed = []
    for title, command in BENCHMARKS:
        print(f"\n=== {title} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / command[0]), *command[1:]], cwd=HERE.parent).returncode:
            failed.append(title)
    if failed:
        print(f"\nbenchmarks that could not run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
