-- Defines how a refusal shows a value from the dataset: shown(value), at most 40 characters on one line, and
-- shown_instant(ts) at Viet Nam's offset (+07:00) whatever the session's time zone. A fixed offset, not
-- Asia/Ho_Chi_Minh: refused instants lie outside the epidemic, where that zone's history (local mean time before
-- 1906, +08:00 in the South until 1975) would contradict the suffix. A 10 MB value once made a 10 MB error line;
-- control and direction characters would break the line or reverse it on the screen.
CREATE OR REPLACE TEMP MACRO shown(value) AS regexp_replace(
    CASE WHEN length(CAST(value AS VARCHAR)) > 40 THEN left(CAST(value AS VARCHAR), 40) || '…' ELSE CAST(value AS VARCHAR) END,
    '[\x00-\x1F\x7F-\x9F\x{2028}-\x{202E}\x{2066}-\x{2069}]', '�', 'g'
);
CREATE OR REPLACE TEMP MACRO shown_instant(ts) AS strftime(timezone('Etc/GMT-7', ts), '%Y-%m-%dT%H:%M:%S+07:00');
