"""The check of callback requests (web/callback_requests.py) as a plain function: what fits a callback, what does not."""

from __future__ import annotations

from web.callback_requests import callback_request_problem


def test_a_callback_request_must_fit_a_callback() -> None:
    callbacks = {
        "badge.children": {
            "inputs": [{"id": "version", "property": "data"}],
            "state": [],
            "outputs_indices": 0,
        }
    }
    good = {
        "output": "badge.children",
        "outputs": {"id": "badge", "property": "children"},
        "inputs": [{"id": "version", "property": "data", "value": "anything: the callback reads it"}],
        "changedPropIds": ["version.data"],
    }
    assert callback_request_problem(good, callbacks) is None
    for wrong in (
        None,
        [],
        {**good, "output": "other.children"},
        {**good, "inputs": []},
        {**good, "inputs": [{"id": "other", "property": "data"}]},
        {**good, "outputs": [good["outputs"]] * 2},
        {**good, "changedPropIds": ["{x.data"]},
    ):
        assert callback_request_problem(wrong, callbacks), wrong
