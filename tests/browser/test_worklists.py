"""The F1 work list in call order and the watch list below it, in Chromium, on a generated epidemic (`test` preset):
what a tracer reads top to bottom, and the CSV the ward team gets."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import scenario
from data.derive.tracing import SERVICE
from data.loader import load_dataset
from data.store import Store
from tests.browser.conftest import screenshot
from tests.conftest import serve

pytestmark = pytest.mark.browser

# The case whose F1 list is longest among those naming all three kinds of link and having a watch list.
CASE_WITH_EVERY_KIND = """
SELECT k.case_id, count(*) AS f1
FROM trace_contacts AS k
WHERE k.degree = 1 AND k.case_id IN (SELECT case_id FROM trace_watch)
GROUP BY k.case_id
HAVING count(DISTINCT k.via) = 3
ORDER BY f1 DESC, k.case_id
LIMIT 1
"""


@pytest.fixture(scope="module")
def epidemic_server(tmp_path_factory: pytest.TempPathFactory, redis_url: str):
    """The app over the `test` scenario, loaded as the platform loads it; yields (base URL, case id, its F1 in call
    order as (rank, via))."""
    folder = tmp_path_factory.mktemp("worklists")
    scenario.generate(folder / "dataset", **scenario.preset("test"))
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, folder / "dataset")
    case_id = store.cursor().sql(CASE_WITH_EVERY_KIND).fetchall()[0][0]
    f1 = store.rows(
        "tracing/case_contacts",
        case_id=case_id,
        degree=1,
        through=None,
        personal=True,
        scope_level="national",
        scope_codes=[],
    )
    store.close()
    SERVICE.forget()
    for base in serve(db, redis_url, folder):
        yield base, case_id, f1


def test_the_f1_list_reads_in_call_order_with_its_reasons_and_the_watch_list_below(
    epidemic_server, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    base, case_id, f1 = epidemic_server
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{base}/trace/{case_id}")
    grid = page.locator("#trace-f1-grid")
    expect(grid.locator(".ag-header-cell").first).to_contain_text("Thứ tự gọi")
    expect(page.locator(".trace-f1-order")).to_contain_text("cùng hộ trước")
    first = grid.locator(".ag-center-cols-container .ag-row[row-index='0']")
    expect(first.locator("[col-id='rank']")).to_have_text("1")
    expect(first.locator("[col-id='details']")).to_have_text("sống cùng nhà")
    expect(grid).to_contain_text(" m trong ")  # an encounter gives its metres and minutes
    watch = page.locator("#trace-watch-grid")
    expect(page.locator(".trace-watch-note")).to_contain_text("Không phải F1, không cách ly")
    expect(watch.locator(".ag-center-cols-container .ag-row[row-index='0'] [col-id='rank']")).to_have_text("1")
    screenshot(page, "trace-worklists")
    page.locator("#trace-f1-grid").scroll_into_view_if_needed()
    with page.expect_download() as download:
        page.locator("#trace-f1-csv").click()
    path = tmp_path / "f1.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Thứ tự gọi", "Mã người"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, len(f1) + 1))
    assert [r[1] for r in rows[1:]] == [str(row[0]) for row in f1]
    assert not console_errors
