"""Every request the crafted-request test sends, listed from the app itself: its pages (dash.page_registry, templates
filled), its server-side callbacks (Dash's callback list, which is what the browser posts to), its Flask URL rules;
each with the codes and ids of every part of the seeded store, inside and outside any role's scope. And the reading of
a response's whole text: JSON walked, figures and tables included, downloads decoded, workbooks unzipped."""

from __future__ import annotations

import base64
import binascii
import html
import inspect
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.conftest import PAGE_ROUTER, page_body
from tests.test_wrong_inputs import Argument, arguments, callback_body, good_values

ROOT = Path(__file__).resolve().parent.parent
GENERIC_QUERY = ("province", "district", "ward", "cluster", "code", "case_id")  # pages reading **query
# Dash's own routes that are pages (its index for any path) and its callback endpoint: listed as pages and callbacks.
DASH_PAGE_RULES = {"/", "/<path:path>"}
CALLBACKS_URL = "/_dash-update-component"
DOWNLOAD = "\x00download"  # among a response's strings when it holds a download (never a string of the app's)


@dataclass(frozen=True)
class Flavour:
    """The codes and ids of one part of the store, to forge every argument with (`case` and `cluster` fall back to a
    person id where the part has no case)."""

    name: str
    province: str
    district: str
    ward: str
    case: int
    person: int
    cluster: int
    venue: int

    def pool(self, name: str) -> list[object]:
        """What an argument or URL variable called `name` is forged with."""
        lowered = name.lower()
        for key, values in (
            ("province", [self.province]),
            ("district", [self.district]),
            ("ward", [self.ward]),
            ("cluster", [self.cluster]),
            ("case", [self.case, self.person]),
            ("person", [self.person, self.case]),
            ("venue", [self.venue]),
            ("code", [self.province, self.district, self.ward]),
            ("area", [self.province, self.district, self.ward]),
        ):
            if key in lowered:
                return values
        if lowered in ("id", "pk", "key"):
            return [self.person, self.case]
        return [self.province, self.case]


THINGS = ("province", "district", "ward", "cluster", "case", "person", "venue", "code", "area")


def names_a_thing(name: str) -> bool:
    return any(thing in name.lower() for thing in THINGS) or name.lower() in ("id", "pk", "key")


def _ids(cursor, query: str, district: str) -> list[int]:
    """The first column of `query` for one district, in its order."""
    return [row[0] for row in cursor.execute(query, [district]).fetchall()]


def flavours(store) -> list[Flavour]:
    """One flavour per part of the store (Quận 1 and Quận 3 of HCMC, Hà Nội, Bắc Giang), and two that mix one
    part's areas with another's people (a province's own code beside another province's case)."""
    cursor = store.cursor()
    parts = []
    for name, district in (("hcmc-q1", "760"), ("hcmc-q3", "770"), ("ha-noi", "001"), ("bac-giang", "213")):
        ward, province = cursor.execute(
            "SELECT p.ward_code, a.province_code FROM people p JOIN areas a ON a.code = p.ward_code "
            "WHERE a.district_code = ? ORDER BY p.person_id LIMIT 1",
            [district],
        ).fetchone()
        people = _ids(
            cursor,
            "SELECT p.person_id FROM people p JOIN areas a ON a.code = p.ward_code WHERE a.district_code = ? "
            "ORDER BY p.person_id IN (SELECT person_id FROM cases) DESC, p.person_id",
            district,
        )
        cases = _ids(
            cursor,
            "SELECT c.person_id FROM cases c JOIN areas a ON a.code = c.ward_code WHERE a.district_code = ? ORDER BY 1",
            district,
        )
        clusters = _ids(
            cursor, "SELECT cluster_id FROM clusters WHERE list_contains(district_codes, ?) ORDER BY 1", district
        )
        venue = cursor.execute(
            "SELECT v.venue_id FROM venues v JOIN areas a ON a.code = v.ward_code WHERE a.district_code = ? "
            "ORDER BY 1 LIMIT 1",
            [district],
        ).fetchone()
        case = cases[0] if cases else people[0]
        person = next((p for p in people if p != case), people[0])
        parts.append(Flavour(name, province, district, ward, case, person, clusters[0] if clusters else case, venue[0]))
    q1, _q3, _hn, bg = parts
    mixed = [
        replace(q1, name="hcmc-areas-bac-giang-people", case=bg.case, person=bg.person, cluster=bg.cluster),
        replace(bg, name="bac-giang-areas-hcmc-people", case=q1.case, person=q1.person, cluster=q1.cluster),
    ]
    return parts + mixed


@dataclass
class Target:
    """One request: a page (its HTML, or the router's callback for its path and query), a callback or a URL rule."""

    kind: str  # "page" (GET of the HTML), "router", "callback", "route"
    label: str
    method: str
    path: str
    body: object = None
    echoed: set[str] = field(default_factory=set)  # the codes and ids the request itself names
    stream: bool = False  # an event stream: read its first events, then close
    geography: bool = False  # the country's boundaries: every area's name and code, no epidemic data
    code: bool = False  # the app's own scripts and style sheets: searched for names only


