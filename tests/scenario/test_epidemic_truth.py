"""The ground truth of who infected whom is consistent with the recorded presence, encounters and tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenario import reference


@pytest.fixture(scope="module")
def infections(dataset) -> pd.DataFrame:
    return dataset.frame("infections")


def test_every_setting_occurs_and_each_person_is_infected_once(infections):
    counts = infections["setting"].value_counts()
    for setting in ("household", "venue", "proximity", "community", "seed"):
        assert counts.get(setting, 0) > 0, setting
    assert infections["infectee"].is_unique
    assert infections.loc[infections["setting"] == "seed", "infector"].isna().all()
    assert infections.loc[infections["setting"].isin(["household", "venue", "proximity"]), "infector"].notna().all()


def test_no_infection_before_its_infectors_and_no_cycles(infections):
    when = infections.set_index("infectee")["ts"]
    linked = infections.dropna(subset=["infector"])
    assert linked["infector"].isin(when.index).all()
    assert (when.loc[linked["infector"].astype(np.int64)].to_numpy() < linked["ts"].to_numpy()).all()
    # walking up the tree ends at a root for everyone, in fewer steps than there are people
    parent = infections.set_index("infectee")["infector"]
    current = parent.dropna().astype(np.int64)
    for _ in range(len(infections)):
        current = parent.reindex(current.to_numpy()).dropna().astype(np.int64)
        if current.empty:
            break
    assert current.empty


def test_household_infections_share_a_household(dataset, infections):
    household = dataset.frame("people").set_index("person_id")["household_id"]
    h = infections[infections["setting"] == "household"]
    assert (household.loc[h["infectee"]].to_numpy() == household.loc[h["infector"].astype(np.int64)].to_numpy()).all()


def test_venue_infections_had_both_present_at_overlapping_times(dataset, infections):
    v = infections[infections["setting"] == "venue"]
    assert len(v) > 0
    assert (v["infector_arrival"] < v["infectee_departure"]).all()
    assert (v["infectee_arrival"] < v["infector_departure"]).all()
    assert (
        (v["ts"] >= v[["infector_arrival", "infectee_arrival"]].max(axis=1))
        & (v["ts"] <= v[["infector_departure", "infectee_departure"]].min(axis=1))
    ).all()
    # presence lasts the dwell time of the kind, unless the venue records exits
    kinds = dataset.frame("venues").set_index("venue_id")["kind"]
    kind = kinds.loc[v["venue_id"].astype(np.int64)].to_numpy()
    dwell = pd.to_timedelta(reference.venue_kinds().dwell_s[[reference.KIND_INDEX[k] for k in kind]], unit="s")
    stay = (v["infectee_departure"] - v["infectee_arrival"]).to_numpy()
    exits = np.isin(kind, ["office", "factory", "hospital", "checkpoint"])
    assert (stay[~exits] == dwell[~exits].to_numpy()).all()


def test_venue_infections_are_visible_in_the_check_ins_of_app_users(dataset, infections):
    """Where both scanned in, their check-ins put them at the venue at the recorded arrivals."""
    v = infections[infections["setting"] == "venue"].copy()
    v["infector"] = v["infector"].astype(np.int64)
    v["venue_id"] = v["venue_id"].astype(np.int64)
    checkins = dataset.frame("checkins")
    entries = checkins[checkins["direction"] == "in"][["person_id", "venue_id", "ts"]]
    a = v.merge(
        entries,
        left_on=["infector", "venue_id", "infector_arrival"],
        right_on=["person_id", "venue_id", "ts"],
        suffixes=("", "_a"),
    )
    both = a.merge(
        entries,
        left_on=["infectee", "venue_id", "infectee_arrival"],
        right_on=["person_id", "venue_id", "ts"],
        suffixes=("", "_b"),
    )
    assert len(both) > 0
    # a scan of the infectee at that venue near the recorded arrival is the arrival itself
    near = v.merge(
        entries, left_on=["infectee", "venue_id"], right_on=["person_id", "venue_id"], suffixes=("", "_scan")
    )
    near = near[(near["ts_scan"] - near["infectee_arrival"]).abs() <= pd.Timedelta(hours=1)]
    assert len(near) > 0
    assert (near["ts_scan"] == near["infectee_arrival"]).mean() > 0.97


def test_proximity_infections_have_a_recorded_encounter(dataset, infections):
    p = infections[infections["setting"] == "proximity"].copy()
    assert len(p) > 0
    p["a"] = np.minimum(p["infectee"], p["infector"].astype(np.int64))
    p["b"] = np.maximum(p["infectee"], p["infector"].astype(np.int64))
    contacts = dataset.frame("contacts")
    m = p.merge(contacts, left_on=["a", "b"], right_on=["person_a", "person_b"])
    m = m[(m["start_ts"] <= m["ts"]) & (m["ts"] <= m["start_ts"] + pd.to_timedelta(m["duration_s"], unit="s"))]
    assert p.set_index(["a", "b", "ts"]).index.isin(m.set_index(["a", "b", "ts"]).index).all()
    # both are app users: they have phones
    people = dataset.frame("people").set_index("person_id")
    assert people.loc[np.concatenate([p["a"], p["b"]]), "phone"].notna().all()


def test_tests_and_confirmations_in_a_possible_order(dataset, infections):
    tests = dataset.frame("tests")
    assert (tests["sample_ts"] <= tests["result_ts"]).all()
    positive = tests[tests["result"] == "positive"]
    infected_at = infections.set_index("infectee")["ts"]
    # only infected people test positive, and only after their infection
    assert positive["person_id"].isin(infected_at.index).all()
    assert (positive["sample_ts"].to_numpy() > infected_at.loc[positive["person_id"]].to_numpy()).all()
    confirmed = positive[positive["kind"] == "pcr"].groupby("person_id")["result_ts"].min()
    assert len(confirmed) > 0
    assert (confirmed.to_numpy() > infected_at.loc[confirmed.index].to_numpy()).all()
    # a share of infections is never confirmed (asymptomatic, not tested)
    assert 0.2 < len(confirmed) / len(infections) < 0.95


def test_confirmed_cases_stop_checking_in_while_isolated(dataset):
    tests = dataset.frame("tests")
    confirmed = (
        tests[(tests["result"] == "positive") & (tests["kind"] == "pcr")].groupby("person_id")["result_ts"].min()
    )
    checkins = dataset.frame("checkins")
    c = checkins.merge(confirmed.rename("confirmed"), left_on="person_id", right_index=True)
    isolated = (c["ts"] > c["confirmed"] + pd.Timedelta(days=1)) & (c["ts"] < c["confirmed"] + pd.Timedelta(days=10))
    assert len(c) > 0
    assert not isolated.any()


def test_traced_contacts_declare_and_quarantine(dataset):
    declarations = dataset.frame("declarations")
    traced = declarations[declarations["contact_with_case"]]
    assert len(traced) > 0
    symptomatic = declarations[declarations[["fever", "cough", "breathless", "lost_taste"]].any(axis=1)]
    assert 0 < len(symptomatic) < len(declarations) * 0.5


def test_vaccination_of_adults_in_order(dataset):
    vaccinations = dataset.frame("vaccinations")
    first = vaccinations[vaccinations["dose"] == 1]
    second = vaccinations[vaccinations["dose"] == 2]
    assert first["person_id"].is_unique and second["person_id"].is_unique
    assert second["person_id"].isin(first["person_id"]).all()
    f = first.set_index("person_id")
    assert (second.set_index("person_id")["ts"] > f.loc[second["person_id"], "ts"].to_numpy()).all()
    assert (second.set_index("person_id")["vaccine"] == f.loc[second["person_id"], "vaccine"].to_numpy()).all()
    age = pd.Series(dataset.age_at_start().to_numpy(), index=dataset.frame("people")["person_id"])
    assert (age.loc[first["person_id"]] >= 17.9).all()


def test_vaccination_by_age_priority(delta):
    """Seen in the Delta wave, which starts with the campaign: the first doses of the period go to the oldest."""
    first = delta.frame("vaccinations")
    first = first[first["dose"] == 1]
    age = pd.Series(delta.age_at_start().to_numpy(), index=delta.frame("people")["person_id"])
    early = first[first["ts"] < pd.Timestamp("2021-07-01", tz="UTC")]
    assert (age.loc[early["person_id"]] >= 65).mean() > 0.5
