"""`pccovid trace` as outside tools use it, and recall against the scenario's ground truth (`test` preset)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import scenario
from data.loader import load_dataset
from data.store import Store
from data.tracing_source import TracingSource
from tracing import build_index
from tracing.evaluate import recall

ROOT = Path(__file__).resolve().parents[2]


def pccovid(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def seed_db(seed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("trace-cli") / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    store.close()
    return db


def test_trace_prints_the_contract_shape(seed_db: Path) -> None:
    result = pccovid("trace", "--person", "1", "--db", str(seed_db), "--json")
    assert result.returncode == 0, result.stderr
    trace = json.loads(result.stdout)
    assert list(trace) == ["case", "confirmed_ts", "window", "rule_version", "f1", "f2", "points", "elapsed_ms"]
    assert trace["case"] == 1 and trace["confirmed_ts"] == "2021-07-23T21:00:00+07:00"
    assert trace["window"] == {"start": "2021-07-20T00:00:00+07:00", "end": "2021-07-23T21:00:00+07:00"}
    assert trace["rule_version"] == "3638/QD-BYT 2021-07-30"
    assert trace["f1"] == [
        {"person_id": 2, "via": "household"},
        {"person_id": 3, "via": "household"},
        {"person_id": 4, "via": "proximity", "ts": "2021-07-20T08:05:00+07:00", "duration_s": 600, "distance_m": 1.5},
        {"person_id": 7, "via": "venue", "venue_id": 2, "ts": "2021-07-21T09:45:00+07:00", "overlap_s": 900},
    ]
    assert trace["f2"] == [{"person_id": 5, "via": "household", "through": 4}]
    assert trace["points"][0] == {
        "venue_id": 1,
        "first_ts": "2021-07-20T07:30:00+07:00",
        "last_ts": "2021-07-20T08:30:00+07:00",
        "people_exposed": 1,
    }
    assert isinstance(trace["elapsed_ms"], float)


def test_all_cases_one_line_each(seed_db: Path) -> None:
    result = pccovid("trace", "--all-cases", "--db", str(seed_db), "--jsonl")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["case"] for t in lines] == [11, 12, 1]  # by confirmation time


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--person", "2"], "person 2 is not a confirmed case"),
        (["--person", "1", "--as-of", "yesterday"], "--as-of 'yesterday' is not an ISO 8601 time"),
        (["--person", "1", "--as-of", "2021-07-23T20:59:00+07:00"], "not yet a confirmed case"),
    ],
)
def test_bad_input_exits_2_with_one_line(seed_db: Path, args: list[str], reason: str) -> None:
    result = pccovid("trace", *args, "--db", str(seed_db), "--json")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and reason in result.stderr


def test_missing_store_exits_2(tmp_path: Path) -> None:
    result = pccovid("trace", "--person", "1", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert result.returncode == 2 and "no store" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()
    assert pccovid("trace", "--db", str(tmp_path / "none.duckdb")).returncode == 2  # neither --person nor --all-cases


def test_recall_against_the_scenario(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Of the infections the data could reveal inside the infector's window, ≥ 99 % are in its F1 list."""
    folder = tmp_path_factory.mktemp("scenario-trace")
    scenario.generate(folder / "dataset", **scenario.preset("test"))
    store = Store(folder / "store.duckdb")
    try:
        load_dataset(store, folder / "dataset")
        source = TracingSource(store.cursor())
        found = recall(build_index(source), source.revealable_infections())
    finally:
        store.close()
    assert found.revealable >= 100, found.lines()
    assert {"household", "proximity", "venue"} <= set(found.by_setting), found.lines()
    assert found.recall >= 0.99, found.lines()
