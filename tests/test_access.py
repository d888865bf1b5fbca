"""Crafted requests as each role (issue 13): every page, Dash callback (forged inputs and state), export and URL rule of
the real app (gunicorn) over the seed store, as each role in turn. A role gets nothing outside its scope and no personal
field unless its role has them, decided by content: the names, phones, identity numbers, person, case and venue ids
and area codes and names of the store that lie outside, searched for in every response's whole text (JSON walked,
figures and tables included, downloads decoded, workbooks unzipped). The requests tried are counted and printed."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dash
import pytest
import requests

from data import runtime
from data.access import Principal, acting_as, role
from data.loader import load_dataset
from data.store import Store
from data.viewer import Viewer, parse_viewer
from tests.access_seed import DIRECTIVE_MARK, VO_THI_SAU, Forbidden, Secrets, Text, write_access_seed
from tests.access_targets import (
    DOWNLOAD,
    Target,
    asset_files,
    callback_targets,
    flavours,
    page_assets,
    page_scripts,
    page_targets,
    response_text,
    route_targets,
)
from tests.conftest import PAGE_ROUTER, page_body, serve


@dataclass(frozen=True)
class Role:
    """One way of asking: who (an account of tests/conftest.py ACCOUNTS, None for nobody logged in), with the
    scope and what the role may see (data/roles.toml)."""

    name: str
    username: str | None
    viewer: Viewer | None
    personal: bool
    epidemic: bool = True
    contacts: bool = True  # the ids of people who are not cases (press: aggregates only)


ROLES = [
    Role("national", "national", parse_viewer("national"), personal=True),
    Role("province 79", "province79", parse_viewer("province:79"), personal=False),
    Role("province 01", "province01", parse_viewer("province:01"), personal=False),
    Role("district 760", "district760", parse_viewer("district:760"), personal=False),
    Role("tracer 79", "tracer79", parse_viewer("province:79"), personal=True),
    Role("press", "press", parse_viewer("national"), personal=False, contacts=False),
    Role("admin", "admin", parse_viewer("national"), personal=False, epidemic=False),
    Role("anonymous", None, None, personal=False, epidemic=False),
]


@dataclass
class Served:
    base: str
    secrets: Secrets
    targets: list[Target]
    unknown_arguments: set[str]
    callback_outputs: set[str]
    public: set[str]  # what an anonymous request may reach: the login page, its assets, /health
    log_in: Callable[[str, str], requests.Session]

    def session(self, role: Role) -> requests.Session:
        return self.log_in(self.base, role.username) if role.username else requests.Session()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, redis_url: str, http_session, request: pytest.FixtureRequest):
    folder = tmp_path_factory.mktemp("access")
    db = folder / "store.duckdb"
    store = Store(db)
    load_dataset(store, write_access_seed(folder / "dataset"))
    store.close()
    registry, callbacks, callback_map, rules = _the_app(db, redis_url)
    store = Store(db)
    secrets, parts = Secrets.read(store), flavours(store)
    store.close()
    running = serve(db, redis_url, folder)
    base = next(running)
    try:
        national = http_session(base, "national")
        index = national.get(base + "/", timeout=60).text
        geometry = national.get(base + "/health", timeout=60).json()["geometry_version"]
        login_page = requests.get(base + "/login", timeout=60).text
        found_callbacks, unknown = callback_targets(callbacks, parts)
        targets = (
            page_targets(registry, parts)
            + found_callbacks
            + route_targets(rules, parts, assets=asset_files(), scripts=page_scripts(index), geometry_version=geometry)
        )
        public = {"/login", "/health"} | page_assets(login_page)
        yield Served(base, secrets, targets, unknown, set(callback_map), public, http_session)
    finally:
        next(running, None)
        counted = sum(COUNTS.values())
        if counted:
            per_role = ", ".join(f"{name}: {n}" for name, n in COUNTS.items())
            line = f"crafted requests tried: {counted} in all ({per_role})"
            plugins = request.config.pluginmanager
            reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
            if reporter is not None and capture is not None:  # in the report with or without -s
                with capture.global_and_fixture_disabled():
                    reporter.write_line("\n" + line)


COUNTS: Counter[str] = Counter()


def _the_app(db: Path, redis_url: str) -> tuple[dict, list[dict], dict, list]:
    """The app's pages, server-side callbacks (as /_dash-dependencies serves them), callback map and URL rules, read
    from the app itself (imported here over the store, as tests/test_jurisdiction.py imports it); the directives of
    issue_directives are issued first, through the app's own write path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)
        runtime.close()
        runtime.open_store(db)
        try:
            issue_directives()
            import app

            registry = dict(dash.page_registry)
            callbacks = [dict(cb) for cb in app.app._callback_list if not cb.get("clientside_function")]
            # Dash's callback map holds the clientside callbacks too; what a request can reach is the server's.
            callback_map = {cb["output"]: app.app.callback_map[cb["output"]] for cb in callbacks}
            rules = list(app.server.url_map.iter_rules())
        finally:
            runtime.close()
    return registry, callbacks, callback_map, rules


