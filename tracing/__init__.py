"""Automatic F0 contact tracing: an in-memory index over the store and the trace of a case (CONTRACT §3)."""

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
