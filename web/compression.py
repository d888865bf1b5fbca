"""Compressed responses (zstd, Brotli or gzip, as the browser accepts): the scripts are about 5 MB, about 1.5 MB
compressed, which is what a first visit over a provincial network waits for. Fingerprinted files (component
bundles, assets, boundaries) are compressed once per process; callback responses each time (a few KB)."""

from __future__ import annotations

import threading

import flask
from flask_compress import Compress

# URLs whose body never changes for the life of the process (Dash fingerprints bundles and assets).
_UNCHANGING = ("/_dash-component-suites/", "/assets/", "/geo/")
_LIMIT = 64 * 2**20  # bytes of compressed bodies kept at most


class _StaticCache:
    """flask-compress's cache backend: keeps the compressed bodies of unchanging GETs only."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";") or self._size + len(value) > _LIMIT:
            return  # not a fingerprinted file (see _key), or full
        with self._lock:
            if key not in self._bodies:
                self._bodies[key] = value
                self._size += len(value)


def _key(request: flask.Request) -> str:
    """The full URL (with its fingerprint) for unchanging GETs; empty otherwise, which the cache never keeps."""
    if request.method == "GET" and request.path.startswith(_UNCHANGING):
        return request.full_path
    return ""


def enable(server: flask.Flask) -> None:
    server.config.update(
        COMPRESS_ALGORITHM=["zstd", "br", "gzip"],
        # Never text/event-stream (web/push.py): a compressor keeps bytes until its block fills, and an event must
        # leave at once.
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "application/geo+json",
            "image/svg+xml",
        ],
        COMPRESS_CACHE_BACKEND=_StaticCache,
        COMPRESS_CACHE_KEY=_key,
    )
    Compress(server)
