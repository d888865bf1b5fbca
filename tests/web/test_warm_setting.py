"""PCCOVID_WARM: with warming off the server computes nothing ahead of a request, so a cold start can be timed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.loader import load_dataset
from data.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent

# Starts the app on the store, lets every start-up thread finish, prints how many cache entries it wrote by itself.
START_AND_COUNT = """
import threading
import app
from data import runtime

names = ("pccovid-tracing-warm", "pccovid-first-view-warm", "pccovid-boundaries-warm")
while running := [t for t in threading.enumerate() if t.name in names]:
    for thread in running:
        thread.join()
client = runtime.redis_client()
print(sum(1 for _ in client.scan_iter(f"pccovid:{runtime.store().store_id}:cache:*")))
runtime.close()
"""


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("warm") / "store.duckdb"
    store = Store(path)
    load_dataset(store, seed_dir)
    store.close()
    return path


@pytest.mark.parametrize(("setting", "warmed"), [("0", False), ("1", True)])
def test_warming_off_leaves_the_cache_empty_until_asked(seeded_file: Path, setting: str, warmed: bool) -> None:
    env = {**os.environ, "PCCOVID_DB": str(seeded_file), "PCCOVID_WARM": setting}
    env.pop("REDIS_URL", None)  # its own embedded server: no entries from anyone else
    found = subprocess.run(
        [sys.executable, "-c", START_AND_COUNT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert found.returncode == 0, found.stderr[-2000:]
    entries = int(found.stdout.split()[-1])
    assert (entries > 0) is warmed
