"""The personal QR (CONTRACT §6): short Ed25519-signed tokens naming a person and an expiry, with key ids and rotation.

A token is `PC1:` then Base32 (no padding) of 14 bytes of payload (key id, person id, expiry), the 64-byte
signature of `PC1` + payload, and a CRC-32 of both. Base32 keeps it inside the QR code's alphanumeric mode (5.5 bits a
character instead of 8): 136 characters, a version 7 code (45 x 45 modules) that any phone camera reads. It names
nobody: no name, phone or identity number, only the register's person id.

Why a CRC beside the signature: the signature alone cannot tell a token changed after it was issued from one made
by someone else. The CRC is not a security measure (anyone can recompute it); it separates the two cases a tracer
asks about: *altered* (the CRC no longer matches: bytes were changed after issue, by hand or by damage) from
*forged* (a well-formed token, CRC and all, whose signature is not ours).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "PC1:"
_DOMAIN = b"PC1"  # signed with the payload, so a signature over anything else never verifies as a QR token
_PAYLOAD = struct.Struct(">HqI")  # key id, person id, expiry (Unix seconds)
_SIGNATURE_BYTES = 64
_CRC = struct.Struct(">I")
TOKEN_BYTES = _PAYLOAD.size + _SIGNATURE_BYTES + _CRC.size
MAX_TOKEN_CHARS = len(PREFIX) + (TOKEN_BYTES * 8 + 4) // 5


class Refusal(StrEnum):
    """Why a token is refused; the values are the counters' names and the reasons' words."""

    MALFORMED = "malformed"  # not a PC-Covid QR token at all
    ALTERED = "altered"
    FORGED = "forged"
    UNKNOWN_KEY = "unknown key"
    RETIRED_KEY = "retired key"
    EXPIRED = "expired"


class TokenRefused(ValueError):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


class KeyState(StrEnum):
    ACTIVE = "active"  # signs new tokens, and verifies
    VERIFYING = "verifying"  # rotated out: its tokens still verify until they expire or it is retired
    RETIRED = "retired"  # its tokens are refused


@dataclass(frozen=True)
class Claims:
    key_id: int
    person_id: int
    expires: dt.datetime


def _b32encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def _b32decode(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def sign(private: Ed25519PrivateKey, key_id: int, person_id: int, expires: dt.datetime) -> str:
    """The token for `person_id` valid until `expires`, signed by the key `key_id`."""
    payload = _PAYLOAD.pack(key_id, person_id, int(expires.timestamp()))
    signature = private.sign(_DOMAIN + payload)
    body = payload + signature
    return PREFIX + _b32encode(body + _CRC.pack(zlib.crc32(body)))


def parse(token: str) -> tuple[Claims, bytes, bytes]:
    """The claims, the signed message and the signature of a well-formed token, unverified."""
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) != MAX_TOKEN_CHARS:
        raise TokenRefused(Refusal.MALFORMED)
    try:
        raw = _b32decode(token[len(PREFIX) :])
    except (binascii.Error, ValueError):
        raise TokenRefused(Refusal.MALFORMED) from None
    if len(raw) != TOKEN_BYTES:
        raise TokenRefused(Refusal.MALFORMED)
    body, (crc,) = raw[: -_CRC.size], _CRC.unpack(raw[-_CRC.size :])
    if zlib.crc32(body) != crc:
        raise TokenRefused(Refusal.ALTERED)
    payload, signature = body[: _PAYLOAD.size], body[_PAYLOAD.size :]
    key_id, person_id, expires = _PAYLOAD.unpack(payload)
    claims = Claims(key_id, person_id, dt.datetime.fromtimestamp(expires, dt.UTC))
    return claims, _DOMAIN + payload, signature


@dataclass(frozen=True)
class PublicKey:
    key_id: int
    state: KeyState
    key: Ed25519PublicKey


class Verifier:
    """Verifies tokens against a key ring (key id -> public key and state).

    A person shows the same token at every venue until it expires, so good signatures are remembered (bounded):
    an Ed25519 verification costs about 50 µs, a lookup well under 1 µs. Key states are read at each use, so a
    key retired after a token was remembered refuses that token at once.
    """

    MAX_REMEMBERED = 200_000
    UNKNOWN_KEY_REFRESH_S = 0.5  # at most this often, an unknown key id sends for the key ring again

    def __init__(self, keys: dict[int, PublicKey], refresh: Callable[[], dict[int, PublicKey]] | None = None) -> None:
        self.keys = keys
        self._good: dict[str, Claims] = {}
        self._refresh = refresh
        self._refreshed = -self.UNKNOWN_KEY_REFRESH_S

    def _public(self, key_id: int) -> PublicKey | None:
        """The key of `key_id`; one unknown reads the ring again (rate-limited), so a key made by `pccovid qr rotate`
        a moment ago verifies at once instead of after the next periodic refresh."""
        public = self.keys.get(key_id)
        if public is None and self._refresh is not None:
            now = time.monotonic()
            if now - self._refreshed >= self.UNKNOWN_KEY_REFRESH_S:
                self._refreshed = now
                self.replace_keys(self._refresh())
                public = self.keys.get(key_id)
        return public

    def replace_keys(self, keys: dict[int, PublicKey]) -> None:
        if {k: (v.state, v.key.public_bytes_raw()) for k, v in keys.items()} != {
            k: (v.state, v.key.public_bytes_raw()) for k, v in self.keys.items()
        }:
            self.keys = keys
            self._good = {}

    def verify(self, token: str, at: dt.datetime) -> Claims:
        """The token's claims if it is good at the instant `at` (the scan); TokenRefused with the reason if not."""
        claims = self._good.get(token)
        if claims is None:
            claims, message, signature = parse(token)
            public = self._public(claims.key_id)
            if public is None:
                raise TokenRefused(Refusal.UNKNOWN_KEY)
            try:
                public.key.verify(signature, message)
            except InvalidSignature:
                raise TokenRefused(Refusal.FORGED) from None
            if len(self._good) >= self.MAX_REMEMBERED:
                self._good.clear()
            self._good[token] = claims
        public = self.keys.get(claims.key_id)
        if public is None:
            raise TokenRefused(Refusal.UNKNOWN_KEY)
        if public.state is KeyState.RETIRED:
            raise TokenRefused(Refusal.RETIRED_KEY)
        if claims.expires < at:
            raise TokenRefused(Refusal.EXPIRED)
        return claims
