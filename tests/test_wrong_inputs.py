"""No request answers 5xx, whatever it sends, on the real app (gunicorn) over the seed store as a provincial command
centre (PCCOVID_VIEWER=province:79): every server-side callback the app registers gets wrong values in each argument
(good ones in the others), the callback endpoint gets malformed bodies, and every page gets malformed paths and
queries. Each test says how many requests it tried (`pytest -s` prints them)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
import requests

from data.loader import load_dataset
from data.store import Store
from tests.conftest import PAGE_ROUTER, open_page, page_body, post_callback, serve

# Wrong in type, form or size for one argument or another; the last ones are near misses of real shapes.
WRONG: list[object] = [
    None,
    "",
    "abc",
    "²",
    "١٢",
    "-1",
    -1,
    0,
    2**70,
    "9" * 30,
    1.5,
    "1e3",
    True,
    [],
    [1, "x"],
    [[[[[1]]]]],
    {},
    {"a": 1},
    "x" * 100_000,
    "79\n",
    {"area_code": "²", "start": "2021-13-01"},
    {"properties": {"code": ["79"], "province_code": {}}},
    {"degree": 1, "person": "²"},
    {"rowIndex": 10**6, "rowId": "²"},
    ["2021-07-01", {}],
]


class Provincial(NamedTuple):
    base: str
    session: requests.Session  # logged in as `national`, bounded by the deployment to province 79
    admin: requests.Session  # logged in as `admin`: the admin page's callbacks are the admin's
    case: int  # a traced case living in province 79
    f1: int  # one of its F1
    cluster: int  # a cluster outside the province


@pytest.fixture(scope="module")
def provincial(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, redis_url: str, http_session):
    folder = tmp_path_factory.mktemp("provincial")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, seed_dir)
    case, f1 = (
        store.cursor()
        .execute(
            "SELECT c.case_id, c.person_id FROM trace_contacts c JOIN cases s ON s.person_id = c.case_id "
            "JOIN areas a ON a.code = s.ward_code WHERE a.province_code = '79' AND c.degree = 1 ORDER BY 1, 2 LIMIT 1"
        )
        .fetchone()
    )
    cluster = store.cursor().execute("SELECT max(cluster_id) FROM clusters").fetchone()[0]
    store.close()
    running = serve(db, redis_url, folder, env={"PCCOVID_VIEWER": "province:79"})
    base = next(running)
    yield Provincial(base, http_session(base, "national"), http_session(base, "admin"), case, f1, cluster)
    next(running, None)


def good_values(server: Provincial) -> dict[str, object]:
    """A well-typed value for each argument of the app's callbacks, by `id.property` (a pattern by its type)."""
    return {
        "shell-refresh.n_intervals": 3,
        "shell-data-version.data": 1,
        "overview-selection.data": {"area_code": "79", "start": None, "end": None},
        "overview-headline-drawn.data": {"weekly": ["0" * 24] * 6, "period": ["0" * 24]},
        "overview-curves-drawn.data": ["0" * 24] * 4,
        "wall-drawn.data": ["0" * 24] * 4,
        "wall-levels-drawn.data": ["0" * 24],
        "wall-live-drawn.data": ["0" * 24, None],
        "wall-live-refresh.n_intervals": 2,
        "overview-filter-province.value": "79",
        "overview-filter-district.value": "760",
        "overview-filter-ward.value": None,
        "overview-filter-period.value": ["2021-07-01", "2021-07-20"],
        "shell-url.search": "?province=79",
        "map-provinces.clickData": {"type": "Feature", "properties": {"code": "79", "province_code": "79"}},
        "map-districts.clickData": {"properties": {"code": "760", "province_code": "79"}},
        "map-wards.clickData": {"properties": {"code": "26734", "name": "Tân Định"}},
        "map-measure.value": "level",
        "map-day.value": "2021-07-20",
        "map-export.n_clicks": 1,
        "area-code.data": "79",
        "area-export.n_clicks": 1,
        "area-children.rowData": [{"code": "760"}],
        "trace-graph.tapNodeData": {"id": f"p{server.f1}", "degree": 1, "person": server.f1},
        "trace-case.data": server.case,
        "trace-expanded.data": [],
        "trace-f1-csv.n_clicks": 1,
        "trace-f2-csv.n_clicks": 1,
        "trace-watch-csv.n_clicks": 1,
        "trace-xlsx.n_clicks": 1,
        "clusters-marker.n_clicks": 1,
        "clusters-csv.n_clicks": 1,
        "clusters-xlsx.n_clicks": 1,
        "clusters-table.cellClicked": {"rowIndex": 0, "rowId": "0", "colId": "cluster_id", "value": server.cluster},
        "clusters-table.rowData": [{"cluster_id": server.cluster, "size": 2}],
        "clusters-selected.data": server.cluster,
        "handover-received-csv.n_clicks": 1,
        "handover-received-xlsx.n_clicks": 1,
        "directive-seq.data": 1,
        "directive-seen.data": 0,
        "directives-changed.data": 0,
        "directives-drawn.data": ["0" * 24] * 6,
        "directives-tick.n_intervals": 1,
        "directive-kind.value": "lockdown",
        "directive-recipients.value": ["760"],
        "directive-targets.value": ["26734"],
        "directive-level.value": "3",
        "directive-cluster.value": None,
        "directive-text.value": "Phong tỏa phường Tân Định từ 18 giờ hôm nay.",
        "directive-deadline.value": "2030-01-01 17:00:00",
        "directive-owner.value": "",
        "directive-submit.n_clicks": 1,
        "directive-draw.geojson": {"type": "FeatureCollection", "features": []},
        "directive-act.n_clicks": 1,
        "directive-progress.value": 40,
        "directive-note.value": "Đã nhận",
        "_pages_location.pathname": f"/trace/{server.case}",
        "_pages_location.search": "",
        "admin-filter-user.value": "national",
        "admin-filter-action.value": "login",
        "admin-filter-day.value": "2026-12-06",
        "admin-pager.value": 2,
        "admin-refresh.n_intervals": 1,
        "admin-csv.n_clicks": 1,
        "admin-xlsx.n_clicks": 1,
    }


