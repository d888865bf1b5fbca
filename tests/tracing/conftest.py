"""Fixtures of the tracing tests: both scenario shapes, loaded and indexed once for the modules that read them."""

from __future__ import annotations

import pytest

import scenario
from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from tracing import build_index


@pytest.fixture(scope="package", params=["test", "community-test"])
def shape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A store loaded with the preset's scenario, and its tracing index."""
    folder = tmp_path_factory.mktemp(request.param)
    scenario.generate(folder / "dataset", **scenario.preset(request.param))
    store = Store(folder / "store.duckdb")
    load_dataset(store, folder / "dataset")
    source = TracingSource(store.cursor())
    yield store, build_index(source), source
    store.close()
