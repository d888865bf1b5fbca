"""`pccovid`: the command line (CONTRACT §2). Exit 0 on success, 2 on bad arguments or input, with one line on stderr."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from data.config import ROOT, db_path

log = logging.getLogger("pccovid")

DEMO_DATASET = ROOT / "var" / "demo"
DEMO_LIVE_DAYS = 7
VN = dt.timezone(dt.timedelta(hours=7))
TRACE_BATCH = 2000  # cases traced together by `trace --all-cases`


class CommandError(Exception):
    """A problem the person running the command can fix; printed as one line, exit status 2."""


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def cmd_load(args: argparse.Namespace) -> None:
    from data.loader import DatasetError, load_dataset
    from data.reference_export import export as export_reference
    from data.store import Store, StoreError

    try:
        store = Store(args.db)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    try:
        report = load_dataset(store, Path(args.dataset), progress=None if args.quiet else _progress)
        export_reference(store)  # the ingest API's known ids and venue provinces
    except DatasetError as exc:
        raise CommandError(f"{exc} — nothing was loaded") from exc
    finally:
        store.close()
    print("\n".join(report.lines()))


def cmd_scenario(args: argparse.Namespace) -> None:
    import scenario
    from scenario.presets import preset
    from scenario.shapes import shape_named

    try:
        options = preset(args.preset) if args.preset else {}
        if args.shape:
            shape_named(args.shape)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if args.shape and args.shape != options.get("shape", "delta"):
        # another shape than the preset's starts on its own first day
        options.pop("start", None)
        options["shape"] = args.shape
    for name in ("scale", "days", "seed"):
        value = getattr(args, name)
        if value is not None:
            options[name] = value
    options.setdefault("scale", 0.002)
    options.setdefault("days", 180)
    options.setdefault("seed", 1)
    if not 0 < options["scale"] <= 1:
        raise CommandError(f"--scale {options['scale']} must be in (0, 1]")
    if options["days"] < 1:
        raise CommandError(f"--days {options['days']} must be at least 1")
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise CommandError(f"{out} is not empty; pass --force to overwrite")
    if out.exists() and args.force:
        shutil.rmtree(out)
    started = time.perf_counter()
    counts = scenario.generate(out, progress=None if args.quiet else _progress, **options)
    seconds = time.perf_counter() - started
    for table, rows in counts.items():
        print(f"{table:<13}{rows:>14,}")
    print(f"written to {out} in {seconds:.1f} s")


def build_demo(db: Path, dataset: Path = DEMO_DATASET, hold_back: int = 0) -> bool:
    """Generates and loads the demo scenario when the store does not exist yet; True if it did. The last `hold_back`
    days are left out, for a live replay to bring them (`make run`)."""
    if db.exists():
        return False
    import scenario
    from data.loader import load_dataset
    from data.store import Store
    from scenario.presets import preset
    from scenario.replay import split_by_day

    print(f"No store at {db}: building the demo scenario (about two minutes, once).", flush=True)
    if not (dataset / "people.parquet").exists():
        shutil.rmtree(dataset, ignore_errors=True)
        scenario.generate(dataset, progress=_progress, **preset("demo"))
    # History in one load, then the last days one load each, as a running platform receives them: the tracing
    # speed the overview shows is then that of daily loads (see scenario/replay.py).
    folders = split_by_day(dataset, dataset.with_name(dataset.name + "-by-day"), live_days=DEMO_LIVE_DAYS)
    partial = db.with_suffix(".building")
    partial.unlink(missing_ok=True)
    store = Store(partial)
    try:
        report = load_dataset(store, folders[0], progress=_progress)
        print("\n".join(report.lines()), flush=True)
        for folder in folders[1 : len(folders) - hold_back]:
            day = load_dataset(store, folder)
            events = sum(t.loaded for t in day.tables)
            print(f"  … {folder.name}: {events:,} events loaded and traced in {day.seconds:.1f} s", flush=True)
    finally:
        store.close()
    partial.rename(db)  # only a complete store takes the real name
    return True


DEMO_USERS_FILE = ROOT / "var" / "demo-users.txt"
# One demo user per role (CONTRACT §7): username -> (role, scope).
DEMO_USERS = {
    "demo-national": ("national", None),
    "demo-province79": ("province", "province:79"),
    "demo-district760": ("district", "district:760"),
    "demo-tracer79": ("tracer", "province:79"),
    "demo-press": ("press", None),
    "demo-admin": ("admin", None),
}


def demo_users(path: Path = DEMO_USERS_FILE) -> bool:
    """Creates the demo users with random passwords, prints them once and writes them to `path` (owner only); True
    if it did. Nothing new when the file is there and its users exist."""
    import secrets

    from data import users

    client = _redis()
    if path.exists() and all(users.get(client, name) is not None for name in DEMO_USERS):
        return False
    passwords = {}
    for name, (role_name, scope) in DEMO_USERS.items():
        password = secrets.token_urlsafe(12)
        try:
            users.add(client, name, role_name, scope, password)
        except users.UserError:
            users.set_password(client, name, password)  # the file was lost: new passwords, old sessions end
            users.enable(client, name)
        _audit_local("user_add", name, {"role": role_name, "scope": scope or "national", "demo": True})
        passwords[name] = password
    lines = [
        f"{name:<20}{password:<20}{DEMO_USERS[name][0]} {DEMO_USERS[name][1] or ''}"
        for name, password in passwords.items()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("# PC-Covid demo users: user name, password, role, scope\n" + "\n".join(lines) + "\n")
    print("Demo users (shown once; also in " + str(path) + ", readable by you only):")
    print("\n".join("  " + line for line in lines), flush=True)
    return True


def cmd_demo(args: argparse.Namespace) -> None:
    if not 0 <= args.hold_back < DEMO_LIVE_DAYS:
        raise CommandError(f"--hold-back {args.hold_back} must be 0 to {DEMO_LIVE_DAYS - 1}")
    if not build_demo(Path(args.db), hold_back=args.hold_back):
        print(f"Store {args.db} already exists; nothing to build.")
    if not demo_users():
        print(f"Demo users exist; their passwords are in {DEMO_USERS_FILE}.")


def _end_streams_at_stop(worker) -> None:
    """gunicorn's post_worker_init hook: at a graceful stop (SIGTERM) the worker waits for its open requests, and the
    pages' event streams would hold it for its whole timeout; they end first (the browsers reconnect by themselves)."""
    from web import push

    stop = worker.handle_exit

    def end_streams_then_stop(signum, frame) -> None:
        push.end_streams()
        stop(signum, frame)

    signal.signal(signal.SIGTERM, end_streams_then_stop)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn has it: a stop does not break requests' system calls


