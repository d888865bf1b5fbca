"""Login throttling per account and per address, kept in Redis so that every server thread and process shares it.

Counters with a lockout that grows rather than flask-limiter's fixed windows: a few mistyped passwords cost nothing,
then each further failure doubles the wait (30 s, 1 min, 2 min, … up to an hour), so guessing stays slow however
long it goes on, and a person who mistypes is never locked out for long. Failures are counted for 15 minutes after the
last one. An account is locked after 5 failures; an address after 20 (a whole office may share one address).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

WINDOW_S = 15 * 60  # failures are forgotten this long after the last one
FIRST_LOCK_S = 30
MAX_LOCK_S = 3600
PREFIX = "pccovid:login"


@dataclass(frozen=True)
class Limit:
    kind: str  # "user" or "address"
    free_failures: int  # the failure that starts the first lockout


USER = Limit("user", 5)
ADDRESS = Limit("address", 20)


def _keys(limit: Limit, who: str) -> tuple[str, str]:
    return f"{PREFIX}:failures:{limit.kind}:{who}", f"{PREFIX}:locked:{limit.kind}:{who}"


def locked_for(client: redis.Redis, username: str, address: str) -> tuple[int, str]:
    """Seconds until a login may be tried again for this account or from this address (0: now), and which is locked
    ("user", "address" or "")."""
    with client.pipeline(transaction=False) as pipe:
        pipe.pttl(_keys(USER, username)[1])
        pipe.pttl(_keys(ADDRESS, address)[1])
        user_ms, address_ms = pipe.execute()
    user_s, address_s = max(0, -(-user_ms // 1000)), max(0, -(-address_ms // 1000))
    if user_s == 0 and address_s == 0:
        return 0, ""
    return (user_s, "user") if user_s >= address_s else (address_s, "address")


def _lock_seconds(failures: int, limit: Limit) -> int:
    beyond = failures - limit.free_failures  # the 5th failure locks for 30 s, the 6th for 1 min, …
    if beyond < 0:
        return 0
    return min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** min(beyond, 16))


def failed(client: redis.Redis, username: str, address: str) -> int:
    """Counts a failed login against the account and the address; returns the lockout it started (seconds, 0: none)."""
    longest = 0
    for limit, who in ((USER, username), (ADDRESS, address)):
        failures_key, lock_key = _keys(limit, who)
        with client.pipeline(transaction=True) as pipe:
            pipe.incr(failures_key)
            pipe.expire(failures_key, WINDOW_S)
            failures = pipe.execute()[0]
        seconds = _lock_seconds(failures, limit)
        if seconds:
            client.set(lock_key, limit.kind, ex=seconds)
            longest = max(longest, seconds)
    return longest


def succeeded(client: redis.Redis, username: str) -> None:
    """A right password forgets the account's failures (not the address's: one good account must not shelter an
    address guessing others)."""
    client.delete(*_keys(USER, username))
