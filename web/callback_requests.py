"""The check of a callback request before Dash reads it: a body Dash would trip on gets a 400 naming what is wrong.
The callback's arguments themselves are read by the typed reader (components/inputs.py) when the callback runs."""

from __future__ import annotations

import json
from typing import Annotated, Any

import dash
import flask
from pydantic import BaseModel, ConfigDict, StringConstraints, TypeAdapter, ValidationError

from components.inputs import MAX_TEXT, Text


class _Prop(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | dict[str, Any]
    property: Annotated[str, StringConstraints(max_length=200)]
    value: Any = None


class _CallbackRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    output: Annotated[str, StringConstraints(max_length=MAX_TEXT)]
    outputs: _Prop | list[_Prop | list[_Prop]] | None = None
    inputs: list[_Prop | list[_Prop]]
    state: list[_Prop | list[_Prop]] = []
    changedPropIds: list[Annotated[str, StringConstraints(max_length=MAX_TEXT)]] = []


# Dash's own page router reads these two without a check: the path must be a path, the query text.
_ROUTER_VALUES = {
    ("_pages_location", "pathname"): TypeAdapter(
        Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT, pattern="^/")]
    ),
    ("_pages_location", "search"): TypeAdapter(Text | None),
}


def _fits(kind: TypeAdapter, value: object) -> bool:
    try:
        kind.validate_python(value)
    except ValidationError:
        return False
    return True


def _matches(declared: dict, given: _Prop | list[_Prop]) -> bool:
    """A request's input or state is the one the callback declares (same id and property; a list for ALL)."""
    if not declared["id"].startswith("{"):
        return isinstance(given, _Prop) and given.id == declared["id"] and given.property == declared["property"]
    pattern = json.loads(declared["id"])
    items = given if isinstance(given, list) else [given]
    return all(
        isinstance(item, _Prop)
        and item.property == declared["property"]
        and isinstance(item.id, dict)
        and set(item.id) == set(pattern)
        and all(item.id[key] == value for key, value in pattern.items() if not isinstance(value, list))
        for item in items
    )


def _prop_id(prop: _Prop) -> str:
    """`id.property` as the browser writes it in changedPropIds (a dict id's keys sorted, JSON without spaces)."""
    if isinstance(prop.id, str):
        return f"{prop.id}.{prop.property}"
    pairs = (f"{json.dumps(key)}:{json.dumps(prop.id[key], separators=(',', ':'))}" for key in sorted(prop.id))
    return "{" + ",".join(pairs) + "}." + prop.property


def callback_request_problem(body: object, callbacks: dict) -> str | None:
    """What is wrong with a callback request's body for the app's `callbacks` (Dash's callback_map), or None."""
    try:
        request = _CallbackRequest.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'body'}: {first['msg']}"
    callback = callbacks.get(request.output)
    if callback is None:
        return "output: no such callback"
    for part in ("inputs", "state"):
        declared, given = callback[part], getattr(request, part)
        if len(given) != len(declared) or not all(map(_matches, declared, given)):
            return f"{part}: not the callback's {len(declared)} {part}"
    if not callback.get("no_output"):
        indices = callback.get("outputs_indices")
        expected = len(indices) if isinstance(indices, list) else 1
        outputs = request.outputs if isinstance(request.outputs, list) else [request.outputs]
        if request.outputs is None or len(outputs) != expected:
            return f"outputs: not the callback's {expected} outputs"
    known = {_prop_id(item) for given in request.inputs for item in (given if isinstance(given, list) else [given])}
    if not set(request.changedPropIds) <= known:
        return "changedPropIds: not among the inputs"
    for given in request.inputs:
        kind = _ROUTER_VALUES.get((given.id, given.property)) if isinstance(given, _Prop) else None
        if kind is not None and not _fits(kind, given.value):
            return f"inputs: {given.id}.{given.property} is not a URL's {given.property}"
    return None


def guard(app: dash.Dash) -> None:
    """Refuses (400, one line) a callback request whose body does not fit a callback of `app`, before Dash reads it."""

    @app.server.before_request
    def check_callback_request() -> flask.Response | None:
        if flask.request.path != app.config.routes_pathname_prefix + "_dash-update-component":
            return None
        body = flask.request.get_json(silent=True)
        problem = callback_request_problem(body, app.callback_map)
        if problem is None:
            return None
        return flask.Response(f"not a request for this app's callbacks: {problem}\n", 400, mimetype="text/plain")
