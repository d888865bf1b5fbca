"""The data version as Redis announces it after every commit: one subscriber thread per process follows the store's
channel and wakes whoever waits for a newer version (the pages' event streams, web/push.py), instead of one Redis
connection per open page. The directives' sequence (the newest directive action, data/directives.py) is followed the
same way on its own channel, and wakes the same waiters."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

from data import runtime

log = logging.getLogger(__name__)

RETRY_S = 1.0  # first wait before subscribing again after Redis failed; doubles up to MAX_RETRY_S
MAX_RETRY_S = 30.0
# A subscriber hears nothing from a connection that died without a word (a server restarted behind a proxy); a ping
# after this long a silence finds out, and the feed subscribes again.
PING_S = 30.0
PONG_S = 5.0


def channel(store_id: str) -> str:
    """Where runtime._publish_version announces each committed version of a store."""
    return f"pccovid:{store_id}:changed"


def directives_channel(store_id: str) -> str:
    """Where data/directives.py announces the sequence number of each directive action of a store."""
    return f"pccovid:{store_id}:directives"


class VersionFeed:
    """The newest data version announced on `channel`, read at once from `current` on (re)subscribing, so a version
    committed while the feed was not listening is not missed. Readers wait for a newer version than theirs; only the
    newest counts, so a slow reader skips versions instead of queueing them."""

    def __init__(
        self,
        client: redis.Redis,
        channel: str,
        current: Callable[[], int],
        changed: threading.Condition | None = None,
    ) -> None:
        self.client = client
        self.channel = channel
        self._current = current
        self._latest: int | None = None
        # Feeds that share a condition wake the same waiters: a page's stream waits for either (wait_any).
        self._changed = changed or threading.Condition()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> VersionFeed:
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._listen, name="pccovid-version-feed", daemon=True)
                self._thread.start()
        return self

    def close(self) -> None:
        """Stops listening and wakes every waiting reader, which then sees `closed`."""
        self._closed.set()
        with self._changed:
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @property
    def latest(self) -> int | None:
        return self._latest

    def wait_newer(self, than: int | None, timeout_s: float) -> int | None:
        """The newest version once it is newer than `than` (any version when `than` is None); None when none came
        within `timeout_s` or the feed closed."""

        def newer() -> bool:
            return self.closed or (self._latest is not None and (than is None or self._latest > than))

        with self._changed:
            self._changed.wait_for(newer, timeout_s)
            if self.closed or self._latest is None or (than is not None and self._latest <= than):
                return None
            return self._latest

    def announce(self, version: int) -> None:
        """Takes `version` if it is newer than the one known (a store's versions only grow), and wakes the readers."""
        with self._changed:
            if self._latest is None or version > self._latest:
                self._latest = version
                self._changed.notify_all()

    def _listen(self) -> None:
        retry_s = RETRY_S
        while not self.closed:
            pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                heard, pinged = time.monotonic(), False
                while not self.closed:
                    message = pubsub.get_message(timeout=1.0)
                    now = time.monotonic()
                    if message is None:
                        if pinged and now - heard > PING_S + PONG_S:
                            raise redis.ConnectionError("no answer to a ping")
                        if not pinged and now - heard > PING_S:
                            pubsub.ping()
                            pinged = True
                        continue
                    heard, pinged = now, False
                    if message["type"] == "subscribe":
                        # Subscribed, then read: a version committed meanwhile is in one or the other, never lost.
                        self.announce(self._current())
                        retry_s = RETRY_S
                    elif message["type"] == "message":
                        try:
                            self.announce(int(message["data"]))
                        except ValueError:
                            log.warning(
                                "data version feed: %r on %s is not a version", message["data"][:40], self.channel
                            )
            except Exception as error:
                # Never give up: a feed that stopped would leave every page on its slow fallback polling.
                log.warning("data version feed: %s; subscribing again in %.0f s", error, retry_s)
                self._closed.wait(retry_s)
                retry_s = min(2 * retry_s, MAX_RETRY_S)
            finally:
                pubsub.close()


def wait_any(feeds: list[tuple[VersionFeed, int | None]], timeout_s: float) -> bool:
    """Waits until one of the feeds (which share one condition) has a newer value than the one given with it, or
    one closed; whether that happened within `timeout_s`."""
    if not feeds:
        return False
    condition = feeds[0][0]._changed
    if any(feed._changed is not condition for feed, _ in feeds):
        raise ValueError("wait_any needs feeds that share one condition")

    def moved() -> bool:
        return any(
            feed.closed or (feed.latest is not None and (known is None or feed.latest > known)) for feed, known in feeds
        )

    with condition:
        return condition.wait_for(moved, timeout_s)


_lock = threading.Lock()
_feed: VersionFeed | None = None
_directive_feed: VersionFeed | None = None
_wake = threading.Condition()  # shared by the process's two feeds


def feed() -> VersionFeed | None:
    """The process's feed for the open store, started on first use; None without Redis."""
    global _feed
    client = runtime.redis_client()
    if client is None:
        return None
    wanted = channel(runtime.store().store_id)
    with _lock:
        if _feed is None or _feed.client is not client or _feed.channel != wanted:
            if _feed is not None:
                _feed.close()  # the runtime opened another store or Redis since (tests do)
            _feed = VersionFeed(client, wanted, runtime.data_version, _wake).start()
        return _feed


def _last_directive_seq() -> int:
    return int(runtime.store().rows("directives/last_seq")[0][0])


def directive_feed() -> VersionFeed | None:
    """The process's feed of the directives' sequence for the open store, started on first use; None without Redis.
    It shares its condition with feed(), so one waiter hears both."""
    global _directive_feed
    client = runtime.redis_client()
    if client is None:
        return None
    wanted = directives_channel(runtime.store().store_id)
    with _lock:
        if _directive_feed is None or _directive_feed.client is not client or _directive_feed.channel != wanted:
            if _directive_feed is not None:
                _directive_feed.close()
            _directive_feed = VersionFeed(client, wanted, _last_directive_seq, _wake).start()
        return _directive_feed


def close() -> None:
    """Closes the process's feed: every reader waiting on it wakes and sees it closed."""
    global _feed, _directive_feed
    with _lock:
        for open_feed in (_feed, _directive_feed):
            if open_feed is not None:
                open_feed.close()
        _feed = _directive_feed = None
