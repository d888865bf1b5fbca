"""Logins (CONTRACT §7): the login page, sessions (Flask-Login), CSRF (flask-wtf) and the gate every request passes.

The gate runs before anything else reads a request: anonymous requests reach only the login page, /health, the login
page's own assets and the ingest API (which has its own site keys); a page sends them to /login, anything else gets a
401. A logged-in request's principal (data/access.py) is the session's user read afresh from Redis, so a disabled user
or a changed password ends a live session at its next request.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import urllib.parse
from pathlib import Path

import dash
import flask
import flask_login
import jinja2
import redis
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from wtforms import ValidationError

from components.i18n import COOKIE as LANGUAGE_COOKIE
from components.i18n import LANGUAGES, current_language, t
from data import audit, login_throttle, runtime, users
from data.access import AccessDenied, Principal, set_request_principal
from data.config import ROOT

log = logging.getLogger(__name__)

SESSION_COOKIE = "pccovid_session"
CSRF_COOKIE = "_csrf_token"  # dash-renderer sends this cookie's value as X-CSRFToken with every callback
SESSION_HOURS = 12  # a shift; each request moves the end on
LOGIN = "/login"
LOGOUT = "/logout"
ADMIN = "/admin"
_PUBLIC = frozenset({LOGIN, "/health", "/assets/app.css", "/assets/logo.svg"})
_API = "/api/v1/"
# Paths that are not pages: an anonymous request for them gets a 401, not a redirect to the login page.
_NOT_PAGES = ("/_", "/assets/", "/geo/", "/events", "/api/")


def secret_key() -> str:
    """PCCOVID_SECRET_KEY, else a random key written once to var/secret_key (owner only) and read from then on, so
    sessions outlive a restart and every process of the deployment signs alike."""
    given = os.environ.get("PCCOVID_SECRET_KEY")
    if given:
        return given
    path = Path(os.environ.get("PCCOVID_SECRET_KEY_FILE") or ROOT / "var" / "secret_key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class SessionUser(flask_login.UserMixin):
    """The session's user: its id carries the user's epoch, so a new password or a disable ends older sessions."""

    def __init__(self, user: users.User, principal: Principal) -> None:
        self.user = user
        self.principal = principal

    def get_id(self) -> str:
        return f"{self.user.username}:{self.user.epoch}"


def _redis() -> redis.Redis:
    client = runtime.redis_client()
    if client is None:
        raise RuntimeError("logins need Redis")
    return client


def _load_user(session_id: str) -> SessionUser | None:
    username, _, epoch = session_id.rpartition(":")
    user = users.get(_redis(), username)
    if user is None or user.disabled or str(user.epoch) != epoch:
        flask.g.pccovid_session_ended = "disabled" if user is not None and user.disabled else "changed"
        if user is not None and user.disabled:
            try:
                audit.record("session_ended_disabled", username, {"path": flask.request.path}, username=username)
            except audit.AuditUnavailable:
                log.exception("a disabled user's session ended unaudited")
        return None
    principal = users.principal_of(user)
    if principal is None:  # the deployment's bound moved since the user was made
        return None
    return SessionUser(user, principal)


def _is_page(path: str) -> bool:
    return flask.request.method == "GET" and not path.startswith(_NOT_PAGES)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (`//evil`, `https://evil`) to send a fresh login to."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _refuse(status: int, message: str) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")


def gate() -> flask.Response | None:
    """Before every request: who is asking, and whether they may ask at all."""
    path = flask.request.path
    if path.startswith(_API):  # machine clients: the ingest API checks its own site keys
        return None
    if path in _PUBLIC:
        set_request_principal(None)
        if flask.request.method == "POST":
            _csrf.protect()
        return None
    current = flask_login.current_user
    try:
        authenticated = current.is_authenticated  # reads the session's user from Redis
    except redis.RedisError:
        log.exception("the users cannot be read from Redis")
        flask.g.pccovid_users_down = True
        return _refuse(503, "logins are unavailable: the users cannot be read now")
    if not authenticated:
        set_request_principal(None)
        if flask.g.get("pccovid_session_ended"):
            flask.session.clear()
        if _is_page(path):
            return flask.redirect(LOGIN + "?" + urllib.parse.urlencode({"next": flask.request.full_path.rstrip("?")}))
        return _refuse(401, "login required: POST /login")
    principal: Principal = current.principal
    set_request_principal(principal)
    if principal.role.admin and not principal.role.epidemic and _is_page(path) and path != ADMIN:
        return flask.redirect(ADMIN)  # the administrator sees users and the audit log, no epidemic page
    _csrf.protect()
    return None


_csrf = CSRFProtect()


@functools.cache
def _template() -> jinja2.Template:
    """The login page, escaped, rendered without Flask's context processors (Flask-Login's would read the session's
    user from Redis, and the form must show even when Redis does not answer)."""
    return jinja2.Environment(autoescape=True).from_string(_TEMPLATE)


def _login_page(status: int = 200, message: str = "", username: str = "", next_path: str = "/") -> flask.Response:
    lang = current_language()
    css = dash.get_asset_url("app.css")
    logo = dash.get_asset_url("logo.svg")
    other = "en" if lang == "vi" else "vi"
    switch_query = urllib.parse.urlencode({"lang": other, "next": next_path})
    html = _template().render(
        lang=lang,
        css=css,
        logo=logo,
        title=t("login.title", lang),
        app_title=t("app.title", lang),
        subtitle=t("app.subtitle", lang),
        username_label=t("login.username", lang),
        password_label=t("login.password", lang),
        submit=t("login.submit", lang),
        switch_label="English" if other == "en" else "Tiếng Việt",
        switch_url=LOGIN + "?" + switch_query,
        message=message,
        username=username,
        next_path=next_path,
        csrf=generate_csrf(),
    )
    response = flask.Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def login_form() -> flask.Response:
    """GET /login; `?lang=en` switches the language (the app's own language cookie)."""
    lang = flask.request.args.get("lang")
    next_path = _safe_next(flask.request.args.get("next"))
    if lang in LANGUAGES:
        response = flask.redirect(LOGIN + "?" + urllib.parse.urlencode({"next": next_path}))
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=31536000, samesite="Lax", path="/")
        return response
    try:
        if flask_login.current_user.is_authenticated:
            return flask.redirect(next_path)
    except redis.RedisError:
        flask.g.pccovid_users_down = True  # the form still shows; the login itself answers 503
    return _login_page(next_path=next_path)


