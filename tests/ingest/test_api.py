"""The ingest API as CONTRACT §5 gives it, over real HTTP (`pccovid ingest`, two processes) and a real Valkey: each
status with its body, each event's reason for a rejection, and what reaches the stream exactly as the writer reads
it."""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest

from ingest import events, keys, sites
from tests.ingest.conftest import post, queued

_clock = {"now": dt.datetime.now(dt.UTC)}


@pytest.fixture(autouse=True)
def clock() -> None:
    """'Now' read when each test starts (not at collection: the suite runs for minutes), the same all through it."""
    _clock["now"] = dt.datetime.now(dt.UTC)


def at(hours_ago: float) -> str:
    """An instant `hours_ago` before the test's now, in Viet Nam's time as a scanner sends it."""
    instant = _clock["now"] - dt.timedelta(hours=hours_ago)
    return instant.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()


def checkin(event_id: int, person_id: int = 1, venue_id: int = 77, **more) -> dict:
    return {
        "type": "checkin",
        "event_id": event_id,
        "person_id": person_id,
        "venue_id": venue_id,
        "ts": at(1),
        "source": "person_scan",
        **more,
    }


def lab_test(event_id: int, person_id: int = 2, **more) -> dict:
    return {
        "type": "test",
        "event_id": event_id,
        "person_id": person_id,
        "sample_ts": at(5),
        "result_ts": at(2),
        "kind": "pcr",
        "result": "positive",
        **more,
    }


def raw_post(base: str, key: str, body: bytes, declared: int | None) -> tuple[int, dict]:
    """Sends headers (with Content-Length `declared`, or chunked when None), then as much of `body` as the server
    takes, then reads the answer: a server refusing early may close before the body is sent."""
    host, port = base.removeprefix("http://").split(":")
    head = f"POST /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
    head += "Content-Type: application/json\r\nConnection: close\r\n"
    head += f"Content-Length: {declared}\r\n\r\n" if declared is not None else "Transfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode())
        try:
            for at in range(0, len(body), 65536):
                chunk = body[at : at + 65536]
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if declared is None else chunk)
            if declared is None:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: read what it said
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


@pytest.fixture
def site_key(ingest_redis) -> str:
    return sites.add(ingest_redis, "hcmc-scanners", "79")


def test_good_events_are_queued_as_one_entry_the_writer_reads(
    ingest_api: str, ingest_redis, site_key, tmp_path
) -> None:
    token = keys.issue(ingest_redis, 7, days=3, folder=tmp_path / "keys")
    body = {
        "events": [
            checkin(9001),
            {"type": "checkin", "event_id": 9002, "venue_id": 78, "ts": at(1), "source": "venue_scan", "qr": token},
            {
                "type": "contact",
                "event_id": 9003,
                "person_a": 1,
                "person_b": 2,
                "start_ts": at(3),
                "duration_s": 900,
                "distance_m": 1.5,
            },
            lab_test(9004),
            {"type": "vaccination", "event_id": 9005, "person_id": 3, "ts": at(30), "dose": 2, "vaccine": "Vero Cell"},
            {
                "type": "declaration",
                "event_id": 9006,
                "person_id": 4,
                "ts": at(4),
                "fever": True,
                "cough": False,
                "breathless": False,
                "lost_taste": True,
                "contact_with_case": False,
            },
        ]
    }
    status, answer, _ = post(ingest_api, body, site_key)
    assert (status, answer) == (202, {"accepted": 6, "duplicates": 0, "rejected": []})
    [entry] = queued(ingest_redis)
    assert entry.site == "hcmc-scanners" and entry.province == "79"
    kinds = [type(e) for e in entry.events]
    assert kinds == [
        events.Checkin,
        events.Checkin,
        events.Contact,
        events.Test,
        events.Vaccination,
        events.Declaration,
    ]
    assert entry.events[1].person_id == 7 and entry.events[1].source == "venue_scan"  # the QR resolved to its person
    assert entry.events[0].ts == dt.datetime.fromisoformat(at(1))
    assert entry.events[5].lost_taste is True and entry.events[2].distance_m == 1.5


