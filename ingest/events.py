"""The events on the ingest stream: one stream entry per accepted request, holding its good events as the columns of
their CONTRACT §1 table (a venue scan's QR already resolved to its person), encoded with MessagePack.

The API (ingest/) writes entries, the writer (data/) reads them; this module is the only place either side learns
the entry's shape, so a change here is a change of both. `FORMAT` is stored in each entry: a writer refuses an
entry of a format it does not know instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

FORMAT = b"1"
STREAM = "pccovid:ingest"  # the stream's key (PCCOVID_STREAM may name another, e.g. one per deployment)
GROUP = "writer"  # the consumer group the writer reads through


class Checkin(msgspec.Struct, tag="checkin", tag_field="type", frozen=True):
    event_id: int
    person_id: int
    venue_id: int
    ts: dt.datetime
    source: Literal["person_scan", "venue_scan"]
    direction: Literal["in", "out"] = "in"


class Contact(msgspec.Struct, tag="contact", tag_field="type", frozen=True):
    event_id: int
    person_a: int
    person_b: int
    start_ts: dt.datetime
    duration_s: int
    distance_m: float


class Test(msgspec.Struct, tag="test", tag_field="type", frozen=True):
    event_id: int
    person_id: int
    sample_ts: dt.datetime
    result_ts: dt.datetime
    kind: Literal["pcr", "antigen"]
    result: Literal["positive", "negative"]


class Vaccination(msgspec.Struct, tag="vaccination", tag_field="type", frozen=True):
    event_id: int
    person_id: int
    ts: dt.datetime
    dose: int
    vaccine: str


class Declaration(msgspec.Struct, tag="declaration", tag_field="type", frozen=True):
    event_id: int
    person_id: int
    ts: dt.datetime
    fever: bool
    cough: bool
    breathless: bool
    lost_taste: bool
    contact_with_case: bool


Event = Checkin | Contact | Test | Vaccination | Declaration

# The CONTRACT §1 table each kind of event is a row of.
TABLE_OF: dict[type, str] = {
    Checkin: "checkins",
    Contact: "contacts",
    Test: "tests",
    Vaccination: "vaccinations",
    Declaration: "declarations",
}


class Entry(msgspec.Struct, frozen=True):
    """One accepted request: the site that posted it (its name and province) and when, and its good events."""

    site: str
    province: str
    received_ms: int  # Unix time in milliseconds when the API accepted the request
    events: list[Event]


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Entry)


class EntryError(ValueError):
    """A stream entry this writer cannot read (another format, or damaged)."""


def encode(entry: Entry) -> dict[bytes, bytes]:
    """The fields of the stream entry (XADD) for `entry`."""
    return {b"v": FORMAT, b"e": _encoder.encode(entry)}


def decode(fields: dict[bytes, bytes]) -> Entry:
    """The entry from its stream fields (XREADGROUP); EntryError names what is wrong."""
    version = fields.get(b"v")
    if version != FORMAT:
        raise EntryError(f"stream entry of format {version!r}; this writer reads format {FORMAT!r}")
    try:
        return _decoder.decode(fields[b"e"])
    except (KeyError, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise EntryError(f"damaged stream entry: {error}") from error