def _echoed(*values: object) -> set[str]:
    """Every number and code in what a request sends, as text."""
    return set(re.findall(r"\d+", json.dumps(values, ensure_ascii=False)))


# -- pages --------------------------------------------------------------------------------------------------------


def page_targets(registry: dict, parts: list[Flavour]) -> list[Target]:
    """Every registered page, its path template filled with each part's codes and ids, alone and with each query
    argument its layout reads (by name in its signature, and the common ones of pages reading **query)."""
    targets: list[Target] = []
    seen_html: set[str] = set()
    seen_router: set[tuple[str, str]] = set()
    for page in registry.values():
        template = page.get("path_template") or page["path"]
        variables = re.findall(r"<(\w+)>", template)
        named = (
            [
                p.name
                for p in inspect.signature(page["layout"]).parameters.values()
                if p.kind is not inspect.Parameter.VAR_KEYWORD and p.name not in variables
            ]
            if callable(page["layout"])
            else []
        )
        queries = list(dict.fromkeys([*named, *GENERIC_QUERY]))
        for part in parts:
            paths = [template]
            for variable in variables:
                paths = [p.replace(f"<{variable}>", str(v)) for p in paths for v in part.pool(variable)]
            for path in dict.fromkeys(paths):
                searches = [""]
                if not variables:
                    # Alone: the arguments that name a place, a case, a person or a cluster (a measure or a day
                    # forged with an id is read as a wrong value, which tests/test_wrong_inputs.py covers).
                    searches += [f"?{name}={part.pool(name)[0]}" for name in queries if names_a_thing(name)]
                searches.append("?" + "&".join(f"{name}={part.pool(name)[0]}" for name in queries))
                for search in searches:
                    if (path, search) in seen_router:  # a mixed part repeats a pure one's single argument
                        continue
                    seen_router.add((path, search))
                    label = f"page {page['module']} {path}{search}"
                    if path not in seen_html:
                        seen_html.add(path)
                        targets.append(Target("page", label, "GET", path, echoed=_echoed(path)))
                    targets.append(
                        Target("router", label, "POST", CALLBACKS_URL, page_body(path, search), _echoed(path, search))
                    )
    return targets


# -- callbacks ----------------------------------------------------------------------------------------------------


def _forge(value: object, home: Flavour, part: Flavour) -> object:
    """`value` (a good value for `home`) with each of `home`'s codes and ids replaced by `part`'s."""
    swaps = {
        str(home.province): str(part.province),
        str(home.district): str(part.district),
        str(home.ward): str(part.ward),
        str(home.case): str(part.case),
        str(home.person): str(part.person),
        str(home.cluster): str(part.cluster),
    }
    pattern = re.compile(r"(?<!\d)(" + "|".join(map(re.escape, sorted(swaps, key=len, reverse=True))) + r")(?!\d)")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(swaps.get(str(value), value))
    if isinstance(value, str):
        return pattern.sub(lambda m: swaps[m.group(1)], value)
    if isinstance(value, list):
        return [_forge(v, home, part) for v in value]
    if isinstance(value, dict):
        return {k: _forge(v, home, part) for k, v in value.items()}
    return value


def _generic(arg: Argument, part: Flavour) -> list[object]:
    """Values for an argument no good value is known for (a callback added since): the part's codes and ids by the
    argument's name, as they are and inside the shapes callbacks read."""
    pool = part.pool(arg.key)
    return [*pool, [pool[0]], {"area_code": part.province, "code": pool[0], "case_id": part.case, "id": pool[0]}]


class _Home:
    """test_wrong_inputs' good values are written for one HCMC case; this gives them this store's."""

    def __init__(self, home: Flavour) -> None:
        self.base, self.case, self.f1, self.cluster = "", home.case, home.person, home.cluster


def callback_targets(callbacks: list[dict], parts: list[Flavour]) -> tuple[list[Target], set[str]]:
    """Every server-side callback with every argument forged with each part's codes and ids, each input in turn
    the trigger; for an argument without a known good value, each of the part's values in turn. Also says which
    arguments had no known good value."""
    home = parts[0]
    good = good_values(_Home(home))  # written around HCMC's Quận 1 and Tân Định, which `home` is
    targets: list[Target] = []
    unknown: set[str] = set()
    seen: set[str] = set()
    for callback in callbacks:
        if callback["output"] == PAGE_ROUTER:
            continue  # the router: the pages' targets
        args = arguments(callback)
        inputs = [a for a in args if a.is_input]
        for part in parts:
            sent = {a.key: a.sent(_forge(good[a.key], home, part), part.cluster) for a in args if a.key in good}
            missing = [a for a in args if a.key not in good]
            unknown |= {a.key for a in missing}
            variants: list[dict] = [{}]
            for arg in missing:
                variants = [
                    {**v, arg.key: arg.sent(value, part.cluster)} for v in variants for value in _generic(arg, part)
                ][:24]
            for variant in variants:
                values = {**sent, **variant}
                for trigger in inputs:
                    body = callback_body(callback, values, trigger)
                    if json.dumps(body, sort_keys=True) in seen:  # a callback reading no id of a mixed part
                        continue
                    seen.add(json.dumps(body, sort_keys=True))
                    targets.append(
                        Target(
                            "callback",
                            f"callback {callback['output']} [{part.name}] trigger {trigger.key}",
                            "POST",
                            CALLBACKS_URL,
                            body,
                            _echoed(body["inputs"], body["state"]),
                        )
                    )
    return targets, unknown


