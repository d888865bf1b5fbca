"""Tracing speed: the in-memory index over DuckDB against PostgreSQL 15 with the right indexes, case by case.

Loads one scenario dataset into the store (`pccovid load`) and into a throw-away local PostgreSQL 15
cluster (Debian's `postgresql`, run as the `postgres` user on a free port), then times, in one run:
one F1 + points trace (ours and PostgreSQL's, median and p95), one full trace (F1 + F2 + points, ours,
p95), all cases confirmed on the peak day (ours batched, PostgreSQL one by one), the index build
time and memory, and recall against the scenario's infections. Prints figures, never fails on time.

    .venv/bin/python bench/bench_trace.py --preset demo [--cases 300] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from data.contract import VENUE_KINDS  # noqa: E402
from data.derive.tracing import clusters_need_rebuild, rebuild_clusters  # noqa: E402
from data.store import Store, transaction  # noqa: E402
from data.tracing_source import TracingSource  # noqa: E402
from rules.tracing import tracing_rule_in_force  # noqa: E402
from scenario import PRESETS  # noqa: E402
from tracing import build_index, trace  # noqa: E402
from tracing.evaluate import cluster_quality, recall  # noqa: E402
from tracing.index import EPOCH_S  # noqa: E402
from tracing.links import VN_OFFSET_S, infectious_window  # noqa: E402
from tracing.tracer import cases_confirmed_on, trace_many, trace_rows  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
COMPLETE = ("people.parquet", "venues.parquet", "tests.parquet", "infections.parquet")


def ensure_dataset(preset: str) -> Path:
    folder = OUT / preset
    if all((folder / name).exists() for name in COMPLETE):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating the {preset} scenario into {folder} …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "cli", "scenario", "--preset", preset, "--out", str(folder), "--quiet"],
        cwd=ROOT,
        check=True,
    )
    return folder


def ensure_store(dataset: Path, preset: str) -> Path:
    db = OUT / f"trace-{preset}.duckdb"
    if db.exists():
        return db
    partial = db.with_suffix(".loading")
    partial.unlink(missing_ok=True)
    print(f"loading {dataset} into {db.name} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli", "load", str(dataset), "--db", str(partial), "--quiet"], cwd=ROOT, check=True
    )
    partial.rename(db)
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    return db


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ordered)})"


# ---------------------------------------------------------------------------------------------- PostgreSQL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def postgres_cluster():
    """A throw-away PostgreSQL 15 cluster in a temp dir, run as `postgres`; yields a connection string."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit("PostgreSQL 15 is not installed: apt-get update && apt-get install -y postgresql")
    home = Path(tempfile.mkdtemp(prefix="pccovid-pg-", dir=OUT))
    shutil.chown(home, "postgres", "postgres")
    data = home / "data"
    port = free_port()
    as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    settings = (
        f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB "
        "-c max_wal_size=8GB -c jit=off"
    )
    as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", settings, "-l", str(home / "log"), "-w", "start")
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


PG_SCHEMA = """
CREATE UNLOGGED TABLE people (person_id bigint PRIMARY KEY, household_id bigint NOT NULL);
CREATE UNLOGGED TABLE venues (venue_id bigint PRIMARY KEY, kind text NOT NULL, dwell interval NOT NULL);
CREATE UNLOGGED TABLE presences (person_id bigint, venue_id bigint, arrival timestamptz, leave timestamptz);
CREATE UNLOGGED TABLE contacts (person_a bigint, person_b bigint, start_ts timestamptz, duration_s int, distance_m real);
"""

PG_INDEXES = """
CREATE INDEX presences_by_venue ON presences (venue_id, arrival) INCLUDE (person_id, leave);
CREATE INDEX presences_by_person ON presences (person_id, arrival) INCLUDE (venue_id, leave);
CREATE INDEX contacts_by_a ON contacts (person_a, start_ts);
CREATE INDEX contacts_by_b ON contacts (person_b, start_ts);
CREATE INDEX people_by_household ON people (household_id);
ANALYZE;
"""

