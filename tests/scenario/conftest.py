"""One small generated scenario shared by the scenario tests (the `test` preset, generated once)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import scenario


class Dataset:
    def __init__(self, path: Path, counts: dict[str, int]) -> None:
        self.path = path
        self.counts = counts
        self._frames: dict[str, pd.DataFrame] = {}

    def files(self, table: str) -> list[Path]:
        folder = self.path / table
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else [self.path / f"{table}.parquet"]

    def frame(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            self._frames[table] = pd.concat(
                [pq.read_table(f).to_pandas() for f in self.files(table)], ignore_index=True
            )
        return self._frames[table]


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    path = tmp_path_factory.mktemp("scenario")
    counts = scenario.generate(path, **scenario.preset("test"))
    return Dataset(path, counts)