# -- Flask URL rules ----------------------------------------------------------------------------------------------


def route_targets(
    rules: list, parts: list[Flavour], *, assets: list[str], scripts: list[str], geometry_version: str
) -> list[Target]:
    """Every URL rule of the server but the pages and the callback endpoint: each variable filled (assets by the
    files there are, Dash's scripts by those the page loads, boundaries by level and version, the rest by name from
    each part), GET rules read, POST rules sent an empty JSON object (never /login or /logout: the login tests
    do those, and a logout would end the role's session)."""
    targets: list[Target] = []
    for rule in rules:
        if rule.rule in DASH_PAGE_RULES or rule.rule == CALLBACKS_URL:
            continue
        methods = rule.methods - {"HEAD", "OPTIONS"}
        variables = list(rule.arguments)
        if rule.rule.startswith("/assets/"):
            fills = [{"filename": name} for name in assets]
        elif rule.rule.startswith("/_dash-component-suites/"):
            fills = [dict(zip(("package_name", "fingerprinted_path"), s.split("/", 1), strict=True)) for s in scripts]
        elif rule.endpoint == "boundaries":
            fills = [{"level": level, "version": geometry_version} for level in ("province", "district")]
        elif variables:
            fills = []
            for part in parts:
                fill = {v: str(part.pool(v)[0]) for v in variables}
                if fill not in fills:
                    fills.append(fill)
        else:
            fills = [{}]
        for fill in fills:
            path = rule.rule
            for name, value in fill.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
            if "GET" in methods:
                targets.append(
                    Target(
                        "route",
                        f"GET {path}",
                        "GET",
                        path,
                        echoed=_echoed(path),
                        stream=rule.endpoint == "events",
                        geography=rule.endpoint == "boundaries",
                        code=rule.rule.startswith(("/assets/", "/_dash-component-suites/", "/static/", "/_favicon")),
                    )
                )
            if "POST" in methods and rule.rule not in ("/login", "/logout"):
                targets.append(Target("route", f"POST {path}", "POST", path, {}, _echoed(path)))
    return targets


def asset_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT / "assets")) for p in (ROOT / "assets").rglob("*") if p.is_file())


def page_scripts(index_html: str) -> list[str]:
    """The Dash component scripts a page loads (`/_dash-component-suites/<package>/<path>`)."""
    found = re.findall(r'src="/_dash-component-suites/([^"?]+)', index_html)
    return list(dict.fromkeys(found))


def page_assets(page_html: str) -> set[str]:
    """The paths of this site a page loads (its style sheets, scripts and images)."""
    return {path.split("?")[0] for path in re.findall(r'(?:src|href)="(/[^"/][^"]*)"', page_html)}


# -- reading a response -------------------------------------------------------------------------------------------


def response_text(body: bytes) -> tuple[list[str], set[str]]:
    """All the text of a response (every string, key and number of a JSON body, figures and tables included; a
    download's content decoded; a workbook's sheets unzipped; HTML unescaped) and its exact string values and keys."""
    texts: list[str] = []
    strings: set[str] = set()
    _read_bytes(body, texts, strings, depth=0)
    return texts, strings


def _read_bytes(body: bytes, texts: list[str], strings: set[str], depth: int) -> None:
    if body[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                for member in archive.namelist():
                    if member.endswith((".xml", ".rels", ".csv", ".txt", ".json")):
                        xml = archive.read(member).decode("utf-8", "replace")
                        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", xml)))
            return
        except zipfile.BadZipFile:
            pass
    text = body.decode("utf-8", "replace")
    stripped = text.lstrip()
    if stripped[:1] in "{[" and depth < 6:
        try:
            _walk(json.loads(stripped), texts, strings, depth)
            return
        except json.JSONDecodeError:
            pass
    texts.append(html.unescape(text))


def _walk(node: object, texts: list[str], strings: set[str], depth: int) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("content"), str) and "filename" in node:  # a dcc.send_* download
            strings.add(DOWNLOAD)
        if isinstance(node.get("content"), str) and node.get("base64"):  # dcc.send_bytes: decoded, unzipped
            try:
                _read_bytes(base64.b64decode(node["content"]), texts, strings, depth + 1)
            except (binascii.Error, ValueError):
                texts.append(node["content"])
        for key, value in node.items():
            strings.add(str(key))
            texts.append(str(key))
            _walk(value, texts, strings, depth)
    elif isinstance(node, list):
        for value in node:
            _walk(value, texts, strings, depth)
    elif isinstance(node, str):
        strings.add(node.strip())
        texts.append(node)
        if node.lstrip()[:1] in "{[" and depth < 6:  # JSON inside a string (a store's data, a figure)
            _read_bytes(node.encode("utf-8"), texts, strings, depth + 1)
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, int | float):
        texts.append(str(node))
