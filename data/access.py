"""Who is asking: the logged-in user's role and jurisdiction (CONTRACT §7). Every read takes its viewer from here."""

from __future__ import annotations

import contextvars
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import flask

from data.viewer import Viewer, deployment_viewer

ROLES_FILE = Path(__file__).with_name("roles.toml")
_FLASK_KEY = "pccovid_principal"
_acting: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("pccovid_principal", default=None)


class AccessDenied(PermissionError):
    """The request's user may not do this; the message says what is missing (never what the data would have been)."""


@dataclass(frozen=True)
class Role:
    name: str
    label: dict[str, str]
    scope: str  # "national", "province", "district" or "any": what --scope may give
    epidemic: bool
    personal: bool
    suppress_below: int
    issue: bool
    receive: bool
    admin: bool


@cache
def roles() -> dict[str, Role]:
    table = tomllib.loads(ROLES_FILE.read_text(encoding="utf-8"))
    return {name: Role(name=name, **fields) for name, fields in table.items()}


def role(name: str) -> Role:
    found = roles().get(name)
    if found is None:
        raise ValueError(f"unknown role {name!r}; one of {', '.join(roles())}")
    return found


@dataclass(frozen=True)
class Principal:
    """A logged-in user as every request sees them: name, role and the jurisdiction they read."""

    username: str
    role: Role
    viewer: Viewer

    def __post_init__(self) -> None:
        # The viewer carries what the role may see, so every data function, its SQL and its cache key get it with the
        # jurisdiction, and no page has to remember it (issue 13: "at the data boundary, from the role").
        seeing = self.viewer.seeing(personal=self.role.personal, suppress_below=self.role.suppress_below)
        object.__setattr__(self, "viewer", seeing)

    @property
    def personal(self) -> bool:
        """May see names, phones, identity numbers and a person's exact times (inside `viewer`)."""
        return self.role.personal

    @property
    def suppress_below(self) -> int:
        return self.role.suppress_below


def current_principal() -> Principal | None:
    """The user of this request (set by web/auth.py from the session), or the one a background job acts as."""
    if flask.has_request_context() and _FLASK_KEY in flask.g:
        return flask.g.get(_FLASK_KEY)
    return _acting.get()


def set_request_principal(principal: Principal | None) -> None:
    """Called once per request by web/auth.py after it has read the session."""
    setattr(flask.g, _FLASK_KEY, principal)


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Runs reads as `principal` outside a logged-in request (the warm-up thread, the command line, tests of the data
    layer). Inside a request context it also sets the request's principal, which it restores afterwards."""
    token = _acting.set(principal)
    had_request = flask.has_request_context()
    previous = flask.g.get(_FLASK_KEY) if had_request else None
    if had_request:
        set_request_principal(principal)
    try:
        yield principal
    finally:
        _acting.reset(token)
        if had_request:
            set_request_principal(previous)


def require(permission: str) -> Principal:
    """The current principal if their role has `permission` (a field of roles.toml), else AccessDenied."""
    principal = current_principal()
    if principal is None:
        raise AccessDenied("not logged in")
    if not getattr(principal.role, permission):
        raise AccessDenied(f"the role {principal.role.name!r} may not do this ({permission})")
    return principal


def deployment_principal(username: str = "system") -> Principal:
    """The deployment itself (PCCOVID_VIEWER) as a principal of the matching role: what background work acts as (the
    server's warm-up, the command line), never a request."""
    viewer = deployment_viewer()
    return Principal(username, role(viewer.level), viewer)


def current_viewer() -> Viewer:
    """The jurisdiction of this request: the logged-in user's scope, never taken from the request itself. Nobody
    logged in (and no `acting_as`) reads nothing: AccessDenied."""
    principal = current_principal()
    if principal is None:
        raise AccessDenied("not logged in")
    if not principal.role.epidemic:
        raise AccessDenied(f"the role {principal.role.name!r} sees no epidemic data")
    return principal.viewer
