"""The scripts every page makes the browser evaluate, kept to what the page draws."""

from __future__ import annotations

import importlib
import json

import dash
from dash import _dash_renderer
from dash.development.base_component import Component

# Libraries drawn only by some pages; the shell (Mantine), charts (dcc, Plotly) and maps (Leaflet) stay eager.
DEFERRED = ("dash_ag_grid", "dash_cytoscape")
CONFIG_ID = "pccovid-lazy-libraries"


def defer(app: dash.Dash, namespaces: tuple[str, ...] = DEFERRED) -> dict[str, dict[str, list[str]]]:
    """Leaves the libraries' main bundles out of every page and tells the page where to fetch them; returns the
    configuration written into the page ({namespace: {"scripts": [...], "components": [...]}}).

    Dash puts every imported component library in every page, so a first visit to the overview used to evaluate
    AG Grid (1.3 MB) and Cytoscape (0.5 MB) although only the area, list and trace pages draw them. Their main
    bundles are marked `dynamic` (Dash still serves them, fingerprinted, but leaves them out of the page), and
    `assets/lazy_libraries.js` stands in for each library: its components render a placeholder of the same size
    until the bundle has loaded, then the real component. The bundles are prefetched (downloaded at idle
    priority, not evaluated), so moving on to such a page costs only evaluation."""
    libraries: dict[str, dict[str, list[str]]] = {}
    for namespace in namespaces:
        module = importlib.import_module(namespace)
        scripts = [entry["url"] for entry in app.get_dist([namespace]) if entry["type"] == "_js_dist"]
        if not scripts:
            raise ValueError(f"{namespace}: no script to defer (is the library imported and registered?)")
        for resource in module._js_dist:
            if "async" not in resource:
                resource["dynamic"] = True
        components = sorted(
            name
            for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, Component) and value.__module__.startswith(namespace)
        )
        libraries[namespace] = {"scripts": scripts, "components": components}

    tag = f'<script id="{CONFIG_ID}" type="application/json">{json.dumps(libraries)}</script>'
    # Fetched into the cache at idle priority, not evaluated: a later page with a table or a graph only evaluates.
    tag += "".join(
        f'<link rel="prefetch" href="{url}" as="script">' for spec in libraries.values() for url in spec["scripts"]
    )

    @dash.hooks.index()
    def _write_config(index: str) -> str:
        return index.replace("</head>", tag + "</head>", 1)

    return libraries


def drop_babel_polyfill() -> None:
    """Leaves Babel's polyfill (core-js 2 and regenerator, 99 KB, for browsers older than any that runs the
    command centre) out of every page; Dash lists it first among React's dependencies. The one thing Dash's
    bundles take from it, the global `regeneratorRuntime` of their lazy-loading helper, comes from
    `assets/vendor/regenerator-runtime` (25 KB)."""
    for dependency in _dash_renderer._js_dist_dependencies:
        for key in ("relative_package_path", "external_url"):
            for mode, paths in dependency.get(key, {}).items():
                dependency[key][mode] = [path for path in paths if "polyfill" not in path]
