"""Exports the ingest API's reference snapshot (ingest/reference.py) from the store after each commit that changed
people or venues: the API checks ids and provinces against it and never opens the store."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from data.config import reference_dir
from data.store import Store
from ingest.reference import read_manifest, write_snapshot

log = logging.getLogger(__name__)

_lock = threading.Lock()


def export(store: Store, folder: Path | None = None, *, force: bool = False) -> bool:
    """Writes a new snapshot when the store's people or venues differ from the current one's counts (people and
    venues are only ever added, so counts tell a change); True if it wrote one."""
    folder = folder or reference_dir(store.path)
    with _lock:
        people_n, venues_n = store.rows("ingest/reference_counts")[0]
        current = read_manifest(folder)
        if not force and current and (current["people"], current["venues"]) == (people_n, venues_n):
            return False
        people = store.query("ingest/reference_people")["person_id"].to_numpy()
        venues = store.query("ingest/reference_venues")
        version = write_snapshot(
            folder,
            people,
            venues["venue_id"].to_numpy(),
            venues["province"].to_numpy(zero_copy_only=False).astype(np.uint8),
        )
        log.info("reference snapshot %d: %d people, %d venues", version, len(people), venues.num_rows)
        return True


def follow(store: Store, folder: Path | None = None) -> threading.Thread:
    """Exports now, and after every commit, on one background thread (the writer does not wait for it; commits
    arriving during an export make one more export, not one each)."""
    changed = threading.Event()

    def run() -> None:
        while True:
            changed.wait()
            changed.clear()
            try:
                export(store, folder)
            except Exception:
                # A store closed under it (the process is stopping) or a full disk: the log says which.
                log.exception("exporting the ingest reference snapshot failed")

    store.writer.on_commit(lambda _version: changed.set())
    changed.set()
    thread = threading.Thread(target=run, name="pccovid-reference-export", daemon=True)
    thread.start()
    return thread
