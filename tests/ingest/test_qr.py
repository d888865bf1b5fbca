"""The personal QR (CONTRACT §6): tokens short enough for a phone, verified with each reason for a refusal, keys that
rotate and retire, and `pccovid qr issue` on the command line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ingest import keys, qr
from ingest.qr import Refusal, TokenRefused, Verifier

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime.now(dt.UTC)


def refusal(verifier: Verifier, token: str, at: dt.datetime = NOW) -> Refusal:
    with pytest.raises(TokenRefused) as refused:
        verifier.verify(token, at)
    return refused.value.reason


@pytest.fixture
def keys_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o700)
    return folder


def test_a_token_verifies_and_names_only_the_person_and_expiry(ingest_redis, keys_folder: Path) -> None:
    before = dt.datetime.now(dt.UTC)
    token = keys.issue(ingest_redis, 9_000_000_123, days=30, folder=keys_folder)
    after = dt.datetime.now(dt.UTC)
    assert token.startswith("PC1:") and len(token) == qr.MAX_TOKEN_CHARS <= 140
    # QR alphanumeric mode: upper-case letters, digits and ':' only
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:")
    claims = Verifier(keys.public_keys(ingest_redis)).verify(token, NOW)
    assert claims.person_id == 9_000_000_123 and claims.key_id == 1
    # The expiry is kept to the second, cut down.
    assert before + dt.timedelta(days=30, seconds=-1) <= claims.expires <= after + dt.timedelta(days=30)
    # The private key file is the owner's alone.
    assert [p.stat().st_mode & 0o777 for p in keys_folder.iterdir()] == [0o600]


def test_each_refusal_has_its_reason(ingest_redis, keys_folder: Path) -> None:
    good = keys.issue(ingest_redis, 456, days=1, folder=keys_folder)
    verifier = Verifier(keys.public_keys(ingest_redis))
    # altered: a character of the person id changed after issue (the CRC no longer matches)
    position = len("PC1:") + 8
    altered = good[:position] + ("A" if good[position] != "A" else "B") + good[position + 1 :]
    assert refusal(verifier, altered) is Refusal.ALTERED
    # forged: a well-formed token for key 1 signed by someone else's key
    assert (
        refusal(verifier, qr.sign(Ed25519PrivateKey.generate(), 1, 456, NOW + dt.timedelta(days=1))) is Refusal.FORGED
    )
    assert (
        refusal(verifier, qr.sign(Ed25519PrivateKey.generate(), 77, 456, NOW + dt.timedelta(days=1)))
        is Refusal.UNKNOWN_KEY
    )
    assert refusal(verifier, good, at=NOW + dt.timedelta(days=2)) is Refusal.EXPIRED
    for malformed in ("", "PC1:", "hello", good[:-1], good + "A", good.lower(), "PC1:" + "1" * (len(good) - 4)):
        assert refusal(verifier, malformed) is Refusal.MALFORMED
    assert verifier.verify(good, NOW).person_id == 456


def test_rotation_keeps_old_tokens_until_their_key_is_retired(ingest_redis, keys_folder: Path) -> None:
    old = keys.issue(ingest_redis, 1, days=5, folder=keys_folder)
    assert keys.rotate(ingest_redis, keys_folder) == 2
    new = keys.issue(ingest_redis, 2, days=5, folder=keys_folder)
    verifier = Verifier(keys.public_keys(ingest_redis))
    assert verifier.verify(old, NOW).key_id == 1 and verifier.verify(new, NOW).key_id == 2
    keys.retire(ingest_redis, 1)
    verifier.replace_keys(keys.public_keys(ingest_redis))
    assert refusal(verifier, old) is Refusal.RETIRED_KEY  # remembered as good before: the state is read at each use
    assert verifier.verify(new, NOW).person_id == 2
    with pytest.raises(keys.KeyringError):
        keys.retire(ingest_redis, 9)


def test_a_keyring_lost_from_redis_never_reuses_a_private_key_left_on_disk(ingest_redis, keys_folder: Path) -> None:
    """Another REDIS_URL, or a reset, forgets the keyring but not the private keys beside the store: the next key
    takes a fresh id instead of failing on (or overwriting) qr-1.key."""
    old = keys.issue(ingest_redis, 1, days=5, folder=keys_folder)
    old_private = (keys_folder / "qr-1.key").read_text()
    ingest_redis.delete(keys.KEYS)
    token = keys.issue(ingest_redis, 1, days=5, folder=keys_folder)
    assert (keys_folder / "qr-1.key").read_text() == old_private
    verifier = Verifier(keys.public_keys(ingest_redis))
    assert verifier.verify(token, NOW).key_id == 2
    assert refusal(verifier, old) is Refusal.UNKNOWN_KEY


def test_qr_issue_prints_the_token_and_writes_the_image(ingest_url: str, ingest_redis, tmp_path: Path) -> None:
    png = tmp_path / "qr.png"
    env = {**os.environ, "REDIS_URL": ingest_url, "PCCOVID_KEYS_DIR": str(tmp_path / "keys")}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "qr", "issue", "--person", "456", "--days", "7", "--png", str(png)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert Verifier(keys.public_keys(ingest_redis)).verify(token, NOW).person_id == 456
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = subprocess.run(
        [sys.executable, "-m", "cli", "qr", "issue", "--person", "-1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "not a person id" in bad.stderr