def cmd_serve(args: argparse.Namespace) -> None:
    from gunicorn.app.base import BaseApplication

    from data.redis_server import ensure_redis_url, is_embedded, masked

    db = Path(args.db)
    if not db.exists():
        raise CommandError(f"{db}: no store; run `pccovid demo` or `pccovid load DIR --db {db}` first")
    os.environ["PCCOVID_DB"] = str(db.resolve())
    redis_url = ensure_redis_url()
    host, port = args.host, args.port

    class CommandCentre(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": 1,  # DuckDB: one read-write process; requests run on threads
                "worker_class": "gthread",
                "threads": args.threads,
                "timeout": 120,
                "control_socket_disable": True,
                "post_worker_init": _end_streams_at_stop,
                "when_ready": start_replay,
                "on_exit": stop_replay,
                "accesslog": "-" if args.access_log else None,
            }
            for key, value in settings.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            from app import server

            return server

    replaying: list[subprocess.Popen] = []

    def start_replay(_arbiter) -> None:
        if args.replay:
            replaying.append(_start_replay(args, redis_url))

    def stop_replay(_arbiter) -> None:
        for process in replaying:
            process.terminate()

    where = "embedded Valkey" if is_embedded() else "Redis"
    print(f"PC-Covid command centre: http://{host}:{port}  (store {db}, {where} {masked(redis_url)})", flush=True)
    CommandCentre().run()


