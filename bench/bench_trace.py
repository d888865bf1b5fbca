"""Tracing speed: the in-memory index over DuckDB against PostgreSQL 15 with the right indexes, case by case.

Loads one scenario dataset into the store (`pccovid load`) and into a throw-away local PostgreSQL 15
cluster (Debian's `postgresql`, run as the `postgres` user on a free port; copied, indexed, then vacuumed so
that its index-only scans need not visit the heap), then times, in one run: one F1 + points trace (ours and
PostgreSQL's, median and p95), one full trace (F1 + F2 + points, ours), all cases confirmed on the peak day
(ours batched, PostgreSQL one by one and in one batched query), the index build time and memory, and recall
against the scenario's infections. Checks that PostgreSQL finds the same F1 (as sets of people) and the same
points (venue, first and last instant, people exposed) as ours. Prints figures with the machine's load beside
them (timings on a shared machine are noisy; the CPU time of our traces is printed too); never fails on time.

    .venv/bin/python bench/bench_trace.py --preset demo [--cases 300] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
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
from tracing.single import trace_row  # noqa: E402
from tracing.tracer import cases_confirmed_on, rule_for, trace_many, trace_rows  # noqa: E402

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


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def percentiles(samples_ms: list[float]) -> str:
    return f"median {statistics.median(samples_ms):7.2f} ms   p95 {p95(samples_ms):7.2f} ms   (n={len(samples_ms)})"


def machine_load() -> str:
    """The load average: the machine is shared, and timings mean little without it."""
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


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
"""
# After a COPY no page is marked all-visible, so every index-only scan would still visit the heap: VACUUM sets the
# visibility map (and ANALYZE the statistics). Not inside a transaction block: run on an autocommit connection.
PG_VACUUM = "VACUUM (ANALYZE)"

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


# All cases of a batch (e.g. the peak day) in one query: the one-case query over arrays of cases and windows.
PG_TRACE_BATCH = """
WITH traced AS (
    SELECT * FROM unnest(%(cases)s::bigint[], %(starts)s::timestamptz[], %(ends)s::timestamptz[])
        AS t(case_id, start_ts, end_ts)
),
mine AS (
    SELECT t.case_id, p.venue_id, greatest(p.arrival, t.start_ts) AS came, least(p.leave, t.end_ts) AS went, v.dwell
    FROM traced AS t JOIN presences AS p ON p.person_id = t.case_id
    JOIN venues AS v USING (venue_id)
    WHERE p.arrival < t.end_ts AND p.arrival > t.start_ts - interval '12 hours' AND p.leave > t.start_ts
),
at_venues AS (
    SELECT m.case_id, o.person_id AS other, 2 AS via, m.venue_id, greatest(o.arrival, m.came) AS ts,
           extract(epoch FROM least(o.leave, m.went) - greatest(o.arrival, m.came)) AS overlap_s,
           NULL::int AS duration_s, NULL::real AS distance_m
    FROM mine AS m JOIN presences AS o
      ON o.venue_id = m.venue_id AND o.arrival < m.went AND o.arrival >= m.came - m.dwell AND o.leave > m.came
    WHERE m.went > m.came AND o.person_id <> m.case_id
),
encounters AS (
    SELECT t.case_id, t.start_ts, c.person_b AS other, c.start_ts AS began, c.duration_s, c.distance_m
    FROM traced AS t JOIN contacts AS c ON c.person_a = t.case_id
    WHERE c.start_ts < t.end_ts AND c.start_ts > t.start_ts - interval '1 day'
    UNION ALL
    SELECT t.case_id, t.start_ts, c.person_a, c.start_ts, c.duration_s, c.distance_m
    FROM traced AS t JOIN contacts AS c ON c.person_b = t.case_id
    WHERE c.start_ts < t.end_ts AND c.start_ts > t.start_ts - interval '1 day'
),
links AS (
    SELECT t.case_id, h.person_id AS other, 0 AS via, NULL::bigint AS venue_id, NULL::timestamptz AS ts,
           NULL::numeric AS overlap_s, NULL::int AS duration_s, NULL::real AS distance_m
    FROM traced AS t JOIN people AS f ON f.person_id = t.case_id
    JOIN people AS h ON h.household_id = f.household_id AND h.person_id <> t.case_id
    UNION ALL
    SELECT case_id, other, 1, NULL, greatest(began, start_ts), NULL, duration_s, distance_m FROM encounters
    WHERE distance_m <= %(max_m)s AND began + make_interval(secs => greatest(duration_s, 1)) > start_ts
    UNION ALL
    SELECT case_id, other, via, venue_id, ts, overlap_s, duration_s, distance_m FROM at_venues WHERE overlap_s > 0
),
f1 AS (
    SELECT DISTINCT ON (case_id, other) 'f1' AS part, case_id, other AS id, via, venue_id, ts, ts AS until, overlap_s,
           duration_s, distance_m
    FROM links ORDER BY case_id, other, via, distance_m NULLS FIRST, coalesce(duration_s, overlap_s) DESC, ts
),
exposed AS (
    SELECT case_id, venue_id, count(DISTINCT other) AS people FROM at_venues WHERE overlap_s > 0
    GROUP BY case_id, venue_id
)
SELECT * FROM f1
UNION ALL
SELECT 'point', m.case_id, m.venue_id, NULL, NULL, min(m.came), max(m.went), coalesce(min(e.people), 0), NULL, NULL
FROM mine AS m LEFT JOIN exposed AS e USING (case_id, venue_id) WHERE m.went > m.came GROUP BY m.case_id, m.venue_id
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
        pg.execute(PG_VACUUM)


def to_datetime(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds) + EPOCH_S, dt.UTC)


def pg_trace(cur, case: int, start: int, end: int, max_m: float) -> list:
    cur.execute(PG_TRACE, {"case": case, "start": to_datetime(start), "end": to_datetime(end), "max_m": max_m})
    return cur.fetchall()


def pg_trace_batch(cur, cases: list[int], starts: list[int], ends: list[int], max_m: float) -> list:
    """Rows of PG_TRACE_BATCH: part, case_id, then the one-case query's columns."""
    cur.execute(
        PG_TRACE_BATCH,
        {
            "cases": cases,
            "starts": [to_datetime(s) for s in starts],
            "ends": [to_datetime(e) for e in ends],
            "max_m": max_m,
        },
    )
    return cur.fetchall()


