"""Plain HTTP endpoints beside the pages: /health and the versioned boundary assets."""

from __future__ import annotations

import os
import threading

import flask

from data import redis_server, runtime
from data.geo import geometry_version, simplified_geojson
from tracing import automatic

YEAR = 365 * 24 * 3600


def geometry_url(level: str) -> str:
    """The boundaries' URL carries their version, so the browser may keep them forever."""
    return f"/geo/{level}.{geometry_version()}.json"


def health() -> tuple[flask.Response, int]:
    report: dict = {"status": "ok"}
    try:
        st = runtime.store()
        st.cursor().execute("SELECT 1").fetchall()
        report["store"] = {"ok": True, "path": str(st.path), "store_id": st.store_id}
        report["data_version"] = st.data_version()
    except Exception as exc:
        report["status"] = "failing"
        report["store"] = {"ok": False, "error": str(exc).splitlines()[0]}
    client = runtime.redis_client()
    try:
        if client is None:
            raise RuntimeError("not connected")
        client.ping()
        report["redis"] = {
            "ok": True,
            "url": redis_server.masked(os.environ.get("REDIS_URL", "")),
            "embedded": redis_server.is_embedded(),
        }
        report["cached_data_version"] = runtime.data_version()
    except Exception as exc:
        report["status"] = "failing"
        report["redis"] = {"ok": False, "error": str(exc).splitlines()[0]}
    report["geometry_version"] = geometry_version()
    # Built in the background at start (minutes at the national scale): pages work meanwhile, loads wait for it.
    index = automatic.SERVICE.index
    report["tracing"] = (
        {"index": "ready", "built_in_s": round(index.build_seconds, 1)} if index else {"index": "building"}
    )
    return flask.jsonify(report), 200 if report["status"] == "ok" else 503


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
