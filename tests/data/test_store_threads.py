"""Reading while the writer is busy: a new thread gets its cursor at once, whatever the writer is doing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from data.store import Store


def test_a_new_reader_thread_while_the_writer_runs_a_long_statement(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    started = threading.Event()

    def long_write(con):
        started.set()
        return con.execute("SELECT count(*) FROM range(400000000) AS r(i) WHERE i % 7 = 3").fetchall()[0][0]

    try:
        writing = threading.Thread(target=lambda: store.writer.run(long_write))
        writing.start()
        started.wait(10)
        time.sleep(0.05)  # the statement is running on the writer's connection
        answers: list = []
        reader = threading.Thread(target=lambda: answers.append(store.cursor().execute("SELECT 42").fetchall()))
        reader.start()
        reader.join(30)
        assert answers == [[(42,)]]
        writing.join(120)
    finally:
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
