"""The import boundaries of STYLE.md ("Layers and the write path"): the contracts in .importlinter, and what the pure
packages may import at all."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent

# Pure computation: what each of these packages may import besides itself and the standard library.
PURE = {
    "tracing": {"numpy", "numba", "pyarrow", "rules"},  # numba: the compiled F2 pass (tracing/f2_kernel.py)
    "rules": set(),
}


def test_every_import_contract_holds() -> None:
    """A broken contract is reported in the captured output, with the chain of imports that breaks it."""
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True) == 0


@pytest.mark.parametrize("package", sorted(PURE))
def test_pure_packages_import_only_the_standard_library_and_their_allow_list(package: str) -> None:
    graph = grimp.build_graph(package, include_external_packages=True, cache_dir=None)
    imported = {
        (importer, name)
        for importer in graph.find_descendants(package) | {package}
        for name in graph.find_modules_directly_imported_by(importer)
    }
    outside = {
        (importer, name)
        for importer, name in imported
        if name.split(".")[0] not in {package, *PURE[package], *sys.stdlib_module_names}
    }
    assert not outside, sorted(outside)
