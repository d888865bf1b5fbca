"""Reading while the writer is busy: a new thread gets its cursor at once, whatever the writer is doing."""

from __future__ import annotations

import threading
from pathlib import Path

from duckdb.sqltypes import BIGINT

from data.store import Store, transaction


def test_a_reader_never_waits_for_the_writer(tmp_path: Path) -> None:
    """A new reader thread answers, from the last commit, while the writer is held inside an open transaction in
    the middle of a statement; the writer is released only after the reader finished (or its bound ran out), so a
    reader queued behind the writer (its thread, its connection or a lock it holds) fails the test rather than
    waiting."""
    store = Store(tmp_path / "store.duckdb")
    holding, release = threading.Event(), threading.Event()

    def held_until_released(value: int) -> int:
        holding.set()
        release.wait(120)
        return value

    def write_and_hold(con):
        con.create_function("held_until_released", held_until_released, [BIGINT], BIGINT, side_effects=True)
        with transaction(con):
            con.execute("INSERT INTO meta VALUES ('probe', 'written')")
            # The writer's connection is busy in this statement, with the insert not committed, until released.
            return con.execute("SELECT held_until_released(1)").fetchall()[0][0]

    answers: list = []
    errors: list = []

    def read() -> None:
        try:
            answers.append(store.cursor().execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchall())
        except Exception as error:  # e.g. "connection is busy": reported below, not lost in the thread
            errors.append(error)

    try:
        writing = store.writer.submit(write_and_hold)
        assert holding.wait(60), "the writer never reached its statement"
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(30)
        assert not reader.is_alive(), "the reader waited for the writer"
        assert not writing.done(), "the writer let go before the reader finished"
        assert errors == []
        assert answers == [[(0,)]]  # the last commit, not the writer's open transaction
        release.set()
        assert writing.result(60) == 1
        assert store.cursor().execute("SELECT value FROM meta WHERE key = 'probe'").fetchall() == [("written",)]
    finally:
        release.set()
        store.close()


def test_many_threads_open_their_cursors_at_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    barrier = threading.Barrier(16)
    answers: list = []
    errors: list = []

    def read(i: int) -> None:
        barrier.wait(10)
        try:
            answers.append(store.cursor().execute("SELECT ?", [i]).fetchall()[0][0])
        except Exception as exc:  # the failure this test is about: "connection is busy"
            errors.append(exc)

    try:
        for _ in range(20):
            barrier.reset()
            answers.clear()
            threads = [threading.Thread(target=read, args=(i,)) for i in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert errors == [] and sorted(answers) == list(range(16))
    finally:
        store.close()