# The same presences as the index: an arrival lasts the dwell time of its venue kind unless the
# person's next scan at that venue is an exit.
DUCK_PRESENCES = """
COPY (
    SELECT person_id, venue_id, ts AS arrival,
           CASE WHEN next_direction = 'out' THEN least(ts + dwell, next_ts) ELSE ts + dwell END AS leave
    FROM (
        SELECT c.person_id, c.venue_id, c.ts, c.direction, d.dwell,
               lead(c.direction) OVER w AS next_direction, lead(c.ts) OVER w AS next_ts
        FROM checkins AS c JOIN venues AS v USING (venue_id) JOIN dwell AS d ON d.kind = v.kind
        WINDOW w AS (PARTITION BY c.person_id, c.venue_id ORDER BY c.ts)
    )
    WHERE direction = 'in'
) TO '{path}' (FORMAT csv, HEADER false)
"""

# One F1 + points trace: the three kinds of link, the strongest per person, and the points.
PG_TRACE = """
WITH mine AS (
    SELECT p.venue_id, greatest(p.arrival, %(start)s) AS came, least(p.leave, %(end)s) AS went, v.dwell
    FROM presences AS p JOIN venues AS v USING (venue_id)
    WHERE p.person_id = %(case)s AND p.arrival < %(end)s AND p.arrival > %(start)s - interval '12 hours'
      AND p.leave > %(start)s
),
at_venues AS (
    SELECT o.person_id AS other, 2 AS via, m.venue_id, greatest(o.arrival, m.came) AS ts,
           extract(epoch FROM least(o.leave, m.went) - greatest(o.arrival, m.came)) AS overlap_s,
           NULL::int AS duration_s, NULL::real AS distance_m
    FROM mine AS m JOIN presences AS o
      ON o.venue_id = m.venue_id AND o.arrival < m.went AND o.arrival >= m.came - m.dwell AND o.leave > m.came
    WHERE m.went > m.came AND o.person_id <> %(case)s
),
encounters AS (
    SELECT person_b AS other, start_ts, duration_s, distance_m FROM contacts
    WHERE person_a = %(case)s AND start_ts < %(end)s AND start_ts > %(start)s - interval '1 day'
    UNION ALL
    SELECT person_a, start_ts, duration_s, distance_m FROM contacts
    WHERE person_b = %(case)s AND start_ts < %(end)s AND start_ts > %(start)s - interval '1 day'
),
links AS (
    SELECT person_id AS other, 0 AS via, NULL::bigint AS venue_id, NULL::timestamptz AS ts, NULL::numeric AS overlap_s,
           NULL::int AS duration_s, NULL::real AS distance_m
    FROM people WHERE household_id = (SELECT household_id FROM people WHERE person_id = %(case)s)
      AND person_id <> %(case)s
    UNION ALL
    SELECT other, 1, NULL, greatest(start_ts, %(start)s), NULL, duration_s, distance_m FROM encounters
    WHERE distance_m <= %(max_m)s AND start_ts + make_interval(secs => greatest(duration_s, 1)) > %(start)s
    UNION ALL
    SELECT other, via, venue_id, ts, overlap_s, duration_s, distance_m FROM at_venues WHERE overlap_s > 0
),
f1 AS (
    SELECT DISTINCT ON (other) 'f1' AS part, other AS id, via, venue_id, ts, ts AS until, overlap_s, duration_s, distance_m
    FROM links ORDER BY other, via, distance_m NULLS FIRST, coalesce(duration_s, overlap_s) DESC, ts
)
SELECT * FROM f1
UNION ALL
SELECT 'point', m.venue_id, NULL, NULL, min(m.came), max(m.went),
       (SELECT count(DISTINCT other) FROM at_venues AS a WHERE a.venue_id = m.venue_id AND a.overlap_s > 0), NULL, NULL
FROM mine AS m WHERE m.went > m.came GROUP BY m.venue_id
"""


