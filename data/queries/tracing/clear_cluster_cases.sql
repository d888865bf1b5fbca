-- Before every traced case is clustered again: removes every case's cluster.
DELETE FROM cluster_cases
