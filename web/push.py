"""/events: the data version pushed to open pages as server-sent events as soon as a commit announces it, so a page
redraws at once instead of at its next poll (the shell keeps polling, slowly, in case the stream is down).

Each open stream holds one of the server's threads (gunicorn gthread) while it lasts, and wall screens stay open for
days, so streams are bounded: at most LIMIT at once (past it a 503, and that page polls), each for at most LIFETIME_S
(the browser then reconnects by itself, sending the last version it got as Last-Event-ID), a comment every
HEARTBEAT_S (a proxy keeps a quiet connection open), and a look every CHECK_S whether the page has closed its end, so
that its thread comes back at once rather than at the next write.

The same stream carries the directives' sequence (the newest directive action, data/directives.py) when the process
follows it: each event is then "<version> <sequence>", the whole state in every event, so a page that takes only the
last of two quick events misses neither (the shell reads the version, components/directive_notice.py the sequence).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator

import flask

from components.inputs import Count, read
from components.shell import EVENTS_URL
from data import events
from data.events import VersionFeed

LIMIT = 32  # half the server's 64 threads (cli.py): pages, assets and /health keep the other half
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0
CHECK_S = 1.0
RETRY_MS = 2_000  # how long the browser waits before reconnecting once a stream has ended


class Streams:
    """The open event streams of one process: at most `limit` at once, each following `feed`'s data version."""

    def __init__(
        self,
        feed: Callable[[], VersionFeed | None] = events.feed,
        limit: int = LIMIT,
        directives: Callable[[], VersionFeed | None] | None = None,
        *,
        heartbeat_s: float = HEARTBEAT_S,
        lifetime_s: float = LIFETIME_S,
        check_s: float = CHECK_S,
    ) -> None:
        self._feed = feed
        self._directives = directives
        self._free = threading.BoundedSemaphore(limit)
        self._heartbeat_s = heartbeat_s
        self._lifetime_s = lifetime_s
        self._check_s = check_s
        self._ending = threading.Event()
        self._lock = threading.Lock()
        self._open = 0

    @property
    def open(self) -> int:
        return self._open

    def respond(self) -> flask.Response:
        """The stream for this request, or a 503 when none is free (the page's EventSource then gives up and the
        page keeps polling)."""
        feed = None if self._ending.is_set() else self._feed()
        if feed is None or feed.closed or not self._free.acquire(blocking=False):
            return _refused()
        with self._lock:
            self._open += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                with self._lock:
                    self._open -= 1
                self._free.release()

        try:
            # A reconnecting browser says which version it has; a first connection is sent the current one at once.
            known, known_seq = _last_event(flask.request.headers.get("Last-Event-ID"))
            directives = self._directives() if self._directives else None
            if directives is not None and directives.closed:
                directives = None
            stream = self._events(feed, known, flask.request.environ.get("gunicorn.socket"), directives, known_seq)
            response = flask.Response(stream, mimetype="text/event-stream")
            response.call_on_close(release)  # the server closes the response however the stream ends
        except BaseException:
            release()
            raise
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
        return response

    def end(self) -> None:
        """Ends every open stream within CHECK_S and refuses new ones: a graceful stop of the server waits for open
        requests, and would otherwise wait its whole timeout for the wall screens' streams."""
        self._ending.set()

    def _events(
        self,
        feed: VersionFeed,
        known: int | None,
        sock: object,
        directives: VersionFeed | None = None,
        known_seq: int | None = None,
    ) -> Iterator[str]:
        yield f"retry: {RETRY_MS}\n\n"  # sent at once, with the headers: the page sees the stream open
        now = time.monotonic()
        ends, beat = now + self._lifetime_s, now + self._heartbeat_s
        while not (self._ending.is_set() or feed.closed or _page_gone(sock)):
            now = time.monotonic()
            if now >= ends:
                return
            if now >= beat:
                yield ": keep-alive\n\n"
                beat = now + self._heartbeat_s
            wait_s = min(self._check_s, ends - now, beat - now)
            if directives is None:
                version = feed.wait_newer(known, wait_s)
                if version is not None:
                    known = version
                    # The default event type: dash-extensions' EventSource listens to `message` events only.
                    yield f"id: {version}\ndata: {version}\n\n"
                continue
            events.wait_any([(feed, known), (directives, known_seq)], wait_s)
            version, seq = feed.latest, directives.latest
            newer = (version is not None and (known is None or version > known)) or (
                seq is not None and (known_seq is None or seq > known_seq)
            )
            if newer and version is not None:
                known, known_seq = max(version, known or 0), max(seq or 0, known_seq or 0)
                state = f"{known} {known_seq}"
                yield f"id: {state}\ndata: {state}\n\n"


def _last_event(text: str | None) -> tuple[int | None, int | None]:
    """The version, and the directives' sequence if it was sent, of the last event a reconnecting browser had."""
    version, _, seq = (text or "").partition(" ")
    return read(Count, version), (read(Count, seq) if seq else None)


def _refused() -> flask.Response:
    response = flask.Response("no event stream free; the page keeps polling\n", 503, mimetype="text/plain")
    response.headers["Retry-After"] = "60"
    return response


def _page_gone(sock: object) -> bool:
    """Whether the page has closed its end of the stream: the socket reads as ended (a browser sends nothing else on
    it). Unknown, so False, without gunicorn's socket (Flask's own server, tests) or over TLS."""
    if not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket):
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False  # open, nothing to read
    except OSError:
        return True  # reset by the page


STREAMS = Streams(directives=events.directive_feed)


def register(server: flask.Flask, streams: Streams = STREAMS) -> None:
    server.add_url_rule(EVENTS_URL, "events", streams.respond)


def end_streams() -> None:
    """Ends the process's open streams (at a graceful stop; the browsers reconnect to the next server)."""
    STREAMS.end()
