"""Traces as CONTRACT §3 JSON text, written from the arrays in a few vectorised steps (Arrow's string kernels).

`BatchTrace.results()` builds a Python dict per link, which is what a long F2 list costs (a community case names
about 10,000 F2); `pccovid trace` prints JSON, so it writes the text straight from the arrays instead: each link's
object is joined from its columns (ids and durations cast to text, instants from the ISO code points, metres from
whole centimetres) for a whole list at once, and each case's list is a slice of one buffer. The text is the one
`json.dumps(result, ensure_ascii=False, separators=(", ", ": "))` writes for `results()`, byte for byte (tested).
"""

from __future__ import annotations

import json
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracing.links import HOUSEHOLD, PROXIMITY, VENUE, BatchTrace, Links, Points, iso_codes

SEPARATORS = (", ", ": ")  # as `pccovid trace` has always printed
# "0", "01" … "99" without trailing zeros: the decimals json.dumps writes for a float of whole centimetres.
_CENTS = pa.array([f"{c:02d}".rstrip("0") or "0" for c in range(100)])


def dumps(result: dict) -> str:
    """A trace result (or anything else) as `pccovid trace` prints it."""
    return json.dumps(result, ensure_ascii=False, separators=SEPARATORS)


def trace_texts(batch: BatchTrace, started: float | None = None) -> list[str]:
    """Each case of the batch as its JSON text (`dumps(result)` for `batch.results()`). With `started` (a
    `time.perf_counter()` reading from before the trace), `elapsed_ms` is each case's share of the time from then
    until the text is ready, in place of the batch's tracing time alone."""
    index = batch.index
    n = len(batch.rows)
    people_ids, venue_ids = index.people.ids, index.venues.ids
    f1 = _lists(_link_texts(batch.f1, people_ids, venue_ids, through=False), batch.f1.group, n)
    f2 = None
    if batch.f2 is not None:
        f2 = _lists(_link_texts(batch.f2, people_ids, venue_ids, through=True), batch.f2.group, n)
    points = None
    if batch.points is not None:
        points = _lists(_point_texts(batch.points, venue_ids), batch.points.group, n)
    case_ids = index.cases.person_id[batch.rows].tolist()
    confirmed = _isos(index.cases.confirmed[batch.rows]).to_pylist()
    starts, ends = _isos(batch.window_start).to_pylist(), _isos(batch.window_end).to_pylist()
    rule = json.dumps(batch.rule.name, ensure_ascii=False)
    seconds = batch.seconds if started is None else time.perf_counter() - started
    elapsed = round(seconds * 1000 / max(n, 1), 3)
    return [
        f'{{"case": {case_ids[i]}, "confirmed_ts": "{confirmed[i]}", "window": {{"start": "{starts[i]}", "end": '
        f'"{ends[i]}"}}, "rule_version": {rule}, "f1": [{f1[i]}], "f2": [{f2[i] if f2 is not None else ""}], '
        f'"points": [{points[i] if points is not None else ""}], "elapsed_ms": {elapsed!r}}}'
        for i in range(n)
    ]


def _lists(texts: pa.Array, group: np.ndarray, n: int) -> list[str]:
    """Each case's objects joined by ", ": one buffer with a separator after every object but each case's last,
    sliced at the cases' bounds (`group` is ascending)."""
    if not len(texts):
        return [""] * n
    last = np.ones(len(group), bool)
    last[:-1] = group[1:] != group[:-1]
    joined = pc.binary_join_element_wise(texts, pc.if_else(pa.array(last), "", ", "), "")
    offsets = np.frombuffer(joined.buffers()[1], np.int32, len(joined) + 1, joined.offset * 4)
    data = joined.buffers()[2].to_pybytes()
    bounds = offsets[np.searchsorted(group, np.arange(n + 1))].tolist()
    return [data[a:b].decode() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _link_texts(links: Links, people_ids: np.ndarray, venue_ids: np.ndarray, *, through: bool) -> pa.Array:
    """Each link's JSON object, in the links' order."""
    if not len(links):
        return pa.array([], pa.string())
    parts, positions = [], []
    for kind in (HOUSEHOLD, PROXIMITY, VENUE):
        at = np.flatnonzero(links.via == kind)
        if not len(at):
            continue
        person = _ints(people_ids[links.other[at]])
        head = ['{"person_id": ', person, f', "via": "{("household", "proximity", "venue")[kind]}"']
        if through:
            head += [', "through": ', _ints(people_ids[links.through[at]])]
        if kind == VENUE:
            tail = [', "venue_id": ', _ints(venue_ids[links.venue[at]]), ', "ts": "', _isos(links.ts[at])]
            tail += ['", "overlap_s": ', _ints(links.overlap[at]), "}"]
        elif kind == PROXIMITY:
            tail = [', "ts": "', _isos(links.ts[at]), '", "duration_s": ', _ints(links.duration[at])]
            tail += [', "distance_m": ', _metres(links.distance[at]), "}"]
        else:
            tail = ["}"]
        parts.append(_join(head + tail))
        positions.append(at)
    texts = pa.concat_arrays(parts)
    if len(parts) == 1:
        return texts
    order = np.empty(len(links), np.int64)
    order[np.concatenate(positions)] = np.arange(len(links))
    return texts.take(pa.array(order))


def _point_texts(points: Points, venue_ids: np.ndarray) -> pa.Array:
    if not len(points.venue):
        return pa.array([], pa.string())
    return _join(
        [
            '{"venue_id": ',
            _ints(venue_ids[points.venue]),
            ', "first_ts": "',
            _isos(points.first),
            '", "last_ts": "',
            _isos(points.last),
            '", "people_exposed": ',
            _ints(points.exposed),
            "}",
        ]
    )


def _join(parts: list) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _ints(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, np.int64)), pa.string())


def _isos(seconds: np.ndarray) -> pa.Array:
    """ISO 8601 texts (ASCII) as an Arrow string array laid over the fixed-width code points, without Python strs."""
    codes = iso_codes(seconds)
    n = len(codes)
    offsets = np.arange(0, 25 * (n + 1), 25, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(codes.astype(np.uint8)))


def _metres(distance: np.ndarray) -> pa.Array:
    """Metres as json.dumps writes `round(x, 2)`: whole centimetres, e.g. 1.5, 0.25, 2.0."""
    cents = np.rint(distance.astype(np.float64) * 100).astype(np.int64)
    whole, fraction = np.divmod(cents, 100)
    return _join([_ints(whole), ".", _CENTS.take(pa.array(fraction))])
