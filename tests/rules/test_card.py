"""The personal card rules as plain functions: each colour's condition, its boundaries, and the province variants."""

from __future__ import annotations

import datetime as dt

from rules.card import GREEN, RED, YELLOW, NegativeTest, PersonFacts, card_colour, card_rule_in_force, province_variant

VN = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2021, 10, 1, 9, 0, tzinfo=VN)
KH = card_rule_in_force("56")
HCMC = card_rule_in_force("79")
HANOI = card_rule_in_force("01")


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_provinces_use_their_variant_and_the_rest_the_default() -> None:
    assert (province_variant("56"), province_variant("79"), province_variant("01")) == (
        "khanh_hoa",
        "hcmc",
        "khanh_hoa",
    )
    assert KH.name == "KH card 2021-10-07" and HANOI.name == KH.name
    assert HCMC.name == "HCMC card 2021-10"
    assert KH.source and KH.effective == dt.date(2021, 10, 7)


def test_nobody_known_is_red() -> None:
    assert card_colour(PersonFacts(), T0, KH) == RED


def test_green_by_two_doses_from_14_days_not_at_13() -> None:
    facts = PersonFacts(first_dose_ts=T0 - days(28), full_dose_ts=T0)
    assert card_colour(facts, T0 + days(14), KH) == GREEN
    assert card_colour(facts, T0 + days(14) - dt.timedelta(seconds=1), KH) == YELLOW  # first dose long enough ago
    assert card_colour(facts, T0 + days(13), KH) == YELLOW


def test_green_when_recovered_at_most_180_days_ago() -> None:
    facts = PersonFacts(confirmed_ts=T0)
    recovered = T0 + days(KH.f0_active_days)
    assert card_colour(facts, recovered - dt.timedelta(seconds=1), KH) == RED  # still an active F0
    assert card_colour(facts, recovered, KH) == GREEN
    assert card_colour(facts, recovered + days(180), KH) == GREEN
    assert card_colour(facts, recovered + days(180) + dt.timedelta(seconds=1), KH) == RED


def test_yellow_by_first_dose_from_14_days() -> None:
    facts = PersonFacts(first_dose_ts=T0)
    assert card_colour(facts, T0 + days(14), KH) == YELLOW
    assert card_colour(facts, T0 + days(13), KH) == RED


def test_yellow_by_negative_pcr_up_to_72_hours_not_73() -> None:
    test = NegativeTest(sample_ts=T0, result_ts=T0 + dt.timedelta(hours=10))
    facts = PersonFacts(negative_tests=[test])
    assert card_colour(facts, T0 + dt.timedelta(hours=9), KH) == RED  # result not known yet
    assert card_colour(facts, T0 + dt.timedelta(hours=10), KH) == YELLOW
    assert card_colour(facts, T0 + dt.timedelta(hours=72), KH) == YELLOW
    assert card_colour(facts, T0 + dt.timedelta(hours=73), KH) == RED


def test_a_negative_antigen_test_does_not_make_yellow() -> None:
    facts = PersonFacts(negative_tests=[NegativeTest(T0, T0 + dt.timedelta(minutes=20), "antigen")])
    assert card_colour(facts, T0 + dt.timedelta(hours=1), KH) == RED


def test_active_f0_and_quarantined_f1_are_red_even_when_fully_vaccinated() -> None:
    vaccinated = dict(first_dose_ts=T0 - days(90), full_dose_ts=T0 - days(60))
    f0 = PersonFacts(**vaccinated, confirmed_ts=T0)
    f1 = PersonFacts(**vaccinated, quarantines=[(T0, T0 + days(14))])
    for rule in (KH, HCMC):
        assert card_colour(f0, T0 + days(1), rule) == RED
        assert card_colour(f1, T0 + days(1), rule) == RED
        assert card_colour(f1, T0 + days(14), rule) == GREEN


def test_hcmc_green_needs_no_close_contact_in_14_days() -> None:
    facts = PersonFacts(first_dose_ts=T0 - days(90), full_dose_ts=T0 - days(60), exposures=[T0])
    assert card_colour(facts, T0 + days(10), KH) == GREEN
    assert card_colour(facts, T0 + days(10), HCMC) == YELLOW
    assert card_colour(facts, T0 + days(14), HCMC) == GREEN
    recovered_only = PersonFacts(confirmed_ts=T0 - days(30), exposures=[T0])
    assert card_colour(recovered_only, T0 + days(1), HCMC) == RED
    assert card_colour(recovered_only, T0 + days(1), KH) == GREEN
