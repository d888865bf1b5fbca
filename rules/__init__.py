"""Domain rules as data: each rule set is a file with a name, a source document and an effective date."""
