"""Site keys: who may post events, for which province, at what rate. Kept in Redis (with its append-only file), so
`pccovid site add` works while the API runs and every API process sees a revocation within seconds.

A key is 32 random bytes, stored only as its SHA-256. That is the right hash for a random key: a slow password hash
(Argon2, bcrypt) exists to make guessing a low-entropy password expensive, and nobody guesses 256 random bits; it
would instead cost every request tens of milliseconds of CPU, the API's whole budget for thousands of events.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass

import redis

from data.config import geo_dir

SITES = "pccovid:sites"  # hash: site name -> {"province", "key_sha256", "rate", "created", "revoked"}
KEYS = "pccovid:site_keys"  # hash: SHA-256 of a live key -> site name
KEY_PREFIX = "pcs_"
NATIONAL = "national"  # a site that may post for every province (the citizen app, a national laboratory, a replay)
DEFAULT_RATE = 20_000  # events a second a site may post
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class SiteError(ValueError):
    """A site operation that cannot be done; one line for the command line."""


@dataclass(frozen=True)
class Site:
    name: str
    province: str  # a 2-digit GSO code, or NATIONAL
    rate: int  # events a second

    def covers(self, province: str) -> bool:
        return self.province == NATIONAL or self.province == province


def province_codes() -> frozenset[str]:
    with (geo_dir() / "vn_admin_units_2021.csv").open(encoding="utf-8") as rows:
        return frozenset(row["code"] for row in csv.DictReader(rows) if row["level"] == "province")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check(name: str, province: str, rate: int) -> None:
    if not _NAME.fullmatch(name):
        raise SiteError(f"site name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
    if province != NATIONAL and province not in province_codes():
        raise SiteError(f"--province {province!r} is not a province code (01 … 96) or {NATIONAL!r}")
    if rate < 1:
        raise SiteError(f"--rate {rate} must be at least 1 event a second")


def _record(key: str, province: str, rate: int) -> dict:
    return {
        "province": province,
        "key_sha256": key_hash(key),
        "rate": rate,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "revoked": None,
    }


def add(client: redis.Redis, name: str, province: str, rate: int = DEFAULT_RATE) -> str:
    """Registers a site and returns its new key, which is stored nowhere: only its hash is kept."""
    _check(name, province, rate)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = _record(key, province, rate)
    # HSETNX: two `site add` of one name at once cannot both win.
    if not client.hsetnx(SITES, name, json.dumps(record)):
        raise SiteError(f"a site named {name!r} exists already (revoked sites keep their name)")
    client.hset(KEYS, record["key_sha256"], name)
    return key


def reissue(client: redis.Redis, name: str, province: str, rate: int = DEFAULT_RATE) -> str:
    """Registers the site, or registers it anew when it exists (revoked or not): a new key, the old one refused from
    now on. For a site a program registers for itself at each start (`pccovid serve --replay`'s demo site), whose key
    lives only in that program's memory and is lost when it stops."""
    _check(name, province, rate)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = _record(key, province, rate)
    found = client.hget(SITES, name)
    with client.pipeline(transaction=True) as pipe:
        if found is not None:
            pipe.hdel(KEYS, json.loads(found)["key_sha256"])
        pipe.hset(SITES, name, json.dumps(record))
        pipe.hset(KEYS, record["key_sha256"], name)
        pipe.execute()
    return key


def revoke(client: redis.Redis, name: str) -> None:
    """The site's key stops working: at once for new API processes, within `SiteBook.TTL_S` for running ones."""
    found = client.hget(SITES, name)
    if found is None:
        raise SiteError(f"no site named {name!r}")
    record = json.loads(found)
    record["revoked"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with client.pipeline(transaction=True) as pipe:
        pipe.hset(SITES, name, json.dumps(record))
        pipe.hdel(KEYS, record["key_sha256"])
        pipe.execute()


def listed(client: redis.Redis) -> dict[str, dict]:
    return {k.decode(): json.loads(v) for k, v in client.hgetall(SITES).items()}


class SiteBook:
    """The API's view of the site keys: a key's site, looked up in Redis and remembered for TTL_S seconds (so a
    revocation reaches a running process within that time, and a busy site costs no Redis round trip a request)."""

    TTL_S = 2.0

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._known: dict[str, tuple[float, Site | None]] = {}
        self._lock = threading.Lock()

    def site(self, key: str) -> Site | None:
        """The live site of `key`, or None for an unknown or revoked key. Raises redis.RedisError."""
        digest = key_hash(key)
        now = time.monotonic()
        found = self._known.get(digest)
        if found is not None and now - found[0] < self.TTL_S:
            return found[1]
        site = self._lookup(digest)
        with self._lock:
            if len(self._known) > 10_000:  # unknown keys tried by someone guessing: never a growing memory
                self._known.clear()
            self._known[digest] = (now, site)
        return site

    def _lookup(self, digest: str) -> Site | None:
        name = self.client.hget(KEYS, digest)
        if name is None:
            return None
        found = self.client.hget(SITES, name)
        if found is None:
            return None
        record = json.loads(found)
        if record.get("revoked") or record.get("key_sha256") != digest:
            return None
        return Site(name.decode(), record["province"], int(record["rate"]))
