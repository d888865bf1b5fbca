"""The map in Chromium: provinces drawn from the cached asset, drill-down by click, the URL carries the selection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_map_drills_from_country_to_province_to_district(
    live_server: str, page: Page, console_errors: list[str]
) -> None:
    geometry_requests: list[str] = []
    page.on("request", lambda r: geometry_requests.append(r.url) if "/geo/" in r.url else None)
    page.goto(live_server + "/map")
    expect(page.get_by_text("Bản đồ dịch")).to_be_visible()
    paths = page.locator(".command-map path.leaflet-interactive")
    page.wait_for_function("document.querySelectorAll('.command-map path.leaflet-interactive').length >= 63")
    assert page.url == live_server + "/map"  # the measure list mounting does not rewrite the URL (nor redraw)
    expect(page.locator(".ranking-row").first).to_contain_text("Bắc Giang")
    screenshot(page, "map-national")

    # Drill down by clicking shapes: a province, then one of its districts.
    paths.nth(40).dispatch_event("click")
    expect(page).to_have_url(re.compile(r"/map\?province=\d{2}&measure=new_cases_7d_per_100k"))
    expect(page.locator(".mantine-Breadcrumbs-root a")).to_have_count(2)
    province = page.url.split("province=")[1][:2]
    # The province's districts are drawn in their own pane above the 63 provinces once the boundaries are read.
    districts = page.locator(".command-map .leaflet-districts-pane path.leaflet-interactive")
    expect(districts.first).to_be_attached()
    districts.last.dispatch_event("click")
    expect(page).to_have_url(re.compile(rf"/map\?province={province}&district=\d{{3}}"))
    screenshot(page, "map-clicked-district")

    page.goto(live_server + "/map?province=79")
    expect(page.get_by_role("link", name="Việt Nam")).to_be_visible()
    expect(page.locator(".mantine-Breadcrumbs-root")).to_contain_text("Hồ Chí Minh")
    expect(page.locator(".ranking-row").first).to_contain_text("Quận 1")
    screenshot(page, "map-province-79")
    with page.expect_download() as download:  # the view as CSV: every district of the city, not only the top 12
        page.get_by_role("button", name="Tải CSV").click()
    assert download.value.suggested_filename == "pccovid-new_cases_7d_per_100k-79-2021-07-24.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Mã,Tên,Ca mới 7 ngày trên 100.000 dân,Dân số đăng ký,Ca mới 7 ngày,Ca mới 7 ngày trước đó,Ngày"
    assert len(lines) == 1 + 22 and any(line.startswith("760,Quận 1,") for line in lines)

    page.goto(live_server + "/map?province=79&district=760")
    expect(page.locator(".mantine-Breadcrumbs-root")).to_contain_text("Quận 1")
    expect(page.locator(".ranking-row").first).to_contain_text("Tân Định")
    screenshot(page, "map-district-760")
    assert console_errors == []


def test_map_refuses_crafted_selections_politely(live_server: str, page: Page, console_errors: list[str]) -> None:
    page.goto(live_server + "/map?province=99&measure=drop_table&day=yesterday")
    expect(page.locator(".map-notice")).to_have_count(3)
    expect(page.locator(".ranking-row").first).to_contain_text("Bắc Giang")
    assert console_errors == []


def test_the_day_picker_redraws_the_map_for_another_day(
    live_server: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(live_server + "/map?province=24")
    expect(page.locator(".ranking-row").first).to_contain_text("Bắc Giang")  # the city: two cases, 21 and 22/07
    page.get_by_role("button", name="Ngày").click()
    days = page.locator(".mantine-DatePickerInput-day:not([data-outside])")
    expect(days.filter(has_text="25")).to_be_disabled()  # no data after 24/07
    days.filter(has_text=re.compile(r"^20$")).click()  # before either case: nothing to rank
    expect(page).to_have_url(re.compile(r"/map\?province=24&measure=new_cases_7d_per_100k&day=2021-07-20$"))
    expect(page.get_by_role("button", name="Ngày")).to_have_text("20/07/2021")
    expect(page.locator(".ranking")).to_contain_text("Không có ca nào")
    screenshot(page, "map-day-20-07")
    assert console_errors == []
