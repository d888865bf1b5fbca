"""What the community shape promises beyond the invariants both shapes keep: few seeds, spread through schools,
workplaces and markets, long F1 lists, symptoms declared days before the sample, a real attack rate; and the
store loads it and traces those long lists."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.geo import load_areas
from data.loader import load_dataset
from data.store import Store
from scenario import reference


def test_a_few_dozen_seeds_in_a_few_provinces(community):
    infections = community.frame("infections")
    seeds = infections[infections["setting"] == "seed"]
    assert 20 <= len(seeds) <= 40
    assert seeds["ts"].max() - seeds["ts"].min() < pd.Timedelta(days=15)
    ward = seeds["infectee"].map(community.frame("people").set_index("person_id")["ward_code"])
    province = ward.map(load_areas().set_index("code")["province_code"])
    planned = {w.province for w in reference.seed_windows("community_seeds.csv", community.start)}
    assert set(province) <= planned and len(planned) <= 6


def test_attack_rate_is_that_of_a_wave(community):
    f = community.figures
    assert f.confirmed >= 300
    assert 0.01 <= f.confirmed_rate <= 0.06
    assert 0.03 <= f.attack_rate <= 0.2


def test_venues_dominate_through_schools_workplaces_and_markets(community):
    f = community.figures
    assert f.venue_share > 0.55
    infections = community.frame("infections")
    at_venue = infections[infections["setting"] == "venue"]
    kinds = community.frame("venues").set_index("venue_id")["kind"]
    kind = at_venue["venue_id"].astype(np.int64).map(kinds)
    assert kind.isin(["school", "office", "factory", "market"]).mean() > 0.8
    assert {"school", "office", "factory", "market"} <= set(kind)
    # untraceable (community) infections are rare
    assert (infections["setting"] == "community").mean() < 0.03


def test_f1_lists_are_long(community, delta):
    """Tens of people per case, as the issue's peer had (about 55), and several times the Delta wave's."""
    assert community.figures.venue_exposures > 20
    assert community.figures.venue_exposures > 2 * delta.figures.venue_exposures
    assert community.figures.f1 > 2 * delta.figures.f1


def test_symptoms_are_declared_days_before_the_sample(community, delta):
    f = community.figures
    assert f.symptomatic_share > 0.45
    assert f.symptomatic_share > delta.figures.symptomatic_share + 0.1
    assert f.onset_1_to_5_days > 0.6


def test_the_platform_is_in_most_pockets(community):
    """Check-ins and encounters at the density of the issue's peer (3.3 M and 1.5 M for 50,000 people in 90 days)."""
    days = community.options["days"]
    per_person_day = community.counts["checkins"] / community.counts["people"] / days
    assert 0.4 < per_person_day < 1.0
    assert 0.2 < community.counts["contacts"] / community.counts["people"] / days < 0.6


def test_the_store_loads_it_and_traces_the_long_lists(community, empty_store: Store):
    report = load_dataset(empty_store, community.path)
    assert {t.table: t.loaded for t in report.tables if t.table in community.counts} == {
        name: rows for name, rows in community.counts.items() if name != "outcomes"
    }
    cases, mean_f1 = empty_store.cursor().execute("SELECT count(*), avg(f1_count) FROM traces").fetchone()
    assert cases == community.figures.confirmed
    # the figures read from the files agree with the tracer's own lists
    assert abs(mean_f1 - community.figures.f1) < 0.15 * community.figures.f1
