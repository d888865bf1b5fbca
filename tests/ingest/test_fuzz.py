"""The ingest API under attack: cases generated from its own OpenAPI document (schemathesis, valid and invalid), then
crafted requests by the thousand — malformed, oversized, forged or altered QR tokens, unknown site keys, venues
outside the site's province, unknown people. No 5xx, nothing queued, each refused with its reason."""

from __future__ import annotations

import collections
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
from pathlib import Path

# Imported here, not lazily by Hypothesis in the middle of a deep generation: pytest rewrites Hypothesis's modules as
# it imports them, and on Python 3.11 parsing one that deep in the stack failed ("AST constructor recursion depth
# mismatch") in a full run. Schemathesis imports its OpenAPI schema classes (and their adapters) lazily the same way,
# which failed likewise in a later full run.
import hypothesis.internal.conjecture.optimiser  # noqa: F401
import numpy as np
import pytest
import requests
import schemathesis
import schemathesis.specs.openapi.schemas  # noqa: F401
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from ingest import keys, qr, sites
from ingest.reference import write_snapshot
from tests.ingest.conftest import queued, run_ingest

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS_CASES = 200
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def empty_reference(tmp_path: Path) -> Path:
    """No people and no venues: whatever schemathesis makes up, no event can be queued."""
    folder = tmp_path / "empty-reference"
    write_snapshot(folder, np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.uint8))
    return folder


