"""The reader of URL and callback inputs (components/inputs.py) as plain functions: what reads, what does not."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

from components.inputs import (
    AreaCode,
    CaseIds,
    CellClick,
    Count,
    Day,
    DayRange,
    Id,
    Measure,
    Selection,
    TappedContact,
    Text,
    WallSeconds,
    read,
    typed,
    url_text,
    url_value,
)

NOT_IDS = [
    "²",
    "١٢",
    "-1",
    -1,
    0,
    "0",
    "1e3",
    "1.0",
    1.0,
    1.5,
    True,
    " 12",
    "+5",
    "1_000",
    "12\n",
    "9" * 20,
    2**63,
    [],
    {},
]


@pytest.mark.parametrize("value", NOT_IDS)
def test_what_is_not_an_id(value: object) -> None:
    assert read(Id, value) is None


def test_ids_and_counts() -> None:
    assert read(Id, "12") == read(Id, 12) == 12
    assert read(Id, str(2**63 - 1)) == 2**63 - 1
    assert read(Count, 0) == 0 and read(Count, -1) is None and read(Count, False) is None


def test_codes_days_and_vocabularies() -> None:
    assert [read(AreaCode, c) for c in ("79", "760", "26734")] == ["79", "760", "26734"]
    assert [read(AreaCode, c) for c in ("7", "1234", "٧٩", "79\n", 79, "7a")] == [None] * 6
    assert (
        read(Day, "2021-07-01") == read(Day, "2021-07-01 00:00:00") == read(Day, "2021-07-01T00:00:00") == "2021-07-01"
    )
    assert [read(Day, d) for d in ("2021-13-01", "20210701", "２０２１-07-01", "2021-07-01x", 20210701)] == [None] * 5
    assert read(Measure, "level") == "level" and read(Measure, "x'--") is None
    assert [read(WallSeconds, s) for s in ("5", "1", "0", "99999", "²", "9" * 30)] == [5, 2, 2, 600, None, None]
    assert read(Text, "x" * 2_000) and read(Text, "x" * 2_001) is None


def test_browser_shapes_keep_only_what_is_read() -> None:
    assert read(Selection, {"area_code": "79", "start": None, "other": 1}) == {"area_code": "79", "start": None}
    assert read(Selection, {"area_code": "24' OR 1=1 --"}) is None
    assert read(TappedContact, {"id": "p5", "degree": 1, "person": "5"}) == {"degree": 1, "person": 5}
    assert read(TappedContact, {"id": "p1", "degree": 0}) is None  # the case itself: no person to expand
    assert read(CellClick, {"rowIndex": 3, "rowId": "²"}) == {"rowIndex": 3, "rowId": None}
    assert read(CaseIds, [1, 2]) == [1, 2] and read(CaseIds, [1, "x"]) is None
    assert read(DayRange, ["2021-07-01", None]) == ["2021-07-01", None] and read(DayRange, ["a", "b", "c"]) is None


def test_a_repeated_url_parameter_reads_as_its_first_value() -> None:
    assert url_value(Id, ["5", "6"]) == 5
    assert url_value(Id, ["²", "6"]) is None
    assert url_value(Id, []) is None and url_value(Id, None) is None
    assert url_text(["79", "01"]) == "79" and url_text("x" * 5_000) is None


def test_a_typed_callback_changes_nothing_on_a_wrong_argument() -> None:
    @typed
    def show(case_id: Id, clicks: Count | None) -> tuple:
        return case_id, clicks

    assert show("7", None) == (7, None)
    for wrong in ("²", {}, None):
        with pytest.raises(PreventUpdate):
            show(wrong, 1)
    with pytest.raises(TypeError, match="without a type"):

        @typed
        def untyped(case_id):
            return case_id