# Directives with a text of their own, each seen only by its issuer and its recipient: (issuer, recipient, kind,
# targets). Their texts are found in the store by tests/access_seed.py, each placed at its recipient.
DIRECTIVES = [
    (("national", "national"), "79", "mass_testing", ["79"]),
    (("national", "national"), "01", "publish_points", []),
    (("province", "province:79"), "770", "lockdown", [VO_THI_SAU]),
    (("province", "province:79"), "760", "mass_testing", ["760"]),
]


def issue_directives() -> None:
    """Issues DIRECTIVES through the directives' own data layer, when the app has one (issue 13's `directives`)."""
    if importlib.util.find_spec("data.directives") is None:
        return
    from data import directives

    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    for (role_name, scope), recipient, kind, targets in DIRECTIVES:
        issuer = Principal(f"access-{role_name}", role(role_name), parse_viewer(scope))
        text = f"Chỉ thị thử {kind} gửi {recipient}: mã kiểm tra {DIRECTIVE_MARK}{recipient}"
        with acting_as(issuer):
            directives.issue(kind, [recipient], text, deadline, targets=targets)


def send(session: requests.Session, base: str, target: Target) -> tuple[int, dict, bytes]:
    """The request as a browser or a forger sends it; redirects are not followed (a refusal is a 302 to /login)."""
    url = base + target.path
    if target.stream:
        with session.get(url, stream=True, timeout=30, allow_redirects=False) as response:
            body = b""
            ends = time.monotonic() + 1.5
            for chunk in response.iter_content(chunk_size=None):
                body += chunk
                if time.monotonic() > ends or len(body) > 10_000:
                    break
            return response.status_code, dict(response.headers), body
    if target.method == "GET":
        response = session.get(url, timeout=120, allow_redirects=False)
    else:
        response = session.post(url, json=target.body, timeout=120, allow_redirects=False)
    return response.status_code, dict(response.headers), response.content


def send_all(session: requests.Session, base: str, targets: list[Target]) -> list[tuple[int, dict, bytes]]:
    """Every target's answer, in order, from a few threads (each its own session with the same cookies and
    headers): the server answers from its own threads, and the run is then about twice as quick on two cores."""
    local = threading.local()

    def one(target: Target) -> tuple[int, dict, bytes]:
        if not hasattr(local, "session"):
            local.session = type(session)()
            local.session.headers.update(session.headers)
            for cookie in session.cookies:
                local.session.cookies.set_cookie(cookie)
        return send(local.session, base, target)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, targets))


THREADS = 4


def leaks(forbidden: Forbidden, target: Target, text: Text) -> list[str]:
    return forbidden.search(text, target.echoed, areas=not target.geography, numbers=not target.code)


def read_text(target: Target, headers: dict, body: bytes) -> Text:
    """A response's text as searched; the app's scripts (megabytes, alike for every role) are read once."""
    if target.code:
        return _read_code(body)
    texts, strings = response_text(body)
    return Text([*texts, headers.get("Location", "")], strings)


@functools.cache
def _read_code(body: bytes) -> Text:
    return Text(*response_text(body))


