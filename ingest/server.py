"""`pccovid ingest`: the ingest API on its own (gunicorn, several processes), needing only Redis and the reference
snapshot; any number may run beside `pccovid serve`, which answers the same API on the dashboard's address."""

from __future__ import annotations

import logging
import time

import flask
import msgspec
import redis

from ingest import api, stream


def health() -> flask.Response:
    """Whether this process reaches Redis, the stream's length and the writer's lag; 503 when Redis is away."""
    try:
        found = stream.status(api.service().client)
    except redis.RedisError:
        body = {"status": "failing", "redis": {"ok": False}}
        return flask.Response(msgspec.json.encode(body), status=503, mimetype="application/json")
    snapshot = api.service().reference.current()
    body = {
        "status": "ok",
        "redis": {"ok": True},
        "stream": {
            "length": found.length,
            "backlog": found.backlog,
            "writer_lag_s": None if found.oldest_unacknowledged_s is None else round(found.oldest_unacknowledged_s, 1),
        },
        "reference_version": snapshot.version if snapshot else None,
        "time": int(time.time()),
    }
    return flask.Response(msgspec.json.encode(body), mimetype="application/json")


def create_app() -> flask.Flask:
    app = flask.Flask("pccovid-ingest")
    app.register_blueprint(api.blueprint())
    app.add_url_rule("/health", "health", health)
    return app


def run(host: str, port: int, *, workers: int = 2, threads: int = 8, access_log: bool = False) -> None:
    from gunicorn.app.base import BaseApplication

    from data.redis_server import ensure_redis_url, masked

    url = ensure_redis_url()  # before the fork: every worker then uses the same server

    class IngestApi(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 60,
                "control_socket_disable": True,
                "accesslog": "-" if access_log else None,
            }
            for key, value in settings.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            return create_app()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"PC-Covid ingest API: http://{host}:{port}/api/v1/events  (Redis {masked(url)})", flush=True)
    IngestApi().run()
