"""Dash callbacks draw pages and figures: at most SLOTS of them compute at once, so that a crowd of pages never
holds every server thread and /health, assets and boundaries are answered at once, not after the pages."""

from __future__ import annotations

import threading

import flask

# The concurrency pages had when the server ran 8 threads in all; the server now runs more threads (cli.py), and
# the callbacks beyond these wait here, blocked outside the GIL, instead of in gunicorn's queue in front of
# everything else. Under 32 concurrent trace pages /health took 1.3 s at the median; with slots, tens of ms.
SLOTS = 8
_CALLBACKS = "/_dash-update-component"


def limit(server: flask.Flask, slots: int = SLOTS) -> None:
    free = threading.BoundedSemaphore(slots)

    @server.before_request
    def take_a_slot() -> None:
        if flask.request.path == _CALLBACKS:
            free.acquire()
            flask.g.pccovid_slot = True

    @server.teardown_request
    def give_the_slot_back(_error: BaseException | None) -> None:
        if flask.g.pop("pccovid_slot", False):
            free.release()
