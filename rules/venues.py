"""The kinds of venue a check-in can be at (CONTRACT §1 `venues.kind`): the vocabulary the tracing rules' dwell
times and counted kinds are keyed by (rules/tracing.toml)."""

from __future__ import annotations

VENUE_KINDS = (
    "market",
    "supermarket",
    "restaurant",
    "cafe",
    "office",
    "factory",
    "school",
    "hospital",
    "clinic",
    "worship",
    "transport",
    "checkpoint",
    "residential",
    "other",
)
