"""A provincial deployment names no person, ward or case of another province on any trace, cluster, hand-over, export or
callback, walked over every case of a generated epidemic; what crosses the boundary arrives as a hand-over instead."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re

import dash
import pytest
from openpyxl import load_workbook

import scenario
from data import runtime, tracing
from data.access import acting_as, deployment_principal
from data.loader import load_dataset
from data.viewer import Viewer

# Tracers of each province: the readers of these pages (names included).
HCMC, HANOI = Viewer("province", ("79",), personal=True), Viewer("province", ("01",), personal=True)
# Fields whose values are person or case ids, wherever they appear in a page, a callback's output or an export.
ID_FIELDS = {"person_id", "case_id", "through", "person", "cluster_id", "index"}
SEPARATORS = re.compile(r"\s*[,;()·:«»]\s*|\s+—\s+")


@pytest.fixture(scope="module")
def epidemic(tmp_path_factory: pytest.TempPathFactory, redis_url: str):
    """The `test` preset (38,000 people, about 1,800 cases, 63 provinces) loaded and traced, as the app's runtime."""
    folder = tmp_path_factory.mktemp("handover")
    scenario.generate(folder / "dataset", **scenario.preset("test"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)
        runtime.close()
        store = runtime.open_store(folder / "store.duckdb")
        load_dataset(store, folder / "dataset")
        yield store
        runtime.close()


class Outsiders:
    """What a viewer must never see of people living outside its jurisdiction: their ids, and the names, phones,
    identity numbers and ward names that nobody inside shares."""

    def __init__(self, store, viewer: Viewer) -> None:
        rows = (
            store.cursor()
            .execute(
                "SELECT p.person_id, p.full_name, p.phone, p.citizen_id, a.name, "
                "in_scope(a.province_code, a.district_code, ?, ?) FROM people AS p JOIN areas AS a ON a.code = p.ward_code",
                [viewer.level, list(viewer.codes)],
            )
            .fetchall()
        )
        inside = [r for r in rows if r[5]]
        outside = [r for r in rows if not r[5]]
        self.ids = {r[0] for r in outside}
        inside_words = {w for r in inside for w in r[1:5] if w}
        self.words = {w for r in outside for w in r[1:5] if w} - inside_words
        ward_names = store.cursor().execute(
            "SELECT name, in_scope(province_code, district_code, ?, ?) FROM areas WHERE level = 'ward'",
            [viewer.level, list(viewer.codes)],
        )
        wards = ward_names.fetchall()
        self.words |= {n for n, inside in wards if not inside} - {n for n, inside in wards if inside}
        self.checked = 0

    def check(self, value, where: str) -> None:
        """Walks a component tree, a callback output or rows; fails on the first thing of an outsider."""
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ID_FIELDS and isinstance(item, int) and not isinstance(item, bool):
                    assert item not in self.ids, f"{where}: {key}={item} lives outside"
                elif key in ("id", "source", "target") and isinstance(item, str) and re.fullmatch(r"p\d+", item):
                    assert int(item[1:]) not in self.ids, f"{where}: graph node {item} lives outside"
                elif key == "links" and isinstance(item, str):
                    for number in re.findall(r"\d+", item):
                        assert int(number) not in self.ids, f"{where}: linked case {number} lives outside"
                self.check(item, where)
        elif isinstance(value, list | tuple):
            for item in value:
                self.check(item, where)
        elif isinstance(value, str):
            self.checked += 1
            for piece in {value.strip(), *SEPARATORS.split(value)}:
                assert piece.strip() not in self.words, f"{where}: {piece!r} belongs to another province"

    def check_workbook(self, download: dict, where: str) -> None:
        book = load_workbook(io.BytesIO(base64.b64decode(download["content"])))
        for sheet in book.worksheets:
            header = [cell.value for cell in sheet[2]]
            person = header.index("Mã người") if "Mã người" in header else 0  # the F1 sheet opens with the call order
            for row in sheet.iter_rows(min_row=3, values_only=True):
                if isinstance(row[person], int):
                    assert row[person] not in self.ids, f"{where}: row for person {row[person]} who lives outside"
                self.check([c for c in row if isinstance(c, str)], where)


def _plain(component) -> object:
    return json.loads(json.dumps(component, default=lambda c: c.to_plotly_json()))


@pytest.fixture
def deployment(epidemic, monkeypatch: pytest.MonkeyPatch):
    """Calls pages and callbacks inside a request of a deployment with the given PCCOVID_VIEWER."""
    import app

    @contextlib.contextmanager
    def within(viewer_text: str):
        monkeypatch.setenv("PCCOVID_VIEWER", viewer_text)
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            with acting_as(deployment_principal()):
                yield

    return within


@pytest.mark.parametrize("viewer_text", ["province:79", "province:01", "district:760,769"])
def test_a_deployment_walks_every_trace_cluster_and_export_without_meeting_an_outsider(
    epidemic, deployment, viewer_text: str
) -> None:
    from data.viewer import parse_viewer
    from pages import clusters as clusters_page
    from pages import handover as handover_page
    from pages import trace as trace_page

    viewer = parse_viewer(viewer_text)
    outsiders = Outsiders(epidemic, viewer)
    every_case = [r[0] for r in epidemic.cursor().execute("SELECT person_id FROM cases ORDER BY 1").fetchall()]
    with deployment(viewer_text):
        own = [r["case_id"] for r in tracing.recent_traces(viewer, 100_000)]
        assert own and not set(own) & outsiders.ids
        handed_over = 0
        for n, case_id in enumerate(own):
            outsiders.check(_plain(trace_page.layout(case_id=str(case_id))), f"/trace/{case_id}")
            handed_over += len(tracing.case_handovers(viewer, case_id))
            if n % 6 == 0:  # the workbook holds the page's own lists: every sixth walks its path
                outsiders.check_workbook(trace_page.export_lists_xlsx(1, case_id), f"/trace/{case_id} xlsx")
        # Another province's cases, asked for by URL or by a forged callback: the not-found page, no export.
        for case_id in sorted(set(every_case) - set(own))[::20]:
            page = json.dumps(_plain(trace_page.layout(case_id=str(case_id))), ensure_ascii=False)
            assert "Không có kết quả truy vết" in page, case_id
            assert trace_page.export_lists_xlsx(1, case_id) is dash.no_update, case_id
        assert handed_over > 0, "the epidemic crosses provinces: some hand-over is expected"
        # Expanding a node, one of the case's own F1s or (forged) an F1 of another province, never reaches outside.
        expanded = 0
        for case_id in own[:40]:
            f1 = epidemic.cursor().execute(
                "SELECT person_id FROM trace_contacts WHERE case_id = ? AND degree = 1 ORDER BY person_id", [case_id]
            )
            people = [r[0] for r in f1.fetchall()]
            inside = [p for p in people if p not in outsiders.ids]
            for person in inside[:5] + [p for p in people if p in outsiders.ids][:10]:
                expanded += person in outsiders.ids
                node = {"degree": 1, "person": person}
                patch, _expanded = trace_page.expand_contact(node, case_id, [])
                outsiders.check(_plain(patch), f"/trace/{case_id} expand {person}")
        assert expanded > 0 or viewer.level == "district"
        # Clusters: the list, every cluster's detail, and forged references to other provinces' cases.
        outsiders.check(_plain(clusters_page.layout()), "/clusters")
        outsiders.check_workbook(clusters_page.export_clusters_xlsx(1), "/clusters xlsx")
        refs = [c["cluster_ref"] for c in tracing.clusters(viewer)]
        assert refs
        for ref in refs:
            outsiders.check(_plain(clusters_page.show_cluster(ref, 1)), f"/clusters?cluster={ref}")
        for forged in sorted(outsiders.ids & set(every_case))[::25]:
            assert tracing.cluster_cases(viewer, forged) == [] and tracing.cluster_links(viewer, forged) == []
            assert "clusters-cases" not in json.dumps(_plain(clusters_page.show_cluster(forged, 1)))
        # The hand-over page and its export.
        outsiders.check(_plain(handover_page.layout()), "/handover")
        outsiders.check_workbook(handover_page.export_received_xlsx(1), "/handover xlsx")
    print(
        f"{viewer_text}: {len(own)} trace pages (every sixth workbook), {len(refs)} clusters, the hand-over page walked; "
        f"{outsiders.checked:,} texts checked against {len(outsiders.ids):,} outsiders and {len(outsiders.words):,} of "
        f"their names, phones and wards; {handed_over} hand-over rows"
    )
    assert outsiders.checked > 10_000


def test_both_provinces_see_the_hand_over(epidemic) -> None:
    """A contact of an HCMC case living in Hà Nội: HCMC counts it, Hà Nội lists the person, from HCMC."""
    crossing = (
        epidemic.cursor()
        .execute(
            "SELECT k.case_id, k.person_id, k.degree FROM trace_contacts AS k "
            "JOIN cases AS c ON c.person_id = k.case_id JOIN areas AS ca ON ca.code = c.ward_code "
            "JOIN areas AS a ON a.code = k.ward_code WHERE ca.province_code = '79' AND a.province_code = '01' "
            "ORDER BY k.exposure_ts DESC LIMIT 1"
        )
        .fetchall()
    )
    assert crossing, "the test epidemic has contacts from Ho Chi Minh City to Hà Nội"
    case_id, person_id, degree = crossing[0]
    assert person_id not in {c["person_id"] for c in tracing.case_contacts(HCMC, case_id)}
    sent = {h["area_code"]: h for h in tracing.case_handovers(HCMC, case_id)}
    assert sent["01"]["f1" if degree == 1 else "f2"] >= 1
    received = [r for r in tracing.received_handovers(HANOI, 100_000) if r["person_id"] == person_id]
    assert received and {r["from_province"] for r in received} >= {"Thành phố Hồ Chí Minh"}
    assert received[0]["full_name"]
    flows = {(f["direction"], f["to_code"]): f for f in tracing.handover_flows(HCMC)}
    assert flows[("sent", "01")]["f1"] + flows[("sent", "01")]["f2"] >= 1
    assert any(f["direction"] == "received" and f["from_code"] == "79" for f in tracing.handover_flows(HANOI))
