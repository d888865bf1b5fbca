"""Site keys: printed once, stored only hashed, revoked for running API processes within seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import sites
from ingest.sites import Site, SiteBook, SiteError

ROOT = Path(__file__).resolve().parents[2]


def pccovid(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_site_add_prints_a_key_once_and_keeps_only_its_hash(ingest_url: str, ingest_redis) -> None:
    done = pccovid(ingest_url, "site", "add", "--name", "cho-ben-thanh", "--province", "79")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("pcs_") and len(key) >= 40
    stored = b"".join(k + v for k, v in ingest_redis.hgetall(sites.SITES).items())
    stored += b"".join(k + v for k, v in ingest_redis.hgetall(sites.KEYS).items())
    assert key.encode() not in stored and sites.key_hash(key).encode() in stored
    assert SiteBook(ingest_redis).site(key) == Site("cho-ben-thanh", "79", sites.DEFAULT_RATE)
    again = pccovid(ingest_url, "site", "add", "--name", "cho-ben-thanh", "--province", "79")
    assert again.returncode == 2 and "exists already" in again.stderr
    for province in ("99", "7", "hanoi", ""):
        bad = pccovid(ingest_url, "site", "add", "--name", "x", "--province", province)
        assert bad.returncode == 2 and "province" in bad.stderr


def test_a_revoked_key_stops_working_within_seconds(ingest_redis) -> None:
    key = sites.add(ingest_redis, "lab-cho-ray", "79")
    national = sites.add(ingest_redis, "replay", sites.NATIONAL, rate=100_000)
    book = SiteBook(ingest_redis)
    assert book.site(key).name == "lab-cho-ray" and book.site(national).covers("01")
    assert book.site("pcs_not-a-key") is None
    sites.revoke(ingest_redis, "lab-cho-ray")
    deadline = time.monotonic() + SiteBook.TTL_S + 1
    while book.site(key) is not None:
        assert time.monotonic() < deadline, "a revoked key still worked after the cache's time"
        time.sleep(0.1)
    assert SiteBook(ingest_redis).site(key) is None  # a new process: at once
    assert json.loads(ingest_redis.hget(sites.SITES, "lab-cho-ray"))["revoked"]
    with pytest.raises(SiteError):
        sites.revoke(ingest_redis, "no-such-site")


def test_a_reissued_site_has_one_working_key_the_newest(ingest_redis) -> None:
    first = sites.reissue(ingest_redis, "demo-replay", sites.NATIONAL, rate=1_000_000)
    assert SiteBook(ingest_redis).site(first) == Site("demo-replay", sites.NATIONAL, 1_000_000)
    second = sites.reissue(ingest_redis, "demo-replay", sites.NATIONAL, rate=1_000_000)
    book = SiteBook(ingest_redis)
    assert first != second and book.site(first) is None and book.site(second).name == "demo-replay"
    sites.revoke(ingest_redis, "demo-replay")
    third = sites.reissue(ingest_redis, "demo-replay", "79")  # a revoked site comes back, with its new province
    book = SiteBook(ingest_redis)
    assert book.site(second) is None and book.site(third) == Site("demo-replay", "79", sites.DEFAULT_RATE)
    assert ingest_redis.hlen(sites.KEYS) == 1  # the hashes of the keys it replaced are gone
    with pytest.raises(SiteError):
        sites.reissue(ingest_redis, "demo-replay", "99")
