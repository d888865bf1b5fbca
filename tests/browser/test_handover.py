"""Two provincial command centres in Chromium: Ho Chi Minh City's case met a Hà Nội resident; HCMC's trace counts him
as handed over to Hà Nội, and Hà Nội's hand-over page lists him, with only the province of the case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from data.loader import load_dataset
from data.store import Store
from tests import seed
from tests.browser.conftest import screenshot
from tests.conftest import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def crossing_store(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    """The seed, then a load where Hoàng Đức Giang (6, HCMC) tests positive after meeting Vũ Văn Khánh (8, Hà Nội)."""
    folder = tmp_path_factory.mktemp("crossing")
    later = folder / "later"
    later.mkdir()
    pq.write_table(
        seed.table("tests", [(3201, 6, seed.at(23, 8), seed.at(23, 18), "pcr", "positive")]), later / "tests.parquet"
    )
    pq.write_table(seed.table("contacts", [(2201, 6, 8, seed.at(22, 10), 300, 1.0)]), later / "contacts.parquet")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    load_dataset(store, later)
    store.close()
    return db


def _deployment(crossing_store: Path, redis_url: str, tmp_path_factory, viewer: str):
    folder = tmp_path_factory.mktemp(viewer.replace(":", "-"))
    db = folder / "store.duckdb"
    shutil.copy(crossing_store, db)  # one process per DuckDB file
    yield from serve(db, redis_url, folder, {"PCCOVID_VIEWER": viewer})


@pytest.fixture(scope="module")
def hcmc(crossing_store: Path, redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    yield from _deployment(crossing_store, redis_url, tmp_path_factory, "province:79")


@pytest.fixture(scope="module")
def hanoi(crossing_store: Path, redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    yield from _deployment(crossing_store, redis_url, tmp_path_factory, "province:01")


def test_the_tracing_province_counts_the_hand_over(
    hcmc: str, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(hcmc + "/trace/6")
    expect(page.get_by_role("heading", name="Truy vết ca F0 6 — Hoàng Đức Giang")).to_be_visible()
    expect(page.get_by_role("heading", name="Đã bàn giao cho địa phương khác")).to_be_visible()
    handed = page.locator("#trace-handover-grid .ag-center-cols-container .ag-row")
    expect(handed).to_have_count(1)
    expect(handed.first).to_contain_text("Thành phố Hà Nội")
    page.wait_for_function("() => document.getElementById('trace-graph')?._cyreg?.cy?.nodes().length === 2")
    label = page.evaluate("() => document.getElementById('trace-graph')._cyreg.cy.getElementById('a01').data('label')")
    assert label == "Thành phố Hà Nội: 1 F1 · 2 F2"
    body = page.locator("body").inner_text()
    for outsider in ("Vũ Văn Khánh", "Phường Phúc Xá", "0945678123", "Đặng Thị Lan"):
        assert outsider not in body
    screenshot(page, "handover-trace-hcmc")
    with page.expect_download() as download:
        page.locator("#trace-xlsx").click()
    path = tmp_path / "lists.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Danh sách F1", "Danh sách F2", "Bàn giao"]
    assert list(book["Bàn giao"].iter_rows(min_row=3, values_only=True)) == [("Thành phố Hà Nội", 1, 2)]
    page.goto(hcmc + "/handover")
    expect(page.locator("#handover-flows-grid")).to_contain_text("Bàn giao đi")
    expect(page.get_by_text("Chưa có F1, F2 nào được bàn giao đến địa bàn.")).to_be_visible()
    assert console_errors == []


def test_the_receiving_province_lists_its_people(
    hanoi: str, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    page.goto(hanoi + "/handover")
    expect(page.get_by_role("heading", name="Bàn giao F1, F2 giữa các địa phương")).to_be_visible()
    rows = page.locator("#handover-received-grid .ag-center-cols-container .ag-row")
    expect(rows).to_have_count(3)  # Vũ Văn Khánh (F1) and his household (F2)
    grid = page.locator("#handover-received-grid")
    expect(grid).to_contain_text("Vũ Văn Khánh")
    expect(grid).to_contain_text("Thành phố Hồ Chí Minh")
    expect(grid).to_contain_text("22/07/2021 10:00")
    expect(grid).to_contain_text("06/08/2021")  # quarantine until, from the case's confirmation
    body = page.locator("body").inner_text()
    assert "Hoàng Đức Giang" not in body and "Phường Bến Nghé" not in body
    expect(page.locator("#handover-flows-grid")).to_contain_text("Nhận về")
    screenshot(page, "handover-received-hanoi")
    with page.expect_download() as download:
        page.locator("#handover-received-xlsx").click()
    path = tmp_path / "received.xlsx"
    download.value.save_as(path)
    names = [row[1] for row in load_workbook(path).active.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == ["Vũ Minh Long", "Vũ Văn Khánh", "Đặng Thị Lan"]
    # Hà Nội cannot open HCMC's trace.
    page.goto(hanoi + "/trace/6")
    expect(page.get_by_text("Không có kết quả truy vết")).to_be_visible()
    assert console_errors == []
