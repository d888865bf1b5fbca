"""The reference data the API checks events against without opening the store: the known person ids, and each
venue's province. The writer exports it after each commit that changed people or venues (data/reference_export.py);
every API process memory-maps it and follows a newer export within a second.

A snapshot is a folder `v<N>/` of NumPy arrays (ids sorted, so a batch's ids are found with one vectorised
searchsorted) beside `manifest.json`, which names the current one and is replaced atomically: a reader sees the old
snapshot or the new one, never half of one. 10 M people are 80 MB, shared by every process through the page cache.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CHECK_S = 1.0  # how often a process looks for a newer snapshot


@dataclass(frozen=True)
class Snapshot:
    version: int
    people: np.ndarray  # int64, sorted
    venues: np.ndarray  # int64, sorted
    venue_province: np.ndarray  # uint8: the GSO province code (79) of venues[i]

    def known_people(self, ids: np.ndarray) -> np.ndarray:
        """A boolean per id: is it a person of the register?"""
        return _member(self.people, ids)

    def venue_provinces(self, ids: np.ndarray) -> np.ndarray:
        """Each venue's province code as an int (79), -1 for an unknown venue."""
        if len(self.venues) == 0:
            return np.full(len(ids), -1, dtype=np.int16)
        at = np.searchsorted(self.venues, ids).clip(0, len(self.venues) - 1)
        found = self.venues[at] == ids
        return np.where(found, self.venue_province[at].astype(np.int16), -1)


def _member(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    if len(sorted_ids) == 0:
        return np.zeros(len(ids), dtype=bool)
    # Looked up in order, the binary searches walk the memory map's pages in order too.
    order = np.argsort(ids, kind="stable")
    at = np.searchsorted(sorted_ids, ids[order]).clip(0, len(sorted_ids) - 1)
    found = np.empty(len(ids), dtype=bool)
    found[order] = sorted_ids[at] == ids[order]
    return found


def write_snapshot(folder: Path, people: np.ndarray, venues: np.ndarray, venue_province: np.ndarray) -> int:
    """Writes a new snapshot (ids in any order) and makes it the current one; returns its version."""
    folder.mkdir(parents=True, exist_ok=True)
    current = read_manifest(folder)
    version = (current["version"] if current else 0) + 1
    target = folder / f"v{version}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    people = np.sort(np.asarray(people, dtype=np.int64))
    order = np.argsort(np.asarray(venues, dtype=np.int64), kind="stable")
    np.save(target / "people.npy", people)
    np.save(target / "venues.npy", np.asarray(venues, dtype=np.int64)[order])
    np.save(target / "venue_province.npy", np.asarray(venue_province, dtype=np.uint8)[order])
    manifest = {"version": version, "folder": target.name, "people": len(people), "venues": len(order)}
    partial = folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest))
    os.replace(partial, folder / MANIFEST)
    # Older snapshots go; a process still mapping one keeps its pages until it moves on (POSIX unlink semantics).
    for old in folder.glob("v*"):
        if old.is_dir() and old.name != target.name:
            shutil.rmtree(old, ignore_errors=True)
    return version


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _open(folder: Path, manifest: dict) -> Snapshot:
    where = folder / manifest["folder"]
    return Snapshot(
        version=int(manifest["version"]),
        people=np.load(where / "people.npy", mmap_mode="r"),
        venues=np.load(where / "venues.npy", mmap_mode="r"),
        venue_province=np.load(where / "venue_province.npy", mmap_mode="r"),
    )


class Reference:
    """The newest snapshot in `folder`, looked for at most every CHECK_S seconds; None until one exists."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> Snapshot | None:
        if self._snapshot is None or time.monotonic() - self._checked >= CHECK_S:
            # Under the lock, and marked checked only once followed: a thread arriving meanwhile waits for the
            # snapshot instead of answering without one.
            with self._lock:
                if self._snapshot is None or time.monotonic() - self._checked >= CHECK_S:
                    self._follow()
                    self._checked = time.monotonic()
        return self._snapshot

    def _follow(self) -> None:
        manifest = read_manifest(self.folder)
        if manifest is None or (self._snapshot is not None and self._snapshot.version == manifest["version"]):
            return
        try:
            self._snapshot = _open(self.folder, manifest)
            log.info(
                "reference snapshot %s: %s people, %s venues",
                manifest["version"],
                manifest["people"],
                manifest["venues"],
            )
        except (OSError, ValueError, KeyError):
            # Replaced while opening: the next check finds the newer manifest.
            log.warning("reference snapshot %s could not be opened", manifest.get("version"), exc_info=True)