def load_postgres(conninfo: str, store: Store) -> float:
    started = time.perf_counter()
    rule = tracing_rule_in_force(dt.date(2021, 8, 1))
    work = Path(tempfile.mkdtemp(prefix="pccovid-csv-", dir=OUT))
    con = store.cursor()
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TEMP TABLE dwell (kind VARCHAR, dwell INTERVAL)")
    con.executemany("INSERT INTO dwell VALUES (?, to_seconds(?))", [(k, rule.dwell_s[k]) for k in VENUE_KINDS])
    exports = {
        "people": "COPY (SELECT person_id, household_id FROM people) TO '{path}' (FORMAT csv, HEADER false)",
        "venues": "COPY (SELECT v.venue_id, v.kind, d.dwell FROM venues AS v JOIN dwell AS d USING (kind)) TO '{path}' (FORMAT csv, HEADER false)",
        "presences": DUCK_PRESENCES,
        "contacts": "COPY (SELECT person_a, person_b, start_ts, duration_s, distance_m FROM contacts) TO '{path}' (FORMAT csv, HEADER false)",
    }
    try:
        _copy_to_postgres(conninfo, con, work, exports)
    finally:
        con.execute("DROP TABLE IF EXISTS dwell")
        shutil.rmtree(work, ignore_errors=True)
    return time.perf_counter() - started


def _copy_to_postgres(conninfo: str, con, work: Path, exports: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as pg:
        pg.execute(PG_SCHEMA)
        for table, statement in exports.items():
            path = work / f"{table}.csv"
            con.execute("SET TimeZone = 'UTC'")
            con.execute(statement.format(path=path))
            with (
                pg.cursor() as cur,
                cur.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER false)") as copy,
                path.open("rb") as f,
            ):
                while chunk := f.read(1 << 22):
                    copy.write(chunk)
            path.unlink()
            print(f"  PostgreSQL: {table} copied", flush=True)
        pg.execute(PG_INDEXES)


def to_datetime(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds) + EPOCH_S, dt.UTC)


def pg_trace(cur, case: int, start: int, end: int, max_m: float) -> list:
    cur.execute(PG_TRACE, {"case": case, "start": to_datetime(start), "end": to_datetime(end), "max_m": max_m})
    return cur.fetchall()


# ---------------------------------------------------------------------------------------------- main


