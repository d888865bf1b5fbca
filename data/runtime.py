"""The process's open store, Redis connection and cache, set up once by the app or the command line."""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path

import flask
import redis

from data import cache as data_caching
from data import redis_server, reference_export
from data.cache import DataCache
from data.config import db_path
from data.store import Store

log = logging.getLogger(__name__)

_lock = threading.Lock()
_store: Store | None = None
_cache: DataCache | None = None
_redis: redis.Redis | None = None


def open_store(path: Path | None = None, *, with_redis: bool = True) -> Store:
    """Opens the store (once per process) and, unless told not to, connects the cache to Redis."""
    global _store, _cache, _redis
    with _lock:
        if _store is None:
            _store = Store(path or db_path())
            atexit.register(close)  # a clean close checkpoints the store and frees DuckDB before exit
            if with_redis:
                _redis = redis_server.client()
                _cache = DataCache(_redis, _store.store_id, data_version)
                data_caching.activate(_cache)
                _redis.set(_version_key(), _store.data_version())
                _store.writer.on_commit(_publish_version)
            # The ingest API's known ids and venue provinces follow the store (it never opens the store itself).
            reference_export.follow(_store)
        return _store


def store() -> Store:
    if _store is None:
        return open_store()
    return _store


def opened() -> Store | None:
    """The open store, or None; never opens one (a background check must not create a store at the default path)."""
    return _store


def data_cache() -> DataCache | None:
    return _cache


def redis_client() -> redis.Redis | None:
    return _redis


def _version_key() -> str:
    assert _store is not None
    return f"pccovid:{_store.store_id}:data_version"


def data_version() -> int:
    """The current data version: from Redis (cheap), else from the store. A request reads it once, so every
    figure of one page comes from the same version (a page asks for it once per cached data function)."""
    if flask.has_request_context():
        if "pccovid_data_version" not in flask.g:
            flask.g.pccovid_data_version = _current_version()
        return flask.g.pccovid_data_version
    return _current_version()


def _current_version() -> int:
    if _redis is not None:
        try:
            found = _redis.get(_version_key())
            if found is not None:
                return int(found)
        except redis.RedisError:
            log.warning("Redis unavailable; reading the data version from the store")
    return store().data_version()


def _publish_version(version: int) -> None:
    if _redis is not None:
        _redis.set(_version_key(), version)
        _redis.publish(f"pccovid:{_store.store_id}:changed", version)


def close() -> None:
    global _store, _cache, _redis
    with _lock:
        if _store is not None:
            _store.close()
        _store, _cache, _redis = None, None, None
        data_caching.activate(None)
