-- Vaccine coverage at the end of each local day by age band (18+, 50+, 65+, all) in area $area_code (the viewer's jurisdiction when NULL), days $first_day..$last_day: one row per day per band.
WITH totals AS (
    SELECT c.day,
           sum(c.population) AS pop_all, sum(c.first_all) AS first_all, sum(c.fully_all) AS fully_all,
           sum(c.pop_18) AS pop_18, sum(c.first_18) AS first_18, sum(c.fully_18) AS fully_18,
           sum(c.pop_50) AS pop_50, sum(c.first_50) AS first_50, sum(c.fully_50) AS fully_50,
           sum(c.pop_65) AS pop_65, sum(c.first_65) AS first_65, sum(c.fully_65) AS fully_65
    FROM coverage_ward_day AS c
    JOIN areas AS a ON a.code = c.ward_code
    WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
      AND ($area_code IS NULL OR $area_code IN (a.code, a.district_code, a.province_code))
      AND ($area_code IS NULL OR EXISTS (
          SELECT 1 FROM areas AS x
          WHERE x.code = $area_code AND area_visible(x.level, x.province_code, x.district_code, $scope_level, $scope_codes)
      ))
      AND ($first_day IS NULL OR c.day >= CAST($first_day AS DATE))
      AND ($last_day IS NULL OR c.day <= CAST($last_day AS DATE))
    GROUP BY c.day
),
bands AS (
    SELECT day, '18+' AS band, pop_18 AS population, first_18 AS first_dose, fully_18 AS fully_vaccinated, 1 AS o FROM totals
    UNION ALL SELECT day, '50+', pop_50, first_50, fully_50, 2 FROM totals
    UNION ALL SELECT day, '65+', pop_65, first_65, fully_65, 3 FROM totals
    UNION ALL SELECT day, 'all', pop_all, first_all, fully_all, 4 FROM totals
)
SELECT day, band,
       CAST(population AS BIGINT) AS population,
       CAST(first_dose AS BIGINT) AS first_dose,
       CAST(fully_vaccinated AS BIGINT) AS fully_vaccinated,
       first_dose / nullif(population, 0) AS first_dose_share,
       fully_vaccinated / nullif(population, 0) AS fully_share
FROM bands
ORDER BY day, o
