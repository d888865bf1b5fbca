"""Plain HTTP endpoints beside the pages: /health and the versioned boundary assets."""

from __future__ import annotations

import threading

import flask

from data.derive import tracing as automatic
from data.geo import geometry_version, simplified_geojson
from data.health import PROBE

YEAR = 365 * 24 * 3600


def geometry_url(level: str) -> str:
    """The boundaries' URL carries their version, so the browser may keep them forever."""
    return f"/geo/{level}.{geometry_version()}.json"


def health() -> tuple[flask.Response, int]:
    """Each part ok or failing as the background probe last saw it, the data version, the store's id and the
    tracing index; never a path, a URL or an error text (the log has those). 503 when a part is failing."""
    found = PROBE.latest()
    index = automatic.SERVICE.index
    report = {
        "status": "ok" if found.ok else "failing",
        "checked_s_ago": round(found.age_s, 1),
        "store": {"ok": found.store_ok, "store_id": found.store_id},
        "data_version": found.data_version,
        "redis": {"ok": found.redis_ok},
        "cached_data_version": found.cached_data_version,
        "geometry_version": geometry_version(),
        # Built in the background at start (minutes at the national scale): pages work meanwhile, loads wait for it.
        "tracing": {"index": "ready", "built_in_s": round(index.build_seconds, 1)} if index else {"index": "building"},
        "ingest": _ingest(found),
    }
    return flask.jsonify(report), 200 if found.ok else 503


def _ingest(found) -> dict:
    """The ingest side: whether the API reaches Redis, the stream's length, what the writer has not acknowledged
    and its lag (the age of the oldest unacknowledged entry, None when there is none)."""
    queue = found.stream
    if queue is None:
        return {"redis_ok": False, "stream_length": None, "backlog": None, "writer_lag_s": None}
    lag = queue.oldest_unacknowledged_s
    return {
        "redis_ok": True,
        "stream_length": queue.length,
        "backlog": queue.backlog,
        "writer_lag_s": None if lag is None else round(lag, 1),
    }


def boundaries(level: str, version: str) -> flask.Response:
    if level not in ("province", "district"):
        flask.abort(404, description=f"no boundaries for level {level!r}; use province or district")
    if version != geometry_version():
        # An old version: send the browser to the current one instead of serving stale shapes.
        return flask.redirect(geometry_url(level), code=302)
    response = flask.Response(simplified_geojson(level), mimetype="application/geo+json")
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def warm_boundaries() -> threading.Thread:
    """Simplifies the boundaries in the background at start (about 1.5 s), so the first map does not wait."""

    def run() -> None:
        for level in ("province", "district"):
            simplified_geojson(level)

    thread = threading.Thread(target=run, name="pccovid-boundaries-warm", daemon=True)
    thread.start()
    return thread


def register(server: flask.Flask) -> None:
    server.add_url_rule("/health", "health", health)
    server.add_url_rule("/geo/<level>.<version>.json", "boundaries", boundaries)
