"""The cluster rule on generated epidemics of both shapes (`test`: Delta, `community-test`: community), loaded as a
running platform receives them (history, then a load per day): clusters stay small and pure, keep the transmissions
the data can reveal together, and the clusters built load by load are those a rebuild gives."""

from __future__ import annotations

import pytest

import scenario
from data.derive.tracing import rebuild_clusters
from data.loader import load_dataset
from data.store import Store, transaction
from data.tracing_source import TracingSource
from scenario.replay import split_by_day
from tracing.evaluate import ClusterQuality, cluster_quality

CLUSTERS = "SELECT cluster_id, case_id, source_id, via, venue_id FROM cluster_cases ORDER BY case_id"


@pytest.fixture(scope="module", params=["test", "community-test"])
def epidemic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"clusters-{request.param}")
    scenario.generate(folder / "dataset", **scenario.preset(request.param))
    store = Store(folder / "store.duckdb")
    for part in split_by_day(folder / "dataset", folder / "parts", live_days=3):
        load_dataset(store, part)
    yield store
    store.close()


def quality(store: Store) -> ClusterQuality:
    source = TracingSource(store.cursor())
    cases = store.cursor().execute("SELECT count(*) FROM traces").fetchall()[0][0]
    return cluster_quality(
        source.cluster_truth(),
        source.confirmed_pairs(),
        source.revealable_infections(),
        source.case_links(),
        cases,
    )


def test_clusters_are_small_pure_foci_keeping_revealable_transmissions_together(epidemic: Store) -> None:
    found = quality(epidemic)
    assert found.clusters >= 50 and found.revealable >= 100, found.lines()
    assert found.purity >= 0.85, found.lines()
    assert found.largest_share <= 0.05, found.lines()
    assert found.revealable_kept >= 0.80 * found.revealable, found.lines()
    # Clusters are made of F1 links between cases: they keep no pair that no chain of such links joins.
    assert found.pairs_kept <= found.connected <= found.pairs and found.linked <= found.connected, found.lines()


def test_every_case_joins_its_sources_cluster_or_a_focus_opened_at_a_new_venue(epidemic: Store) -> None:
    cur = epidemic.cursor()
    # A case with a source is in its source's cluster, unless infected at a venue other than that cluster's focus.
    astray = cur.execute(
        """
        SELECT k.case_id
        FROM cluster_cases AS k
        JOIN cluster_cases AS s ON s.case_id = k.source_id
        JOIN clusters AS f ON f.cluster_id = s.cluster_id
        JOIN clusters AS own ON own.cluster_id = k.cluster_id
        WHERE k.cluster_id <> s.cluster_id
            AND NOT (k.via = 'venue' AND f.focus_venue_id IS DISTINCT FROM k.venue_id
                     AND own.focus_kind = 'venue' AND own.focus_venue_id = k.venue_id)
        """
    ).fetchall()
    assert astray == []
    # A cluster is named after its first case's household, or the venue its first case was infected at.
    unnamed = cur.execute(
        """
        SELECT c.cluster_id
        FROM clusters AS c JOIN cluster_cases AS r ON r.case_id = c.cluster_id
        WHERE NOT ((c.focus_kind = 'household' AND r.source_id IS NULL AND c.focus_venue_id IS NULL)
                   OR (c.focus_kind = 'venue' AND r.via = 'venue' AND c.focus_venue_id = r.venue_id))
        """
    ).fetchall()
    assert unnamed == []
    kinds = dict(cur.execute("SELECT focus_kind, count(*) FROM clusters WHERE size >= 2 GROUP BY ALL").fetchall())
    assert kinds.get("household", 0) > 0 and kinds.get("venue", 0) > 0


def test_clusters_built_load_by_load_are_those_a_rebuild_gives(epidemic: Store) -> None:
    cur = epidemic.cursor()
    loads = cur.execute("SELECT count(*) FROM loads").fetchall()[0][0]
    assert loads >= 4  # the history, then the last days one by one
    stored = cur.execute(CLUSTERS).fetchall()

    def rebuild(con):
        with transaction(con):
            return rebuild_clusters(con, loads)

    epidemic.writer.run(rebuild)
    assert epidemic.cursor().execute(CLUSTERS).fetchall() == stored
