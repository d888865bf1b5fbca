"""The wall screen in Chromium: dark, no scrolling, panels rotate in the browser, figures from the store."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_wall_rotates_its_panels_without_scrolling(live_server: str, page: Page, console_errors: list[str]) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server + "/wall?seconds=2")
    panels = page.locator("#wall-panels")
    expect(panels).to_have_attribute("data-active", "0")
    expect(page.locator(".wall-headline .big").first).to_have_text("0")
    expect(page.locator(".wall-headline .big").nth(1)).to_have_text("3")
    expect(page.locator(".wall path.leaflet-interactive").first).to_be_attached()
    settled = 1_100  # the panels cross-fade for 1 s: screenshots show a panel, not two
    page.wait_for_timeout(settled)
    screenshot(page, "wall-map")
    expect(panels).to_have_attribute("data-active", "1", timeout=6_000)
    page.wait_for_timeout(settled)
    screenshot(page, "wall-trend")
    expect(panels).to_have_attribute("data-active", "2", timeout=6_000)
    expect(page.locator(".wall-table tbody tr").first).to_contain_text("Bắc Giang")
    page.wait_for_timeout(settled)
    screenshot(page, "wall-hotspots")
    expect(panels).to_have_attribute("data-active", "3", timeout=6_000)
    expect(page.locator("#wall-levels")).not_to_be_empty()
    page.wait_for_timeout(settled)
    screenshot(page, "wall-levels")
    overflow = page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight")
    assert overflow, "the wall screen must not scroll"
    nodes_before = page.evaluate("document.getElementsByTagName('*').length")
    page.wait_for_timeout(4_500)  # two more rotations: the same nodes, only an attribute moves
    assert page.evaluate("document.getElementsByTagName('*').length") == nodes_before
    assert console_errors == []
