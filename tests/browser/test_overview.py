"""The real app in Chromium: the overview shows the seed's figures, the language switch works, no console errors."""

from __future__ import annotations

import gzip
import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_overview_shows_real_headline_figures(live_server: str, page: Page, console_errors: list[str]) -> None:
    page.goto(live_server + "/")
    expect(page.get_by_text("Tổng quan tình hình dịch")).to_be_visible()
    cards = page.locator(".headline-card")
    expect(cards).to_have_count(16)
    expect(page.locator("[data-metric=card_colours]")).to_contain_text("Đỏ")
    expect(page.locator("[data-metric=coverage]")).to_contain_text("50+ tiêm đủ liều")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("12")
    expect(page.locator("[data-metric=checkins] .figure")).to_have_text("11")
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("3")
    expect(page.get_by_text("Dữ liệu từ 01/07/2021 đến 24/07/2021")).to_be_visible()
    expect(page.locator("[data-metric=new_cases_7d] .figure")).to_have_text("3")
    expect(page.locator("[data-metric=new_cases_7d] .change")).to_contain_text("so với tuần trước")
    expect(page.locator(".js-plotly-plot .bars path").first).to_be_attached()
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    screenshot(page, "overview-vi")
    assert console_errors == []


def test_language_switch_to_english_and_back(live_server: str, page: Page, console_errors: list[str]) -> None:
    page.goto(live_server + "/")
    expect(page.get_by_text("Tổng quan tình hình dịch")).to_be_visible()
    page.locator(".js-plotly-plot").first.hover()  # the mode bar, with its save button, in the reader's language
    expect(page.locator(".modebar-btn[data-title='Tải biểu đồ (PNG)']").first).to_be_attached()
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_text("Epidemic overview")).to_be_visible()
    expect(page.get_by_text("Data from 01/07/2021 to 24/07/2021")).to_be_visible()
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("3")
    screenshot(page, "overview-en")
    page.locator(".js-plotly-plot").first.hover()
    expect(page.locator(".modebar-btn[data-title='Download plot as a PNG']").first).to_be_attached()
    page.get_by_text("Tiếng Việt", exact=True).click()
    expect(page.get_by_text("Tổng quan tình hình dịch")).to_be_visible()
    assert console_errors == []


def test_every_asset_is_served_locally(live_server: str, page: Page) -> None:
    remote: list[str] = []
    page.on(
        "request",
        lambda r: remote.append(r.url) if not r.url.startswith(live_server) and not r.url.startswith("data:") else None,
    )
    page.goto(live_server + "/")
    expect(page.locator(".headline-card").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert remote == []


def test_health_reports_store_redis_and_version(live_server: str) -> None:
    with urllib.request.urlopen(live_server + "/health") as response:
        body = json.loads(response.read())
    assert body["status"] == "ok"
    assert body["store"]["ok"] and body["redis"]["ok"]
    assert body["data_version"] == body["cached_data_version"] == 1
    assert body["tracing"]["index"] in {"ready", "building"}  # built in the background at start


def test_boundaries_are_cached_forever_under_their_version(live_server: str, http_session) -> None:
    session = http_session(live_server, "national")
    version = session.get(live_server + "/health", timeout=30).json()["geometry_version"]
    response = session.get(f"{live_server}/geo/province.{version}.json", timeout=60)
    assert "immutable" in response.headers["Cache-Control"]
    assert len(response.json()["features"]) == 63
    old = session.get(f"{live_server}/geo/district.old.json", allow_redirects=False, timeout=60)
    assert old.status_code == 302
    current = session.get(live_server + old.headers["Location"], timeout=60)  # the redirect, followed by hand
    assert current.json()["version"] == version


def test_scripts_and_boundaries_are_sent_compressed(live_server: str, page: Page, http_session) -> None:
    scripts: dict[str, tuple[str | None, int]] = {}

    def on_response(response) -> None:
        if (response.url.endswith(".js") or ".js?" in response.url) and response.status == 200:  # not 304s
            scripts[response.url] = (response.headers.get("content-encoding"), len(response.body()))

    page.on("response", on_response)
    page.goto(live_server + "/")
    expect(page.locator(".js-plotly-plot .bars path").first).to_be_attached()
    # the overview draws no table and no graph: AG Grid and Cytoscape are only prefetched, never evaluated
    assert page.evaluate("'getApi' in window.dash_ag_grid") is False  # the stand-in, not the library
    assert page.evaluate("typeof window.dash_cytoscape.Cytoscape") == "function"
    # nor Babel's polyfill: the charts drawing proves Dash's lazy chunks found their regenerator runtime
    assert not [url for url in scripts if "polyfill" in url], list(scripts)
    page.goto(live_server + "/area/24")
    expect(page.locator(".ag-row").first).to_be_visible()
    assert page.evaluate("'getApi' in window.dash_ag_grid") is True  # the library's own exports reach through
    grid = next(enc for url, enc in scripts.items() if "dash_ag_grid" in url)
    assert grid[0] in {"zstd", "br", "gzip"}  # Chromium accepts all three; the body decodes to the bundle
    assert grid[1] > 1_000_000
    assert all(encoding for encoding, size in scripts.values() if size > 2_000), scripts
    session = http_session(live_server, "national")
    version = session.get(live_server + "/health", timeout=30).json()["geometry_version"]
    response = session.get(
        f"{live_server}/geo/district.{version}.json", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.raw.read(decode_content=False)))["features"]) == 705


def test_filter_by_province_is_kept_in_the_url(live_server: str, page: Page, console_errors: list[str]) -> None:
    page.goto(live_server + "/")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("12")
    page.get_by_role("textbox", name="Tỉnh, thành phố").click()
    page.get_by_role("option", name="Tỉnh Bắc Giang").click()
    expect(page).to_have_url(f"{live_server}/?province=24")
    expect(page.get_by_text("Tổng quan tình hình dịch — Tỉnh Bắc Giang")).to_be_visible()
    expect(page.locator("[data-metric=people] .figure")).to_have_text("2")
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("2")
    screenshot(page, "overview-filter-bac-giang")
    page.goto(live_server + "/?province=79&district=760&ward=26740")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("2")
    page.goto(live_server + "/?province=79&district=760&from=2021-07-15&to=2021-07-22")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("7")
    expect(page.get_by_text("Số liệu tính đến ngày 22/07/2021")).to_be_visible()
    page.goto(live_server + "/?province=79&district=001")  # Ba Đình is not in Hồ Chí Minh City
    expect(page.locator(".filter-notice")).to_contain_text("001")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("7")
    assert console_errors == []


def test_the_period_calendar_speaks_the_readers_language(
    live_server: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(live_server + "/?from=2021-07-15&to=2021-07-22")
    page.get_by_role("button", name="Thời gian").click()
    expect(page.locator(".mantine-DatePickerInput-calendarHeaderLevel").first).to_contain_text("tháng 7")
    expect(page.locator(".mantine-DatePickerInput-weekday").first).to_have_text("T2")  # from Monday (thứ hai)
    screenshot(page, "overview-period-calendar-vi")
    page.keyboard.press("Escape")
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_text("Epidemic overview")).to_be_visible()
    page.get_by_role("button", name="Period").click()
    expect(page.locator(".mantine-DatePickerInput-calendarHeaderLevel").first).to_contain_text("July 2021")
    page.get_by_text("Tiếng Việt", exact=True).click()
    expect(page.get_by_text("Tổng quan tình hình dịch")).to_be_visible()
    assert console_errors == []
