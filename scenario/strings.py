"""Building large Arrow string columns from digits and small vocabularies without per-row Python."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def digit_strings(values: np.ndarray, width: int, null: np.ndarray | None = None) -> pa.Array:
    """Zero-padded decimal strings of a fixed width ('079201012345')."""
    n = len(values)
    digits = np.empty((n, width), dtype=np.uint8)
    rest = values.astype(np.int64, copy=True)
    for position in range(width - 1, -1, -1):
        digits[:, position] = 48 + rest % 10
        rest //= 10
    offsets = np.arange(0, n * width + 1, width, dtype=np.int32)
    array = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(digits.tobytes()))
    if null is not None and null.any():
        array = pc.if_else(pa.array(null), pa.nulls(n, pa.string()), array)
    return array


def vocabulary(words, codes: np.ndarray) -> pa.Array:
    """words[codes] as an Arrow string array."""
    return pa.array(list(words), type=pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def join_words(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, " ")


def unique_draws(prefix: np.ndarray, draw, rng: np.random.Generator, modulus: int) -> np.ndarray:
    """prefix * modulus + a random suffix, redrawing suffixes until every value is unique."""
    suffix = draw(rng, len(prefix))
    values = prefix.astype(np.int64) * modulus + suffix
    for _ in range(50):
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        duplicate = np.zeros(len(values), dtype=bool)
        duplicate[order[1:][ordered[1:] == ordered[:-1]]] = True
        if not duplicate.any():
            return values
        count = int(duplicate.sum())
        values[duplicate] = prefix[duplicate].astype(np.int64) * modulus + draw(rng, count)
    raise RuntimeError("could not draw unique identifiers; the prefix space is too small")