def server_callbacks(server: Provincial) -> list[dict]:
    """The app's server-side callbacks as it serves them to the browser (its callback map, Dash's router included)."""
    response = server.session.get(server.base + "/_dash-dependencies", timeout=60)
    return [cb for cb in response.json() if not cb.get("clientside_function")]


def stringify_id(component_id: str | dict) -> str:
    """A component id as Dash writes it in changedPropIds (a dict's keys sorted, no spaces)."""
    if isinstance(component_id, str):
        return component_id
    return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id)) + "}"


class Argument(NamedTuple):
    key: str  # id.property, a pattern by its type
    declared: dict
    is_input: bool

    @property
    def pattern(self) -> dict | None:
        return json.loads(self.declared["id"]) if self.declared["id"].startswith("{") else None

    def sent(self, value: object, index: object = None) -> dict | list[dict]:
        """The argument as the browser sends it: one prop, or a list of props for a pattern (ALL)."""
        if self.pattern is None:
            return {"id": self.declared["id"], "property": self.declared["property"], "value": value}
        concrete = {k: (index if isinstance(v, list) else v) for k, v in self.pattern.items()}
        return [{"id": concrete, "property": self.declared["property"], "value": value}]


def arguments(callback: dict) -> list[Argument]:
    found = []
    for part, is_input in (("inputs", True), ("state", False)):
        for declared in callback[part]:
            name = json.loads(declared["id"])["type"] if declared["id"].startswith("{") else declared["id"]
            found.append(Argument(f"{name}.{declared['property']}", declared, is_input))
    return found


def outputs(callback: dict) -> dict | list[dict]:
    def one(text: str) -> dict:
        component, prop = text.rsplit(".", 1)
        return {"id": component, "property": prop}

    spec = callback["output"]
    return [one(o) for o in spec[2:-2].split("...")] if spec.startswith("..") else one(spec)


def callback_body(callback: dict, sent: dict[str, dict | list], trigger: Argument) -> dict:
    args = arguments(callback)
    trigger_props = sent[trigger.key] if isinstance(sent[trigger.key], list) else [sent[trigger.key]]
    changed = [f"{stringify_id(prop['id'])}.{prop['property']}" for prop in trigger_props[:1]]
    return {
        "output": callback["output"],
        "outputs": outputs(callback),
        "inputs": [sent[a.key] for a in args if a.is_input],
        "state": [sent[a.key] for a in args if not a.is_input],
        "changedPropIds": changed,
    }


