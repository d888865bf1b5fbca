-- One person's vaccine doses: one row per dose, in the order given, times as local ISO text.
SELECT event_id, dose, vaccine, strftime(timezone('Asia/Ho_Chi_Minh', ts), '%Y-%m-%dT%H:%M') AS ts
FROM vaccinations
WHERE person_id = $person_id
ORDER BY vaccinations.ts, dose
