"""The page the server sends: deferred libraries named for the stand-ins and prefetched, not loaded; no polyfill."""

from __future__ import annotations

import json
import re


def test_the_page_defers_grid_and_graph_and_drops_the_polyfill(seeded_runtime, client_as) -> None:
    import app

    client = client_as(app.server, "national")
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any("dash_mantine_components" in s for s in scripts) and any("plotly-basic" in s for s in scripts)
    assert not [s for s in scripts if "dash_ag_grid" in s or "dash_cytoscape" in s or "polyfill" in s], scripts
    assert any("regenerator-runtime" in s for s in scripts)  # what Dash's lazy chunks took from the polyfill

    config = json.loads(re.search(r'<script id="pccovid-lazy-libraries"[^>]*>(.*?)</script>', page).group(1))
    assert config["dash_ag_grid"]["components"] == ["AgGrid"]
    assert "Cytoscape" in config["dash_cytoscape"]["components"]
    prefetched = re.findall(r'<link rel="prefetch" href="([^"]+)"', page)
    for library in config.values():
        for url in library["scripts"]:
            assert url in prefetched
            served = client.get(url)  # still served, fingerprinted, for the stand-in to fetch
            assert served.status_code == 200 and len(served.get_data()) > 400_000
