"""The seed's events as ingest stream entries (ingest/events.py), for the stream's writer tests."""

from __future__ import annotations

from data.stream import Received
from ingest.events import Checkin, Contact, Declaration, Entry, Vaccination
from ingest.events import Test as LabTest  # not collected by pytest
from tests import seed

EVENT_TABLES = ("checkins", "contacts", "tests", "vaccinations", "declarations")
KINDS = {
    "checkins": Checkin,
    "contacts": Contact,
    "tests": LabTest,
    "vaccinations": Vaccination,
    "declarations": Declaration,
}


def seed_events() -> list:
    return [KINDS[name](*row) for name in EVENT_TABLES for row in seed.ROWS[name]]


def entries(events: list, per_entry: int = 5, first: int = 1) -> list[Received]:
    """The events as stream entries of `per_entry` events each, with ids as Redis gives them."""
    out = []
    for n, begin in enumerate(range(0, len(events), per_entry)):
        entry = Entry(
            site="lab-79", province="79", received_ms=1_627_000_000_000, events=events[begin : begin + per_entry]
        )
        out.append(Received(f"1627000000000-{first + n}", entry))
    return out
