"""One directive walked from issue to closure in two logged-in browsers (issue 13, Done when): the national committee
issues it to province 79; the province's page, already open, shows it without a reload and tells of it; the province
acknowledges, reports progress and closes it; the national page shows each status change as it happens. Screenshots of
each step in tests/artifacts."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from data import runtime
from data.access import Principal, acting_as, role
from data.directives import issue
from data.loader import load_dataset
from data.viewer import NATIONAL
from tests.browser.conftest import screenshot
from tests.conftest import serve
from tests.seed import TAN_DINH

pytestmark = pytest.mark.browser

TEXT = "Tổ chức xét nghiệm diện rộng toàn thành phố trong 48 giờ, ưu tiên các phường có ca mắc mới."


LATE = "Phong tỏa phường Tân Định, lập chốt kiểm soát ra vào."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str):
    """A server on a store of its own (the directives issued here reach no other test's pages), holding one lockdown
    the national committee issued to province 79 three days ago, due yesterday: overdue."""
    folder = tmp_path_factory.mktemp("directives")
    db = folder / "store.duckdb"
    before = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = redis_url
    runtime.close()
    try:
        store = runtime.open_store(db)
        load_dataset(store, seed_dir)
        now = dt.datetime.now(dt.UTC)
        with acting_as(Principal("national", role("national"), NATIONAL)):
            issue(
                "lockdown",
                ["79"],
                LATE,
                now - dt.timedelta(days=1, minutes=5),
                targets=[TAN_DINH],
                now=now - dt.timedelta(days=3),
            )
    finally:
        runtime.close()
        if before is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = before
    yield from serve(db, redis_url, folder)


def committee_page(browser: Browser, login, base: str, username: str, errors: list[str]) -> Page:
    """A browser context of its own, logged in as `username`, on /directives."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    login(context, base, username)
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"{username}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
    with page.expect_response(lambda r: r.url == base + "/events" and r.status == 200):
        page.goto(base + "/directives")
    expect(page.get_by_role("heading", name="Chỉ đạo điều hành")).to_be_visible()
    return page


def card(page: Page, text: str):
    return page.locator(".directive-card", has_text=text)


def test_a_directive_from_issue_to_closure_seen_live_by_both_committees(server: str, browser: Browser, login) -> None:
    errors: list[str] = []
    province = committee_page(browser, login, server, "province79", errors)
    late = card(province, LATE)
    expect(late).to_have_class(re.compile(r"\boverdue\b"))
    expect(late.locator(".directive-overdue")).to_have_text("Quá hạn 1 ngày")
    province.evaluate("window.pccovidSamePage = true")  # gone if the page reloads
    screenshot(province, "directives-1-province-waiting")

    national = committee_page(browser, login, server, "national", errors)
    national.locator("#directive-recipients").click()
    national.keyboard.type("Hồ Chí")
    national.get_by_role("option", name="Thành phố Hồ Chí Minh").click()
    national.keyboard.press("Escape")
    national.locator("#directive-targets").click()
    national.keyboard.type("Hồ Chí")
    national.get_by_role("option", name="Thành phố Hồ Chí Minh").click()
    national.keyboard.press("Escape")
    national.locator("#directive-text").fill(TEXT)
    screenshot(national, "directives-2-national-form")
    national.locator("#directive-submit").click()
    expect(national.locator(".directive-feedback.ok")).to_contain_text("Đã ban hành 1 chỉ thị")
    issued = card(national, TEXT)
    expect(issued).to_contain_text("Xét nghiệm diện rộng")
    expect(issued.locator(".directive-status")).to_have_text("Mới ban hành")
    screenshot(national, "directives-3-national-issued")

    # The province's open page: the directive appears, with a notification, without a reload.
    received = card(province, TEXT)
    expect(received).to_contain_text(TEXT, timeout=10_000)
    expect(received.locator(".directive-status")).to_have_text("Mới ban hành")
    expect(province.locator(".directive-notice")).to_contain_text("Chỉ thị mới")
    assert province.evaluate("window.pccovidSamePage") is True
    screenshot(province, "directives-4-province-received")

    received.get_by_role("button", name="Tiếp nhận").click()
    expect(received.locator(".directive-status")).to_have_text("Đã tiếp nhận")
    expect(issued.locator(".directive-status")).to_have_text("Đã tiếp nhận", timeout=10_000)
    expect(national.locator(".directive-notice")).to_contain_text("Đã tiếp nhận")
    screenshot(national, "directives-5-national-sees-acknowledged")

    received.locator("input[placeholder='Ghi chú (không bắt buộc)']").fill("Đã lấy 450.000 mẫu tại 120 điểm")
    received.get_by_label("Tiến độ (%)").fill("60")
    received.get_by_role("button", name="Báo cáo tiến độ").click()
    expect(received.locator(".directive-status")).to_have_text("Đang thực hiện")
    expect(received).to_contain_text("Tiến độ 60%")
    screenshot(province, "directives-6-province-progress")
    expect(issued.locator(".directive-status")).to_have_text("Đang thực hiện", timeout=10_000)
    expect(issued).to_contain_text("Tiến độ 60%")

    received.locator("input[placeholder='Ghi chú (không bắt buộc)']").fill("Hoàn thành, 0 ca dương tính mới")
    received.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(received.locator(".directive-status")).to_have_text("Hoàn thành")
    expect(issued.locator(".directive-status")).to_have_text("Hoàn thành", timeout=10_000)
    expect(issued).to_contain_text("Tiến độ 100%")
    issued.get_by_text("Lịch sử (4)").click()
    steps = issued.locator(".directive-history li")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text("national (Ban chỉ đạo quốc gia) ban hành")
    expect(steps.nth(2)).to_contain_text("báo cáo tiến độ 60%: «Đã lấy 450.000 mẫu tại 120 điểm»")
    expect(steps.nth(3)).to_contain_text("province79 (Ban chỉ đạo Hồ Chí Minh) báo cáo hoàn thành")
    screenshot(national, "directives-7-national-sees-done")
    screenshot(province, "directives-8-province-done")
    assert province.evaluate("window.pccovidSamePage") is True

    # The wall counts the province's active directives, the overdue one in red; the map outlines the locked-down ward.
    province.goto(server + "/wall")
    expect(province.locator(".wall-directives")).to_contain_text("1 đang thực hiện")
    expect(province.locator(".wall-directives .overdue")).to_have_text("· 1 quá hạn")
    screenshot(province, "directives-9-province-wall")
    province.goto(server + "/map?province=79")
    expect(province.locator("path.measure-lockdown")).to_have_count(1)
    expect(province.get_by_text("Biện pháp đang áp dụng")).to_be_visible()
    screenshot(province, "directives-10-province-map")
    assert errors == []
    for page in (province, national):
        page.context.close()


def test_a_province_sees_nothing_of_another_provinces_directives(server: str, browser: Browser, login) -> None:
    errors: list[str] = []
    hanoi = committee_page(browser, login, server, "province01", errors)
    expect(hanoi.locator("#directives-inbox .directives-empty")).to_be_visible()
    expect(hanoi.locator(".directive-card")).to_have_count(0)
    hanoi.locator("#shell-language-switch").get_by_text("English").click()
    expect(hanoi.get_by_role("heading", name="Directives")).to_be_visible()
    expect(hanoi.locator("#directives-inbox")).to_have_text("No directives yet.")
    screenshot(hanoi, "directives-11-other-province-english")
    district = committee_page(browser, login, server, "district760", errors)
    expect(district.locator(".directive-card")).to_have_count(0)  # addressed to the province, not to its districts
    expect(district.locator(".directive-form")).to_have_count(0)  # a district issues nothing
    assert errors == []
    for page in (hanoi, district):
        page.context.close()