def cmd_writer(args: argparse.Namespace) -> None:
    """The one writer on its own: reads the ingest stream into the store until stopped (or, with --drain, until the
    stream is empty). For tests and benches; `pccovid serve` runs the same consumer inside the server."""
    from data import consumer, pipeline, runtime
    from data.store import StoreError

    if not os.environ.get("REDIS_URL"):
        raise CommandError("set REDIS_URL to the Redis server the ingest API writes to")
    try:
        store = runtime.open_store(Path(args.db))
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    # The first batch would wait for the tracing index anyway; "writer:" below then means ready to commit.
    pipeline.start_tracing(store).join()
    reader = consumer.StreamConsumer(
        store,
        runtime.redis_client(),
        stream=args.stream,
        max_events=args.batch_events,
        max_wait_s=args.batch_ms / 1000,
        on_batch=_print_batch if args.report else None,
    )
    # A stop (SIGTERM, Ctrl-C) lets the batch being written commit and be acknowledged first.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: reader.stop(wait_s=0))
    signal.signal(signal.SIGINT, lambda _signum, _frame: reader.stop(wait_s=0))
    print(f"writer: {args.db} <- {reader.stream} (group {reader.group}, consumer {reader.consumer})", flush=True)
    try:
        if args.drain:
            reader.drain()
        else:
            reader.run()
    finally:
        runtime.close()
    s = reader.stats
    print(f"writer: {s.batches:,} batches, {s.events:,} events, {s.loaded:,} stored, {s.refused:,} refused", flush=True)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day such as 2021-08-02") from None


def cmd_replay(args: argparse.Namespace) -> None:
    """Posts a dataset's events in the order they reached the platform, `--speed` epidemic seconds per second."""
    from scenario import live
    from scenario.replay import last_day

    folder = Path(args.dataset)
    if not folder.is_dir():
        raise CommandError(f"{folder}: not a folder")
    since = args.since
    if args.last_days:
        try:
            since = last_day(folder) - dt.timedelta(days=args.last_days - 1)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
    speed = 0 if args.max else args.speed
    if speed < 0:
        raise CommandError(f"--speed {speed} must be 0 (as fast as possible) or more")
    if args.stream is not None:
        from data.redis_server import client
        from ingest.stream import stream_key

        if not os.environ.get("REDIS_URL"):
            raise CommandError("--stream appends to the Redis server in REDIS_URL; set it")
        sink = live.StreamSink(client(), args.stream or stream_key())
        where = f"the stream {sink.stream} (bypassing the API)"
    else:
        key = args.key or os.environ.get("PCCOVID_SITE_KEY")
        if not key:
            raise CommandError("--key (or PCCOVID_SITE_KEY): the site key `pccovid site add` printed")
        tokens = None
        if os.environ.get("REDIS_URL"):
            # The key ring is at hand: venue scans carry personal QR tokens the API verifies (CONTRACT §6).
            from ingest import keys

            try:
                tokens = live.QrTokens(*keys.active_signer(_redis()))
            except keys.KeyringError as exc:
                raise CommandError(str(exc)) from exc
        else:
            log.warning("replay: no REDIS_URL, so no QR key: venue scans are posted as the person's own scans")
        try:
            sink = live.HttpSink(args.url, key, tokens=tokens)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        where = args.url
    try:
        line = live.timeline(folder, since=since)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    pace = "as fast as possible" if speed == 0 else f"{speed:g} epidemic seconds per second"
    print(f"replay: {len(line):,} events from {since or 'the start'} to {where}, {pace}", flush=True)
    shown = [time.monotonic()]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - shown[0] >= 10 or done == total:
            shown[0] = time.monotonic()
            at = dt.datetime.fromtimestamp(int(line.arrival_us[done - 1]) / 1e6, VN)
            print(
                f"  … {done:,} of {total:,} events sent, epidemic time {at:%Y-%m-%d %H:%M}", file=sys.stderr, flush=True
            )

    started = time.perf_counter()
    try:
        live.replay(line, sink, speed=speed, post_events=args.post_events, progress=progress)
    except live.ReplayError as exc:
        raise CommandError(str(exc)) from exc
    seconds = time.perf_counter() - started
    sent = sink.sent
    print(
        f"replay: {sent.events:,} events in {sent.posts:,} posts in {seconds:.1f} s ({sent.events / max(seconds, 1e-9):,.0f}/s); "
        f"accepted {sent.accepted:,}, duplicates {sent.duplicates:,}, rejected {sent.rejected:,}, retries {sent.retries:,}",
        flush=True,
    )
    if isinstance(sink, live.HttpSink) and sink.tokens is not None:
        print(f"replay: venue scans carried {len(sink.tokens):,} personal QR tokens (QR key {sink.tokens.key_id})")
    for reason, count in sorted(sent.reasons.items(), key=lambda item: -item[1])[:5]:
        print(f"  rejected {count:,}: {reason}", flush=True)


