"""The command centre's users (CONTRACT §7): name, role, scope and an Argon2 password hash, kept in Redis.

Redis, not the store: `pccovid user add` must work while the server runs and holds the DuckDB file read-write, and
every request reads its user afresh (a disabled user's session ends at its next request). The embedded Valkey writes
its append-only file with fsync always, as for the site keys (ingest/sites.py), so a user added survives a restart.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data import runtime
from data.access import Principal, require, role, roles
from data.config import geo_dir
from data.viewer import NATIONAL, Viewer, deployment_viewer, parse_viewer

USERS = "pccovid:users"  # hash: username -> JSON {role, scope, hash, disabled, epoch, created, changed}
MIN_PASSWORD = 10  # characters; a login is throttled, but a short password falls to the first list tried
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_hasher = PasswordHasher()  # argon2-cffi's defaults (RFC 9106's low-memory profile); a change rehashes at login


@cache
def _dummy_hash() -> str:
    """What a wrong name costs must be what a wrong password costs, or the timing tells which names exist."""
    return _hasher.hash("no such user: the same work as a real check")


class UserError(ValueError):
    """A user operation that cannot be done; one line for the command line."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    scope: str  # "national", "province:79", "district:760,761"
    disabled: bool
    epoch: int  # moves on when the password changes or the user is disabled: older sessions end
    created: str
    changed: str

    @property
    def viewer(self) -> Viewer:
        return parse_viewer(self.scope)

    def public(self) -> dict[str, object]:
        """What the admin page shows: everything but the hash."""
        return {
            "username": self.username,
            "role": self.role,
            "scope": self.scope,
            "disabled": self.disabled,
            "created": self.created,
            "changed": self.changed,
        }