def login() -> flask.Response:
    """POST /login with `username`, `password` (and the CSRF token): throttled per account and per address."""
    username = flask.request.form.get("username", "").strip().lower()[:64]
    password = flask.request.form.get("password", "")
    next_path = _safe_next(flask.request.form.get("next"))
    address = flask.request.remote_addr or ""
    client = _redis()
    try:
        wait_s, locked = login_throttle.locked_for(client, username, address)
        if wait_s:
            audit.record("login_throttled", username, {"locked": locked, "retry_after_s": wait_s}, username=username)
            response = _login_page(429, t("login.throttled", minutes=max(1, -(-wait_s // 60))), username, next_path)
            response.headers["Retry-After"] = str(wait_s)
            return response
        user, reason = users.authenticate(client, username, password)
        principal = users.principal_of(user) if user is not None else None
        if user is not None and principal is None:
            reason = "outside_deployment"
        if user is None or principal is None:
            lock_s = login_throttle.failed(client, username, address)
            detail: dict[str, object] = {"reason": reason}
            if lock_s:
                detail["locked_for_s"] = lock_s
            audit.record("login_failed", username, detail, username=username)
            # 200, not 401: the form again with the reason (a 401 asks for HTTP authentication, which this is not)
            return _login_page(200, t("login.failed"), username, next_path)
        login_throttle.succeeded(client, username)
        set_request_principal(principal)
        audit.record("login", username, {"role": user.role, "scope": user.scope})
    except audit.AuditUnavailable:
        return _refuse(503, "the audit log cannot be written now: no login until it can")
    except redis.RedisError:
        log.exception("a login could not reach Redis")
        return _refuse(503, "logins are unavailable: the users cannot be read now")
    flask.session.clear()  # a fresh session (and CSRF secret) for the logged-in user: no fixation
    flask.session.permanent = True
    flask_login.login_user(SessionUser(user, principal))
    flask.g.pccovid_csrf_renew = True
    if principal.role.admin and not principal.role.epidemic:
        next_path = ADMIN
    return flask.redirect(next_path)


def logout() -> flask.Response:
    """POST /logout (with the CSRF token): the session ends."""
    current = flask_login.current_user
    if current.is_authenticated:
        try:
            audit.record("logout", current.user.username)
        except audit.AuditUnavailable:
            log.exception("a logout went unaudited")  # never keep someone logged in because the log is down
    flask_login.logout_user()
    flask.session.clear()
    response = flask.redirect(LOGIN)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def _set_csrf_cookie(response: flask.Response) -> flask.Response:
    """dash-renderer reads the CSRF token from this cookie (not HttpOnly) and sends it back as X-CSRFToken."""
    path = flask.request.path
    if path.startswith(_API) or (path in _PUBLIC and path != LOGIN) or flask.g.get("pccovid_users_down"):
        return response  # /health must answer whatever Redis does
    try:
        if not flask_login.current_user.is_authenticated:
            return response
    except redis.RedisError:
        return response
    given = flask.request.cookies.get(CSRF_COOKIE)
    renew = flask.g.get("pccovid_csrf_renew", False) or not given
    if not renew:
        try:
            validate_csrf(given)
        except ValidationError:
            renew = True
    if renew:
        secure = flask.current_app.config["SESSION_COOKIE_SECURE"]
        response.set_cookie(CSRF_COOKIE, generate_csrf(), secure=secure, httponly=False, samesite="Lax", path="/")
    return response


def _csrf_refused(error: CSRFError) -> flask.Response:
    current = flask_login.current_user
    username = current.user.username if current.is_authenticated else flask.request.form.get("username", "")[:64]
    try:
        audit.record("csrf_refused", flask.request.path, {"reason": error.description}, username=username)
    except audit.AuditUnavailable:
        log.exception("a CSRF refusal went unaudited")
    return _refuse(400, f"refused: {error.description}")


def _access_denied(error: AccessDenied) -> flask.Response:
    return _refuse(403, f"forbidden: {error}")


def _audit_unavailable(error: audit.AuditUnavailable) -> flask.Response:
    log.error("refused what could not be audited: %s", error)
    return _refuse(503, "the audit log cannot be written now: refused")


def install(server: flask.Flask) -> None:
    """Sessions, CSRF, the gate and the login routes; called before any other hook reads requests."""
    server.config.update(
        SECRET_KEY=secret_key(),
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_SECURE=True,  # Chromium keeps Secure cookies on http://127.0.0.1 and localhost too
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        WTF_CSRF_CHECK_DEFAULT=False,  # the gate checks it, after the login and never on the ingest API
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as its session
        WTF_CSRF_SSL_STRICT=True,
    )
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.user_loader(_load_user)
    _csrf.init_app(server)
    server.before_request_funcs.setdefault(None, []).insert(0, gate)
    server.add_url_rule(LOGIN, "login_form", login_form, methods=["GET"])
    server.add_url_rule(LOGIN, "login", login, methods=["POST"])
    server.add_url_rule(LOGOUT, "logout", logout, methods=["POST"])
    server.after_request(_set_csrf_cookie)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.register_error_handler(AccessDenied, _access_denied)
    server.register_error_handler(audit.AuditUnavailable, _audit_unavailable)


_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · PC-Covid</title>
<link rel="icon" href="{{ logo }}">
<link rel="stylesheet" href="{{ css }}">
</head>
<body class="login-body">
<main class="login-card">
  <header class="login-head">
    <img src="{{ logo }}" alt="" width="40" height="40">
    <div><div class="login-app">{{ app_title }}</div><div class="login-sub">{{ subtitle }}</div></div>
  </header>
  <h1 class="login-title">{{ title }}</h1>
  {% if message %}<p class="login-message" role="alert">{{ message }}</p>{% endif %}
  <form method="post" action="/login" class="login-form">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next_path }}">
    <label for="username">{{ username_label }}</label>
    <input id="username" name="username" autocomplete="username" value="{{ username }}" required autofocus>
    <label for="password">{{ password_label }}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">{{ submit }}</button>
  </form>
  <p class="login-lang"><a href="{{ switch_url }}">{{ switch_label }}</a></p>
</main>
</body>
</html>
"""
