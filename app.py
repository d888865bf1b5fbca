"""Assembles the command centre: the store, Redis and cache, the shell and its pages; exposes `server`."""

from __future__ import annotations

import gc
import logging

import dash

from components import compression, endpoints
from components.shell import shell_layout
from data import runtime
from tracing import automatic

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

runtime.open_store()
# The tracing index is built once, on the writer thread, in the background; no request ever builds it.
automatic.start(runtime.store())

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
endpoints.register(server)
endpoints.warm_boundaries()
compression.enable(server)

# Everything alive now lives as long as the process: keep the collector from walking it again and again (a trace
# builds thousands of small dicts, and each full collection would otherwise traverse every module and class).
gc.collect()
gc.freeze()
