"""Tables: AG Grid with Vietnamese number formats, sortable, exportable as CSV."""

from __future__ import annotations

import dash_ag_grid as dag

from components.i18n import t


def number_column(field: str, lang: str, header_key: str, digits: int = 0) -> dict:
    """A right-aligned number: 1.234.567 in Vietnamese, 1,234,567 in English (AG Grid's d3 with a locale)."""
    decimal, thousands = (",", ".") if lang == "vi" else (".", ",")
    formatter = (
        f"params.value == null ? '—' : typeof params.value === 'string' ? params.value : d3.formatLocale({{decimal: '{decimal}', thousands: '{thousands}', "
        f"grouping: [3], currency: ['', '']}}).format(',.{digits}f')(params.value)"
    )
    return {
        "field": field,
        "headerName": t(header_key, lang),
        "type": "rightAligned",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {"function": formatter},
    }


def grid(
    grid_id: str,
    columns: list[dict],
    rows: list[dict],
    lang: str,
    *,
    file_name: str,
    height: str = "420px",
    grow: bool = True,
) -> dag.AgGrid:
    """Up to 100 rows grow with the page (every row rendered) unless `grow` is off; more scroll in a fixed height."""
    auto = grow and len(rows) <= 100
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=rows,
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "flex": 1, "minWidth": 110},
        dashGridOptions={
            "animateRows": False,
            "localeText": _LOCALE_TEXT.get(lang, {}),
            "domLayout": "autoHeight" if auto else "normal",
        },
        csvExportParams={"fileName": file_name},
        className="ag-theme-quartz",
        style={} if auto else {"height": height},
    )


_LOCALE_TEXT = {
    "vi": {
        "noRowsToShow": "Không có dữ liệu",
        "filterOoo": "Lọc…",
        "equals": "Bằng",
        "notEqual": "Khác",
        "lessThan": "Nhỏ hơn",
        "greaterThan": "Lớn hơn",
        "contains": "Chứa",
        "notContains": "Không chứa",
        "startsWith": "Bắt đầu bằng",
        "endsWith": "Kết thúc bằng",
        "andCondition": "Và",
        "orCondition": "Hoặc",
        "page": "Trang",
        "of": "trên",
        "to": "đến",
    }
}
