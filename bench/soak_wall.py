"""Wall-screen soak: the real app under gunicorn, /wall rotating in Chromium for a while; prints the browser's JS heap,
its DOM node count and the server's RSS over time, so a leak shows as a rising line. Never fails on numbers.

Usage: python bench/soak_wall.py [--minutes 1440] [--seconds 2] [--data-every 5] [--db PATH]
(24 hours is the requirement; a short run with fast rotation compresses many rotations into minutes.)

`--data-every N` publishes a new data version in Redis every N minutes, as a commit would (the version under its key,
then the notice on the store's channel): the server pushes it to the wall over its event stream (/events) and the wall
redraws every panel from the server, so the push and refresh paths soak too, not only the rotation. The stream ends
every 10 minutes and the browser reconnects; the fallback poll (every 60 s while the stream is up) runs all along.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.login import bench_account, log_in  # noqa: E402
from components import ids  # noqa: E402
from tests.conftest import free_port, wait_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=1440)
    parser.add_argument("--seconds", type=int, default=2, help="panel rotation period")
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    parser.add_argument("--data-every", type=float, default=5, help="minutes between new data versions (0: none)")
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "dashboard-demo.duckdb"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from data.events import channel
    from data.redis_server import client, ensure_redis_url
    from data.store import Store

    store = Store(args.db)
    store_id, version = store.store_id, store.data_version()
    store.close()
    redis_url = ensure_redis_url()  # the soak's own server, shared with the app so it can publish versions
    version_key = f"pccovid:{store_id}:data_version"  # as data/runtime.py keeps it
    versions = client(redis_url)
    port = free_port()
    env = {**os.environ, "PCCOVID_DB": args.db, "REDIS_URL": redis_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--db", args.db, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", 120)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--enable-precise-memory-info"],
            )
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            page = log_in(context, f"http://127.0.0.1:{port}", bench_account(redis_url)).new_page()
            page.goto(f"http://127.0.0.1:{port}/wall?seconds={args.seconds}")
            page.locator(".wall-headline .big").first.wait_for()
            started = time.monotonic()
            published = started
            print(f"{'minute':>8}{'JS heap MB':>12}{'DOM nodes':>11}{'server RSS MB':>15}{'data version':>14}")
            while time.monotonic() - started < args.minutes * 60:
                if args.data_every and time.monotonic() - published >= args.data_every * 60:
                    version += 1
                    versions.set(version_key, version)
                    versions.publish(channel(store_id), version)
                    published = time.monotonic()
                heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0") / 1e6
                nodes = page.evaluate("document.getElementsByTagName('*').length")
                rss = sum(
                    c.memory_info().rss
                    for c in [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
                )
                shown = page.locator(f"#{ids.VERSION_BADGE}").text_content()  # what the page has received
                print(
                    f"{(time.monotonic() - started) / 60:>8.1f}{heap:>12.1f}{nodes:>11}{rss / 1e6:>15.0f}"
                    f"{version:>14} {shown}",
                    flush=True,
                )
                page.wait_for_timeout(args.every * 1000)
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
