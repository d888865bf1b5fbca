"""The cache behind the data layer: flask-caching's RedisCache, keys carrying the data version, values as Arrow or JSON."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import redis
from cachelib.serializers import BaseSerializer
from flask_caching.backends import RedisCache

log = logging.getLogger(__name__)

_ARROW, _JSON = b"A", b"J"


class ArrowJsonSerializer(BaseSerializer):
    """Arrow tables as Arrow IPC, everything else as JSON: never pickle, so Redis cannot inject code."""

    def dumps(self, value: Any, *args: Any, **kwargs: Any) -> bytes:
        if isinstance(value, pa.Table):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, value.schema) as writer:
                writer.write_table(value)
            return _ARROW + sink.getvalue().to_pybytes()
        return _JSON + json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")

    def loads(self, value: bytes | None, *args: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        tag, body = value[:1], value[1:]
        if tag == _ARROW:
            return pa.ipc.open_stream(body).read_all()
        if tag == _JSON:
            return json.loads(body)
        return None


class DataCache:
    """A namespace of cached data functions for one store; keys are `<store>:<version>:<function>:<args>`."""

    def __init__(self, client: redis.Redis, store_id: str, version: Callable[[], int], timeout: int = 3600) -> None:
        self.client = client
        self.backend = RedisCache(host=client, key_prefix=f"pccovid:{store_id}:cache:", default_timeout=timeout)
        self.backend.serializer = ArrowJsonSerializer()
        self._version = version

    def key(self, name: str, args: tuple, kwargs: dict) -> str:
        text = json.dumps([args, sorted(kwargs.items())], default=_key_part, ensure_ascii=False)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
        return f"v{self._version()}:{name}:{digest}"

    def get_or_compute(self, name: str, compute: Callable[[], Any], args: tuple, kwargs: dict) -> Any:
        key = self.key(name, args, kwargs)
        try:
            found = self.backend.get(key)
        except redis.RedisError:
            log.warning("cache unavailable; computing %s directly", name)
            return compute()
        if found is not None:
            return found
        value = compute()
        try:
            self.backend.set(key, value)
        except redis.RedisError:
            log.warning("cache unavailable; %s not stored", name)
        return value


def _key_part(value: Any) -> Any:
    cache_key = getattr(value, "cache_key", None)
    return cache_key if cache_key is not None else str(value)


# The process's cache, set by data.runtime when it opens the store (None: every call computes).
_active: DataCache | None = None


def activate(cache: DataCache | None) -> None:
    """Makes `cache` the one the decorated data functions use (None turns caching off)."""
    global _active
    _active = cache


def cached(namespace: str) -> Callable:
    """Decorates a data function so that its result is cached under the current data version."""

    def decorate(fn: Callable) -> Callable:
        name = f"{namespace}.{fn.__name__}"

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cache = _active
            if cache is None:
                return fn(*args, **kwargs)
            return cache.get_or_compute(name, lambda: fn(*args, **kwargs), args, kwargs)

        wrapper.uncached = fn  # type: ignore[attr-defined]
        return wrapper

    return decorate
