"""Reads a request body into good events and rejections with their reasons (CONTRACT §5), without Redis or the
store: shapes and types by msgspec, times and text by the loader's bounds, QR tokens by their signatures, ids and
provinces by the reference snapshot."""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass, field

import msgspec
import numpy as np

from ingest import events, schema
from ingest.qr import TokenRefused, Verifier
from ingest.reference import Snapshot
from ingest.schema import Batch, CheckinIn, ContactIn, LooseBatch, Rejection, TestIn, VaccinationIn
from ingest.sites import Site
from rules.plausibility import plausibility

_RULES = plausibility()
_FORBIDDEN = re.compile("[" + "".join(f"\\U{lo:08X}-\\U{hi:08X}" for lo, hi in _RULES.forbidden) + "]")
_LETTER = re.compile(r"[^\W_]")
_strict = msgspec.json.Decoder(Batch)
_loose = msgspec.json.Decoder(LooseBatch)
_one = msgspec.json.Decoder(schema.EventIn)
_any = msgspec.json.Decoder()
_WHERE = re.compile(r"^(?P<what>.*?)(?: - at `\$(?:\.(?P<field>[^`]*))?`)?$")
# The words each coded field takes, for a reason that says what would do.
_CHOICES = {
    "source": ("person_scan", "venue_scan"),
    "direction": ("in", "out"),
    "kind": ("pcr", "antigen"),
    "result": ("positive", "negative"),
}
_MISSING = re.compile(r"Object missing required field `(?P<field>[^`]+)`")


_TOO_DEEP = "not JSON this API reads: nested too deeply"


class BadRequest(ValueError):
    """400: not JSON, or not the shape of CONTRACT §5."""


class TooLarge(ValueError):
    """413: more events than a request may hold."""


@dataclass
class Read:
    """What a request holds: its good events (as the stream carries them) and the rejected ones."""

    good: list[events.Event] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicates: int = 0  # events sent twice in this request, identical
    qr_refused: collections.Counter = field(default_factory=collections.Counter)


def _reason(error: msgspec.ValidationError) -> str:
    """msgspec's message as `field: what` ('Expected `int`, got `str` - at `$.event_id`' -> 'event_id: expected …')."""
    text = str(error)
    missing = _MISSING.match(text)
    if missing:
        return f"{missing['field']}: missing"
    found = _WHERE.match(text)
    what, where = found["what"], found["field"]
    if where == "type":
        return f"type: not one of {', '.join(schema.KINDS)}"
    if what.startswith("Invalid enum value ") and where in _CHOICES:
        return f"{where}: {what.removeprefix('Invalid enum value ')} is not one of {', '.join(_CHOICES[where])}"
    what = what[:1].lower() + what[1:]
    return f"{where}: {what}" if where else what


def _event_id(raw: msgspec.Raw) -> int | None:
    try:
        found = _any.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None
    value = found.get("event_id") if isinstance(found, dict) else None
    return value if type(value) is int and _RULES.id_range[0] <= value <= _RULES.id_range[1] else None


def decode(body: bytes) -> tuple[list[schema.EventIn | None], list[Rejection]]:
    """The events of a body, None where an event does not decode (with its rejection)."""
    try:
        return list(_strict.decode(body).events), []
    except msgspec.ValidationError:
        pass  # some event is wrong, or the body is not the shape: read it again event by event
    except msgspec.DecodeError as error:
        raise BadRequest(f"not JSON: {error}") from None
    except RecursionError:
        raise BadRequest(_TOO_DEEP) from None
    try:
        loose = _loose.decode(body)
    except msgspec.ValidationError as error:
        raise BadRequest(f'not the shape {{"events": [...]}}: {_reason(error)}') from None
    except msgspec.DecodeError as error:  # broken after a first event that was read but wrong
        raise BadRequest(f"not JSON: {error}") from None
    except RecursionError:
        raise BadRequest(_TOO_DEEP) from None
    if len(loose.events) > schema.MAX_EVENTS:
        raise TooLarge(f"{len(loose.events):,} events; at most {schema.MAX_EVENTS:,} a request")
    decoded: list[schema.EventIn | None] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(loose.events):
        try:
            decoded.append(_one.decode(raw))
        except msgspec.ValidationError as error:
            decoded.append(None)
            rejected.append(Rejection(index, _event_id(raw), _reason(error)))
        except RecursionError:
            decoded.append(None)
            rejected.append(Rejection(index, None, "nested too deeply"))
    return decoded, rejected


def _shown(instant: dt.datetime) -> str:
    return instant.isoformat()


