"""The command line as outside tools use it: exit status, one-line errors, counts printed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tests import seed

ROOT = Path(__file__).resolve().parent.parent


def pccovid(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_load_prints_counts_and_is_idempotent(seed_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = pccovid("load", str(seed_dir), "--db", str(db), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "checkins" in first.stdout and "12" in first.stdout
    again = pccovid("load", str(seed_dir), "--db", str(db), "--quiet")
    assert again.returncode == 0
    line = next(row for row in again.stdout.splitlines() if row.startswith("checkins"))
    assert line.split()[1:6] == ["2", "12", "0", "12", "0"]


def test_load_refuses_a_bad_dataset_with_exit_2_and_one_line(seed_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    assert pccovid("load", str(seed_dir), "--db", str(db), "--quiet").returncode == 0
    bad = tmp_path / "bad"
    shutil.copytree(seed_dir, bad)
    rows = [*seed.VACCINATIONS, (4999, 5, seed.at(20, 9), 0, "Pfizer")]
    pq.write_table(seed.table("vaccinations", rows), bad / "vaccinations.parquet")
    result = pccovid("load", str(bad), "--db", str(db), "--quiet")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pccovid load: vaccinations.parquet row 6 column dose: 0 is not a dose number (1, 2, 3…) — nothing was loaded"
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM vaccinations").fetchall() == [(5,)]
        assert con.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert pccovid("load").returncode == 2
    assert pccovid("load", str(tmp_path / "missing"), "--db", str(tmp_path / "x.duckdb")).returncode == 2
    assert pccovid("frobnicate").returncode == 2
    result = pccovid("serve", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "no store" in result.stderr


def test_a_huge_bad_value_gives_a_short_line(seed_dir: Path, tmp_path: Path) -> None:
    """A 10 MB bad value was echoed whole: 10 MB of stderr. The line shows its first 40 characters."""
    bad = tmp_path / "bad"
    shutil.copytree(seed_dir, bad)
    huge = "ward " + "x" * 10_000_000 + "\n"
    person = (13, None, "Ngô Thị Phương", seed.PEOPLE[0][3], "F", None, 500, huge)
    pq.write_table(seed.table("people", [*seed.PEOPLE, person]), bad / "people.parquet")
    result = pccovid("load", str(bad), "--db", str(tmp_path / "store.duckdb"), "--quiet")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "pccovid load: people.parquet row 13 column ward_code: ward " + "x" * 35 + "… is not a ward code (GSO, 2021)"
        " — nothing was loaded"
    ]


def test_a_corrupt_parquet_file_exits_2_naming_it(seed_dir: Path, tmp_path: Path) -> None:
    """A damaged zstd page fails only when its rows are decoded; that used to end in a traceback."""
    bad = tmp_path / "bad"
    shutil.copytree(seed_dir, bad)
    path = bad / "checkins" / "part-0003.parquet"
    rows = [(100_000 + i, 1 + i % 12, 1 + i % 5, seed.at(20, 9), "person_scan", "in") for i in range(50_000)]
    pq.write_table(seed.table("checkins", rows), path, compression="zstd")
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 256] = b"\xff" * 256
    path.write_bytes(bytes(data))
    result = pccovid("load", str(bad), "--db", str(tmp_path / "store.duckdb"), "--quiet")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("pccovid load: checkins/part-0003.parquet: not a readable Parquet file (")
    assert line.endswith(") — nothing was loaded")
