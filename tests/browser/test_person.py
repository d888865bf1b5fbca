"""The person page in Chromium as a tracer: reached from a trace's F1 list, the card's colour and reason in words, the
rule version, tests, doses, check-ins and links, in Vietnamese and in English; the overview as the press, and the
pages of individual people refused to the press (and the person page to a provincial leader)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from data.derive.tracing import SERVICE
from data.loader import load_dataset
from data.store import Store
from tests.browser.conftest import screenshot
from tests.conftest import open_page, page_body, post_callback, serve
from tests.web.test_auth import admin_log, eventually

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def traced_server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str):
    folder = tmp_path_factory.mktemp("person")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir, after_cases=SERVICE.trace_load)
    store.close()
    SERVICE.forget()
    yield from serve(db, redis_url, folder)


def logged_in(browser: Browser, login, base: str, username: str) -> tuple[Page, list[str]]:
    """A page of its own context logged in as `username`, and the console errors it collects."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    login(context, base, username)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_a_tracer_opens_an_f1_from_the_trace_and_reads_why_the_card_is_red(
    traced_server: str, browser: Browser, login
) -> None:
    page, console_errors = logged_in(browser, login, traced_server, "tracer79")
    page.goto(traced_server + "/trace/1")
    f1 = page.locator("#trace-f1-grid")
    expect(f1).to_contain_text("Huỳnh Thị Hoa")
    f1.get_by_role("link", name="7", exact=True).click()
    expect(page).to_have_url(traced_server + "/person/7")
    expect(page.get_by_role("heading", name="Huỳnh Thị Hoa · mã 7")).to_be_visible()
    card = page.locator(".person-card")
    expect(card).to_have_attribute("data-colour", "red")
    expect(card.locator(".person-card-reason")).to_have_text(
        "Đỏ: F1 của ca 1, tiếp xúc 21/07 tại Quán cà phê Bến Nghé, cách ly đến 06/08"
    )
    expect(card.locator(".person-card-rule")).to_contain_text("HCMC card 2021-10")
    expect(page.locator("[data-field=citizen_id]")).to_contain_text("079199003333")
    expect(page.locator("[data-field=birth_date]")).to_contain_text("31/12/1999")
    expect(page.locator("#person-checkins")).to_contain_text("21/07/2021 09:45")
    expect(page.locator("#person-checkins")).to_contain_text("Quán cà phê Bến Nghé")
    expect(page.locator(".person-link-f1 a")).to_have_attribute("href", "/trace/1")
    screenshot(page, "person-7-vi")

    page.get_by_text("English", exact=True).click()
    expect(card.locator(".person-card-reason")).to_have_text(
        "Red: F1 of case 1, exposed 21/07 at Quán cà phê Bến Nghé, quarantine until 06/08"
    )
    screenshot(page, "person-7-en")
    page.get_by_text("Tiếng Việt", exact=True).click()
    expect(card.locator(".person-card-reason")).to_contain_text("Đỏ:")

    # a case's own page links to its trace and to each of its F1
    page.goto(traced_server + "/person/1")
    expect(page.locator(".person-card-reason")).to_have_text("Đỏ: ca F0 xác nhận 23/07, cách ly điều trị đến 06/08")
    expect(page.locator(".person-own-trace")).to_have_attribute("href", "/trace/1")
    expect(page.locator(".person-own-f1 a")).to_have_count(4)
    expect(page.locator("#person-tests")).to_contain_text("Dương tính")
    screenshot(page, "person-1-vi")
    assert console_errors == []
    page.context.close()


def test_the_press_reads_the_overview_with_small_counts_under_five_and_no_trace(
    traced_server: str, browser: Browser, login, http_session
) -> None:
    page, console_errors = logged_in(browser, login, traced_server, "press")
    page.goto(traced_server + "/")
    expect(page.locator("[data-metric=people] .figure")).to_have_text("12")
    expect(page.locator("[data-metric=cases] .figure")).to_have_text("<5")  # 3 cases
    expect(page.locator("[data-metric=new_cases_7d] .figure")).to_have_text("<5")
    expect(page.locator("[data-metric=card_colours]")).to_contain_text("<5")
    expect(page.locator(".js-plotly-plot .textpoint text", has_text="<5").first).to_be_attached()
    screenshot(page, "overview-press")
    assert console_errors == []
    page.context.close()
    # the press opens no trace, person or hand-over: 403 with one line, the page's shell and its data alike
    press = http_session(traced_server, "press")
    for url in ("/trace/1", "/person/7", "/handover"):
        answer = press.get(traced_server + url, timeout=60)
        assert answer.status_code == 403 and answer.text.count("\n") == 1, (url, answer.status_code, answer.text)
        status, body = post_callback(traced_server, page_body(url), press)  # the page's data, asked for directly
        assert status == 403 and body.count(b"\n") == 1, (url, status, body[:200])
    # a provincial leader opens the trace, but not the person page
    leader = http_session(traced_server, "province79")
    status, body = open_page(traced_server, "/trace/1", leader)
    assert status == 200 and b"Truy v" in body and "Nguyễn Văn An".encode() not in body
    assert open_page(traced_server, "/person/7", leader)[0] == 403


def callback(output: str, trigger: str, state: list[tuple[str, str, object]]) -> dict:
    """A callback request as dash-renderer sends it: one output, a button's click, the state."""
    grid, prop = output.split(".")
    return {
        "output": output,
        "outputs": {"id": grid, "property": prop},
        "inputs": [{"id": trigger, "property": "n_clicks", "value": 1}],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{trigger}.n_clicks"],
    }


def test_views_of_personal_data_and_exports_are_in_the_audit_log(traced_server: str, http_session) -> None:
    tracer = http_session(traced_server, "tracer79")
    assert open_page(traced_server, "/person/7", tracer)[0] == 200
    assert open_page(traced_server, "/trace/1", tracer)[0] == 200
    csv_body = callback("trace-f1-grid.exportDataAsCsv", "trace-f1-csv", [("trace-case", "data", 1)])
    assert post_callback(traced_server, csv_body, tracer)[0] == 200
    xlsx_body = callback("trace-download.data", "trace-xlsx", [("trace-case", "data", 1)])
    assert post_callback(traced_server, xlsx_body, tracer)[0] == 200
    leader = http_session(traced_server, "province79")
    assert open_page(traced_server, "/trace/1", leader)[0] == 200  # no names shown: no view_trace entry

    admin = http_session(traced_server, "admin")
    views = eventually(lambda: admin_log(traced_server, admin, "view_person", "tracer79"), 1)
    assert views[0]["target"] == "7" and json.loads(views[0]["detail"])["card"] == "red"
    traces = eventually(lambda: admin_log(traced_server, admin, "view_trace"), 1)
    assert {(e["username"], e["target"]) for e in traces} == {("tracer79", "1")}
    exports = eventually(lambda: admin_log(traced_server, admin, "export", "tracer79"), 2)
    details = sorted((json.loads(e["detail"])["what"], json.loads(e["detail"])["rows"]) for e in exports)
    assert details == [("trace_f1_csv", 4), ("trace_xlsx", 5)]  # 4 F1 and 1 F2 (case 1 has no watch list)