def test_every_callback_takes_wrong_values_without_a_5xx(provincial: Provincial) -> None:
    good = good_values(provincial)
    callbacks = server_callbacks(provincial)
    assert len(callbacks) >= 19 and PAGE_ROUTER in {cb["output"] for cb in callbacks}, [
        cb["output"] for cb in callbacks
    ]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    unknown: set[str] = set()
    answered_good: dict[str, int] = {}
    for callback in callbacks:
        args = arguments(callback)
        unknown |= {a.key for a in args if a.key not in good}
        index = provincial.cluster
        base_values = {a.key: a.sent(good.get(a.key), index) for a in args}
        first_input = next(a for a in args if a.is_input)
        session = provincial.admin if "admin-" in callback["output"] else provincial.session
        status, _body = post_callback(provincial.base, callback_body(callback, base_values, first_input), session)
        statuses[status] += 1
        answered_good[callback["output"]] = status
        for arg in args:
            trigger = arg if arg.is_input else first_input
            variants = [arg.sent(wrong, index) for wrong in WRONG]
            if arg.pattern is not None:  # ALL: no component at all, or ids not of a cluster
                variants += [[]] + [arg.sent(1, wrong_index) for wrong_index in ("²", 2**70, {"a": 1}, None, -1)]
            for variant in variants:
                body = callback_body(callback, {**base_values, arg.key: variant}, trigger)
                status, answer = post_callback(provincial.base, body, session)
                statuses[status] += 1
                if status >= 500:
                    failures.append(f"{callback['output']} {arg.key}={json.dumps(variant)[:80]}: {answer[:200]!r}")
    tried = sum(statuses.values())
    print(f"\n{tried} callback requests to {len(callbacks)} callbacks: {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} of {tried} requests answered 5xx:\n" + "\n".join(failures[:20])
    assert not unknown, f"callback arguments without a good value in good_values(): {sorted(unknown)}"
    # With good values the callbacks answer (200) or change nothing (204), and the ones that draw, draw.
    assert set(answered_good.values()) <= {200, 204}, answered_good
    drawn = {output for output, status in answered_good.items() if status == 200}
    for output in (
        "area-figures",
        "wall-hotspots",
        "overview-totals",
        "trace-download.data",
        "map-download.data",
        "admin-log-holder",
        "admin-download.data",
    ):
        assert any(output in o for o in drawn), (output, answered_good)


def test_malformed_callback_bodies_are_refused_with_400(provincial: Provincial) -> None:
    base = provincial.base
    router = page_body(f"/trace/{provincial.case}")
    version = next(cb for cb in server_callbacks(provincial) if cb["output"] == "shell-version-badge.children")
    badge = callback_body(version, {"shell-data-version.data": arguments(version)[0].sent(1)}, arguments(version)[0])
    bodies: list[object] = [
        None,
        [],
        "text",
        {},
        {"output": "nope.children", "inputs": []},
        {**badge, "output": 5},
        {**badge, "inputs": []},
        {**badge, "inputs": [{"id": "shell-refresh", "property": "n_intervals", "value": 1}]},
        {**badge, "inputs": "x"},
        {**badge, "inputs": [[{"id": 5}]]},
        {**badge, "state": [{"id": "x", "property": "y", "value": 1}]},
        {**badge, "outputs": None},
        {**badge, "outputs": [badge["outputs"], badge["outputs"]]},
        {**badge, "changedPropIds": ["{not json.n_clicks"]},
        {**badge, "changedPropIds": ["shell-refresh.n_intervals"]},
        {**badge, "changedPropIds": "shell-data-version.data"},
        {**router, "inputs": [{**router["inputs"][0], "value": None}, router["inputs"][1]]},
        {**router, "inputs": [{**router["inputs"][0], "value": {"a": 1}}, router["inputs"][1]]},
        {**router, "inputs": [{**router["inputs"][0], "value": "trace/1"}, router["inputs"][1]]},
        {**router, "inputs": [{**router["inputs"][0], "value": "/" + "x" * 100_000}, router["inputs"][1]]},
        {**router, "inputs": [router["inputs"][0], {**router["inputs"][1], "value": ["?a=1"]}]},
    ]
    statuses = []
    for body in bodies:
        status, answer = post_callback(base, body, provincial.session)
        statuses.append(status)
        assert status == 400, (body if len(json.dumps(body)) < 300 else "(long body)", status, answer[:300])
    status = provincial.session.post(
        base + "/_dash-update-component",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=30,
    ).status_code
    assert status == 400
    assert post_callback(base, badge, provincial.session)[0] == 200  # the well-formed one still answers
    print(f"\n{len(bodies) + 2} malformed or control bodies: all 400 but the well-formed one")


PAGES = ["/", "/map", "/area/79", "/area/760", "/wall", "/clusters", "/handover"]
QUERIES = [
    "province=79&province=01",
    "province=01&province=79",
    "district=760&district=761",
    "ward=26734&ward=x",
    "from=2021-07-01&from=x&to=2021-07-24&to=2021-07-25",
    "measure=a&measure=b",
    "measure=level&measure=a",
    "day=2021-07-20&day=x",
    "cluster=1&cluster=2",
    "seconds=5&seconds=6",
    "code=01&code=02",
    "case_id=1&case_id=2",
    "province=²",
    "province=٧٩",
    "district=⁷⁶⁰",
    "ward=２６７３４",
    "cluster=²",
    "seconds=²",
    "case_id=²",
    "code=²",
    "cluster=" + "9" * 30,
    "seconds=" + "9" * 30,
    "province=" + "9" * 30,
    "day=99999-01-01",
    "from=2021-02-30&to=0000-00-00",
    "day=2021-07-20T00:00:00",
    "unknown=1",
    "__class__=x&self=1&states=2",
    "a[]=1&b[x]=2",
    "=",
    "&&&",
    "province",
    "province=&district=&ward=&from=&to=&measure=&day=&seconds=&cluster=",
    "province=%00",
    "province=%ff%fe",
    "measure=%E2%80%AE",
    "day=%C2%B2021-07-01",
    "cluster=%2B1",
    "cluster=-1",
    "cluster=1e3",
    "cluster=1.0",
    "seconds=1",
    "measure=" + "x" * 3_000,
    "province=79&" + "&".join(f"p{i}=1" for i in range(300)),
]


def page_paths(server: Provincial) -> list[str]:
    case = server.case
    return [
        f"/trace/{case}",
        "/trace/²",
        "/trace/٢",
        "/trace/-1",
        "/trace/0",
        "/trace/" + "9" * 30,
        "/trace/1e3",
        "/trace/%00",
        "/trace/%ff",
        "/trace/",
        f"/trace/{case}/x",
        f"/trace/{server.cluster}",
        "/area/²",
        "/area/24",
        "/area/%2F",
        "/area/79%0A",
        "/area/" + "7" * 1_000,
        "/area/" + "7" * 3_000,  # longer than a path is read at all: the router's request is refused (400)
        "/nope",
        "/_dash-layout/x",
    ]


def components_by_id(answer: bytes) -> dict[str, dict]:
    """The router's answer: every component of the drawn page that has an id, by id."""
    found: dict[str, dict] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                found[props["id"]] = props
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(answer))
    return found


