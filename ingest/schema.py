"""The ingest API's shapes (CONTRACT §5) as msgspec types: they decode and check requests, encode answers, and
generate the OpenAPI 3.1 document, so the document cannot drift from what the API does.

The bounds are those of the loader (rules/plausibility.toml): an event the API accepts must never be one the writer's
checks refuse, or a whole stream entry would be stuck.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from ingest import qr
from rules.plausibility import plausibility

_RULES = plausibility()
MAX_EVENTS = 10_000
MAX_BYTES = 5 * 1024 * 1024

Id = Annotated[int, Meta(ge=_RULES.id_range[0], le=_RULES.id_range[1], description="a 64-bit id")]
Instant = Annotated[dt.datetime, Meta(tz=True, description="ISO 8601 with its offset, e.g. 2021-08-02T09:10:00+07:00")]


class CheckinIn(msgspec.Struct, tag="checkin", tag_field="type", frozen=True):
    """A QR scan at a venue: the person's id (the app scanned the venue's code), or the person's QR token read by
    the venue's scanner in `qr`; exactly one of the two."""

    event_id: Id
    venue_id: Id
    ts: Instant
    source: Literal["person_scan", "venue_scan"]
    person_id: Id | None = None
    qr: Annotated[str, Meta(max_length=qr.MAX_TOKEN_CHARS, description="a personal QR token (CONTRACT §6)")] | None = (
        None
    )
    direction: Literal["in", "out"] = "in"


class ContactIn(msgspec.Struct, tag="contact", tag_field="type", frozen=True):
    event_id: Id
    person_a: Id
    person_b: Id
    start_ts: Instant
    duration_s: Annotated[int, Meta(ge=0, le=_RULES.max_contact_duration_s)]
    distance_m: Annotated[float, Meta(ge=0, le=_RULES.max_contact_distance_m)]


class TestIn(msgspec.Struct, tag="test", tag_field="type", frozen=True):
    event_id: Id
    person_id: Id
    sample_ts: Instant
    result_ts: Instant
    kind: Literal["pcr", "antigen"]
    result: Literal["positive", "negative"]


class VaccinationIn(msgspec.Struct, tag="vaccination", tag_field="type", frozen=True):
    event_id: Id
    person_id: Id
    ts: Instant
    dose: Annotated[int, Meta(ge=_RULES.dose_range[0], le=_RULES.dose_range[1])]
    vaccine: Annotated[str, Meta(min_length=1, max_length=_RULES.max_chars["vaccine"])]


class DeclarationIn(msgspec.Struct, tag="declaration", tag_field="type", frozen=True):
    event_id: Id
    person_id: Id
    ts: Instant
    fever: bool
    cough: bool
    breathless: bool
    lost_taste: bool
    contact_with_case: bool


EventIn = CheckinIn | ContactIn | TestIn | VaccinationIn | DeclarationIn
KINDS = ("checkin", "contact", "test", "vaccination", "declaration")
# The CONTRACT §1 table of each kind (the `type` tag), for the duplicates kept per table as the store keeps them.
TABLE_OF_TAG = {
    "checkin": "checkins",
    "contact": "contacts",
    "test": "tests",
    "vaccination": "vaccinations",
    "declaration": "declarations",
}


class Batch(msgspec.Struct, frozen=True):
    """The body of POST /api/v1/events."""

    events: Annotated[list[EventIn], Meta(max_length=MAX_EVENTS)]


class LooseBatch(msgspec.Struct, frozen=True):
    """The same body read event by event, so one bad event is rejected alone."""

    events: list[msgspec.Raw]


class Rejection(msgspec.Struct, frozen=True):
    index: int
    event_id: int | None
    reason: str


class Accepted(msgspec.Struct, frozen=True):
    """202: the batch was read; its good events are durably queued."""

    accepted: int
    duplicates: int
    rejected: list[Rejection]


class Problem(msgspec.Struct, frozen=True):
    error: str


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the ingest API."""
    (batch, accepted, problem), components = msgspec.json.schema_components(
        [Batch, Accepted, Problem], ref_template="#/components/schemas/{name}"
    )
    retry_after = {
        "Retry-After": {"description": "seconds to wait before sending again", "schema": {"type": "integer"}}
    }

    def answer(description: str, schema: dict, headers: dict | None = None) -> dict:
        found: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
        if headers:
            found["headers"] = headers
        return found

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PC-Covid ingest API",
            "version": "1",
            "description": "Scanners, laboratories, vaccination sites and the citizen app post events (CONTRACT §5). "
            f"At most {MAX_EVENTS:,} events and {MAX_BYTES // 2**20} MB a request.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/events": {
                "post": {
                    "operationId": "postEvents",
                    "summary": "Queue a batch of events",
                    "security": [{"siteKey": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": batch}}},
                    "responses": {
                        "202": answer("the batch was read; good events are durably queued", accepted),
                        "400": answer("not JSON, or not this shape", problem),
                        "401": answer("missing, unknown or revoked site key", problem),
                        "413": answer("over the size limits", problem),
                        "429": answer("the site's rate limit", problem, retry_after),
                        "503": answer("the queue is full or unreachable; nothing was queued", problem, retry_after),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"siteKey": {"type": "http", "scheme": "bearer", "description": "the site's key"}},
        },
    }