def test_cases_generated_from_the_openapi_document(ingest_url, ingest_redis, empty_reference, tmp_path) -> None:
    """Run in a fresh interpreter: Hypothesis parses lambdas' source (ast.parse) deep in its draws, and Python 3.11's
    AST builder keeps its recursion depth in state shared by the process's threads, so a background thread of an
    earlier in-process test compiling at the same moment made full runs fail with "AST constructor recursion depth
    mismatch" (twice, at two different places). Nothing else runs in the child."""
    key = sites.add(ingest_redis, "fuzzed", "79", rate=1_000_000)
    api = run_ingest(ingest_url, empty_reference, tmp_path, workers=1)
    base = next(api)
    try:
        child = subprocess.run(
            [sys.executable, "-c", f"from {__name__} import fuzz_openapi; fuzz_openapi()"],
            cwd=ROOT,
            env={**os.environ, "FUZZ_BASE": base, "FUZZ_KEY": key},
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        api.close()
    assert child.returncode == 0, child.stderr[-4000:]
    statuses = {int(k): v for k, v in json.loads(child.stdout.strip().splitlines()[-1]).items()}
    print(f"\nschemathesis: {sum(statuses.values()):,} requests, by status {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) >= SCHEMATHESIS_CASES and not ingest_redis.xlen("pccovid:ingest")


def fuzz_openapi() -> None:
    """In the child: cases from the API's own OpenAPI document (valid and invalid), with and without the site's key;
    each answer checked; the count by status printed as the last line (JSON)."""
    base, key = os.environ["FUZZ_BASE"], os.environ["FUZZ_KEY"]
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    operation = schema["/api/v1/events"]["POST"]
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    statuses: collections.Counter = collections.Counter()
    session = requests.Session()

    @given(case=cases, authorised=st.booleans())
    @settings(max_examples=SCHEMATHESIS_CASES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(case, authorised: bool) -> None:
        headers = {"Authorization": f"Bearer {key}"} if authorised else None
        response = case.call(base_url=base, session=session, headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)
        statuses[response.status_code] += 1
        assert response.status_code in (202, 400, 401, 413), response.text
        answer = response.json()
        if response.status_code == 202:
            assert answer["accepted"] == 0, answer  # nobody and nothing is known: every event has a reason
            assert all(r["reason"] for r in answer["rejected"]), answer
        else:
            assert set(answer) == {"error"} and answer["error"], answer

    fuzz()
    print(json.dumps(statuses))


class Client:
    """One keep-alive connection to the API: status and JSON body of each POST."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def post(self, body: bytes, key: str | None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        try:
            self.connection.request("POST", "/api/v1/events", body=body, headers=headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # gunicorn closes a keep-alive connection idle for 2 s (a slow moment of a loaded machine): again, anew.
            self.connection.close()
            self.connection.request("POST", "/api/v1/events", body=body, headers=headers)
            response = self.connection.getresponse()
        return response.status, json.loads(response.read())

    def declared_only(self, key: str, length: int) -> int:
        """A request that declares more bytes than allowed and sends none: refused before any body is read."""
        with socket.create_connection(self.address, timeout=30) as sock:
            sock.sendall(
                f"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
                f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1])


def _checkin(event_id: int, **fields) -> dict:
    ts = (NOW - dt.timedelta(hours=1)).isoformat()
    return {"type": "checkin", "event_id": event_id, "venue_id": 77, "ts": ts, "source": "venue_scan", **fields}


def _malformed(rng: random.Random, good: bytes) -> bytes:
    """A body that is not JSON or not the shape {"events": [...]}."""
    choice = rng.randrange(6)
    if choice == 0:
        return good[: rng.randrange(1, len(good) - 1)]  # cut short
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if choice == 2:
        return json.dumps(rng.choice([[], 1, "events", None, {"events": 1}, {"evts": []}, [{"events": []}]])).encode()
    if choice == 3:
        return b'{"events": [' + b"[" * rng.randrange(1, 2000) + b"]}"  # deep nesting
    if choice == 4:
        return good.replace(b'"', b"'", rng.randrange(1, 5))
    return b'{"events": ' + json.dumps({"type": "checkin"}).encode() + b"}"


def test_ten_thousand_crafted_attacks_are_refused_with_their_reasons(ingest_api: str, ingest_redis) -> None:
    rng = random.Random(12)
    key = sites.add(ingest_redis, "hcmc", "79", rate=1_000_000)
    real_token = keys.issue(ingest_redis, 5, days=1)
    client = Client(ingest_api)
    sent: collections.Counter = collections.Counter()
    reasons: collections.Counter = collections.Counter()
    good = json.dumps({"events": [_checkin(1, person_id=1)]}).encode()

    def expect(kind: str, status: int, answer: dict, wanted: int, reason: str | None = None) -> None:
        assert status == wanted, (kind, status, answer)
        if status == 202:
            assert answer["accepted"] == 0 and answer["rejected"], (kind, answer)
            for rejection in answer["rejected"]:
                assert reason in rejection["reason"], (kind, rejection)
                reasons[rejection["reason"].split(" ")[0] + " " + reason] += 1
        else:
            assert set(answer) == {"error"} and answer["error"]
        sent[kind] += 1

    for _ in range(2500):
        status, answer = client.post(_malformed(rng, good), key)
        expect("malformed", status, answer, 400)
    for _ in range(1500):
        status, answer = client.post(good, "pcs_" + "".join(rng.choices("abcdefghijk0123456789_-", k=43)))
        expect("unknown site key", status, answer, 401)
    for _ in range(300):
        status, answer = client.post(good, None)
        expect("no site key", status, answer, 401)
    for _ in range(1000):
        sent["oversized (declared)"] += 1
        assert client.declared_only(key, rng.randrange(5 * 2**20 + 1, 2**31)) == 413
    too_many = json.dumps({"events": [_checkin(i, person_id=1) for i in range(10_001)]}).encode()
    for _ in range(5):
        status, answer = client.post(too_many, key)
        expect("oversized (events)", status, answer, 413)
    forger = Ed25519PrivateKey.generate()
    expires = NOW + dt.timedelta(days=1)
    for i in range(2000):
        person = rng.randrange(1, 1000)
        forged = [
            (qr.sign(forger, 1, person, expires), "qr: forged"),
            (qr.sign(forger, 4242, person, expires), "qr: unknown key"),
            (real_token[:10] + ("Q" if real_token[10] != "Q" else "R") + real_token[11:], "qr: altered"),
            (qr.sign(forger, 1, person, expires)[:-3], "qr: malformed"),
        ][i % 4]
        status, answer = client.post(json.dumps({"events": [_checkin(10_000 + i, qr=forged[0])]}).encode(), key)
        expect("forged token", status, answer, 202, forged[1])
    for i in range(2000):
        event = _checkin(20_000 + i, person_id=rng.randrange(1, 1000), venue_id=80, source="person_scan")
        status, answer = client.post(json.dumps({"events": [event]}).encode(), key)
        expect("out of province", status, answer, 202, "outside the site's 79")
    for i in range(700):
        event = _checkin(30_000 + i, person_id=rng.randrange(1001, 2**40), source="person_scan")
        status, answer = client.post(json.dumps({"events": [event]}).encode(), key)
        expect("unknown person", status, answer, 202, "in the register")
    total = sum(sent.values())
    print(f"\ncrafted: {total:,} requests refused — {dict(sent)}")
    assert total >= 10_000
    assert not queued(ingest_redis)
    assert sum(keys.refusals(ingest_redis).values()) == sent["forged token"]
