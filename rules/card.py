"""The three-colour personal card (green / yellow / red) per province, by rule version (rules/card.toml)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

_FILE = Path(__file__).with_name("card.toml")

GREEN, YELLOW, RED = "green", "yellow", "red"


@dataclass(frozen=True)
class CardRule:
    variant: str
    name: str
    source: str
    effective: dt.date
    green_after_full_days: int
    recovered_green_days: int
    yellow_after_first_days: int
    negative_test_hours: int
    negative_test_kinds: tuple[str, ...]
    f0_active_days: int
    close_contact_days: int


@dataclass(frozen=True)
class NegativeTest:
    sample_ts: dt.datetime
    result_ts: dt.datetime
    kind: str = "pcr"


@dataclass(frozen=True)
class PersonFacts:
    """What the card of one person depends on; `full_dose_ts` is the dose that completes the series."""

    first_dose_ts: dt.datetime | None = None
    full_dose_ts: dt.datetime | None = None
    confirmed_ts: dt.datetime | None = None
    negative_tests: Sequence[NegativeTest] = field(default_factory=tuple)
    quarantines: Sequence[tuple[dt.datetime, dt.datetime]] = field(default_factory=tuple)
    exposures: Sequence[dt.datetime] = field(default_factory=tuple)


@functools.cache
def _data() -> dict:
    return tomllib.loads(_FILE.read_text(encoding="utf-8"))


@functools.cache
def card_rules() -> tuple[CardRule, ...]:
    """All versions of all variants, oldest first."""
    rules = [
        CardRule(
            variant=v["variant"],
            name=v["name"],
            source=v["source"],
            effective=v["effective"],
            green_after_full_days=int(v["green_after_full_days"]),
            recovered_green_days=int(v["recovered_green_days"]),
            yellow_after_first_days=int(v["yellow_after_first_days"]),
            negative_test_hours=int(v["negative_test_hours"]),
            negative_test_kinds=tuple(v["negative_test_kinds"]),
            f0_active_days=int(v["f0_active_days"]),
            close_contact_days=int(v["close_contact_days"]),
        )
        for v in _data()["version"]
    ]
    return tuple(sorted(rules, key=lambda r: r.effective))


def default_variant() -> str:
    return _data()["default_variant"]


def province_variant(province_code: str) -> str:
    """The card variant a province uses (the default variant when the file does not list it)."""
    return _data()["provinces"].get(province_code, default_variant())


def card_rule_in_force(province_code: str, day: dt.date | None = None) -> CardRule:
    """The newest version of the province's variant effective on `day` (oldest before them all; newest if None)."""
    versions = [r for r in card_rules() if r.variant == province_variant(province_code)]
    if not versions:
        raise KeyError(f"card variant {province_variant(province_code)!r} has no version in {_FILE.name}")
    if day is None:
        return versions[-1]
    eligible = [r for r in versions if r.effective <= day]
    return eligible[-1] if eligible else versions[0]


