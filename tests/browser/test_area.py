"""The area page in Chromium: figures, the child areas table with Vietnamese numbers, links down, CSV export."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_province_page_lists_its_districts_and_drills_down(
    live_server: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(live_server + "/area/79")
    expect(page.get_by_role("heading", name="Thành phố Hồ Chí Minh")).to_be_visible()
    expect(page.locator("[data-metric=new_cases_7d] .figure")).to_have_text("1")
    rows = page.locator("#area-children .ag-center-cols-container .ag-row")
    expect(rows).to_have_count(22)
    screenshot(page, "area-79")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải CSV").click()
    assert download.value.suggested_filename.startswith("pccovid-79-")
    page.get_by_role("link", name="Quận 1").first.click()
    expect(page).to_have_url(f"{live_server}/area/760")
    expect(page.locator("#area-children .ag-center-cols-container .ag-row")).to_have_count(10)
    expect(page.locator("#area-children .ag-center-cols-container")).to_contain_text("Tân Định")
    page.get_by_role("link", name="Phường Tân Định").click()
    expect(page.get_by_role("heading", name="Phường Tân Định")).to_be_visible()
    screenshot(page, "area-26734")
    assert console_errors == []


def test_unknown_or_forged_area_codes_get_a_clear_page(live_server: str, page: Page, console_errors: list[str]) -> None:
    for code in ("99", "abc", "26734' OR 1=1"):
        page.goto(f"{live_server}/area/{code}")
        expect(page.get_by_text("Không tìm thấy khu vực")).to_be_visible()
    assert console_errors == []


def test_a_table_whose_library_cannot_load_says_so(live_server: str, page: Page) -> None:
    """AG Grid is fetched on first use: when the fetch fails, the page says so where the table would be."""
    page.route(re.compile(r".*/dash_ag_grid/.*\.js.*"), lambda route: route.abort())
    page.goto(live_server + "/area/79")
    expect(page.get_by_role("alert").filter(has_text="Không tải được thành phần này")).to_have_count(2)
    expect(page.get_by_text("Thành phố Hồ Chí Minh").first).to_be_visible()  # the rest of the page is drawn