def f1_and_points(result: dict) -> tuple[frozenset, frozenset]:
    """Our trace's F1 (person ids) and points (venue, first and last instant in epoch seconds, people exposed)."""
    f1 = frozenset(entry["person_id"] for entry in result["f1"])
    points = frozenset(
        (
            p["venue_id"],
            int(dt.datetime.fromisoformat(p["first_ts"]).timestamp()),
            int(dt.datetime.fromisoformat(p["last_ts"]).timestamp()),
            p["people_exposed"],
        )
        for p in result["points"]
    )
    return f1, points


def pg_f1_and_points(rows: list) -> tuple[frozenset, frozenset]:
    """The same from the rows of one case's PG_TRACE."""
    f1 = frozenset(r[1] for r in rows if r[0] == "f1")
    points = frozenset((r[1], int(r[4].timestamp()), int(r[5].timestamp()), int(r[6])) for r in rows if r[0] == "point")
    return f1, points


def agreement(ours: list[tuple[frozenset, frozenset]], theirs: list[tuple[frozenset, frozenset]]) -> str:
    """How many cases have the same F1 set and the same points both ways, and the people and points that differ."""
    same_f1 = sum(a[0] == b[0] for a, b in zip(ours, theirs, strict=True))
    same_points = sum(a[1] == b[1] for a, b in zip(ours, theirs, strict=True))
    f1_only_ours = sum(len(a[0] - b[0]) for a, b in zip(ours, theirs, strict=True))
    f1_only_pg = sum(len(b[0] - a[0]) for a, b in zip(ours, theirs, strict=True))
    points_differ = sum(len(a[1] ^ b[1]) for a, b in zip(ours, theirs, strict=True))
    n = len(ours)
    return (
        f"same F1 set {same_f1} of {n} cases (F1 only ours {f1_only_ours:,}, only PostgreSQL's {f1_only_pg:,}); "
        f"same points {same_points} of {n} ({points_differ:,} points differ)"
    )


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
    ours_f1, ours_full, f1_sizes, f2_sizes, ours_sets = [], [], [], [], []
    cpu_f1, cpu_full = [], []
    load_one = machine_load()
    for case in sample:
        t, c = time.perf_counter(), time.thread_time()
        result = trace(index, case, f2=False)
        cpu_f1.append((time.thread_time() - c) * 1000)
        ours_f1.append((time.perf_counter() - t) * 1000)
        f1_sizes.append(len(result["f1"]))
        ours_sets.append(f1_and_points(result))
    for case in sample:
        t, c = time.perf_counter(), time.thread_time()
        result = trace(index, case)
        cpu_full.append((time.thread_time() - c) * 1000)
        ours_full.append((time.perf_counter() - t) * 1000)
        f2_sizes.append(len(result["f2"]))
    # The same traces as arrays, the form the tracing stage stores (contact_table): what is left once the CONTRACT §3
    # dicts, one per F2, are not built.
    ours_arrays, cpu_arrays = [], []
    for row in rows.tolist():
        t, c = time.perf_counter(), time.thread_time()
        trace_row(index, row, rule_for(index, row))
        cpu_arrays.append((time.thread_time() - c) * 1000)
        ours_arrays.append((time.perf_counter() - t) * 1000)

    local_day = (index.cases.confirmed.astype(np.int64) + EPOCH_S + VN_OFFSET_S) // 86400
    days, counts = np.unique(local_day, return_counts=True)
    peak = dt.date(1970, 1, 1) + dt.timedelta(days=int(days[counts.argmax()]))
    peak_cases = cases_confirmed_on(index, peak)
    peak_rows = index.cases.find(peak_cases)
    load_peak = machine_load()
    t = time.perf_counter()
    peak_f1 = trace_rows(index, peak_rows, rule, f2=False).results()
    ours_peak_f1 = time.perf_counter() - t
    t = time.perf_counter()
    peak_full = trace_many(index, peak_cases)
    ours_peak_full = time.perf_counter() - t
    peak_f2 = sum(len(r["f2"]) for r in peak_full)
    del peak_full

    print(f"\n== {args.preset}: one trace, case by case ({len(sample)} random cases; {load_one}) ==")
    print(
        f"  ours F1 + points        {percentiles(ours_f1)}   CPU p95 {p95(cpu_f1):7.2f} ms   mean F1 "
        f"{statistics.mean(f1_sizes):.1f}"
    )
    print(
        f"  ours F1 + F2 + points   {percentiles(ours_full)}   CPU p95 {p95(cpu_full):7.2f} ms   mean F2 "
        f"{statistics.mean(f2_sizes):,.1f}, p95 {p95(f2_sizes):,.0f}, largest {max(f2_sizes):,}"
    )
    print(f"    of which as arrays    {percentiles(ours_arrays)}   CPU p95 {p95(cpu_arrays):7.2f} ms   (no JSON dicts)")

    if not args.no_postgres:
        import psycopg

        with postgres_cluster() as conninfo:
            print("\nloading PostgreSQL …", flush=True)
            seconds = load_postgres(conninfo, store)
            print(f"  PostgreSQL loaded, indexed and vacuumed in {seconds:.0f} s")
            with psycopg.connect(conninfo, autocommit=True) as pg, pg.cursor() as cur:
                cur.execute("SET plan_cache_mode = force_generic_plan")
                pg_ms, pg_sets = [], []
                args_of = list(zip(sample, starts.tolist(), ends.tolist(), strict=True))
                for case, start, end in args_of[:20]:
                    pg_trace(cur, case, start, end, rule.proximity_max_m)
                load_pg = machine_load()
                for case, start, end in args_of:
                    t = time.perf_counter()
                    found = pg_trace(cur, case, start, end, rule.proximity_max_m)
                    pg_ms.append((time.perf_counter() - t) * 1000)
                    pg_sets.append(pg_f1_and_points(found))
                peak_windows = [
                    w.tolist()
                    for w in infectious_window(
                        index.cases.sample[peak_rows],
                        index.cases.onset[peak_rows],
                        index.cases.confirmed[peak_rows],
                        rule,
                    )
                ]
                t = time.perf_counter()
                for case, start, end in zip(peak_cases.tolist(), *peak_windows, strict=True):
                    pg_trace(cur, case, start, end, rule.proximity_max_m)
                pg_peak = time.perf_counter() - t
                cur.execute("SET plan_cache_mode = auto")  # the batch's arrays are planned for their size
                t = time.perf_counter()
                batched = pg_trace_batch(cur, peak_cases.tolist(), *peak_windows, rule.proximity_max_m)
                pg_peak_batched = time.perf_counter() - t
            by_case: dict[int, list] = {}
            for r in batched:
                by_case.setdefault(r[1], []).append(r[:1] + r[2:])
            peak_sets_pg = [pg_f1_and_points(by_case.get(case, [])) for case in peak_cases.tolist()]
            print(f"  PostgreSQL F1 + points  {percentiles(pg_ms)}   ({load_pg})")
            print(f"  against ours, {len(sample)} random cases: {agreement(ours_sets, pg_sets)}")
    print(f"\n== {args.preset}: all {len(peak_cases):,} cases confirmed on the peak day {peak} ({load_peak}) ==")
    print(f"  ours batched F1 + points       {ours_peak_f1 * 1000:9.1f} ms")
    print(f"  ours batched F1 + F2 + points  {ours_peak_full * 1000:9.1f} ms   ({peak_f2:,} F2 named)")
    if not args.no_postgres:
        print(f"  PostgreSQL one by one F1 + points {pg_peak * 1000:9.1f} ms  ({pg_peak / ours_peak_f1:.1f}× ours)")
        print(
            f"  PostgreSQL batched F1 + points    {pg_peak_batched * 1000:9.1f} ms  "
            f"({pg_peak_batched / ours_peak_f1:.1f}× ours)"
        )
        ours_peak_sets = [f1_and_points(r) for r in peak_f1]
        print(f"  batched against ours: {agreement(ours_peak_sets, peak_sets_pg)}")

    print(f"\n== {args.preset}: recall against the scenario's infections ==")
    t = time.perf_counter()
    found = recall(index, source.revealable_infections())
    for line in found.lines():
        print(f"  {line}")
    print(f"  (evaluated in {time.perf_counter() - t:.1f} s)")
    print(f"\n== {args.preset}: clusters against the scenario's transmission chains ==")
    clusters = cluster_quality(
        source.cluster_truth(),
        source.confirmed_pairs(),
        source.revealable_infections(),
        source.case_links(),
        len(index.cases),
    )
    for line in clusters.lines():
        print(f"  {line}")
    store.close()


if __name__ == "__main__":
    main()
