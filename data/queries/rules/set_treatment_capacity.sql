-- Records criterion 3 (treatment capacity met or not) for a province from a day on, with the operator's note.
INSERT OR REPLACE INTO treatment_capacity VALUES ($province_code, $from_day, $met, $note)