def read(body: bytes, site: Site, snapshot: Snapshot, verifier: Verifier, now: dt.datetime) -> Read:
    """Every check but those needing Redis (duplicates across requests, rates); raises BadRequest or TooLarge."""
    decoded, rejected = decode(body)
    latest = _RULES.latest_event(now)
    earliest = _RULES.earliest_event
    result = Read(rejected=rejected)
    # First pass: what each event alone says, and the ids to look up in the reference, all at once below.
    candidates: list[tuple[int, schema.EventIn, events.Event]] = []
    people: list[int] = []
    venues: list[int] = []

    def reject(index: int, event: schema.EventIn, reason: str) -> None:
        result.rejected.append(Rejection(index, event.event_id, reason))

    def bad_time(name: str, value: dt.datetime) -> str | None:
        if value < earliest:
            return f"{name}: {_shown(value)} is before {_shown(earliest)}, the earliest event the platform takes"
        if value > latest:
            return f"{name}: {_shown(value)} is in the future"
        return None

    for index, event in enumerate(decoded):
        if event is None:
            continue
        if type(event) is CheckinIn:
            if not earliest <= event.ts <= latest:  # the common case in one comparison, the reason only when wrong
                reject(index, event, bad_time("ts", event.ts))
                continue
            if (event.person_id is None) == (event.qr is None):
                reject(index, event, "person_id, qr: give exactly one (qr when a venue's scanner read the person's QR)")
                continue
            person = event.person_id
            if event.qr is not None:
                try:
                    person = verifier.verify(event.qr, event.ts).person_id
                except TokenRefused as refused:
                    result.qr_refused[refused.reason.value] += 1
                    reject(index, event, f"qr: {refused.reason.value}")
                    continue
            stream = events.Checkin(event.event_id, person, event.venue_id, event.ts, event.source, event.direction)
            people.append(person)
            venues.append(event.venue_id)
        elif type(event) is ContactIn:
            problem = bad_time("start_ts", event.start_ts)
            if problem:
                reject(index, event, problem)
                continue
            if event.person_a == event.person_b:
                reject(index, event, "person_b: the same person as person_a")
                continue
            stream = event
            people.append(event.person_a)
            people.append(event.person_b)
        elif type(event) is TestIn:
            problem = bad_time("sample_ts", event.sample_ts) or bad_time("result_ts", event.result_ts)
            if problem is None and event.result_ts < event.sample_ts:
                problem = "result_ts: before sample_ts"
            if problem is None and event.result_ts > event.sample_ts + _RULES.max_result_delay:
                problem = f"result_ts: more than {_RULES.max_result_delay.days} days after sample_ts"
            if problem:
                reject(index, event, problem)
                continue
            stream = event
            people.append(event.person_id)
        else:
            problem = bad_time("ts", event.ts)
            if problem is None and type(event) is VaccinationIn:
                if _FORBIDDEN.search(event.vaccine):
                    problem = "vaccine: holds a control or text-direction character"
                elif not _LETTER.search(event.vaccine):
                    problem = "vaccine: holds no letter or digit"
            if problem:
                reject(index, event, problem)
                continue
            stream = event
            people.append(event.person_id)
        candidates.append((index, event, stream))

    known = dict(zip(people, snapshot.known_people(np.array(people, dtype=np.int64)).tolist(), strict=True))
    province_of = dict(zip(venues, snapshot.venue_provinces(np.array(venues, dtype=np.int64)).tolist(), strict=True))
    site_province = None if site.province == "national" else int(site.province)
    seen: dict[tuple[type, int], events.Event] = {}
    for index, event, stream in candidates:
        if type(stream) is events.Checkin:
            province = province_of[stream.venue_id]
            if not known[stream.person_id]:
                reject(index, event, f"person_id: no person {stream.person_id} in the register")
                continue
            if province < 0:
                reject(index, event, f"venue_id: no venue {stream.venue_id}")
                continue
            if site_province is not None and province != site_province:
                reject(
                    index,
                    event,
                    f"venue_id: venue {stream.venue_id} is in province {province:02d}, outside the site's {site.province}",
                )
                continue
        elif type(stream) is ContactIn:
            missing = next((p for p in (stream.person_a, stream.person_b) if not known[p]), None)
            if missing is not None:
                name = "person_a" if missing == stream.person_a else "person_b"
                reject(index, event, f"{name}: no person {missing} in the register")
                continue
        elif not known[stream.person_id]:
            reject(index, event, f"person_id: no person {stream.person_id} in the register")
            continue
        key = (type(stream), stream.event_id)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier == stream:
                result.duplicates += 1
            else:
                reject(index, event, f"event_id: {stream.event_id} sent earlier in this request with other content")
            continue
        seen[key] = stream
        result.good.append(stream)
    result.rejected.sort(key=lambda r: r.index)
    return result
