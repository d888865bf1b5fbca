"""What the tracer reads from the store, as Arrow tables: the only place the tracer talks to DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from data.store import Store

# Instants travel as int32 seconds since this epoch (2020-01-01T00:00:00Z): enough until 2088.
EPOCH_S = 1_577_836_800


@dataclass(frozen=True)
class RegisterChanges:
    people: int
    venues: int
    last_load: int


def register_changes(store: Store, after_load: int, upto_load: int = 0) -> RegisterChanges:
    """How many people and venues the loads after `after_load` added, and the last finished load (or `upto_load`,
    the load in progress, when tracing runs inside it)."""
    people, venues, last_load = store.rows("tracing/register_changes", after_load=after_load, upto_load=upto_load)[0]
    return RegisterChanges(people, venues, last_load)


def people(store: Store) -> pa.Table:
    """person_id, household_id; one row per person, by person_id."""
    return store.query("tracing/people")


def venues(store: Store) -> pa.Table:
    """venue_id, kind; one row per venue, by venue_id."""
    return store.query("tracing/venues")


def checkins(store: Store, after_load: int, upto_load: int) -> pa.Table:
    """person_id, venue_id, ts (int32 s since EPOCH_S), is_exit; one row per scan of those loads."""
    return store.query("tracing/checkins", base=EPOCH_S, after_load=after_load, upto_load=upto_load)


def contacts(store: Store, after_load: int, upto_load: int) -> pa.Table:
    """person_a, person_b, start (int32 s since EPOCH_S), duration_s, distance_m; one row per encounter."""
    return store.query("tracing/contacts", base=EPOCH_S, after_load=after_load, upto_load=upto_load)


def cases(store: Store, lookback_days: int) -> pa.Table:
    """person_id, sample, confirmed, onset (int32 s since EPOCH_S; onset null without symptoms); one row per case."""
    return store.query("tracing/cases", base=EPOCH_S, lookback_days=lookback_days)


def revealable_infections(store: Store) -> pa.Table:
    """Evaluation only: infector, infectee, setting, ts of the infections the data could reveal (see the query)."""
    return store.query("tracing/revealable_infections", base=EPOCH_S)
