"""The audit log's front door: every login (failed ones too), directive action, export and view of personal data is
recorded here before the request is answered (DESIGN.md: "audited, append-only").

An entry is appended to a Redis Stream first (the embedded Valkey writes its append-only file with fsync always, so an
entry survives a crash), and the writer copies the stream into the store's `audit_log` table. If the entry cannot be
written, the caller must not serve what it was about to serve: `record` raises AuditUnavailable."""

from __future__ import annotations

import datetime as dt
import json
import os

import flask
import redis

from data import runtime
from data.access import current_principal

STREAM = "pccovid:audit"


def stream_key() -> str:
    """The audit stream: `pccovid:audit`, or PCCOVID_AUDIT_STREAM for deployments (and test servers) sharing a Redis."""
    return os.environ.get("PCCOVID_AUDIT_STREAM") or STREAM


class AuditUnavailable(RuntimeError):
    """The audit log cannot be written now; the audited action must be refused."""


def _address() -> str:
    return (flask.request.remote_addr or "") if flask.has_request_context() else "local"


def record(
    action: str,
    target: str = "",
    detail: dict | None = None,
    *,
    username: str | None = None,
    client: redis.Redis | None = None,
) -> str:
    """Appends one entry (who, role, what, on what, when, from which address) and returns its id. `username` names
    the actor when no one is logged in yet (a failed login names the account it tried); `client` is the Redis of a
    process with no runtime (the command line)."""
    principal = current_principal()
    entry = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "username": username if username is not None else (principal.username if principal else ""),
        "role": principal.role.name if principal else "",
        "action": action,
        "target": target,
        "address": _address(),
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    }
    client = client if client is not None else runtime.redis_client()
    if client is None:
        raise AuditUnavailable("no Redis server for the audit log")
    try:
        return client.xadd(stream_key(), entry).decode()
    except redis.RedisError as exc:
        raise AuditUnavailable(f"the audit log cannot be written: {exc}") from exc
