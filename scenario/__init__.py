"""Synthetic national scenario (the 2021 Delta wave, or community spread from a few seeds) written as a canonical
dataset with ground truth."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import reference
from .geography import load_geography
from .mobility import build_routines
from .output import PRESENCE_COLUMNS, write_table
from .population import build_people, people_table
from .presets import PRESETS, preset
from .shapes import SHAPES, shape_named
from .simulate import SETTINGS, Simulation
from .strings import vocabulary
from .venues import build_venues, venues_table

__all__ = ["generate", "preset", "PRESETS", "SHAPES", "DEFAULT_START"]

DEFAULT_START = SHAPES["delta"].start
TABLES = ("people", "venues", "checkins", "contacts", "tests", "vaccinations", "declarations", "infections", "outcomes")
log = logging.getLogger(__name__)


def generate(
    out_dir: Path,
    *,
    scale: float,
    days: int,
    seed: int,
    start: dt.date | None = None,
    shape: str = "delta",
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the canonical dataset (CONTRACT §1, plus `infections` and `outcomes`) into out_dir.

    `shape` is the epidemic's (scenario/shapes.py): "delta", the 2021 wave from its historical seeds under the
    measures of the time, or "community", spread from a few dozen seeds through schools, workplaces and markets.
    Without `start`, the shape's own first day. Returns the number of rows written per table. The same
    arguments give byte-identical files.
    """
    epidemic = shape_named(shape)
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    start = start or epidemic.start
    say = progress or log.info
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        for stale in (out_dir / name, out_dir / f"{name}.parquet"):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()

    rng = np.random.default_rng(seed)
    geo = load_geography()
    people = build_people(geo, scale, start, rng)
    say(f"{len(people)} people in {len(people.household_start) - 1} households")
    venues = build_venues(geo, np.bincount(people.ward, minlength=geo.n_wards), days, rng)
    say(f"{len(venues)} venues")
    routines = build_routines(people, venues, geo, start, days, rng, epidemic.adoption)
    write_table(out_dir / "people.parquet", people_table(people, geo))
    write_table(out_dir / "venues.parquet", venues_table(venues, geo))

    sim = Simulation(out_dir, geo, people, venues, routines, start, days, rng, epidemic, progress=say)
    sim.run()
    sim.deaths()
    counts = {"people": len(people), "venues": len(venues)}
    counts.update(_write_small_tables(out_dir, sim))
    counts["checkins"] = sim.checkins.rows
    counts["contacts"] = sim.contacts.rows
    counts["declarations"] = sim.declarations.rows
    return {name: counts[name] for name in TABLES}


def _write_small_tables(out_dir: Path, sim: Simulation) -> dict[str, int]:
    tests = sim.tests
    person = tests.column("person", np.int64)
    sample = tests.column("sample", np.int64)
    order = np.lexsort((person, sample))
    write_table(
        out_dir / "tests.parquet",
        pa.table(
            {
                "event_id": np.arange(1, len(person) + 1, dtype=np.int64),
                "person_id": person[order] + 1,
                "sample_ts": sim.us(sample[order]),
                "result_ts": sim.us(tests.column("result", np.int64)[order]),
                "kind": vocabulary(("pcr", "antigen"), tests.column("kind", np.int64)[order]),
                "result": vocabulary(("negative", "positive"), tests.column("positive", np.int64)[order]),
            }
        ),
    )
    vac = sim.vaccinations
    person_v = vac.column("person", np.int64)
    t_v = vac.column("t", np.int64)
    order_v = np.lexsort((vac.column("dose", np.int64), person_v, t_v))
    write_table(
        out_dir / "vaccinations.parquet",
        pa.table(
            {
                "event_id": np.arange(1, len(person_v) + 1, dtype=np.int64),
                "person_id": person_v[order_v] + 1,
                "ts": sim.us(t_v[order_v]),
                "dose": vac.column("dose", np.int64)[order_v],
                "vaccine": vocabulary(reference.vaccine_names(), vac.column("vaccine", np.int64)[order_v]),
            }
        ),
    )
    inf = sim.infections
    infector = inf.column("infector", np.int64)
    venue = inf.column("venue", np.int64)
    parts = inf.chunks.get("presence", [])
    presence = np.concatenate(parts) if parts else np.zeros((0, 4), dtype=np.int64)
    write_table(
        out_dir / "infections.parquet",
        pa.table(
            {
                "infectee": inf.column("infectee", np.int64) + 1,
                "infector": pa.array(infector + 1, mask=infector < 0),
                "ts": sim.us(inf.column("t", np.int64)),
                "setting": vocabulary(SETTINGS, inf.column("setting", np.int64)),
                "venue_id": pa.array(venue + 1, mask=venue < 0),
                # ground truth presence behind a venue infection (arrival and departure of both)
                **{name: sim.us_nullable(presence[:, i]) for i, name in enumerate(PRESENCE_COLUMNS)},
            }
        ),
    )
    out = sim.outcomes
    person_o = out.column("person", np.int64)
    t_o = out.column("t", np.int64)
    order_o = np.lexsort((person_o, t_o))
    write_table(
        out_dir / "outcomes.parquet",
        pa.table(
            {
                "person_id": person_o[order_o] + 1,
                "ts": sim.us(t_o[order_o]),
                "outcome": vocabulary(("recovered", "died"), out.column("outcome", np.int64)[order_o]),
            }
        ),
    )
    return {"tests": len(person), "vaccinations": len(person_v), "infections": len(infector), "outcomes": len(person_o)}


def read_table(out_dir: Path, name: str) -> pa.Table:
    """One table of a generated dataset (a file or a folder of parts)."""
    path = Path(out_dir)
    if (path / name).is_dir():
        return pq.read_table(path / name)
    return pq.read_table(path / f"{name}.parquet")
