"""The tracer pages in Chromium: a trace's graph (expanding an F1 in place), timeline and lists with CSV/XLSX
downloads; the clusters map and table opening a cluster's cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from data.derive.tracing import SERVICE
from data.loader import load_dataset
from data.store import Store
from tests.browser.conftest import screenshot
from tests.conftest import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def traced_server(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str):
    """The real app under gunicorn over the seed, loaded with automatic tracing (as the loader does once wired)."""
    folder = tmp_path_factory.mktemp("traced")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir, after_cases=SERVICE.trace_load)
    store.close()
    SERVICE.forget()
    yield from serve(db, redis_url, folder)


def graph_count(page: Page) -> int:
    return page.evaluate("() => document.getElementById('trace-graph')._cyreg.cy.nodes().length")


def click_node(page: Page, node_id: str) -> None:
    box = page.locator("#trace-graph").bounding_box()
    at = page.evaluate(
        "(id) => document.getElementById('trace-graph')._cyreg.cy.getElementById(id).renderedPosition()", node_id
    )
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_a_trace_shows_graph_timeline_and_lists_and_expands_in_place(
    traced_server: str, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(traced_server + "/trace/1")
    expect(page.get_by_role("heading", name="Truy vết ca F0 1 — Nguyễn Văn An")).to_be_visible()
    expect(page.locator("[data-fact=f1] .figure")).to_have_text("4")
    expect(page.get_by_text("Thuộc chùm")).to_have_count(0)  # alone: no cluster to open
    f1_rows = page.locator("#trace-f1-grid .ag-center-cols-container .ag-row")
    expect(f1_rows).to_have_count(4)
    expect(page.locator("#trace-f1-grid")).to_contain_text("Trần Thị Bình")
    expect(page.locator("#trace-f1-grid")).to_contain_text("Cùng địa điểm (QR)")
    expect(page.locator("#trace-f1-grid")).to_contain_text("21/07/2021 09:45")
    expect(page.locator("#trace-timeline .bars path, #trace-timeline .point path").first).to_be_attached()
    page.wait_for_function("() => document.getElementById('trace-graph')?._cyreg?.cy?.nodes().length === 5")
    page.evaluate("() => { window.__cyBefore = document.getElementById('trace-graph')._cyreg.cy; }")
    screenshot(page, "trace-1")

    # Lê Thị Dung (person 4, proximity) has one F2 (her household): clicking her adds it without a reload.
    click_node(page, "p4")
    page.wait_for_function("() => document.getElementById('trace-graph')._cyreg.cy.nodes().length === 6")
    assert page.evaluate("() => document.getElementById('trace-graph')._cyreg.cy === window.__cyBefore")
    assert page.evaluate("() => document.getElementById('trace-graph')._cyreg.cy.getElementById('p5').length") == 1
    screenshot(page, "trace-1-expanded")

    with page.expect_download() as csv_download:
        page.locator("#trace-f1-csv").click()
    assert csv_download.value.suggested_filename == "pccovid-f1-1.csv"
    csv_path = tmp_path / "f1.csv"
    csv_download.value.save_as(csv_path)
    assert "Trần Thị Bình" in csv_path.read_text(encoding="utf-8")

    with page.expect_download() as xlsx_download:
        page.locator("#trace-xlsx").click()
    assert xlsx_download.value.suggested_filename == "pccovid-f1-f2-1.xlsx"
    xlsx_path = tmp_path / "lists.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    book = load_workbook(xlsx_path)
    assert book.sheetnames == ["Danh sách F1", "Danh sách F2"]
    f1_rows = list(book["Danh sách F1"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in f1_rows] == [1, 2, 3, 4]  # the call order leads the F1 sheet
    assert [row[2] for row in f1_rows] == ["Trần Thị Bình", "Nguyễn Minh Châu", "Lê Thị Dung", "Huỳnh Thị Hoa"]
    assert [row[1] for row in book["Danh sách F2"].iter_rows(min_row=3, values_only=True)] == ["Phạm Văn Em"]
    assert console_errors == []


def test_clusters_map_and_table_open_a_cluster(traced_server: str, page: Page, console_errors: list[str]) -> None:
    page.goto(traced_server + "/clusters")
    expect(page.get_by_role("heading", name="Chùm ca bệnh")).to_be_visible()
    rows = page.locator("#clusters-table .ag-center-cols-container .ag-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tỉnh Bắc Giang")
    expect(rows.first.locator("[col-id=focus]")).to_have_text("Hộ gia đình · Phường Hoàng Văn Thụ, Thành phố Bắc Giang")
    with page.expect_download() as xlsx_download:
        page.locator("#clusters-xlsx").click()
    assert xlsx_download.value.suggested_filename == "pccovid-clusters.xlsx"
    expect(page.locator("#clusters-map .leaflet-clusters-pane path")).to_have_count(1)  # one circle per cluster
    boundaries = page.locator("#clusters-map .leaflet-overlay-pane path")
    expect(boundaries).to_have_count(63)
    # The shapes are background: hovers and clicks go through them.
    assert boundaries.first.evaluate("p => getComputedStyle(p).pointerEvents") == "none"
    expect(page.locator("#clusters-recent .ag-center-cols-container .ag-row")).to_have_count(3)
    expect(page.locator("#clusters-recent")).to_contain_text("Nguyễn Văn An")
    rows.first.locator("[col-id=cluster_id]").click()
    cases = page.locator("#clusters-cases .ag-center-cols-container .ag-row")
    expect(cases).to_have_count(2)
    expect(page.locator("#clusters-cases")).to_contain_text("Đỗ Thị Ngọc")
    expect(page.locator("#clusters-cases")).to_contain_text("Cùng hộ gia đình")
    expect(page.locator(".clusters-focus")).to_have_text("Hộ gia đình · Phường Hoàng Văn Thụ, Thành phố Bắc Giang")
    expect(page.locator(".clusters-detail .js-plotly-plot .bars path").first).to_be_attached()
    screenshot(page, "clusters-11")
    page.locator("#clusters-cases").get_by_role("link", name="12").click()
    expect(page).to_have_url(f"{traced_server}/trace/12")
    expect(page.get_by_role("heading", name="Truy vết ca F0 12 — Đỗ Thị Ngọc")).to_be_visible()
    page.get_by_role("link", name="Thuộc chùm 11").click()
    expect(page).to_have_url(f"{traced_server}/clusters?cluster=11")
    expect(page.locator("#clusters-cases .ag-center-cols-container .ag-row")).to_have_count(2)
    assert console_errors == []


def test_unknown_or_forged_case_ids_get_a_clear_page(traced_server: str, page: Page, console_errors: list[str]) -> None:
    for case in ("2", "abc", "1' OR 1=1"):
        page.goto(f"{traced_server}/trace/{case}")
        expect(page.get_by_text("Không có kết quả truy vết")).to_be_visible()
    assert console_errors == []


def test_the_trace_in_english(traced_server: str, page: Page, console_errors: list[str]) -> None:
    page.context.add_cookies([{"name": "pccovid_lang", "value": "en", "url": traced_server}])
    page.goto(traced_server + "/trace/1")
    expect(page.get_by_role("heading", name="Trace of case 1 — Nguyễn Văn An")).to_be_visible()
    expect(page.locator("#trace-f1-grid")).to_contain_text("Same place (QR)")
    expect(page.locator("#trace-f1-grid")).to_contain_text("21/07/2021 09:45")
    screenshot(page, "trace-1-en")
    page.context.clear_cookies()
    assert console_errors == []


def test_the_overview_shows_tracing_speed_and_f1_per_case(
    traced_server: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(traced_server + "/")
    expect(page.locator("[data-metric=f1_per_case] .figure")).to_have_text("2,0")
    expect(page.locator("[data-metric=tracing_speed] .figure")).to_contain_text("giây")
    expect(page.locator("[data-metric=tracing_speed]")).to_contain_text("3 ca được truy vết trong 7 ngày")
    expect(page.locator("[data-metric=tracing_speed]")).to_contain_text("Từ nhận kết quả đến danh sách xem được")
    page.locator("[data-metric=tracing_speed]").hover()  # what the figure measures: to the commit
    expect(page.get_by_role("tooltip")).to_contain_text("được ghi xong (commit)")
    screenshot(page, "overview-tracing")
    assert console_errors == []
