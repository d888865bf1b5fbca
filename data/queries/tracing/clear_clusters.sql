-- Before every traced case is clustered again: removes all clusters.
DELETE FROM clusters