def is_active_f0(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> bool:
    """Confirmed and not yet recovered (recovery = confirmation + `f0_active_days`)."""
    c = facts.confirmed_ts
    return c is not None and c <= at < c + dt.timedelta(days=rule.f0_active_days)


def is_quarantined(facts: PersonFacts, at: dt.datetime) -> bool:
    return any(start <= at < end for start, end in facts.quarantines)


def had_close_contact(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> bool:
    """A close contact with an F0 in the last `close_contact_days` days (never, when the variant sets 0)."""
    window = dt.timedelta(days=rule.close_contact_days)
    return rule.close_contact_days > 0 and any(e <= at < e + window for e in facts.exposures)


def green_eligible(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> bool:
    """Fully vaccinated at least N days ago, or recovered at most M days ago."""
    full = facts.full_dose_ts
    if full is not None and at >= full + dt.timedelta(days=rule.green_after_full_days):
        return True
    if facts.confirmed_ts is not None:
        recovered = facts.confirmed_ts + dt.timedelta(days=rule.f0_active_days)
        return recovered <= at <= recovered + dt.timedelta(days=rule.recovered_green_days)
    return False


def yellow_eligible(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> bool:
    """First dose at least N days ago, or a negative test whose result is known and at most H hours old."""
    first = facts.first_dose_ts or facts.full_dose_ts
    if first is not None and at >= first + dt.timedelta(days=rule.yellow_after_first_days):
        return True
    valid = dt.timedelta(hours=rule.negative_test_hours)
    return any(
        t.kind in rule.negative_test_kinds and t.result_ts <= at <= t.sample_ts + valid for t in facts.negative_tests
    )


def card_colour(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> str:
    """The colour of one person's card at instant `at` under `rule`."""
    if is_active_f0(facts, at, rule) or is_quarantined(facts, at):
        return RED
    if green_eligible(facts, at, rule) and not had_close_contact(facts, at, rule):
        return GREEN
    if yellow_eligible(facts, at, rule):
        return YELLOW
    return RED


# Why a card has its colour, in the order card_colour decides it: the first reason that holds names the colour.
F0, QUARANTINE, VACCINATED, RECOVERED, FIRST_DOSE, NEGATIVE_TEST, CLOSE_CONTACT, NOTHING = (
    "f0",
    "quarantine",
    "vaccinated",
    "recovered",
    "first_dose",
    "negative_test",
    "close_contact",
    "nothing",
)


@dataclass(frozen=True)
class CardReason:
    """A card's colour at an instant and the fact that decided it: `reason` one of the names above, `since` and
    `until` the instants that fact holds between (None when open), `fact` the index of the quarantine, negative test
    or exposure in the PersonFacts it came from (None for the others)."""

    colour: str
    reason: str
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    fact: int | None = None


def card_reason(facts: PersonFacts, at: dt.datetime, rule: CardRule) -> CardReason:
    """The colour card_colour gives and why: an active F0, a quarantine (the one ending last), full vaccination or
    recovery (unless a close contact blocks green, which is then the reason for what it falls to), a first dose, a
    valid negative test, or nothing that lifts the card from red."""
    if is_active_f0(facts, at, rule):
        confirmed = facts.confirmed_ts
        return CardReason(RED, F0, confirmed, confirmed + dt.timedelta(days=rule.f0_active_days))
    holding = [(end, i) for i, (start, end) in enumerate(facts.quarantines) if start <= at < end]
    if holding:
        end, index = max(holding)
        return CardReason(RED, QUARANTINE, facts.quarantines[index][0], end, index)
    blocked = had_close_contact(facts, at, rule)
    if green_eligible(facts, at, rule) and not blocked:
        full = facts.full_dose_ts
        if full is not None and at >= full + dt.timedelta(days=rule.green_after_full_days):
            return CardReason(GREEN, VACCINATED, full)
        recovered = facts.confirmed_ts + dt.timedelta(days=rule.f0_active_days)
        return CardReason(GREEN, RECOVERED, recovered, recovered + dt.timedelta(days=rule.recovered_green_days))
    if green_eligible(facts, at, rule):
        window = dt.timedelta(days=rule.close_contact_days)
        exposure = max((e, i) for i, e in enumerate(facts.exposures) if e <= at < e + window)
        colour = YELLOW if yellow_eligible(facts, at, rule) else RED
        return CardReason(colour, CLOSE_CONTACT, exposure[0], exposure[0] + window, exposure[1])
    if yellow_eligible(facts, at, rule):
        first = facts.first_dose_ts or facts.full_dose_ts
        if first is not None and at >= first + dt.timedelta(days=rule.yellow_after_first_days):
            return CardReason(YELLOW, FIRST_DOSE, first)
        valid = dt.timedelta(hours=rule.negative_test_hours)
        tests = [
            (t.sample_ts + valid, i)
            for i, t in enumerate(facts.negative_tests)
            if t.kind in rule.negative_test_kinds and t.result_ts <= at <= t.sample_ts + valid
        ]
        until, index = max(tests)
        return CardReason(YELLOW, NEGATIVE_TEST, facts.negative_tests[index].sample_ts, until, index)
    return CardReason(RED, NOTHING)
