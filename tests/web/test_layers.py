"""The web plumbing sits beside the reusable UI: pages and the entry import web/, web/ imports components and data,
and neither components nor data ever import web/ (nor web/ a page)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(folder: str) -> dict[str, set[str]]:
    """For each module of `folder`, the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_web_is_imported_only_by_pages_and_the_entry() -> None:
    for folder, forbidden in (("components", {"web", "pages"}), ("data", {"web", "pages"}), ("web", {"pages"})):
        for module, packages in imported_packages(folder).items():
            assert not packages & forbidden, f"{module} imports {sorted(packages & forbidden)}"
