"""Refusals as one line beside web/auth.py's (which answers AccessDenied with 403): 503 when the audit log cannot be
written, and pages of individual people refused to a role that may not open them before Dash serves their shell."""

from __future__ import annotations

import logging

import flask

from data.access import AccessDenied, current_viewer
from data.audit import AuditUnavailable

log = logging.getLogger(__name__)

# Pages of individual people: only readers of cases and people (not the press), /person/ only with personal data.
INDIVIDUAL_PAGES = ("/trace/", "/person/", "/handover")


def _refused(exc: AccessDenied) -> tuple[flask.Response, int]:
    log.info("refused %s %s: %s", flask.request.method, flask.request.path, exc)
    return _line(f"forbidden: {exc}", 403)  # as web/auth.py words it


def _audit_down(exc: AuditUnavailable) -> tuple[flask.Response, int]:
    log.error("refused %s %s: %s", flask.request.method, flask.request.path, exc)
    return _line("Nhật ký truy cập tạm thời không ghi được / The audit log is unavailable", 503)


def _line(text: str, status: int) -> tuple[flask.Response, int]:
    response = flask.make_response(text + "\n", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _page_gate() -> tuple[flask.Response, int] | None:
    """A GET of an individual page by a role that may not open it: 403 before the page's shell (the data reads refuse
    it too, this only saves the round trip)."""
    path = flask.request.path
    if flask.request.method != "GET" or not path.startswith(INDIVIDUAL_PAGES):
        return None
    try:
        viewer = current_viewer()
    except AccessDenied as exc:
        return _refused(exc)
    if viewer.aggregates_only or (path.startswith("/person/") and not viewer.personal):
        return _refused(AccessDenied("this role may not open this page"))
    return None


def register(server: flask.Flask) -> None:
    """After web/auth.py's install: its gate, first of the before_request hooks, sets the request's principal."""
    server.register_error_handler(AuditUnavailable, _audit_down)
    server.before_request(_page_gate)
