"""Small generated scenarios shared by the scenario tests, one per shape, each generated once per session.

`dataset` runs a test on both shapes (the `test` and `community-test` presets): every invariant of the
ground truth and of the files holds for each. `delta` and `community` are for what only one shape promises.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import scenario
from scenario.figures import Figures, dataset_figures

PRESET_OF_SHAPE = {"delta": "test", "community": "community-test"}


class Dataset:
    def __init__(self, path: Path, preset: str, counts: dict[str, int]) -> None:
        self.path = path
        self.preset = preset
        self.options = scenario.preset(preset)
        self.shape: str = self.options["shape"]
        self.start: dt.date = self.options["start"]
        self.counts = counts
        self._frames: dict[str, pd.DataFrame] = {}
        self._figures: Figures | None = None

    def files(self, table: str) -> list[Path]:
        folder = self.path / table
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else [self.path / f"{table}.parquet"]

    def frame(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            self._frames[table] = pd.concat(
                [pq.read_table(f).to_pandas() for f in self.files(table)], ignore_index=True
            )
        return self._frames[table]

    @property
    def figures(self) -> Figures:
        if self._figures is None:
            self._figures = dataset_figures(self.path)
        return self._figures

    def age_at_start(self) -> pd.Series:
        """Age in years on the first simulated day, by row of `people`."""
        birth = pd.to_datetime(self.frame("people")["birth_date"])
        return (pd.Timestamp(self.start) - birth).dt.days / 365.2425


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """shape -> its Dataset, generated on first use."""
    made: dict[str, Dataset] = {}

    def get(shape: str) -> Dataset:
        if shape not in made:
            name = PRESET_OF_SHAPE[shape]
            path = tmp_path_factory.mktemp(name)
            made[shape] = Dataset(path, name, scenario.generate(path, **scenario.preset(name)))
        return made[shape]

    return get


@pytest.fixture(scope="session", params=sorted(PRESET_OF_SHAPE))
def dataset(request: pytest.FixtureRequest, generated) -> Dataset:
    return generated(request.param)


@pytest.fixture(scope="session")
def delta(generated) -> Dataset:
    return generated("delta")


@pytest.fixture(scope="session")
def community(generated) -> Dataset:
    return generated("community")
