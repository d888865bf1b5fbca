"""Users (CONTRACT §7) through the command line and in Redis: passwords from standard input, scopes checked, hashes
never shown, disable and enable audited, demo users made once."""

from __future__ import annotations

import getpass
import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from data import audit, users
from data.viewer import Viewer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_redis(redis_url: str):
    """A Redis database of its own (the user names below are the tests', not the session's accounts)."""
    from urllib.parse import urlsplit

    url = urlsplit(redis_url)._replace(path="/7").geturl()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()
    client.close()


def pccovid(url: str, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REDIS_URL": url, **(env or {})},
    )


def test_user_add_reads_the_password_from_stdin_and_checks_everything(own_redis) -> None:
    url, client = own_redis
    password = secrets.token_urlsafe(12)
    added = pccovid(url, "user", "add", "hcm-leader", "--role", "province", "--scope", "province:79", stdin=password)
    assert added.returncode == 0, added.stderr
    user = users.get(client, "hcm-leader")
    assert user is not None and user.scope == "province:79" and user.viewer == Viewer("province", ("79",))
    assert password not in client.hget(users.USERS, "hcm-leader").decode()  # only its Argon2 hash
    assert users.authenticate(client, "hcm-leader", password)[0] == user
    assert users.authenticate(client, "hcm-leader", password + "x") == (None, "wrong_password")

    refusals = {
        "empty password": (["x1", "--role", "press"], ""),
        "short password": (["x2", "--role", "press"], "short"),
        "no scope": (["x3", "--role", "province"], password),
        "wrong kind": (["x4", "--role", "province", "--scope", "district:760"], password),
        "unknown code": (["x5", "--role", "district", "--scope", "district:999"], password),
        "unknown role": (["x6", "--role", "mayor"], password),
        "taken name": (["hcm-leader", "--role", "press"], password),
        "bad name": (["Bad Name", "--role", "press"], password),
    }
    for why, (args, given) in refusals.items():
        result = pccovid(url, "user", "add", *args, stdin=given)
        assert result.returncode == 2, why
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("pccovid user: "), (why, result.stderr)
    outside = pccovid(
        url, "user", "add", "x7", "--role", "district", "--scope", "district:001", stdin=password,
        env={"PCCOVID_VIEWER": "province:79"},
    )  # fmt: skip
    assert outside.returncode == 2 and "outside this deployment" in outside.stderr
    assert [u.username for u in users.listed(client)] == ["hcm-leader"]

    entries = [{k.decode(): v.decode() for k, v in f.items()} for _, f in client.xrange(audit.stream_key())]
    assert [(e["action"], e["target"], e["username"], e["address"]) for e in entries] == [
        ("user_add", "hcm-leader", getpass.getuser(), "local")
    ]
    assert json.loads(entries[0]["detail"]) == {"role": "province", "scope": "province:79"}


def test_disable_enable_and_list(own_redis) -> None:
    url, client = own_redis
    password = secrets.token_urlsafe(12)
    users.add(client, "tracer-q1", "tracer", "district:760,761", password)
    before = users.get(client, "tracer-q1")
    assert pccovid(url, "user", "disable", "tracer-q1").returncode == 0
    disabled = users.get(client, "tracer-q1")
    assert disabled.disabled and disabled.epoch == before.epoch + 1  # open sessions end
    assert users.authenticate(client, "tracer-q1", password) == (None, "disabled")
    listing = pccovid(url, "user", "list")
    assert listing.stdout.split() == ["tracer-q1", "tracer", "district:760,761", "disabled"]
    assert "argon2" not in listing.stdout
    assert pccovid(url, "user", "enable", "tracer-q1").returncode == 0
    assert users.authenticate(client, "tracer-q1", password)[0] is not None
    assert pccovid(url, "user", "disable", "nobody").returncode == 2
    actions = [f[b"action"].decode() for _, f in client.xrange(audit.stream_key())]
    assert actions == ["user_disable", "user_enable"]


def test_a_new_password_moves_the_epoch_and_old_parameters_are_rehashed(own_redis) -> None:
    _url, client = own_redis
    users.add(client, "changer", "press", None, "first password")
    users.set_password(client, "changer", "second password")
    assert users.get(client, "changer").epoch == 1
    assert users.authenticate(client, "changer", "first password") == (None, "wrong_password")
    # A hash made with weaker parameters than today's is replaced at the next good login.
    from argon2 import PasswordHasher

    record = json.loads(client.hget(users.USERS, "changer"))
    record["hash"] = PasswordHasher(time_cost=1, memory_cost=8192).hash("second password")
    client.hset(users.USERS, "changer", json.dumps(record))
    assert users.authenticate(client, "changer", "second password")[0] is not None
    rehashed = json.loads(client.hget(users.USERS, "changer"))["hash"]
    assert rehashed != record["hash"] and not PasswordHasher().check_needs_rehash(rehashed)


def test_demo_users_are_made_once_and_written_for_the_owner_only(own_redis, tmp_path: Path) -> None:
    url, client = own_redis
    import cli

    path = tmp_path / "demo-users.txt"
    os.environ["REDIS_URL"], previous = url, os.environ.get("REDIS_URL")
    try:
        assert cli.demo_users(path)
        written = path.read_text()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        rows = [line.split() for line in written.splitlines() if not line.startswith("#")]
        assert sorted(row[2] for row in rows) == sorted(users.roles())
        for name, password, *_ in rows:
            assert users.authenticate(client, name, password)[0] is not None
        assert not cli.demo_users(path)  # the file and the users exist: nothing new
        assert path.read_text() == written
        path.unlink()
        assert cli.demo_users(path)  # the file was lost: new passwords
        assert path.read_text() != written
    finally:
        if previous is None:
            os.environ.pop("REDIS_URL")
        else:
            os.environ["REDIS_URL"] = previous


def test_scopes_are_bounded_by_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCCOVID_VIEWER", "province:79")
    assert users.check_scope("district", "district:760,769") == "district:760,769"
    assert users.check_scope("tracer", "province:79") == "province:79"
    with pytest.raises(users.UserError, match="outside"):
        users.check_scope("province", "province:01")
    assert users.check_scope("press", None) == "national"  # read as the deployment's province
    user = users.User("n", "press", "national", False, 0, "", "")
    viewer = users.principal_of(user).viewer  # national reads the deployment's bound, seen as the press sees
    assert (viewer.level, viewer.codes, viewer.suppress_below) == ("province", ("79",), 5)
    outsider = users.User("h", "province", "province:01", False, 0, "", "")
    assert users.principal_of(outsider) is None
