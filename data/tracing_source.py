"""What the tracer reads from the store, as Arrow tables: the index's source (`tracing.index.IndexSource`) and the
scenario's ground truth the tracer is evaluated against (`tracing.evaluate`)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from data.sql import sql
from tracing.index import EPOCH_S, RegisterChanges


class TracingSource:
    """The tracer's reads through one connection: a read cursor (`TracingSource(store.cursor())`), or the writer's
    inside a load's transaction, which sees that load before it commits."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def _query(self, name: str, **params: Any) -> pa.Table:
        return self._con.sql(sql(name), params=params).to_arrow_table()

    def register_changes(self, after_load: int, upto_load: int = 0) -> RegisterChanges:
        """How many people and venues the loads after `after_load` added, and the last finished load (or
        `upto_load`, the load in progress, when tracing runs inside it)."""
        params = {"after_load": after_load, "upto_load": upto_load}
        people, venues, last_load = self._con.execute(sql("tracing/register_changes"), params).fetchall()[0]
        return RegisterChanges(people, venues, last_load)

    def new_register(self, after_load: int, upto_load: int) -> pa.Table:
        """kind ('person' or 'venue'), id, venue_kind: the people and venues those loads added, by kind and id."""
        return self._query("tracing/new_register", after_load=after_load, upto_load=upto_load)

    def people(self) -> pa.Table:
        """person_id, household_id; one row per person, by person_id."""
        return self._query("tracing/people")

    def venues(self) -> pa.Table:
        """venue_id, kind; one row per venue, by venue_id."""
        return self._query("tracing/venues")

    def checkins(self, after_load: int, upto_load: int) -> pa.Table:
        """person_id, venue_id, ts (int32 s since EPOCH_S), is_exit; one row per scan of those loads."""
        return self._query("tracing/checkins", base=EPOCH_S, after_load=after_load, upto_load=upto_load)

    def contacts(self, after_load: int, upto_load: int) -> pa.Table:
        """person_a, person_b, start (int32 s since EPOCH_S), duration_s, distance_m; one row per encounter."""
        return self._query("tracing/contacts", base=EPOCH_S, after_load=after_load, upto_load=upto_load)

    def cases(self, lookback_days: int) -> pa.Table:
        """person_id, sample, confirmed, onset (int32 s since EPOCH_S; onset null without symptoms); one row per
        case."""
        return self._query("tracing/cases", base=EPOCH_S, lookback_days=lookback_days)

    def revealable_infections(self) -> pa.Table:
        """Evaluation only: infector, infectee, setting, ts of the infections the data could reveal (see the
        query)."""
        return self._query("tracing/revealable_infections", base=EPOCH_S)

    def cluster_truth(self) -> pa.Table:
        """Evaluation only: cluster_id, case_id, seed of every case in a cluster of two or more (see the query)."""
        return self._query("tracing/cluster_truth")

    def confirmed_pairs(self) -> pa.Table:
        """Evaluation only: infector, infectee of every true transmission between two confirmed cases."""
        return self._query("tracing/confirmed_pairs")

    def case_links(self) -> pa.Table:
        """Evaluation only: case_a, case_b of every stored F1 link between two traced cases."""
        return self._query("tracing/case_links")
