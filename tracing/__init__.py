"""F0 contact tracing as pure computation: an in-memory index built from the Arrow tables an `IndexSource` hands
it, and the trace of a case (CONTRACT §3). Imports only NumPy, PyArrow, the standard library and rules/: the data
layer reads the store for it and stores its results (data/tracing_source.py, data/derive/tracing.py)."""

from tracing.index import IndexSource, TraceIndex, build_index
from tracing.tracer import NotACase, cases_confirmed_on, trace, trace_many, trace_rows

__all__ = [
    "IndexSource",
    "TraceIndex",
    "NotACase",
    "build_index",
    "cases_confirmed_on",
    "trace",
    "trace_many",
    "trace_rows",
]
