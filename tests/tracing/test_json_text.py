"""`pccovid trace` writes its JSON from the trace's arrays (tracing/json_text.py): the text must be the one
json.dumps writes for the CONTRACT §3 dicts, byte for byte, on every case of both scenario shapes."""

from __future__ import annotations

import json
import re

import numpy as np

from tracing import trace, trace_json, trace_many, trace_many_json
from tracing.json_text import _metres, dumps

ELAPSED = re.compile(r', "elapsed_ms": [0-9.e-]+}$')


def _without_elapsed(text: str) -> str:
    assert ELAPSED.search(text), text[-80:]
    return ELAPSED.sub("}", text)


def test_the_text_is_json_dumps_of_the_dicts_for_every_case(shape) -> None:
    _, index, _ = shape
    cases = index.cases.person_id.tolist()
    texts = trace_many_json(index, cases)
    results = trace_many(index, cases)
    assert len(texts) == len(results) == len(cases)
    f2_seen = proximity_seen = 0
    for text, result in zip(texts, results, strict=True):
        assert _without_elapsed(text) == _without_elapsed(dumps(result))
        assert json.loads(text)["case"] == result["case"]
        f2_seen += len(result["f2"])
        proximity_seen += sum(e["via"] == "proximity" for e in result["f1"] + result["f2"])
    assert f2_seen > 100 and proximity_seen > 10  # the lists are long and mixed, not a trivial comparison
    for case in cases[:: max(1, len(cases) // 25)]:  # one by one, as `pccovid trace --person` prints it
        one = trace_json(index, case)
        assert _without_elapsed(one) == _without_elapsed(dumps(trace(index, case)))
        assert json.loads(one)["elapsed_ms"] > 0


def test_metres_are_written_as_json_writes_rounded_floats() -> None:
    values = np.array([0.0, 0.004, 0.005, 0.25, 1.5, 1.999, 2.0, 10.07, 3.14159, 123.456], np.float32)
    expected = [json.dumps(v) for v in np.round(values.astype(np.float64), 2).tolist()]
    assert _metres(values).to_pylist() == expected
