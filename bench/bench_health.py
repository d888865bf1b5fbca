"""/health latency alone and while 32 tracers open trace pages at once (issue 10). Prints p50, p95 and max;
never fails on time.

    .venv/bin/python bench/bench_health.py [--db var/pccovid.duckdb] [--pages 32] [--seconds 20] [--viewer province:79]

Serves the store with `pccovid serve` (the demo store is built when missing), waits for the tracing index, then
times /health one request at a time: first alone, then while `--pages` threads each open trace pages in a loop as
a browser does (the page's HTML, then the layout callback that draws it), from another process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.login import bench_account, http_session  # noqa: E402
from cli import build_demo  # noqa: E402
from tests.conftest import free_port, open_page, wait_for  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(label: str, times_ms: list[float]) -> str:
    return (
        f"{label}: {len(times_ms)} requests, p50 {statistics.median(times_ms):,.1f} ms, "
        f"p95 {percentile(times_ms, 0.95):,.1f} ms, max {max(times_ms):,.1f} ms"
    )


def traced_cases(db: Path, viewer: str, count: int = 400) -> list[int]:
    """Cases with a stored trace the viewer may open (read before the server takes the store's lock)."""
    province = viewer.partition(":")[2].split(",")[0] if viewer.startswith("province:") else None
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT t.case_id FROM traces t JOIN cases c ON c.person_id = t.case_id JOIN areas a ON a.code = c.ward_code"
            " WHERE ? IS NULL OR a.province_code = ? ORDER BY t.f1_count DESC LIMIT ?",
            [province, province, count],
        ).fetchall()
    finally:
        con.close()
    return [row[0] for row in rows]


def time_health(base: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(base + "/health", timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def health_alone(base: str, samples: int) -> list[float]:
    return [time_health(base) for _ in range(samples)]


def open_trace_pages(base: str, account: tuple[str, str], cases: list[int], pages: int, stop, results) -> None:
    """In a process of its own (so the timer of /health shares no GIL with it): `pages` threads open trace pages
    without pause until `stop` is set; their times (ms) go to `results`."""
    times: list[float] = []
    lock = threading.Lock()

    def tracer(seed: int) -> None:
        pick = random.Random(seed)
        session = http_session(base, account)  # each tracer a logged-in browser of its own
        while not stop.is_set():
            started = time.perf_counter()
            status, _body = open_page(base, f"/trace/{pick.choice(cases)}", session)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                print(f"  a trace page answered {status}", flush=True)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=tracer, args=(seed,)) for seed in range(pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(times)


def health_under_load(
    base: str, account: tuple[str, str], cases: list[int], pages: int, seconds: float
) -> tuple[list[float], list[float]]:
    """/health timed every 100 ms while another process keeps `pages` trace pages in flight; also the pages' times."""
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    load = multiprocessing.Process(target=open_trace_pages, args=(base, account, cases, pages, stop, results))
    load.start()
    time.sleep(3)  # every tracer has a page in flight
    health: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        health.append(time_health(base))
        time.sleep(0.1)
    stop.set()
    page_times = results.get(timeout=300)
    load.join(timeout=60)
    return health, page_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "var" / "pccovid.duckdb"))
    parser.add_argument("--pages", type=int, default=32, help="trace pages opened at once")
    parser.add_argument("--seconds", type=float, default=20, help="how long /health is timed under load")
    parser.add_argument("--samples", type=int, default=100, help="/health requests timed alone")
    parser.add_argument("--threads", type=int, help="the server's threads (default: pccovid serve's)")
    parser.add_argument("--viewer", default=os.environ.get("PCCOVID_VIEWER", "national"))
    args = parser.parse_args()

    db = Path(args.db)
    build_demo(db)
    cases = traced_cases(db, args.viewer)
    if not cases:
        print(f"{db} holds no trace the viewer {args.viewer} may open")
        return 1
    port = free_port()
    env = {**os.environ, "PCCOVID_DB": str(db), "PCCOVID_VIEWER": args.viewer}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "cli", "serve", "--db", str(db), "--port", str(port)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/health", 120)
        deadline = time.monotonic() + 600
        while json.loads(urllib.request.urlopen(base + "/health").read())["tracing"]["index"] != "ready":
            if time.monotonic() > deadline:
                print("the tracing index was not ready within 10 minutes")
                return 1
            time.sleep(1)
        account = bench_account()  # in the embedded Valkey the server runs (var/valkey)
        session = http_session(base, account)
        for case in cases[:5]:  # the first pages plan their queries
            open_page(base, f"/trace/{case}", session)
        print(f"store {db}, viewer {args.viewer}, {len(cases)} traced cases to pick from", flush=True)
        print(summary("/health alone", health_alone(base, args.samples)), flush=True)
        health, pages = health_under_load(base, account, cases, args.pages, args.seconds)
        print(summary(f"/health under {args.pages} concurrent trace pages", health))
        print(summary("  the trace pages meanwhile", pages))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
