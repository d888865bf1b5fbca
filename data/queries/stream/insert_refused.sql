-- Keeps the events of a stream batch the writer refused (the registered Arrow table `stream_refused`): one row per refused
-- event not yet kept; an entry replayed after a crash keeps its id, so its refusals are stored once.
INSERT INTO refused_events
SELECT r.entry_id, r.event_index, r.site, r.kind, r.event_id, r.field, r.reason, r.event, r.received_at, $load_id
FROM stream_refused AS r
ANTI JOIN refused_events AS e ON e.entry_id = r.entry_id AND e.event_index = r.event_index