def test_every_page_takes_malformed_urls_without_a_5xx(provincial: Provincial) -> None:
    base = provincial.base
    urls = [f"{path}?{query}" for path in PAGES + [f"/trace/{provincial.case}"] for query in QUERIES]
    urls += page_paths(provincial) + [
        f"{path}?{query}" for path in page_paths(provincial)[:6] for query in QUERIES[:12]
    ]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    answers: dict[str, bytes] = {}
    for url in urls:
        # As a browser opens it (percent-encoded) and as a forged request may post it (decoded, any length).
        path, _, query = url.partition("?")
        for status, answer in (
            open_page(base, url, provincial.session),
            post_callback(base, page_body(path, "?" + query if query else ""), provincial.session),
        ):
            statuses[status] += 1
            if status >= 500:
                failures.append(f"{url[:120]}: {status} {answer[:200]!r}")
        answers[url] = answer
    tried = sum(statuses.values())
    print(f"\n{tried} page requests for {len(urls)} URLs: {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} of {tried} requests answered 5xx:\n" + "\n".join(failures[:20])

    def text(url: str) -> str:
        assert answers[url].startswith(b"{"), (url, answers[url][:300])
        return json.dumps(json.loads(answers[url]), ensure_ascii=False)

    # What does not read shows the page's own not-found or not-allowed view.
    for path in (
        "/trace/²",
        "/trace/٢",
        "/trace/-1",
        "/trace/" + "9" * 30,
        "/trace/1e3",
        f"/trace/{provincial.cluster}",
    ):
        assert "Không có kết quả truy vết" in text(path), path
    assert "Truy vết ca F0" in text(f"/trace/{provincial.case}")
    for path in ("/area/²", "/area/24", "/area/" + "7" * 1_000):
        assert "Không tìm thấy khu vực" in text(path), path
    # A repeated parameter: the first value is read.
    assert "Không tìm thấy khu vực «01»" not in text("/?province=79&province=01")
    assert "Không tìm thấy khu vực «01»" in text("/?province=01&province=79")
    assert "Không có chỉ số «a»" in text("/map?measure=a&measure=b")
    assert components_by_id(answers["/clusters?cluster=1&cluster=2"])["clusters-selected"]["data"] == 1
    assert components_by_id(answers["/wall?seconds=5&seconds=6"])["wall-rotate"]["interval"] == 5000
    assert components_by_id(answers["/clusters?cluster=²"])["clusters-selected"].get("data") is None
    assert components_by_id(answers["/wall?seconds=²"])["wall-rotate"]["interval"] == 20_000
    assert components_by_id(answers["/wall?seconds=1"])["wall-rotate"]["interval"] == 2000
