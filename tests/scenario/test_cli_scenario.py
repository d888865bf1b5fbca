"""`pccovid scenario`: presets, shapes and the options that override them (CONTRACT §2)."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest

import cli
import scenario


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The options each `pccovid scenario` passes to scenario.generate, without generating."""
    calls: list[dict] = []
    monkeypatch.setattr(scenario, "generate", lambda out, progress=None, **options: calls.append(options) or {})
    return calls


def test_a_preset_gives_its_shape_and_options_override_it(asked, tmp_path):
    assert cli.main(["scenario", "--preset", "community", "--days", "30", "--out", str(tmp_path / "a")]) == 0
    assert asked[-1] == {**scenario.preset("community"), "days": 30}


def test_another_shape_than_the_presets_starts_on_its_own_day(asked, tmp_path):
    assert cli.main(["scenario", "--preset", "demo", "--shape", "community", "--out", str(tmp_path / "a")]) == 0
    assert asked[-1]["shape"] == "community" and "start" not in asked[-1]
    assert asked[-1]["scale"] == scenario.preset("demo")["scale"]
    assert cli.main(["scenario", "--preset", "test", "--shape", "delta", "--out", str(tmp_path / "b")]) == 0
    assert asked[-1] == scenario.preset("test")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--shape", "omicron"], "unknown scenario shape 'omicron'; choose one of delta, community"),
        (["--preset", "huge"], "unknown scenario preset 'huge'"),
    ],
)
def test_unknown_names_are_refused_in_one_line(asked, tmp_path, capsys, argv, message):
    assert cli.main(["scenario", *argv, "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not asked and not (tmp_path / "a").exists()


def test_the_community_shape_is_written(tmp_path):
    out = tmp_path / "community"
    argv = ["scenario", "--shape", "community", "--scale", "0.0001", "--days", "4", "--seed", "3", "--quiet"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    infections = pq.read_table(out / "infections.parquet").to_pandas()
    assert (infections["setting"] == "seed").sum() > 0
    assert infections["ts"].min() >= dt.datetime(2021, 10, 31, 17, tzinfo=dt.UTC)  # 1 November 2021 in Viet Nam