def recluster(store: Store) -> None:
    """A store kept from an earlier run may hold clusters of an older cluster rule: cluster it again, as a server would
    at its start, so the figures are the rule's in force."""

    def run(con) -> None:
        if clusters_need_rebuild(con):
            started = time.perf_counter()
            with transaction(con):
                rebuild_clusters(con, 0)
            print(f"  reclustered under the rule in force in {time.perf_counter() - started:.1f} s", flush=True)

    store.writer.run(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Every preset, so `make bench` can run the community ones too (it asked for "community", refused before).
    parser.add_argument("--preset", default="demo", choices=list(PRESETS))
    parser.add_argument("--cases", type=int, default=300, help="cases timed one by one")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    dataset = ensure_dataset(args.preset)
    db = ensure_store(dataset, args.preset)
    process = psutil.Process()
    store = Store(db)
    recluster(store)
    source = TracingSource(store.cursor())
    gc.collect()
    rss_before = process.memory_info().rss
    index = build_index(source)
    rss_after = process.memory_info().rss
    gc.collect()
    gc.freeze()  # as the server does after start-up (app.py): the collector no longer walks long-lived objects
    print(f"\n== {args.preset}: tracing index ==")
    print(f"  {index.summary()}")
    print(f"  arrays {index.nbytes / 2**20:,.0f} MiB; process RSS +{(rss_after - rss_before) / 2**20:,.0f} MiB")

    rng = random.Random(1)
    case_ids = index.cases.person_id.tolist()
    sample = rng.sample(case_ids, min(args.cases, len(case_ids)))
    rows = index.cases.find(np.array(sample))
    rule = tracing_rule_in_force(dt.date(2021, 8, 1))  # the scenario's wave is all under the 2021 version
    starts, ends = infectious_window(
        index.cases.sample[rows], index.cases.onset[rows], index.cases.confirmed[rows], rule
    )

    for case in sample[:20]:  # warm up
        trace(index, case)
    ours_f1, ours_full, f1_sizes = [], [], []
    for case in sample:
        t = time.perf_counter()
        result = trace(index, case, f2=False)
        ours_f1.append((time.perf_counter() - t) * 1000)
        f1_sizes.append(len(result["f1"]))
    for case in sample:
        t = time.perf_counter()
        trace(index, case)
        ours_full.append((time.perf_counter() - t) * 1000)

    local_day = (index.cases.confirmed.astype(np.int64) + EPOCH_S + VN_OFFSET_S) // 86400
    days, counts = np.unique(local_day, return_counts=True)
    peak = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[counts.argmax()]))
    peak_cases = cases_confirmed_on(index, peak)
    peak_rows = index.cases.find(peak_cases)
    t = time.perf_counter()
    trace_rows(index, peak_rows, rule, f2=False).results()
    ours_peak_f1 = time.perf_counter() - t
    t = time.perf_counter()
    trace_many(index, peak_cases)
    ours_peak_full = time.perf_counter() - t

    print(f"\n== {args.preset}: one trace, case by case ({len(sample)} random cases) ==")
    print(f"  ours F1 + points        {percentiles(ours_f1)}   mean F1 {statistics.mean(f1_sizes):.1f}")
    print(f"  ours F1 + F2 + points   {percentiles(ours_full)}")

    if not args.no_postgres:
        import psycopg

        with postgres_cluster() as conninfo:
            print("\nloading PostgreSQL …", flush=True)
            seconds = load_postgres(conninfo, store)
            print(f"  PostgreSQL loaded and indexed in {seconds:.0f} s")
            with psycopg.connect(conninfo, autocommit=True) as pg, pg.cursor() as cur:
                cur.execute("SET plan_cache_mode = force_generic_plan")
                pg_sizes, pg_ms = [], []
                args_of = list(zip(sample, starts.tolist(), ends.tolist(), strict=True))
                for case, start, end in args_of[:20]:
                    pg_trace(cur, case, start, end, rule.proximity_max_m)
                for case, start, end in args_of:
                    t = time.perf_counter()
                    found = pg_trace(cur, case, start, end, rule.proximity_max_m)
                    pg_ms.append((time.perf_counter() - t) * 1000)
                    pg_sizes.append(sum(1 for r in found if r[0] == "f1"))
                peak_windows = infectious_window(
                    index.cases.sample[peak_rows], index.cases.onset[peak_rows], index.cases.confirmed[peak_rows], rule
                )
                t = time.perf_counter()
                for case, start, end in zip(peak_cases.tolist(), *(w.tolist() for w in peak_windows), strict=True):
                    pg_trace(cur, case, start, end, rule.proximity_max_m)
                pg_peak = time.perf_counter() - t
            print(f"  PostgreSQL F1 + points  {percentiles(pg_ms)}   mean F1 {statistics.mean(pg_sizes):.1f}")
            agree = sum(a == b for a, b in zip(f1_sizes, pg_sizes, strict=True))
            print(f"  same F1 list size as ours for {agree} of {len(sample)} cases")
    print(f"\n== {args.preset}: all {len(peak_cases):,} cases confirmed on the peak day {peak} ==")
    print(f"  ours batched F1 + points       {ours_peak_f1 * 1000:9.1f} ms")
    print(f"  ours batched F1 + F2 + points  {ours_peak_full * 1000:9.1f} ms")
    if not args.no_postgres:
        print(f"  PostgreSQL one by one F1 + points {pg_peak * 1000:9.1f} ms  ({pg_peak / ours_peak_f1:.1f}× ours)")

    print(f"\n== {args.preset}: recall against the scenario's infections ==")
    t = time.perf_counter()
    found = recall(index, source.revealable_infections())
    for line in found.lines():
        print(f"  {line}")
    print(f"  (evaluated in {time.perf_counter() - t:.1f} s)")
    print(f"\n== {args.preset}: clusters against the scenario's transmission chains ==")
    clusters = cluster_quality(source.cluster_truth(), source.confirmed_pairs(), source.revealable_infections())
    for line in clusters.lines():
        print(f"  {line}")
    store.close()


if __name__ == "__main__":
    main()