def test_the_targets_cover_the_app(served: Served) -> None:
    """Every page, callback and URL rule is asked for: nothing is listed by hand."""
    kinds = Counter(t.kind for t in served.targets)
    routed = {t.path for t in served.targets if t.kind == "route"}
    server_side = {t.body["output"] for t in served.targets if t.kind == "callback"} | {PAGE_ROUTER}
    assert server_side == served.callback_outputs, served.callback_outputs ^ server_side
    assert {"/health", "/events", "/api/v1/openapi.json", "/api/v1/events", "/_dash-layout"} <= routed, routed
    assert any(p.startswith("/geo/province.") for p in routed) and any(p.startswith("/assets/") for p in routed)
    pages = {t.label.split(" ")[1] for t in served.targets if t.kind == "router"}
    assert pages == {page["module"] for page in dash.page_registry.values()}, pages
    print(f"\ntargets: {dict(kinds)}; arguments forged without a known good value: {sorted(served.unknown_arguments)}")
    print("URL rules asked:", ", ".join(sorted({f"{t.method} {t.path}" for t in served.targets if t.kind == "route"})))


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_a_role_gets_nothing_outside_its_scope(served: Served, role: Role, record_property) -> None:
    forbidden = served.secrets.forbidden(
        role.viewer, personal=role.personal, epidemic=role.epidemic, contacts=role.contacts
    )
    everything = served.secrets.forbidden(None, personal=False, epidemic=False)
    assert forbidden or role.name == "national"
    seen: set[str] = set()  # what the role was shown of its own: the check is not blind
    session = served.session(role)
    statuses: Counter[int] = Counter()
    found: dict[str, list[str]] = {}
    failing: list[str] = []
    answered: Counter[str] = Counter()
    downloads = 0
    for target, (status, headers, body) in zip(
        served.targets, send_all(session, served.base, served.targets), strict=True
    ):
        statuses[status] += 1
        if status >= 500:
            failing.append(f"{status} {target.label}: {body[:200]!r}")
        if role.username is None:
            refusal = anonymous_refusal(served, target, status, headers)
            if refusal:
                failing.append(refusal)
        elif status == 200:
            answered[target.kind] += 1
        text = read_text(target, headers, body)
        downloads += DOWNLOAD in text.strings
        shown = leaks(everything, target, text)
        if shown:
            hidden = leaks(forbidden, target, text)
            for leak in hidden:
                found.setdefault(leak, []).append(target.label)
            seen |= set(shown) - set(hidden)
    tried = sum(statuses.values())
    COUNTS[role.name] += tried
    record_property(f"crafted_requests_{role.name}", tried)
    own = Counter(thing.split(" ", 1)[0] for thing in seen)
    print(
        f"\n{role.name}: {tried} crafted requests, statuses {dict(sorted(statuses.items()))}, {len(found)} leaks; "
        f"shown of its own: {dict(sorted(own.items()))}; {downloads} downloads read"
    )
    report = [f"{leak} in {len(where)} responses, e.g. {where[:3]}" for leak, where in sorted(found.items())]
    problems = [f"{role.name} was shown what lies outside it:", *report] if found else []
    problems += [f"{len(failing)} wrong answers:", *failing[:30]] if failing else []
    assert not problems, "\n".join(problems)
    if role.epidemic:  # logged in for real: its pages and callbacks answer (else nothing could leak)
        assert answered["router"] and answered["callback"], (role.name, dict(answered))
    if role.name in ("national", "tracer 79", "province 79"):  # exports (XLSX, CSV) were made, and read
        assert downloads, role.name
    expected = set(SHOWN_OF_ITS_OWN[role.name]) - (set() if "directive" in served.secrets.things else {"directive"})
    assert expected <= set(own), f"{role.name} was shown none of its own {sorted(expected - set(own))}: {sorted(seen)}"


# What each role must be shown of its own somewhere (names of people, case ids, its areas' names, the directives it
# issued or received): else the search would find nothing because it sees nothing.
SHOWN_OF_ITS_OWN = {
    "national": ("name", "phone", "case_id", "venue_name", "area_name", "directive"),
    "province 79": ("case_id", "venue_name", "area_name", "directive"),
    "province 01": ("area_name", "directive"),
    "district 760": ("case_id", "area_name", "directive"),
    "tracer 79": ("name", "phone", "case_id", "venue_name", "area_name"),
    "press": ("area_name",),
    "admin": (),
    "anonymous": (),
}


def anonymous_refusal(served: Served, target: Target, status: int, headers: dict) -> str | None:
    """What is wrong with the answer to a request nobody logged in sent, or None: only the login page, its assets,
    /health and the ingest API (its own site keys) answer; a page sends to /login, anything else is a 401."""
    location = headers.get("Location", "")
    if target.kind == "page":
        if status == 302 and location.split("?")[0].endswith("/login"):
            return None
    elif target.kind in ("router", "callback"):
        if status == 401:
            return None
    elif target.path in served.public or target.path.startswith("/api/v1/"):
        if target.method == "POST" and target.path.startswith("/api/v1/") and status != 401:
            return f"{status} {target.label}: the ingest API took a request without a site key"
        return None
    elif status == 401 or (status == 302 and location.split("?")[0].endswith("/login")):
        return None
    return f"{status} {target.label}: not refused (location {location!r})"


def test_the_leak_check_sees_what_a_response_holds(served: Served) -> None:
    """The search is not blind: a tracer of HCMC sees its case's people on the trace page, and the check for a
    viewer of another province finds them there."""
    case = min(int(v) for v, where in served.secrets.things["case_id"] if where.province == "79")
    target = Target("router", "trace", "POST", "/_dash-update-component", page_body(f"/trace/{case}"))
    status, headers, body = send(served.session(ROLES[4]), served.base, target)
    assert status == 200
    other = served.secrets.forbidden(parse_viewer("province:01"), personal=True, epidemic=True)
    found = leaks(other, target, read_text(target, headers, body))
    assert any(leak.startswith("name ") for leak in found) and any(leak.startswith("case_id") for leak in found), (
        found,
        json.loads(body) if body.startswith(b"{") else body[:300],
    )
