"""Assembles the command centre: the store, Redis and cache, the shell and its pages; exposes `server`."""

from __future__ import annotations

import gc
import logging
import threading
import time

import dash

from components.shell import shell_layout
from data import audit_log, config, consumer, health, pipeline, runtime
from data.access import acting_as, deployment_principal
from ingest import api as ingest_api
from web import auth, callback_requests, callback_slots, compression, endpoints, page_scripts, push, refusals

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

runtime.open_store()
health.PROBE.start()
# The tracing index is built once, on the writer thread, in the background; no request ever builds it.
pipeline.start_tracing(runtime.store())
# The ingest stream's events reach the store through the same writer, in batches (data/consumer.py).
stream_consumer = consumer.start_for(runtime.store())
# Beside it, the audit stream is copied into the store's audit_log (acknowledged in Redis after the commit).
audit_drain = audit_log.start_for(runtime.store())

app = dash.Dash(
    __name__,
    use_pages=True,
    pages_folder="pages",
    title="PC-Covid",
    update_title=None,
    serve_locally=True,
    suppress_callback_exceptions=True,
)
app.layout = shell_layout
server = app.server
auth.install(server)  # sessions, CSRF and the gate: before any other hook reads a request
page_scripts.defer(app)
page_scripts.drop_babel_polyfill()
endpoints.register(server)
server.register_blueprint(ingest_api.blueprint())  # CONTRACT §5 on the dashboard's own address
push.register(server)
compression.enable(server)
callback_requests.guard(app)  # before a slot is taken
callback_slots.limit(server)
refusals.register(server)  # 403 / 503 in one line; after the login has set the request's principal
# Dash takes in the pages' callbacks at its first request, after marking that request as done: a request arriving
# meanwhile (a second /health while a slow first one sets up) is served with no page callbacks at all, for good.
# The first request is made here, before the server takes any, to a path the login gate lets through (the gate runs
# before Dash's own setup, so a refused request would leave the setup to the first visitor).
with server.test_client() as client:
    client.get("/health")


WARM_EVERY_S = 10.0


class _FirstViewWarmer:
    """Computes the overview's first view for this deployment in the background, at start and after every commit, so
    the data cache is filled for the new data version before the first visitor asks (a cold view costs about 0.7 s at
    the national scale, a warm one 0.1 s). One warm-up at a time: commits that come while one runs (a live feed
    commits every second) are taken together by one more run, at most every WARM_EVERY_S, not by a thread each
    competing with the writer and the pages for the same cores."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._running = False
        self._again = False

    def wait_idle(self, timeout: float) -> bool:
        """Waits until no warm-up runs or is due (tests); False if one still runs after `timeout` seconds."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._running, timeout)

    def __call__(self, _version: int | None = None) -> None:
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        threading.Thread(target=self._run, name="pccovid-first-view-warm", daemon=True).start()

    def _run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                with server.test_request_context("/"), acting_as(deployment_principal("warm-up")):
                    dash.page_registry["pages.overview"]["layout"]()
            except Exception:
                logging.getLogger(__name__).exception("warming the overview's first view failed")
            with self._lock:
                if not self._again:
                    self._running = False
                    self._lock.notify_all()
                    return
                self._again = False
            # A live feed commits every second or so: the overview is warmed at most every WARM_EVERY_S then (a
            # visitor in between computes it once, cached for everyone), not continuously on one of the two cores.
            time.sleep(max(0.0, WARM_EVERY_S - (time.monotonic() - started)))


warm_first_view = _FirstViewWarmer()


if config.warm_ahead():
    endpoints.warm_boundaries()
    runtime.store().writer.on_commit(warm_first_view)
    warm_first_view()

# Everything alive now lives as long as the process: keep the collector from walking it again and again (a trace
# builds thousands of small dicts, and each full collection would otherwise traverse every module and class).
gc.collect()
gc.freeze()
