"""Where the personal QR's signing keys live: public keys and their states in Redis (every API process reads them
there), private keys in owner-only files beside the store (only `pccovid qr issue` signs)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from data.config import ROOT
from ingest import qr
from ingest.qr import KeyState, PublicKey

KEYS = "pccovid:qr:keys"  # hash: key id -> {"public": hex, "state": …, "created": ISO}
REFUSED = "pccovid:qr:refused"  # hash: refusal reason -> count of tokens refused for it


class KeyringError(ValueError):
    """A key operation that cannot be done (no such key, nothing to rotate); one line for the command line."""


def keys_dir() -> Path:
    """The private keys' folder (`var/keys` unless PCCOVID_KEYS_DIR), created owner-only."""
    folder = Path(os.environ.get("PCCOVID_KEYS_DIR") or ROOT / "var" / "keys")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _private_path(folder: Path, key_id: int) -> Path:
    return folder / f"qr-{key_id}.key"


def _ring(client: redis.Redis) -> dict[int, dict]:
    return {int(k): json.loads(v) for k, v in client.hgetall(KEYS).items()}


def public_keys(client: redis.Redis) -> dict[int, PublicKey]:
    """Every key id with its state and public key, as the API verifies with them."""
    return {
        key_id: PublicKey(
            key_id, KeyState(entry["state"]), Ed25519PublicKey.from_public_bytes(bytes.fromhex(entry["public"]))
        )
        for key_id, entry in _ring(client).items()
    }


def _ids_in(folder: Path) -> list[int]:
    """The ids of the private keys in `folder` (qr-<id>.key)."""
    return [int(path.stem[3:]) for path in folder.glob("qr-*.key") if path.stem[3:].isdigit()]


def _create(client: redis.Redis, folder: Path) -> int:
    ring = _ring(client)
    # An id after every key Redis knows and every private key on disk: a Redis that lost its keyring (another
    # REDIS_URL, a reset) leaves the old private keys beside the store, and one is never overwritten nor reused.
    key_id = max([*ring, *_ids_in(folder)], default=0) + 1
    if key_id > 0xFFFF:
        raise KeyringError("no key id left (65,535 keys made)")
    private = Ed25519PrivateKey.generate()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _private_path(folder, key_id)
    # Owner-only from the first byte: the file is created with its mode, never widened afterwards.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(private.private_bytes_raw().hex() + "\n")
    entry = {
        "public": private.public_key().public_bytes_raw().hex(),
        "state": KeyState.ACTIVE.value,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with client.pipeline(transaction=True) as pipe:
        for other, found in ring.items():
            if found["state"] == KeyState.ACTIVE:
                pipe.hset(KEYS, str(other), json.dumps({**found, "state": KeyState.VERIFYING.value}))
        pipe.hset(KEYS, str(key_id), json.dumps(entry))
        pipe.execute()
    return key_id


def rotate(client: redis.Redis, folder: Path | None = None) -> int:
    """A new active key; the one that was active keeps verifying its tokens (until retired). Its id."""
    return _create(client, folder or keys_dir())


def retire(client: redis.Redis, key_id: int) -> None:
    """Every token signed by `key_id` is refused from now on (by running APIs within seconds)."""
    ring = _ring(client)
    if key_id not in ring:
        raise KeyringError(f"no QR key {key_id}; keys are {', '.join(map(str, sorted(ring))) or 'none yet'}")
    client.hset(KEYS, str(key_id), json.dumps({**ring[key_id], "state": KeyState.RETIRED.value}))


def active_signer(client: redis.Redis, folder: Path | None = None) -> tuple[int, Ed25519PrivateKey]:
    """The active key's id and private key, making the first key when there is none."""
    folder = folder or keys_dir()
    active = [k for k, entry in _ring(client).items() if entry["state"] == KeyState.ACTIVE]
    key_id = active[0] if active else _create(client, folder)
    path = _private_path(folder, key_id)
    if not path.exists():
        raise KeyringError(f"the active QR key {key_id} was made elsewhere: its private key is not in {folder}")
    return key_id, Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))


def issue(client: redis.Redis, person_id: int, days: int, folder: Path | None = None) -> str:
    """A token for `person_id`, valid for `days` days from now, signed by the active key."""
    key_id, private = active_signer(client, folder)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return qr.sign(private, key_id, person_id, expires)


def refusals(client: redis.Redis) -> dict[str, int]:
    """How many tokens were refused, by reason, since the counters began."""
    return {k.decode(): int(v) for k, v in client.hgetall(REFUSED).items()}