REPLAY_SITE = "demo-replay"  # the site `serve --replay` posts as, registered anew at each start
REPLAY_RATE = 1_000_000  # events a second: a replay at a high --replay-speed must not be held back by its own site


def _start_replay(args: argparse.Namespace, redis_url: str) -> subprocess.Popen:
    """`serve --replay DIR`: once the server listens, replays the dataset's last days in the background through the
    server's own ingest API (a live epidemic for a newcomer). The site key is PCCOVID_SITE_KEY when set; otherwise the
    demo site is registered anew and its new key handed to the replay in its environment, never on its command line
    (which `ps` shows to anyone) and never printed."""
    import redis

    from ingest import sites

    command = [sys.executable, "-m", "cli", "replay", args.replay, "--last-days", str(args.replay_last_days)]
    command += ["--speed", str(args.replay_speed), "--url", f"http://{args.host}:{args.port}"]
    env = dict(os.environ, REDIS_URL=redis_url)
    if not env.get("PCCOVID_SITE_KEY"):
        client = redis.Redis.from_url(redis_url)
        try:
            env["PCCOVID_SITE_KEY"] = sites.reissue(client, REPLAY_SITE, sites.NATIONAL, REPLAY_RATE)
        finally:
            client.close()
    print(f"Replaying the last {args.replay_last_days} days of {args.replay} in the background.", flush=True)
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _print_batch(report, received) -> None:
    events = sum(r.events for r in received)
    stages = " ".join(f"{name} {seconds:.2f}" for name, seconds in report.stages.items())
    print(f"batch {report.load_id}: {events:,} events in {report.seconds:.2f} s ({stages})", flush=True)


def _redis():
    from data.redis_server import client

    return client()


def cmd_qr_issue(args: argparse.Namespace) -> None:
    """The person's QR token on one line (CONTRACT §6); with --png, its image too."""
    from ingest import keys

    if not 0 <= args.person <= 2**63 - 1:
        raise CommandError(f"--person {args.person} is not a person id (0 to 2^63 - 1)")
    if not 1 <= args.days <= 3650:
        raise CommandError(f"--days {args.days} must be 1 to 3650")
    try:
        token = keys.issue(_redis(), args.person, args.days)
    except keys.KeyringError as exc:
        raise CommandError(str(exc)) from exc
    if args.png:
        import segno

        segno.make_qr(token, error="m").save(args.png, scale=6, border=4)
    print(token)


def cmd_qr_rotate(args: argparse.Namespace) -> None:
    from ingest import keys

    key_id = keys.rotate(_redis())
    print(f"QR key {key_id} now signs; earlier keys still verify until retired (`pccovid qr retire ID`)")


