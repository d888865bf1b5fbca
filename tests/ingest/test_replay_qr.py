"""A replay's venue scans reach the API as a venue's scanner sends them: with the person's QR token, signed by the
active key and verified by the API, which queues the person it names; a token the key ring does not know is refused."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ingest import keys, sites
from ingest.events import Checkin
from scenario import live
from tests.ingest.conftest import queued


def scans(first_id: int) -> list[Checkin]:
    ts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    people = [5, 6, 5, 7]  # person 5 scanned twice: one token for both
    return [Checkin(first_id + i, person, 77, ts, "venue_scan") for i, person in enumerate(people)] + [
        Checkin(first_id + 10, 8, 78, ts, "person_scan")
    ]


def test_venue_scans_carry_tokens_the_api_verifies(ingest_api: str, ingest_redis) -> None:
    key = sites.add(ingest_redis, "replay", sites.NATIONAL, rate=100_000)
    tokens = live.QrTokens(*keys.active_signer(ingest_redis))
    sink = live.HttpSink(ingest_api, key, tokens=tokens)
    sink.send(scans(1))
    assert (sink.sent.accepted, sink.sent.rejected) == (5, 0)
    assert len(tokens) == 3 and tokens(5).startswith(live.qr.PREFIX)
    stored = [(e.person_id, e.source) for entry in queued(ingest_redis) for e in entry.events]
    assert sorted(stored) == [
        (5, "venue_scan"),
        (5, "venue_scan"),
        (6, "venue_scan"),
        (7, "venue_scan"),
        (8, "person_scan"),
    ]

    # Tokens signed by a key the ring does not hold: every venue scan refused, with the reason; the app's scan taken.
    stranger = live.HttpSink(ingest_api, key, tokens=live.QrTokens(tokens.key_id + 1, Ed25519PrivateKey.generate()))
    stranger.send(scans(101))
    assert (stranger.sent.accepted, stranger.sent.rejected) == (1, 4)
    assert stranger.sent.reasons == {"qr: unknown key": 4}
    assert keys.refusals(ingest_redis) == {"unknown key": 4}
    assert len(queued(ingest_redis)) == 2


def test_without_tokens_venue_scans_are_posted_as_the_persons_own(ingest_api: str, ingest_redis) -> None:
    key = sites.add(ingest_redis, "replay", sites.NATIONAL, rate=100_000)
    sink = live.HttpSink(ingest_api, key)
    sink.send(scans(201))
    assert (sink.sent.accepted, sink.sent.rejected) == (5, 0)
    stored = [(e.person_id, e.source) for entry in queued(ingest_redis) for e in entry.events]
    assert sorted(stored) == [
        (5, "person_scan"),
        (5, "person_scan"),
        (6, "person_scan"),
        (7, "person_scan"),
        (8, "person_scan"),
    ]
