"""Clusters of linked cases: the connected components of the links among them (union-find over case ids)."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa


class Components:
    """Union-find over case ids; a component's root is its smallest id."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_cases(cases: list[int], links: Iterable[tuple[int, int]]) -> pa.Table:
    """cluster_id, case_id: each of `cases` with its cluster, named by the smallest case id linked to it directly or
    not (so a cluster's id changes only when clusters merge); one row per case, in the order given. `links`: pairs
    of those cases."""
    components = Components()
    for case_id in cases:
        components.find(case_id)
    for a, b in links:
        components.union(a, b)
    return pa.table(
        {
            "cluster_id": pa.array([components.find(c) for c in cases], pa.int64()),
            "case_id": pa.array(cases, pa.int64()),
        }
    )