def test_each_bad_event_is_rejected_with_its_index_id_and_reason(ingest_api: str, ingest_redis, site_key) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ingest import qr

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    good_token = keys.issue(ingest_redis, 5, days=1)
    forged = qr.sign(Ed25519PrivateKey.generate(), 1, 5, expires)
    unknown_key = qr.sign(Ed25519PrivateKey.generate(), 999, 5, expires)
    altered = good_token[:12] + ("B" if good_token[12] == "A" else "A") + good_token[13:]
    cases = [
        (
            {"type": "checkin", "event_id": 1, "venue_id": 77, "ts": at(1), "source": "person_scan"},
            "person_id, qr: give exactly one",
        ),
        ({**checkin(2), "person_id": "1"}, "person_id: expected `int | null`, got `str`"),
        ({k: v for k, v in checkin(3).items() if k != "ts"}, "ts: missing"),
        (checkin(4, person_id=5000), "person_id: no person 5000 in the register"),
        (checkin(5, venue_id=12345), "venue_id: no venue 12345"),
        (checkin(6, venue_id=80), "venue_id: venue 80 is in province 01, outside the site's 79"),
        ({**checkin(7), "ts": (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()}, "is in the future"),
        ({**checkin(8), "ts": "2019-12-31T00:00:00+07:00"}, "is before 2020-01-01"),
        ({**checkin(9), "ts": "2021-08-02T09:10:00"}, "ts: expected `datetime` with a timezone component"),
        ({**checkin(10), "source": "fax"}, "source: 'fax' is not one of person_scan, venue_scan"),
        ({**checkin(11, person_id=None), "qr": forged}, "qr: forged"),
        ({**checkin(12, person_id=None), "qr": altered}, "qr: altered"),
        ({**checkin(13, person_id=None), "qr": unknown_key}, "qr: unknown key"),
        ({**checkin(14, person_id=None), "qr": "PC1:NOTATOKEN"}, "qr: malformed"),
        ({"type": "sms", "event_id": 15}, "type: not one of checkin, contact, test, vaccination, declaration"),
        (lab_test(16, result_ts=at(6)), "result_ts: before sample_ts"),
        (lab_test(17, kind="blood"), "kind: 'blood' is not one of pcr, antigen"),
        (
            {"type": "vaccination", "event_id": 18, "person_id": 3, "ts": at(3), "dose": 11, "vaccine": "X"},
            "dose: expected `int` <= 10",
        ),
        (
            {"type": "vaccination", "event_id": 19, "person_id": 3, "ts": at(3), "dose": 1, "vaccine": "A\u202eB"},
            "vaccine: holds a control",
        ),
        (
            {
                "type": "contact",
                "event_id": 20,
                "person_a": 1,
                "person_b": 1,
                "start_ts": at(3),
                "duration_s": 5,
                "distance_m": 1,
            },
            "person_b: the same person",
        ),
        (
            {
                "type": "contact",
                "event_id": 21,
                "person_a": 1,
                "person_b": 2,
                "start_ts": at(3),
                "duration_s": 5,
                "distance_m": 500,
            },
            "distance_m: expected `float` <= 200",
        ),
        ({**checkin(22), "event_id": -1}, "event_id: expected `int` >= 0"),
        ("not an object", "expected `object`, got `str`"),
    ]
    body = {"events": [checkin(100)] + [case for case, _ in cases] + [checkin(101)]}
    status, answer, _ = post(ingest_api, body, site_key)
    assert status == 202 and answer["accepted"] == 2 and answer["duplicates"] == 0
    assert [r["index"] for r in answer["rejected"]] == list(range(1, len(cases) + 1))
    for rejection, (case, reason) in zip(answer["rejected"], cases, strict=True):
        assert reason in rejection["reason"], (rejection, reason)
        wanted = case.get("event_id") if isinstance(case, dict) and isinstance(case.get("event_id"), int) else None
        assert rejection["event_id"] == (wanted if wanted is None or wanted >= 0 else None)
    [entry] = queued(ingest_redis)
    assert [e.event_id for e in entry.events] == [100, 101]
    assert keys.refusals(ingest_redis) == {"forged": 1, "altered": 1, "unknown key": 1, "malformed": 1}


def test_statuses_and_bodies(ingest_api: str, ingest_redis, site_key) -> None:
    one = {"events": [checkin(1)]}
    assert post(ingest_api, one, None)[:2] == (
        401,
        {"error": "missing site key: send the header Authorization: Bearer <site key>"},
    )
    assert post(ingest_api, one, "pcs_guess")[:2] == (401, {"error": "unknown or revoked site key"})
    status, answer, _ = post(ingest_api, b"{not json", site_key)
    assert status == 400 and answer["error"].startswith("not JSON")
    for shape in ([1, 2], {"event": []}, {"events": {}}, {"events": None}, "x", 3):
        status, answer, _ = post(ingest_api, shape, site_key)
        assert status == 400 and answer["error"].startswith("not the shape"), (shape, answer)
    status, answer, _ = post(ingest_api, {"events": [checkin(i) for i in range(10_001)]}, site_key)
    assert status == 413 and "at most 10,000" in answer["error"]
    # Refused on its Content-Length, before a byte of the body is read; and without one (chunked), after a read
    # capped at the limit.
    status, answer = raw_post(ingest_api, site_key, b"", declared=6 * 2**20)
    assert status == 413 and "6,291,456 bytes; at most 5,242,880" in answer["error"]
    status, answer = raw_post(ingest_api, site_key, b'{"events": [' + b" " * (5 * 2**20) + b"]}", declared=None)
    assert status == 413 and "more than 5,242,880 bytes" in answer["error"]
    assert not queued(ingest_redis)
    status, answer, _ = post(ingest_api, {"events": []}, site_key)
    assert (status, answer) == (202, {"accepted": 0, "duplicates": 0, "rejected": []})
    sites.revoke(ingest_redis, "hcmc-scanners")
    # Within the site book's 2 s memory, in every process.
    import time

    deadline = time.monotonic() + 5
    while post(ingest_api, one, site_key)[0] != 401:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_an_event_sent_again_is_a_duplicate_and_queued_once(ingest_api: str, ingest_redis, site_key) -> None:
    first = {"events": [checkin(1), checkin(2), lab_test(1)]}  # a check-in and a test may share an id: other tables
    assert post(ingest_api, first, site_key)[1] == {"accepted": 3, "duplicates": 0, "rejected": []}
    again = {"events": [checkin(2), checkin(3), checkin(3), lab_test(1)]}
    assert post(ingest_api, again, site_key)[1] == {"accepted": 1, "duplicates": 3, "rejected": []}
    changed = {"events": [checkin(4), {**checkin(4), "venue_id": 78}]}
    answer = post(ingest_api, changed, site_key)[1]
    assert answer["accepted"] == 1 and answer["rejected"][0]["reason"].startswith(
        "event_id: 4 sent earlier in this request"
    )
    ids = sorted((type(e).__name__, e.event_id) for entry in queued(ingest_redis) for e in entry.events)
    assert ids == [("Checkin", 1), ("Checkin", 2), ("Checkin", 3), ("Checkin", 4), ("Test", 1)]


def test_a_site_over_its_rate_gets_429_with_retry_after(ingest_api: str, ingest_redis) -> None:
    key = sites.add(ingest_redis, "slow-site", "79", rate=50)
    statuses = []
    for batch in range(6):
        status, answer, headers = post(ingest_api, {"events": [checkin(batch * 100 + i) for i in range(20)]}, key)
        statuses.append(status)
        if status == 429:
            assert headers["Retry-After"] == "1" and "over its 50 events a second" in answer["error"]
    assert 429 in statuses and statuses[0] == 202


def test_back_pressure_answers_503_and_queues_nothing(ingest_url, reference_folder, ingest_redis, tmp_path) -> None:
    from tests.ingest.conftest import run_ingest

    key = sites.add(ingest_redis, "busy", "79")
    for base in run_ingest(ingest_url, reference_folder, tmp_path, env={"PCCOVID_STREAM_MAX_BACKLOG": "3"}, workers=1):
        statuses = [post(base, {"events": [checkin(i)]}, key)[0] for i in range(4)]
        assert statuses == [202, 202, 202, 202]  # 4 entries: the backlog is seen past 3 within 0.25 s
        import time

        time.sleep(0.3)
        status, answer, headers = post(base, {"events": [checkin(99)]}, key)
        assert status == 503 and headers["Retry-After"] == "5" and "nothing was queued" in answer["error"]
        assert len(queued(ingest_redis)) == 4


def test_openapi_document_is_valid_openapi_3(ingest_api: str) -> None:
    import urllib.request

    from openapi_spec_validator import validate

    with urllib.request.urlopen(ingest_api + "/api/v1/openapi.json") as response:
        document = json.loads(response.read())
    validate(document)
    assert set(document["paths"]["/api/v1/events"]["post"]["responses"]) == {"202", "400", "401", "413", "429", "503"}


def test_a_retired_qr_key_is_refused_by_running_apis_within_seconds(ingest_api: str, ingest_redis, site_key) -> None:
    import time

    token = keys.issue(ingest_redis, 9, days=2)
    scan = {"type": "checkin", "event_id": 1, "venue_id": 77, "ts": at(0.5), "source": "venue_scan", "qr": token}
    assert post(ingest_api, {"events": [scan]}, site_key)[1]["accepted"] == 1
    keys.rotate(ingest_redis)
    fresh = keys.issue(ingest_redis, 9, days=2)
    keys.retire(ingest_redis, 1)
    deadline = time.monotonic() + 5
    event_id = 2
    while True:
        answer = post(ingest_api, {"events": [{**scan, "event_id": event_id}]}, site_key)[1]
        if answer["rejected"]:
            break
        assert time.monotonic() < deadline, "a retired key's token was still accepted after 5 s"
        event_id += 1
        time.sleep(0.2)
    assert answer["rejected"][0]["reason"] == "qr: retired key"
    assert post(ingest_api, {"events": [{**scan, "event_id": 100, "qr": fresh}]}, site_key)[1]["accepted"] == 1
