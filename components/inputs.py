"""One reader of what a request brings (a URL's path and query, a callback's arguments): typed, bounded values or
nothing. A page shows its not-found view for what does not read, a callback changes nothing; neither raises.

The jurisdiction is never read here: it comes from data.access.current_viewer(), not from the request.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, NotRequired, TypeVar

from dash.exceptions import PreventUpdate
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from typing_extensions import TypedDict  # pydantic reads typing's TypedDict only from Python 3.12

from components.measures import STYLES
from data.maps import MEASURES

T = TypeVar("T")

MAX_ID = 2**63 - 1  # the store's BIGINT
MAX_TEXT = 2_000  # characters of a URL's query, or of one value, read at all
MAX_ITEMS = 100_000  # items of a list from the browser (a table's rows, the markers' clicks)
# ASCII digits only: str.isdigit() and \d also take "²" and "١٢", which int() or the store then refuse.
_DIGITS = re.compile(r"[0-9]{1,19}")
_DAY = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9:.]{0,15})?")


def _whole_number(value: object) -> object:
    """An int, or a string of ASCII digits, becomes an int; a bool, a float or anything else stays and fails."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    if isinstance(value, bool):
        raise ValueError("a yes or no is not a number")
    return value


def _iso_day(value: object) -> str:
    """2021-07-01, or a date picker's 2021-07-01 00:00:00, as 2021-07-01."""
    found = _DAY.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError("not a day written YYYY-MM-DD")
    return dt.date.fromisoformat(found[1]).isoformat()


def _codes(*lengths: int) -> Any:
    alternatives = "|".join(f"[0-9]{{{n}}}" for n in lengths)
    return Annotated[str, StringConstraints(strict=True, pattern=f"^(?:{alternatives})$")]


def _none_if_invalid(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    try:
        return handler(value)
    except ValidationError:
        return None


# Values

UrlValue = str | list[str] | None
"""One URL parameter as Dash hands it to `layout(**query)`: text, a list of texts when repeated, or missing."""
Ignored = Any
"""A callback argument the body does not use (a trigger's payload it never looks at): not read."""
Id = Annotated[int, BeforeValidator(_whole_number), Field(strict=True, ge=1, le=MAX_ID)]
"""A case, person or cluster id: 1 … 2^63 − 1, from an int or ASCII digits ("²", "-1", "1e3", "1.0" do not read)."""
Count = Annotated[int, BeforeValidator(_whole_number), Field(strict=True, ge=0, le=MAX_ID)]
"""A click count, a timer's ticks, a data version, a row's index."""
ProvinceCode = _codes(2)
DistrictCode = _codes(3)
WardCode = _codes(5)
AreaCode = _codes(2, 3, 5)
Day = Annotated[str, BeforeValidator(_iso_day)]
"""An ISO day, as text (2021-07-01)."""
Measure = Literal[tuple(key for key in STYLES if key in MEASURES)]
Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]
"""Free text of bounded length, e.g. a URL's query kept in the shell's location."""
WallSeconds = Annotated[
    int, BeforeValidator(_whole_number), Field(strict=True, ge=0), AfterValidator(lambda n: min(600, max(2, n)))
]
"""The wall's rotation: any count of seconds, brought within 2 … 600."""
CaseIds = Annotated[list[Id], Field(max_length=MAX_ITEMS)]
Clicks = Annotated[list[Count | None], Field(max_length=MAX_ITEMS)]
"""The click counts of pattern-matched components (ALL), one each; None for those never clicked."""
DayRange = Annotated[list[Day | None], Field(max_length=2)]
"""A date range picker's value: [start, end], either missing while it is being picked."""


def or_none(kind: Any) -> Any:
    """`kind`, or None when the value does not read as one (for a field whose absence the code already handles)."""
    return Annotated[kind | None, WrapValidator(_none_if_invalid)]


RowId = or_none(Count)
"""A table row's id: its index as text when the grid gives none of its own; anything else reads as no id."""

