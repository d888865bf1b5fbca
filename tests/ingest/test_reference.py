"""The reference snapshot the API checks ids and provinces against: exported from a real store after commits that
add people or venues, followed by running processes without a restart."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from data.reference_export import export
from ingest import reference
from ingest.reference import Reference, write_snapshot


def test_the_export_holds_the_stores_people_and_venue_provinces(store, tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    assert export(store, folder) is True
    snapshot = Reference(folder).current()
    assert snapshot is not None and snapshot.version == 1
    assert snapshot.known_people(np.array([1, 12, 13, 0])).tolist() == [True, True, False, False]
    # Venues 1, 2, 5 in Hồ Chí Minh City, 3 in Bắc Giang, 4 in Hà Nội (tests/seed.py); 6 is unknown.
    assert snapshot.venue_provinces(np.arange(1, 7)).tolist() == [79, 79, 24, 1, 79, -1]
    assert export(store, folder) is False  # nothing changed: no new snapshot


def test_a_running_reader_follows_a_new_snapshot(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reference, "CHECK_S", 0.05)
    folder = tmp_path / "reference"
    reader = Reference(folder)
    assert reader.current() is None
    write_snapshot(folder, np.array([3, 1]), np.array([9]), np.array([79]))
    time.sleep(0.06)
    first = reader.current()
    assert first.version == 1 and first.known_people(np.array([1, 2, 3])).tolist() == [True, False, True]
    write_snapshot(folder, np.array([1, 2, 3]), np.array([9, 8]), np.array([79, 1]))
    time.sleep(0.06)
    second = reader.current()
    assert second.version == 2 and second.known_people(np.array([2])).tolist() == [True]
    assert second.venue_provinces(np.array([8, 9])).tolist() == [1, 79]
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "v2"]
