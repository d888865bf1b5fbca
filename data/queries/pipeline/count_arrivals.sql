-- Adds load $load_id's events to the arrivals of the minute $arrived_at falls in: one row per kind per district.
INSERT INTO arrivals (minute, kind, district_code, province_code, events, last_ts)
SELECT date_trunc('minute', CAST($arrived_at AS TIMESTAMPTZ)), e.kind, a.district_code, a.province_code, sum(e.events),
       CAST($arrived_at AS TIMESTAMPTZ)
FROM (
    SELECT 'checkin' AS kind, v.ward_code, count(*) AS events
    FROM checkins AS c JOIN venues AS v ON v.venue_id = c.venue_id
    WHERE c.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT 'contact', p.ward_code, count(*)
    FROM contacts AS x JOIN people AS p ON p.person_id = x.person_a
    WHERE x.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT 'test', p.ward_code, count(*)
    FROM tests AS x JOIN people AS p ON p.person_id = x.person_id
    WHERE x.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT 'vaccination', p.ward_code, count(*)
    FROM vaccinations AS x JOIN people AS p ON p.person_id = x.person_id
    WHERE x.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT 'declaration', p.ward_code, count(*)
    FROM declarations AS x JOIN people AS p ON p.person_id = x.person_id
    WHERE x.load_id = $load_id
    GROUP BY ALL
) AS e
JOIN areas AS a ON a.code = e.ward_code
GROUP BY ALL
ON CONFLICT (minute, kind, district_code) DO UPDATE SET
    events = arrivals.events + excluded.events,
    last_ts = greatest(arrivals.last_ts, excluded.last_ts)