def cmd_qr_retire(args: argparse.Namespace) -> None:
    from ingest import keys

    try:
        keys.retire(_redis(), args.key_id)
    except keys.KeyringError as exc:
        raise CommandError(str(exc)) from exc
    print(f"QR key {args.key_id} retired: its tokens are refused")


def cmd_site_add(args: argparse.Namespace) -> None:
    from ingest import sites

    try:
        key = sites.add(_redis(), args.name, args.province, args.rate)
    except sites.SiteError as exc:
        raise CommandError(str(exc)) from exc
    print(key)
    print(f"site {args.name} ({args.province}): the key above is shown once and stored only hashed", file=sys.stderr)


def cmd_site_revoke(args: argparse.Namespace) -> None:
    from ingest import sites

    try:
        sites.revoke(_redis(), args.name)
    except sites.SiteError as exc:
        raise CommandError(str(exc)) from exc
    print(f"site {args.name} revoked")


def _audit_local(action: str, target: str, detail: dict | None = None) -> None:
    """The command line's changes to users are audited too: as the OS user, from the address "local"."""
    import getpass

    from data import audit

    try:
        audit.record(action, target, detail, username=getpass.getuser(), client=_redis())
    except audit.AuditUnavailable as exc:
        raise CommandError(f"{exc}; the change was made but not audited") from exc


