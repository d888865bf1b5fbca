"""Redraw only what changed: a callback's outputs are compared, by digest, with what the page drew last (a dcc.Store
of digests beside them), and the unchanged ones go back as no_update, so a new data version that leaves a figure,
a card or a map's values as they were costs the browser nothing. A figure whose data is unchanged gets only its
new source caption (a Patch of one annotation)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Annotated, Any

import dash
from dash import Patch
from plotly.utils import PlotlyJSONEncoder
from pydantic import Field, StringConstraints

from components.inputs import or_none

_DIGEST = Annotated[str, StringConstraints(strict=True, pattern="^[0-9a-f]{24}$")]
_DIGESTS = Annotated[list[_DIGEST | None], Field(max_length=64)]
Drawn = or_none(_DIGESTS)
"""The digests a page holds for what it drew, one per output (None: drawn before, not known); anything else reads as
None, and every output is then drawn."""
DrawnParts = or_none(
    Annotated[dict[Annotated[str, StringConstraints(strict=True, max_length=40)], _DIGESTS], Field(max_length=16)]
)
"""The digests of a page's parts by name, each a list (the items of a grid of cards, say)."""


def digest(value: Any) -> str:
    """A digest of an output as Dash would send it (components, figures, plain data)."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def only_changed(outputs: Sequence[Any], drawn: Sequence[str | None] | None) -> tuple[list[Any], list[str]]:
    """Each output as it is where it differs from what the page drew, else no_update; and the digests now drawn."""
    digests = [digest(output) for output in outputs]
    before = list(drawn or [])
    before += [None] * (len(digests) - len(before))
    sent = [
        dash.no_update if old == new else output for output, old, new in zip(outputs, before, digests, strict=False)
    ]
    return sent, digests


def items_changed(items: Sequence[Any], drawn: Sequence[str | None] | None) -> tuple[Any, list[str]]:
    """A list of children (a grid of cards) against the one the page drew: no_update when every item is the same, a
    Patch of the items that changed when the list keeps its length, else the whole new list; and the new digests."""
    digests = [digest(item) for item in items]
    before = list(drawn or [])
    if before == digests:
        return dash.no_update, digests
    if len(before) != len(digests):
        return list(items), digests
    patch = Patch()
    for at, (item, old, new) in enumerate(zip(items, before, digests, strict=True)):
        if old != new:
            patch[at] = item
    return patch, digests


def _without_caption(figure: dict, caption: str) -> dict:
    layout = dict(figure.get("layout") or {})
    layout["annotations"] = [a for a in layout.get("annotations") or [] if a.get("text") != caption]
    return {**figure, "layout": layout}


def figures_changed(
    figures: Sequence[dict], caption: str, drawn: Sequence[str | None] | None
) -> tuple[list[Any], list[str]]:
    """Figures (as JSON) compared without their source caption (it names the data version, new each time): a changed
    figure goes whole, an unchanged one as a Patch of its caption alone, so its export still names the version."""
    digests = [digest(_without_caption(figure, caption)) for figure in figures]
    before = list(drawn or [])
    before += [None] * (len(digests) - len(before))
    sent: list[Any] = []
    for figure, old, new in zip(figures, before, digests, strict=False):
        at = next(
            (i for i, a in enumerate(figure.get("layout", {}).get("annotations") or []) if a.get("text") == caption),
            None,
        )
        if old != new or at is None:
            sent.append(figure)
            continue
        patch = Patch()
        patch["layout"]["annotations"][at]["text"] = caption
        sent.append(patch)
    return sent, digests
