"""Same arguments, same bytes; presets are named sets of generate() arguments."""

from __future__ import annotations

import datetime as dt

import pytest

import scenario

SMALL = dict(scale=0.0001, days=20, start=dt.date(2021, 6, 20))


def _files(path):
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*.parquet"))}


@pytest.mark.parametrize("shape", ["delta", "community"])
def test_same_seed_gives_identical_bytes(tmp_path, shape):
    first = scenario.generate(tmp_path / "a", seed=11, shape=shape, **SMALL)
    second = scenario.generate(tmp_path / "b", seed=11, shape=shape, **SMALL)
    assert first == second
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(a) >= 9 and a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


def test_the_shape_changes_the_epidemic_not_the_population(tmp_path):
    scenario.generate(tmp_path / "d", seed=11, **SMALL)
    scenario.generate(tmp_path / "c", seed=11, shape="community", **SMALL)
    for name in ("people.parquet", "venues.parquet"):
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
    assert (tmp_path / "d" / "infections.parquet").read_bytes() != (tmp_path / "c" / "infections.parquet").read_bytes()


def test_another_seed_gives_another_population(tmp_path):
    scenario.generate(tmp_path / "a", seed=11, **SMALL)
    scenario.generate(tmp_path / "c", seed=12, **SMALL)
    assert (tmp_path / "a" / "people.parquet").read_bytes() != (tmp_path / "c" / "people.parquet").read_bytes()


def test_regenerating_replaces_the_old_dataset(tmp_path):
    scenario.generate(tmp_path / "a", seed=11, **SMALL)
    counts = scenario.generate(tmp_path / "a", seed=11, **{**SMALL, "days": 5})
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "a" / "checkins").num_rows == counts["checkins"]


def test_presets():
    for name in scenario.PRESETS:
        assert set(scenario.preset(name)) == {"scale", "days", "seed", "start", "shape"}, name
        assert scenario.preset(name)["shape"] in scenario.SHAPES
    demo = scenario.preset("demo")
    assert 180_000 < demo["scale"] * 96_178_332 < 200_000
    assert demo["days"] >= 150
    bench = scenario.preset("bench")
    assert bench["scale"] * 96_178_332 >= 5_000_000 and bench["days"] == 90
    assert scenario.preset("test")["scale"] < demo["scale"]
    assert [scenario.preset(n)["shape"] for n in ("demo", "bench", "test")] == ["delta"] * 3
    # the community shape at the peer size: 50,000 people over 90 days
    peer = scenario.preset("community")
    assert peer["shape"] == "community" and peer["days"] == 90
    assert 45_000 < peer["scale"] * 96_178_332 < 55_000
    small = scenario.preset("community-test")
    assert (
        small["shape"] == "community" and small["scale"] < peer["scale"] < scenario.preset("community-bench")["scale"]
    )
    demo["days"] = 1
    assert scenario.preset("demo")["days"] != 1  # a copy each time
    with pytest.raises(ValueError, match="unknown scenario preset"):
        scenario.preset("huge")


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        scenario.generate(tmp_path, scale=0, days=1, seed=1)
    with pytest.raises(ValueError, match="days"):
        scenario.generate(tmp_path, scale=0.001, days=0, seed=1)
    with pytest.raises(ValueError, match="unknown scenario shape 'omicron'"):
        scenario.generate(tmp_path, scale=0.001, days=1, seed=1, shape="omicron")