def _read_password() -> str:
    """One line from standard input (`echo PASSWORD | pccovid user add …`), or asked for without echo at a terminal."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user_add(args: argparse.Namespace) -> None:
    from data import users

    password = _read_password()
    try:
        if not password:
            raise users.UserError("no password on standard input")
        user = users.add(_redis(), args.name, args.role, args.scope, password)
    except users.UserError as exc:
        raise CommandError(str(exc)) from exc
    _audit_local("user_add", user.username, {"role": user.role, "scope": user.scope})
    print(f"user {user.username} ({user.role}, {user.scope}) added")


def cmd_user_disable(args: argparse.Namespace) -> None:
    from data import users

    try:
        users.disable(_redis(), args.name)
    except users.UserError as exc:
        raise CommandError(str(exc)) from exc
    _audit_local("user_disable", args.name)
    print(f"user {args.name} disabled: no login, and open sessions end at their next request")


def cmd_user_enable(args: argparse.Namespace) -> None:
    from data import users

    try:
        users.enable(_redis(), args.name)
    except users.UserError as exc:
        raise CommandError(str(exc)) from exc
    _audit_local("user_enable", args.name)
    print(f"user {args.name} enabled")


def cmd_user_list(args: argparse.Namespace) -> None:
    from data import users

    for user in users.listed(_redis()):
        state = "disabled" if user.disabled else "active"
        print(f"{user.username:<24}{user.role:<10}{user.scope:<28}{state}")


def cmd_ingest(args: argparse.Namespace) -> None:
    """The ingest API alone (CONTRACT §5): stateless, needing only Redis and the reference snapshot."""
    from ingest.server import run

    run(args.host, args.port, workers=args.workers, threads=args.threads, access_log=args.access_log)


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant; without an offset it is read in Viet Nam's time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r} is not an ISO 8601 time such as 2021-08-02T09:10:00+07:00") from None
    return value if value.tzinfo else value.replace(tzinfo=VN)


def _open_index(db: str):
    """The tracing index built from the store at `db`, which is closed again."""
    from data.store import Store, StoreError
    from data.tracing_source import TracingSource
    from tracing import build_index

    path = Path(db)
    if not path.is_file():
        raise CommandError(f"{path}: no store; run `pccovid demo` or `pccovid load DIR --db {path}` first")
    try:
        store = Store(path)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    try:
        return build_index(TracingSource(store.cursor()))
    finally:
        store.close()


def _write_trace(result: dict) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False, separators=(", ", ": ")))
    sys.stdout.write("\n")


def cmd_trace(args: argparse.Namespace) -> None:
    """One case's trace as JSON, or every confirmed case's as JSON lines by confirmation time (CONTRACT §2–3)."""
    import numpy as np

    from tracing import NotACase, trace, trace_many

    if args.all_cases:
        if args.as_of:
            raise CommandError("--as-of applies to --person only")
        index = _open_index(args.db)
        cases = index.cases
        order = np.lexsort((cases.person_id, cases.confirmed))
        for begin in range(0, len(order), TRACE_BATCH):
            for result in trace_many(index, cases.person_id[order[begin : begin + TRACE_BATCH]]):
                _write_trace(result)
        sys.stdout.flush()
        return
    as_of = parse_instant(args.as_of) if args.as_of else None
    index = _open_index(args.db)
    try:
        _write_trace(trace(index, args.person, as_of=as_of))
    except NotACase as exc:
        raise CommandError(str(exc)) from exc


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pccovid", description="PC-Covid command centre")
    sub = top.add_subparsers(dest="command", required=True)
    default_db = str(db_path())

    p = sub.add_parser("load", help="load a canonical dataset (a folder of Parquet files) into the store")
    p.add_argument("dataset", metavar="DIR")
    p.add_argument("--db", default=default_db)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(run=cmd_load)

    p = sub.add_parser("scenario", help="write a synthetic canonical dataset with its ground truth")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument(
        "--preset",
        help="demo, bench, test (the Delta wave) or community-test, community, community-bench (the other options "
        "override it)",
    )
    p.add_argument(
        "--shape",
        help="delta (the 2021 wave, the default) or community (spread from a few dozen seeds through schools, "
        "workplaces and markets, from 1 November 2021)",
    )
    p.add_argument("--scale", type=float, help="fraction of Viet Nam's population (default 0.002)")
    p.add_argument("--days", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--force", action="store_true", help="overwrite a non-empty output folder")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(run=cmd_scenario)

    p = sub.add_parser("demo", help="build the demo store (scenario + load) if there is none")
    p.add_argument("--db", default=default_db)
    p.add_argument(
        "--hold-back", type=int, default=0, metavar="N", help="leave the last N days out, for `serve --replay` to bring"
    )
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("serve", help="run the dashboard")
    p.add_argument("--db", default=default_db)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    # Many threads, few of them drawing pages at once (web/callback_slots.py): light requests never queue.
    p.add_argument("--threads", type=int, default=64)
    p.add_argument("--access-log", action="store_true")
    p.add_argument("--replay", metavar="DIR", help="replay this dataset's last days in the background (make run)")
    p.add_argument("--replay-last-days", type=int, default=2, metavar="N")
    p.add_argument("--replay-speed", type=float, default=60, help="epidemic seconds per second (default 60)")
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("writer", help="the one writer alone: commit the ingest stream's events to the store")
    p.add_argument("--db", default=default_db)
    p.add_argument("--stream", help="the stream's key (default PCCOVID_STREAM or pccovid:ingest)")
    p.add_argument("--batch-events", type=int, default=200_000, help="events per batch at most (default 200,000)")
    p.add_argument("--batch-ms", type=int, default=200, help="how long a batch waits for more events (default 200)")
    p.add_argument("--drain", action="store_true", help="stop once the stream holds nothing new or pending")
    p.add_argument("--report", action="store_true", help="print each batch's events and stage seconds")
    p.set_defaults(run=cmd_writer)

    p = sub.add_parser("replay", help="post a dataset's events in time order through the ingest API (a live epidemic)")
    p.add_argument("dataset", metavar="DIR")
    p.add_argument(
        "--speed",
        type=float,
        default=60,
        help="epidemic seconds per second (60: an hour a minute; 0: as fast as possible)",
    )
    p.add_argument("--max", action="store_true", help="as fast as the API takes them (--speed 0)")
    since = p.add_mutually_exclusive_group()
    since.add_argument("--from", dest="since", type=_day, metavar="DAY", help="the first local day to replay")
    since.add_argument("--last-days", type=int, metavar="N", help="replay only the dataset's last N days")
    p.add_argument(
        "--url", default="http://127.0.0.1:8050", help="the command centre or `pccovid ingest` serving the API"
    )
    p.add_argument("--key", help="the site key (default PCCOVID_SITE_KEY)")
    p.add_argument(
        "--stream",
        nargs="?",
        const="",
        metavar="KEY",
        help="append straight onto the ingest stream at REDIS_URL instead, bypassing the API (tests, benches)",
    )
    p.add_argument("--post-events", type=int, default=1000, help="events per post at most (the API takes 10,000)")
    p.set_defaults(run=cmd_replay)

    p = sub.add_parser("ingest", help="run the ingest API alone (CONTRACT §5), needing only Redis")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8060)
    p.add_argument("--workers", type=int, default=2, help="processes (each validates on its own core)")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--access-log", action="store_true")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("site", help="the sites that may post events: add one (prints its key once), revoke one")
    site = p.add_subparsers(dest="site_command", required=True)
    q = site.add_parser("add", help="register a site and print its new key")
    q.add_argument("--name", required=True)
    q.add_argument("--province", required=True, help="the province code it posts for (79), or national")
    q.add_argument("--rate", type=int, default=20_000, help="events a second it may post (default 20,000)")
    q.set_defaults(run=cmd_site_add)
    q = site.add_parser("revoke", help="revoke a site's key")
    q.add_argument("name")
    q.set_defaults(run=cmd_site_revoke)

    p = sub.add_parser("user", help="the command centre's users (CONTRACT §7): add, disable, enable, list")
    user = p.add_subparsers(dest="user_command", required=True)
    q = user.add_parser("add", help="add a user; the password is read from standard input")
    q.add_argument("name")
    q.add_argument("--role", required=True, help="national, province, district, tracer, press or admin")
    q.add_argument("--scope", help="province:79, district:760,761 or national (what the role takes)")
    q.set_defaults(run=cmd_user_add)
    q = user.add_parser("disable", help="no more logins; the user's open sessions end at their next request")
    q.add_argument("name")
    q.set_defaults(run=cmd_user_disable)
    q = user.add_parser("enable", help="allow a disabled user to log in again")
    q.add_argument("name")
    q.set_defaults(run=cmd_user_enable)
    q = user.add_parser("list", help="the users, their roles, scopes and states (never a hash)")
    q.set_defaults(run=cmd_user_list)

    p = sub.add_parser("qr", help="personal QR tokens (CONTRACT §6): issue one, rotate or retire the signing key")
    qr = p.add_subparsers(dest="qr_command", required=True)
    q = qr.add_parser("issue", help="print a person's signed QR token (and write its image with --png)")
    q.add_argument("--person", type=int, required=True, metavar="ID")
    q.add_argument("--days", type=int, default=30, help="valid for N days (default 30)")
    q.add_argument("--png", metavar="FILE")
    q.set_defaults(run=cmd_qr_issue)
    q = qr.add_parser("rotate", help="make a new signing key; the old one still verifies until retired")
    q.set_defaults(run=cmd_qr_rotate)
    q = qr.add_parser("retire", help="refuse every token signed by a key id")
    q.add_argument("key_id", type=int, metavar="KEY_ID")
    q.set_defaults(run=cmd_qr_retire)

    p = sub.add_parser("trace", help="trace a confirmed case (F1, F2, points), or every case")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--person", type=int, metavar="ID", help="the confirmed case (person_id)")
    which.add_argument("--all-cases", action="store_true", help="every confirmed case, one result per line")
    p.add_argument("--as-of", metavar="TS", help="trace as at this instant (ISO 8601; Viet Nam time if no offset)")
    p.add_argument("--db", default=default_db)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object (the default for --person)")
    form.add_argument("--jsonl", action="store_true", help="one JSON object per line (the default for --all-cases)")
    p.set_defaults(run=cmd_trace)
    return top


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except CommandError as exc:
        print(f"pccovid {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