# What the browser sends back: the parts the callbacks use. Keys not named here are dropped, never read.


class Selection(TypedDict, total=False):
    """The overview's selection, kept in a dcc.Store by its layout."""

    area_code: AreaCode | None
    start: Day | None
    end: Day | None


class TappedContact(TypedDict):
    """A tap on a contact in the trace graph (dash-cytoscape's tapNodeData); the case itself has no person."""

    degree: Count
    person: Id


class _ProvinceShape(TypedDict):
    code: ProvinceCode


class _DistrictShape(TypedDict):
    code: DistrictCode
    province_code: ProvinceCode


class _WardPoint(TypedDict):
    code: WardCode


class ProvinceClick(TypedDict):
    """A click on a province of the map (dash-leaflet's clickData: the GeoJSON feature)."""

    properties: _ProvinceShape


class DistrictClick(TypedDict):
    properties: _DistrictShape


class WardClick(TypedDict):
    properties: _WardPoint


class CellClick(TypedDict):
    """A click in an AG Grid table (cellClicked): the row's index, and its id when the grid gives one."""

    rowIndex: Count
    rowId: NotRequired[RowId]


class ClusterRow(TypedDict):
    """A row of the clusters table, as the browser sends the table back."""

    cluster_id: Id


ClusterRows = Annotated[list[ClusterRow], Field(max_length=MAX_ITEMS)]


@functools.cache
def _adapter(kind: Any) -> TypeAdapter:
    return TypeAdapter(kind)


def read(kind: Any, value: object) -> Any:
    """`value` as a `kind` (one of the types above), or None when it does not read as one."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return None


def url_value(kind: Any, value: object) -> Any:
    """One URL parameter as Dash hands it to `layout(**query)`: text, or a list of texts for a repeated one (?a=1&a=2),
    of which the first is read, as flask's request.args.get and the callbacks' url_params read it."""
    if isinstance(value, list):
        value = value[0] if value else None
    return read(kind, value) if isinstance(value, str) else None


def url_text(value: object) -> str | None:
    """One URL parameter as bounded text (the first of a repeated one), for checks that name what they refuse."""
    return url_value(Text, value)


def typed(callback: Callable[..., T]) -> Callable[..., T]:
    """Reads a callback's arguments as their annotations say (types of this module); when one does not read,
    the callback changes nothing (PreventUpdate: Dash answers 204) and its body never sees a wrong type."""
    hints = typing.get_type_hints(callback, include_extras=True)
    names = list(inspect.signature(callback).parameters)
    missing = [name for name in names if name not in hints]
    if missing:
        raise TypeError(f"{callback.__qualname__}: arguments without a type to read them as: {', '.join(missing)}")
    adapters = [_adapter(hints[name]) for name in names]

    @functools.wraps(callback)
    def read_then_call(*args: object) -> T:
        try:
            values = [adapter.validate_python(value) for adapter, value in zip(adapters, args, strict=True)]
        except (ValidationError, ValueError):
            raise PreventUpdate from None
        return callback(*values)

    return read_then_call


# The directives' forms (pages/directives.py). Texts are read far past the rules' limits, so that a text too long gets
# the data layer's message naming the limit instead of a callback that silently changes nothing.
LongText = Annotated[str, StringConstraints(strict=True, max_length=100_000)]
AreaCodes = Annotated[list[AreaCode], Field(max_length=MAX_ITEMS)]
Percent = or_none(Annotated[int, BeforeValidator(_whole_number), Field(strict=True, ge=0, le=1_000_000)])
"""A progress as typed (0, 40, 100; past 100 read, for the rules to refuse by name); anything else reads as none."""
LongTexts = Annotated[list[LongText | None], Field(max_length=MAX_ITEMS)]
Percents = Annotated[list[Percent], Field(max_length=MAX_ITEMS)]


class DrawnShapes(TypedDict):
    """dash-leaflet's EditControl geojson: the drawn features (checked one by one where they are read)."""

    features: Annotated[list[dict], Field(max_length=1_000)]
