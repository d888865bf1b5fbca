"""Fixtures of the ingest tests: a Redis database of their own on the session's real server, emptied per test."""

from __future__ import annotations

import pytest
import redis

INGEST_DB = 7  # the other tests use database 0 of the same server


@pytest.fixture
def ingest_url(redis_url: str) -> str:
    url = f"{redis_url.rstrip('/')}/{INGEST_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def ingest_redis(ingest_url: str):
    client = redis.Redis.from_url(ingest_url)
    yield client
    client.close()
