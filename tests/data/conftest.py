"""Fixtures of the data tier's stream tests: a store holding only the seed's register."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data.loader import load_dataset
from data.store import Store
from tests import seed


@pytest.fixture
def register_store(tmp_path: Path) -> Store:
    """A store holding only the seed's people and venues, as a file load brings them."""
    folder = tmp_path / "register"
    folder.mkdir()
    for name in ("people", "venues"):
        pq.write_table(seed.table(name), folder / f"{name}.parquet")
    store = Store(tmp_path / "stream.duckdb")
    load_dataset(store, folder)
    yield store
    store.close()
