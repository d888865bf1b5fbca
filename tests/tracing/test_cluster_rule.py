"""The cluster rule as a plain function (tracing/clusters.py): each case's source, its cluster and the cluster's focus."""

from __future__ import annotations

import pyarrow as pa

from rules.tracing import cluster_rule
from tracing.clusters import Placed, place_cases

DAY = 86_400


def cases(*rows: tuple[int, float]) -> pa.Table:
    """(case_id, window start in days); confirmed 3 days after the window opened."""
    return pa.table(
        {
            "case_id": pa.array([r[0] for r in rows], pa.int64()),
            "window_start_s": pa.array([r[1] * DAY for r in rows], pa.float64()),
            "confirmed_s": pa.array([(r[1] + 3) * DAY for r in rows], pa.float64()),
        }
    )


def links(*rows: tuple[int, int, str, int | None, float]) -> pa.Table:
    """(source_id, case_id, via, venue_id, exposure in days)."""
    return pa.table(
        {
            "source_id": pa.array([r[0] for r in rows], pa.int64()),
            "case_id": pa.array([r[1] for r in rows], pa.int64()),
            "via": pa.array([r[2] for r in rows], pa.string()),
            "venue_id": pa.array([r[3] for r in rows], pa.int64()),
            "exposure_s": pa.array([r[4] * DAY for r in rows], pa.float64()),
        }
    )


def placed_rows(table: pa.Table) -> dict[int, tuple]:
    return {
        r["case_id"]: (r["cluster_id"], r["source_id"], r["via"], r["focus_kind"], r["focus_venue_id"])
        for r in table.to_pylist()
    }


def test_the_household_is_the_strongest_source_then_a_close_contact_then_a_venue() -> None:
    # Case 3 was at venue 50 with case 1, met case 2 by Bluetooth and shares case 2's household.
    found = placed_rows(
        place_cases(
            cases((1, 0), (2, 1), (3, 5)),
            links((1, 3, "venue", 50, 2), (2, 3, "proximity", None, 2), (2, 3, "household", None, 1)),
            {},
            cluster_rule(),
        )
    )
    assert found[3][:3] == (2, 2, "household")
    only_venue_and_contact = place_cases(
        cases((1, 0), (2, 1), (3, 5)),
        links((1, 3, "venue", 50, 2), (2, 3, "proximity", None, 2)),
        {},
        cluster_rule(),
    )
    assert placed_rows(only_venue_and_contact)[3][1:3] == (2, "proximity")


def test_between_equal_links_the_exposure_a_likely_incubation_before_the_window() -> None:
    # Case 3's window opens on day 10: an exposure 3 days before (day 7) is likelier than one on day 9.
    found = placed_rows(
        place_cases(
            cases((1, 0), (2, 1), (3, 10)),
            links((1, 3, "venue", 50, 9), (2, 3, "venue", 60, 7)),
            {},
            cluster_rule(),
        )
    )
    assert found[3][1] == 2


def test_a_chain_reaching_a_new_venue_opens_a_focus_there_and_households_follow_their_case() -> None:
    # 1 has no source (its household is the focus); 1 infects 2 and 3 at the factory (venue 50): one focus there,
    # opened by 2 (the earlier window); 4 shares 3's household; 3 infects 5 at the factory again (same focus) and 6 at
    # a school (venue 60: a new focus).
    table = place_cases(
        cases((1, 0), (2, 4), (3, 5), (4, 8), (5, 9), (6, 10)),
        links(
            (1, 2, "venue", 50, 2),
            (1, 3, "venue", 50, 2),
            (3, 4, "household", None, 5),
            (3, 5, "venue", 50, 6),
            (3, 6, "venue", 60, 7),
        ),
        {},
        cluster_rule(),
    )
    assert placed_rows(table) == {
        1: (1, None, None, "household", None),
        2: (2, 1, "venue", "venue", 50),
        3: (2, 1, "venue", "venue", 50),
        4: (2, 3, "household", "venue", 50),
        5: (2, 3, "venue", "venue", 50),
        6: (6, 3, "venue", "venue", 60),
    }
    assert table.column("case_id").to_pylist() == [1, 2, 3, 4, 5, 6]  # in window order


def test_a_later_load_joins_the_stored_clusters_and_keeps_their_ids() -> None:
    # Cases 1 and 2 are stored: 1's household, and 2's focus at the factory opened from case 1. New: 7 (household of 2)
    # and 8 (infected by case 1 at the factory too): both join cluster 2, whose id stays.
    stored = Placed(2, "venue", 50)
    found = placed_rows(
        place_cases(
            cases((7, 12), (8, 13)),
            links((2, 7, "household", None, 9), (1, 8, "venue", 50, 9)),
            {1: Placed(1, "household", None), 2: stored},
            cluster_rule(),
            opened={(1, 50): stored},
        )
    )
    assert found == {7: (2, 2, "household", "venue", 50), 8: (2, 1, "venue", "venue", 50)}


def test_a_source_placed_nowhere_gives_way_to_the_next_link() -> None:
    # Case 9's household link is to a case not placed (not traced yet); its venue link to case 1 counts instead.
    found = placed_rows(
        place_cases(
            cases((9, 5)),
            links((99, 9, "household", None, 3), (1, 9, "venue", 70, 2)),
            {1: Placed(1, "household", None)},
            cluster_rule(),
        )
    )
    assert found[9] == (9, 1, "venue", "venue", 70)


def test_the_rule_file_names_its_parameters_and_reasons() -> None:
    rule = cluster_rule()
    assert rule.source_order == ("household", "proximity", "venue")
    assert rule.incubation_days == 14 and rule.likely_exposure_days == 3
    assert "nguồn lây" in rule.source


def test_a_shared_venue_names_a_source_only_in_a_closed_room(store) -> None:
    """At a market, a supermarket, a school or a residential block the check-ins cannot tell who shared air: such a
    link is no source (nor does it tie two cases together); at a cafe or a factory it is."""
    from data.derive.tracing import cluster_rule_params
    from data.sql import sql

    rule = cluster_rule()
    assert "market" not in rule.source_venue_kinds and "school" not in rule.source_venue_kinds
    assert {"office", "factory", "cafe"} <= set(rule.source_venue_kinds)
    con = store.cursor()
    con.execute("BEGIN")
    try:
        # Case 11 and case 12 (one household) met, say, at the market (venue 1) and at the cafe (venue 2) as well.
        for venue in (1, 2):
            con.execute(
                """INSERT INTO trace_contacts (case_id, person_id, degree, via, venue_id, exposure_ts, overlap_s,
                       ward_code, rule_version, load_id)
                   SELECT case_id, person_id, 1, 'venue', $venue, exposure_ts, 3600, ward_code, rule_version, load_id
                   FROM trace_contacts WHERE case_id = 11 AND person_id = 12 AND degree = 1 AND via = 'household'""",
                {"venue": venue},
            )
        con.register("scope_cases", pa.table({"case_id": pa.array([11, 12], pa.int64())}))
        con.register("new_traces", pa.table({"case_id": pa.array([11], pa.int64())}))
        sources = con.execute(sql("tracing/source_links"), cluster_rule_params()).fetchall()
        ties = con.execute(sql("tracing/cluster_links"), cluster_rule_params()).fetchall()
    finally:
        con.execute("ROLLBACK")
    assert sorted((s[0], s[1], s[2], s[3]) for s in sources) == [(11, 12, "household", None), (11, 12, "venue", 2)]
    assert sorted(ties) == [(11, 12), (11, 12), (12, 11)]