@cache
def _units() -> dict[str, dict[str, str]]:
    """GSO codes of provinces and districts (../shared/geo) -> their province."""
    found: dict[str, dict[str, str]] = {"province": {}, "district": {}}
    with (geo_dir() / "vn_admin_units_2021.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["level"] in found:
                found[row["level"]][row["code"]] = row["province_code"]
    return found


def _provinces_of(viewer: Viewer) -> set[str]:
    units = _units()
    return {units[viewer.level][code] for code in viewer.codes}


def inside(inner: Viewer, outer: Viewer) -> bool:
    """Whether every area `inner` reaches lies inside `outer` (a user's scope inside the deployment's)."""
    if outer.level == "national":
        return True
    if inner.level == "national":
        return False
    if outer.level == "province":
        return _provinces_of(inner) <= set(outer.codes)
    return inner.level == "district" and set(inner.codes) <= set(outer.codes)


def principal_of(user: User) -> Principal | None:
    """The user as requests see them: their scope, bounded by the deployment's PCCOVID_VIEWER (a national user of a
    provincial command centre reads that province); None when their scope lies outside it."""
    outer = deployment_viewer()
    viewer = user.viewer
    if viewer.level == "national":
        viewer = outer
    elif not inside(viewer, outer):
        return None
    return Principal(user.username, role(user.role), viewer)


def check_scope(role_name: str, scope: str | None) -> str:
    """The scope as stored, or UserError saying what is wrong: the role's kind (roles.toml `scope`), codes that
    exist (../shared/geo), inside the deployment's PCCOVID_VIEWER."""
    kind = role(role_name).scope
    text = (scope or "").strip() or ("national" if kind in ("national", "any") else "")
    if not text:
        raise UserError(f"the role {role_name!r} needs --scope {kind}:CODES")
    try:
        viewer = parse_viewer(text)
    except ValueError as exc:
        raise UserError(f"--scope {text!r}: {exc}") from None
    if kind != "any" and viewer.level != kind:
        raise UserError(f"the role {role_name!r} takes a {kind} scope, not {text!r}")
    if viewer.level != "national":
        unknown = [code for code in viewer.codes if code not in _units()[viewer.level]]
        if unknown:
            raise UserError(f"--scope {text!r}: no {viewer.level} with the code {', '.join(unknown)}")
    outer = deployment_viewer()
    # A national scope reads as the deployment's own bound (principal_of); any other must lie inside it.
    if viewer.level != "national" and not inside(viewer, outer):
        raise UserError(f"--scope {text!r} lies outside this deployment's PCCOVID_VIEWER ({outer.cache_key})")
    if viewer == NATIONAL:
        return "national"
    return f"{viewer.level}:{','.join(viewer.codes)}"


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _decode(username: str, raw: bytes | str) -> tuple[User, str]:
    record = json.loads(raw)
    user = User(
        username=username,
        role=record["role"],
        scope=record["scope"],
        disabled=bool(record.get("disabled")),
        epoch=int(record.get("epoch", 0)),
        created=record.get("created", ""),
        changed=record.get("changed", ""),
    )
    return user, record["hash"]


def _encode(user: User, password_hash: str) -> str:
    return json.dumps(
        {
            "role": user.role,
            "scope": user.scope,
            "hash": password_hash,
            "disabled": user.disabled,
            "epoch": user.epoch,
            "created": user.created,
            "changed": user.changed,
        }
    )


def _check_name(username: str) -> None:
    if not _NAME.fullmatch(username):
        raise UserError(f"user name {username!r}: use 2 to 64 lower-case letters, digits, '.', '_' or '-'")


def add(client: redis.Redis, username: str, role_name: str, scope: str | None, password: str) -> User:
    """Creates a user; refuses a name that exists (disabled users keep theirs)."""
    _check_name(username)
    if role_name not in roles():
        raise UserError(f"unknown role {role_name!r}; one of {', '.join(roles())}")
    stored_scope = check_scope(role_name, scope)
    check_password(password)
    now = _now()
    user = User(username, role_name, stored_scope, disabled=False, epoch=0, created=now, changed=now)
    # HSETNX: two `user add` of one name at once cannot both win.
    if not client.hsetnx(USERS, username, _encode(user, _hasher.hash(password))):
        raise UserError(f"a user named {username!r} exists already")
    return user


def get(client: redis.Redis, username: str) -> User | None:
    raw = client.hget(USERS, username)
    return None if raw is None else _decode(username, raw)[0]


def listed(client: redis.Redis) -> list[User]:
    return sorted((_decode(name.decode(), raw)[0] for name, raw in client.hgetall(USERS).items()), key=_by_name)


def _by_name(user: User) -> str:
    return user.username


def _change(client: redis.Redis, username: str, **fields: object) -> User:
    """Rewrites one user under WATCH, so a concurrent change (a rehash at login) is never lost."""
    with client.pipeline(transaction=True) as pipe:
        while True:
            try:
                pipe.watch(USERS)
                raw = pipe.hget(USERS, username)
                if raw is None:
                    raise UserError(f"no user named {username!r}")
                user, password_hash = _decode(username, raw)
                password_hash = str(fields.pop("hash", password_hash))
                changed = User(**{**user.__dict__, **fields, "changed": _now()})
                pipe.multi()
                pipe.hset(USERS, username, _encode(changed, password_hash))
                pipe.execute()
                return changed
            except redis.WatchError:
                continue


def disable(client: redis.Redis, username: str) -> User:
    """The user can no longer log in, and their open sessions end at their next request."""
    user = get(client, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    return _change(client, username, disabled=True, epoch=user.epoch + 1)


def enable(client: redis.Redis, username: str) -> User:
    return _change(client, username, disabled=False)


def set_password(client: redis.Redis, username: str, password: str) -> User:
    """A new password; every session opened with the old one ends (the epoch moves on)."""
    check_password(password)
    user = get(client, username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    return _change(client, username, hash=_hasher.hash(password), epoch=user.epoch + 1)


def authenticate(client: redis.Redis, username: str, password: str) -> tuple[User | None, str]:
    """The user if the password is theirs and they are enabled, with "" as the reason; else None and why
    ("unknown_user", "wrong_password", "disabled"). Rehashes when argon2's parameters have changed."""
    raw = client.hget(USERS, username) if _NAME.fullmatch(username) else None
    if raw is None:
        try:
            _hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return None, "unknown_user"
    user, password_hash = _decode(username, raw)
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return None, "wrong_password"
    if user.disabled:
        return None, "disabled"
    if _hasher.check_needs_rehash(password_hash):
        _change(client, username, hash=_hasher.hash(password))
    return user, ""


def users_for_admin() -> list[dict[str, object]]:
    """Every user as the admin page lists them, without hashes (admin only)."""
    require("admin")
    client = runtime.redis_client()
    if client is None:
        raise RuntimeError("users live in Redis, and there is none")
    return [user.public() for user in listed(client)]
