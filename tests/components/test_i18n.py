"""Vietnamese number and date formats, translations complete in both languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from components.i18n import date, number, plotly_separators, t


def test_vietnamese_numbers_use_dots_for_thousands() -> None:
    assert number(1234567, "vi") == "1.234.567"
    assert number(1234567, "en") == "1,234,567"
    assert number(12.345, "vi", digits=1) == "12,3"
    assert number(None, "vi") == "—"


def test_dates_are_day_month_year() -> None:
    assert date(dt.date(2021, 8, 2), "vi") == "02/08/2021"
    assert date("2021-08-02", "en") == "02/08/2021"


def test_plotly_separators_follow_the_language() -> None:
    assert plotly_separators("vi") == ",."
    assert plotly_separators("en") == ".,"


def test_every_key_is_translated_in_both_languages() -> None:
    folder = Path(__file__).resolve().parents[2] / "components" / "locales"
    vi = json.loads((folder / "vi.json").read_text(encoding="utf-8"))
    en = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)
    assert t("metric.cases", "vi") == "Ca nhiễm (F0) đã xác nhận"
    assert t("overview.period", "en", first="01/07/2021", last="24/07/2021") == "Data from 01/07/2021 to 24/07/2021"
