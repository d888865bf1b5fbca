"""The ingest stream as the API and /health see it: how much waits for the writer, how old the oldest unacknowledged
entry is, and the trimming of what every consumer group has acknowledged."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import redis

from ingest import events


def stream_key() -> str:
    return os.environ.get("PCCOVID_STREAM") or events.STREAM


@dataclass(frozen=True)
class StreamStatus:
    length: int  # entries in the stream (acknowledged ones not yet trimmed included)
    backlog: int  # entries the writer has not acknowledged: never delivered (lag) plus pending
    pending: int
    oldest_unacknowledged_s: float | None  # the writer's lag: age of the oldest entry not acknowledged; None: none
    writer_group: bool  # whether the writer's consumer group exists yet
    trim_below: str | None  # every group acknowledged everything before this id


def entry_ms(entry_id: bytes | str) -> int:
    """When an entry was added, in Unix milliseconds: a stream entry id starts with it."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-")[0])


def status(client: redis.Redis, key: str | None = None) -> StreamStatus:
    """Asks Redis now (XLEN, XINFO GROUPS, XPENDING, one XRANGE); raises redis.RedisError when it cannot."""
    key = key or stream_key()
    now_ms = time.time() * 1000
    with client.pipeline(transaction=False) as pipe:
        pipe.xlen(key)
        pipe.exists(key)
        length, exists = pipe.execute()
    groups = client.xinfo_groups(key) if exists else []
    writer = next((g for g in groups if g["name"] in (events.GROUP, events.GROUP.encode())), None)
    oldest_ms: float | None = None
    backlog, pending = length, 0
    if writer is not None:
        pending = int(writer["pending"])
        lag = writer.get("lag")
        undelivered = client.xrange(key, min=f"({writer['last-delivered-id'].decode()}", count=1)
        if lag is None:  # Redis cannot tell after deletions in the middle: count what follows the last delivered
            lag = len(client.xrange(key, min=f"({writer['last-delivered-id'].decode()}")) if undelivered else 0
        backlog = int(lag) + pending
        candidates = []
        if pending:
            summary = client.xpending(key, events.GROUP)
            candidates.append(entry_ms(summary["min"]))
        if undelivered:
            candidates.append(entry_ms(undelivered[0][0]))
        oldest_ms = min(candidates) if candidates else None
    elif length:
        first = client.xrange(key, count=1)
        oldest_ms = entry_ms(first[0][0]) if first else None
    trim_below = None
    if groups:
        # An entry may go once every group has acknowledged it: below each group's oldest pending entry, and below
        # its last delivered entry when nothing is pending.
        marks = []
        for group in groups:
            if int(group["pending"]):
                marks.append(client.xpending(key, group["name"])["min"])
            else:
                marks.append(group["last-delivered-id"])
        trim_below = min(
            (m.decode() if isinstance(m, bytes) else m for m in marks), key=lambda m: tuple(map(int, m.split("-")))
        )
    return StreamStatus(
        length=int(length),
        backlog=int(backlog),
        pending=pending,
        oldest_unacknowledged_s=None if oldest_ms is None else max(0.0, (now_ms - oldest_ms) / 1000),
        writer_group=writer is not None,
        trim_below=trim_below,
    )
