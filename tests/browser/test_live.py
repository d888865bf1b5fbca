"""The command centre moves by itself: events arrive while the overview and the wall are open, and both change
without a reload; the wall's live panel counts them by kind, shows the new case traced, ticks its age in the
browser, and warns in red once nothing new has come for the configured time.

`arrive` is how events reach the running server, as a scanner, lab or vaccination site sends them: CONTRACT §5 JSON
posted to /api/v1/events with a site key; the consumer inside the app reads them off the stream and commits them
through the one write path, and the open pages redraw from the data-version signal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from data import consumer, runtime
from data import events as data_events
from data.loader import load_dataset
from ingest import api as ingest_api
from ingest import sites
from tests.browser.conftest import screenshot
from tests.conftest import free_port

pytestmark = pytest.mark.browser

WALL_SIZE = {"width": 1920, "height": 1080}


class Server(NamedTuple):
    base: str
    key: str  # the site key `arrive` posts with (a national laboratory's)
    stream: str  # the ingest stream of this module's server, its own
    redis: redis.Redis
    env: pytest.MonkeyPatch  # the server reads PCCOVID_VIEWER and PCCOVID_STALE_SECONDS at each request


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str) -> Iterator[Server]:
    """The app on a seeded store of its own, served from this process (werkzeug, threaded): the ingest API, the stream
    consumer inside the app, pages, Redis pub/sub and the event stream are the real ones."""
    folder = tmp_path_factory.mktemp("live")
    env = pytest.MonkeyPatch()
    stream = f"pccovid:ingest:browser-live:{time.time_ns()}"  # no other test's writer reads these events
    env.setenv("REDIS_URL", redis_url)
    env.setenv("PCCOVID_DB", str(folder / "store.duckdb"))
    env.setenv("PCCOVID_STREAM", stream)
    env.delenv("PCCOVID_REFERENCE_DIR", raising=False)
    env.delenv("PCCOVID_VIEWER", raising=False)
    env.delenv("PCCOVID_STALE_SECONDS", raising=False)
    env.setattr(ingest_api, "_service", None)  # the API's Redis, stream and reference: this module's
    runtime.close()
    load_dataset(runtime.open_store(folder / "store.duckdb"), seed_dir)
    import app  # assembles the app on the runtime just opened, and starts its stream consumer

    # When another test assembled the app earlier in this process, its consumer follows that test's store: this
    # store gets the consumer `pccovid serve` starts, the same code.
    reader = app.stream_consumer
    started = None
    if reader.store is not runtime.store() or reader.stream != stream:
        reader = started = consumer.start_for(runtime.store())
    client = redis.Redis.from_url(redis_url)
    key = sites.add(client, f"browser-live-lab-{time.time_ns()}", sites.NATIONAL)
    http = make_server("127.0.0.1", free_port(), app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="live-test-server", daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{http.server_port}", key, reader.stream, client, env)
    finally:
        http.shutdown()
        if started is not None:
            started.stop()
        data_events.close()  # ends the open event streams
        runtime.close()
        client.delete(stream)
        client.close()
        env.undo()


def arrive(server: Server, events: list[dict]) -> None:
    """Events as a scanner, lab or vaccination site posts them (CONTRACT §5) to the running server's API; returns
    once the consumer inside the app committed and acknowledged them (it deletes what it acknowledged)."""
    request = urllib.request.Request(
        server.base + "/api/v1/events",
        data=json.dumps({"events": events}).encode(),
        headers={"Authorization": f"Bearer {server.key}", "Content-Type": "application/json"},
        method="POST",
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            status, answer = error.code, json.loads(error.read())
        if status != 503:  # 503: the reference snapshot is exported at the store's opening, a moment after
            break
        assert time.monotonic() < deadline, answer
        time.sleep(0.25)
    assert (status, answer) == (202, {"accepted": len(events), "duplicates": 0, "rejected": []})
    while server.redis.xlen(server.stream):
        assert time.monotonic() < deadline, f"the app's consumer left {server.redis.xlen(server.stream)} entries"
        time.sleep(0.1)


def vn(day: int, hour: int, minute: int = 0) -> str:
    return dt.datetime(2021, 7, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=7))).isoformat()


def checkin(event_id: int, person: int, venue: int, ts: str) -> dict:
    return {
        "type": "checkin",
        "event_id": event_id,
        "person_id": person,
        "venue_id": venue,
        "ts": ts,
        "source": "person_scan",
    }


def kind_total(page: Page, kind: str):
    return page.locator(f".wall-live-kind[data-kind={kind}]")


@pytest.fixture
def wall(browser: Browser, server: Server, login) -> Iterator[Page]:
    context = login(browser.new_context(viewport=WALL_SIZE, locale="vi-VN"), server.base, "national")
    page = context.new_page()
    yield page
    context.close()


def test_the_overview_and_the_wall_move_while_events_arrive(
    server: Server, page: Page, wall: Page, console_errors: list[str]
) -> None:
    wall_errors: list[str] = []
    wall.on("pageerror", lambda exc: wall_errors.append(str(exc)))
    wall.on("console", lambda m: wall_errors.append(m.text) if m.type == "error" else None)
    page.goto(server.base + "/")
    wall.goto(server.base + "/wall?seconds=600")
    cases = page.locator("[data-metric=cases] .figure")
    checkins = page.locator("[data-metric=checkins] .figure")
    expect(cases).to_have_text("3")
    expect(checkins).to_have_text("11")  # entries: the exit scan is an arrival, not a visit
    expect(kind_total(wall, "checkin")).to_have_attribute("data-total", "12")  # the seed's load, minutes ago
    expect(wall.locator(".wall-live-case .where").first).to_have_text("Quận 1 · Hồ Chí Minh")
    expect(wall.locator("#wall-live-age")).to_contain_text("giây trước")
    for opened in (page, wall):
        opened.evaluate("window.pccovidSamePage = true")  # gone if the page reloads

    # A lab posts a positive PCR for a Hà Nội resident; the hospital's scanner the people who met her there.
    arrive(
        server,
        [
            checkin(1101, 9, 4, vn(24, 9, 0)),
            checkin(1102, 10, 4, vn(24, 9, 10)),
            checkin(1103, 8, 4, vn(24, 9, 20)),
            {
                "type": "test",
                "event_id": 3101,
                "person_id": 9,
                "sample_ts": vn(25, 8),
                "result_ts": vn(25, 18),
                "kind": "pcr",
                "result": "positive",
            },
        ],
    )
    expect(cases).to_have_text("4", timeout=10_000)
    expect(checkins).to_have_text("14")
    expect(kind_total(wall, "checkin")).to_have_attribute("data-total", "15", timeout=10_000)
    expect(kind_total(wall, "test")).to_have_attribute("data-total", str(8 + 1))
    newest = wall.locator(".wall-live-case").first
    expect(newest.locator(".where")).to_have_text("Ba Đình · Hà Nội")
    expect(newest.locator(".status")).to_have_text("2 F1 · 2 cách ly")  # the two scanned with her at the hospital
    expect(newest.locator(".time")).to_have_text("18:00")

    # More arrive while the pages stay open: a dose and a declaration.
    arrive(
        server,
        [
            {"type": "vaccination", "event_id": 4101, "person_id": 12, "ts": vn(25, 9), "dose": 1, "vaccine": "Pfizer"},
            {
                "type": "declaration",
                "event_id": 5101,
                "person_id": 10,
                "ts": vn(25, 20),
                "fever": True,
                "cough": False,
                "breathless": False,
                "lost_taste": False,
                "contact_with_case": True,
            },
        ],
    )
    expect(kind_total(wall, "vaccination")).to_have_attribute("data-total", str(5 + 1), timeout=10_000)
    expect(kind_total(wall, "declaration")).to_have_attribute("data-total", str(4 + 1))
    expect(page.locator("[data-metric=doses] .figure")).to_have_text("6", timeout=10_000)
    assert page.evaluate("window.pccovidSamePage === true") and wall.evaluate("window.pccovidSamePage === true")
    age = wall.locator("#wall-live-age")
    expect(age).to_have_text(re.compile(r"^cập nhật [0-9]{1,2} giây trước$"))
    expect(age).not_to_have_text(age.text_content() or "")  # it ticks by itself
    expect(wall.locator("#wall-live")).not_to_have_class("wall-live stale")
    wall.wait_for_timeout(1_100)  # the panels' 1 s fade
    screenshot(wall, "wall-live-national")
    assert console_errors == [] and wall_errors == []


def test_the_wall_warns_in_red_when_nothing_new_arrives(server: Server, wall: Page) -> None:
    server.env.setenv("PCCOVID_STALE_SECONDS", "4")
    try:
        wall.goto(server.base + "/wall?seconds=600")
        arrive(server, [checkin(1201, 5, 5, vn(25, 7, 30))])
        panel = wall.locator("#wall-live")
        expect(kind_total(wall, "checkin")).to_have_attribute("data-total", "16", timeout=10_000)
        expect(panel).to_have_class("wall-live", timeout=5_000)  # fresh
        expect(panel).to_have_class("wall-live stale", timeout=10_000)  # 4 s later, with no request
        expect(wall.locator("#wall")).to_have_class("wall stale")
        expect(wall.locator("#wall-live-stale")).to_be_visible()
        expect(wall.locator("#wall-live-stale")).to_contain_text("KHÔNG CÓ DỮ LIỆU MỚI")
        wall.wait_for_timeout(1_100)
        screenshot(wall, "wall-live-stale")
        arrive(server, [checkin(1202, 6, 5, vn(25, 7, 40))])  # events again: the warning goes by itself
        expect(panel).to_have_class("wall-live", timeout=10_000)
        expect(wall.locator("#wall-live-stale")).to_be_hidden()
    finally:
        server.env.delenv("PCCOVID_STALE_SECONDS")


def test_a_provincial_wall_counts_only_its_own_events(server: Server, wall: Page) -> None:
    server.env.setenv("PCCOVID_VIEWER", "province:79")
    try:
        wall.goto(server.base + "/wall?seconds=600")
        expect(wall.locator(".wall-title")).to_have_text("Tình hình dịch COVID-19: Hồ Chí Minh")
        expect(wall.locator(".wall-panel[data-panel='0'] h2")).to_have_text(
            "Ca mới 7 ngày trên 100.000 dân theo quận, huyện"
        )
        hcmc_checkins = 8 + 2  # the seed's at venues in Hồ Chí Minh, and the two of the stale test (school, Tân Định)
        expect(kind_total(wall, "checkin")).to_have_attribute("data-total", str(hcmc_checkins), timeout=10_000)
        expect(kind_total(wall, "test")).to_have_attribute("data-total", "3")
        expect(wall.locator(".wall-live-case .where")).to_have_text(["Quận 1 · Hồ Chí Minh"])
        arrive(server, [checkin(1301, 8, 4, vn(25, 10)), checkin(1302, 2, 1, vn(25, 10))])  # Hà Nội, then HCMC
        expect(kind_total(wall, "checkin")).to_have_attribute("data-total", str(hcmc_checkins + 1), timeout=10_000)
        wall.wait_for_timeout(1_100)
        screenshot(wall, "wall-live-province-79")
    finally:
        server.env.delenv("PCCOVID_VIEWER")


def test_the_map_recolours_and_reranks_while_events_arrive(
    server: Server, page: Page, console_errors: list[str]
) -> None:
    page.goto(server.base + "/map?measure=new_cases_7d")
    hanoi = page.locator("#map-ranking .ranking-row", has_text="Hà Nội").locator("td.num")
    expect(hanoi).to_have_text(re.compile(r"^[0-9]+$"))
    before = int(hanoi.text_content() or "")
    page.evaluate("window.pccovidSamePage = true")
    # A lab posts a positive PCR for a Hà Nội resident on a new day: the map, its ranking and its day follow without
    # a reload (the URL names no day: the latest one, as opening the page would show).
    arrive(
        server,
        [
            {
                "type": "test",
                "event_id": 3401,
                "person_id": 10,
                "sample_ts": vn(26, 8),
                "result_ts": vn(26, 17),
                "kind": "pcr",
                "result": "positive",
            }
        ],
    )
    expect(hanoi).to_have_text(str(before + 1), timeout=10_000)
    expect(page.locator("#map-ranking-caption")).to_contain_text("26/07/2021")
    expect(page.locator("#map-day")).to_contain_text("26/07/2021")
    assert page.evaluate("window.pccovidSamePage === true")
    screenshot(page, "map-live-national")
    assert console_errors == []
