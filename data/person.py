"""What the person page (/person/<id>) reads: one person's card today and why, tests, doses, check-ins and trace links,
for a reader of personal data inside its scope only, every view written to the audit log first."""

from __future__ import annotations

import datetime as dt
import logging

from data import audit, runtime
from data.access import AccessDenied
from data.tracing import case_contacts, case_trace
from data.viewer import Viewer
from rules.card import NegativeTest, PersonFacts, card_reason, card_rule_in_force
from rules.vaccination import vaccination_rule_in_force

log = logging.getLogger(__name__)

VN = dt.timezone(dt.timedelta(hours=7))
CHECKINS_SHOWN = 200  # the newest; a person scans a few times a day, so this is weeks


def _local(instant: dt.datetime | None) -> str | None:
    """An instant as Viet Nam's local ISO text to the minute (what the pages format)."""
    return instant.astimezone(VN).strftime("%Y-%m-%dT%H:%M") if instant is not None else None


def person_file(viewer: Viewer, person_id: int) -> dict:
    """The person page's content: `person` (register fields, home area), `card` (colour on the store's last day, the
    reason and the rule version), `tests`, `doses`, `checkins` (newest first), `links` (the traces naming them),
    `own_case` (their trace when they are a case living inside the jurisdiction, else None) and `f1` (its F1 there).

    Only a viewer of personal data whose jurisdiction holds the person's home ward, or a trace naming them as a contact
    living there (the hand-over rule), may read it: anyone else gets AccessDenied, an unknown id too (whether someone
    exists is not told). The view is recorded in the audit log before anything is returned; AuditUnavailable if it
    cannot be, and then nothing is."""
    if not viewer.personal:
        raise AccessDenied("no personal data for this role")
    store = runtime.store()
    params = {"person_id": person_id, **viewer.params}
    found = store.query("person/person", personal=True, **params).to_pylist()
    if not found:
        raise AccessDenied("this person lies outside the viewer's scope")
    person = found[0]
    card = person_card(person)
    links = store.query("person/links", **params).to_pylist()
    own_case = case_trace(viewer, person_id)
    f1 = case_contacts(viewer, person_id, degree=1) if own_case else []
    tests = store.query("person/tests", person_id=person_id).to_pylist()
    doses = store.query("person/doses", person_id=person_id).to_pylist()
    checkins = store.query("person/checkins", limit=CHECKINS_SHOWN, **params).to_pylist()
    audit.record(
        "view_person",
        str(person_id),
        {"ward": person["ward_code"], "card": card["colour"], "checkins": len(checkins), "links": len(links)},
    )
    person["birth_date"] = person["birth_date"].isoformat() if person["birth_date"] else None
    person["last_day"] = person["last_day"].isoformat() if person["last_day"] else None
    return {
        "person": person,
        "card": card,
        "tests": tests,
        "doses": doses,
        "checkins": checkins,
        "links": links,
        "own_case": own_case,
        "f1": f1,
    }


def person_card(person: dict) -> dict:
    """The colour of the person's card at the end of the store's last day as the rules engine stored it, the rule
    version that decided it, and the reason rules/card.py gives from the same facts (a disagreement is logged)."""
    store = runtime.store()
    day: dt.date | None = person["last_day"]
    rule = card_rule_in_force(person["province_code"])
    if day is None:
        return {"colour": None, "reason": None, "day": None, "rule_version": rule.name, "rule_source": rule.source}
    span = store.query("person/card_span", person_id=person["person_id"], day=day).to_pylist()
    stored = span[0]["colour"] if span else "red"
    rule_version = span[0]["rule_version"] if span else rule.name
    facts, details = _facts(store.query("person/card_facts", person_id=person["person_id"]).to_pylist())
    at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN)  # the colour at the end of the day
    reason = card_reason(facts, at, rule)
    if reason.colour != stored:
        log.warning("person %s: stored card %s, the rule gives %s", person["person_id"], stored, reason.colour)
    card = {
        "colour": stored,
        "reason": reason.reason if reason.colour == stored else None,
        "day": day.isoformat(),
        "since": _local(reason.since),
        "until": _local(reason.until),
        "rule_version": rule_version,
        "rule_source": rule.source,
    }
    if reason.fact is not None and reason.reason in details:
        card.update(details[reason.reason][reason.fact])
    return card


def _facts(rows: list[dict]) -> tuple[PersonFacts, dict[str, list[dict]]]:
    """PersonFacts from card_facts.sql's rows, and beside each quarantine and exposure what the reason names: the case,
    the exposure's day and link, the venue, the quarantine rule."""
    full_doses = vaccination_rule_in_force().full_doses
    doses = sorted((r["start_ts"], r["dose"]) for r in rows if r["kind"] == "dose")
    cases = [r["start_ts"] for r in rows if r["kind"] == "case"]
    quarantines = [r for r in rows if r["kind"] == "quarantine"]
    exposures = [r for r in rows if r["kind"] == "exposure"]
    facts = PersonFacts(
        first_dose_ts=doses[0][0] if doses else None,
        full_dose_ts=next((ts for ts, dose in doses if dose >= full_doses), None),
        confirmed_ts=min(cases) if cases else None,
        negative_tests=tuple(
            NegativeTest(r["detail_ts"], r["start_ts"], r["test_kind"]) for r in rows if r["kind"] == "negative_test"
        ),
        quarantines=tuple((r["start_ts"], r["end_ts"]) for r in quarantines),
        exposures=tuple(r["start_ts"] for r in exposures),
    )
    details = {
        "quarantine": [
            {
                "case_id": r["case_id"],
                "exposure_ts": _local(r["detail_ts"]),
                "via": r["via"],
                "venue_name": r["venue_name"],
                "quarantine_rule": r["rule_version"],
            }
            for r in quarantines
        ],
        "close_contact": [
            {"case_id": r["case_id"], "exposure_ts": _local(r["start_ts"]), "via": r["via"]} for r in exposures
        ],
    }
    return facts, details
