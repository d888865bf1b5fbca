/* Client-side map functions: the boundaries arrive once; only {code: value} changes, and these colour it. */
window.pccovid = Object.assign({}, window.pccovid, {
  map: {
    colour: function (value, hideout) {
      if (value === undefined || value === null) { return hideout.missing || "#dee2e6"; }
      const bins = hideout.bins || [];
      const colours = hideout.colours || [];
      let i = 0;
      while (i < bins.length && value >= bins[i]) { i++; }
      return colours[Math.max(0, Math.min(i, colours.length - 1))];
    },
    style: function (feature, context) {
      const h = context.hideout || {};
      const code = feature.properties.code;
      const value = (h.values || {})[code];
      const inFocus = !h.focus || feature.properties.province_code === h.focus;
      // Below the national level the provinces are context: the focused one is an outline (its districts colour it).
      const outlineOnly = h.focus && inFocus && !Object.keys(h.values || {}).length;
      return {
        fillColor: window.pccovid.map.colour(value, h),
        fillOpacity: outlineOnly ? 0 : inFocus ? 0.8 : 0.15,
        color: code === h.selected ? "#212529" : "#ffffff",
        weight: code === h.selected ? 2.5 : 0.7,
        opacity: inFocus ? 1 : 0.4,
      };
    },
    filter: function (feature, context) {
      const h = context.hideout || {};
      return !h.province || feature.properties.province_code === h.province;
    },
    point: function (feature, latlng, context) {
      const h = context.hideout || {};
      const value = (h.values || {})[feature.properties.code];
      const cases = feature.properties.cases;
      const radius = 5 + Math.min(18, Math.sqrt(typeof cases === "number" ? cases : 2) * 3);  // "<5" drawn as 2
      return L.circleMarker(latlng, {
        radius: radius,
        fillColor: window.pccovid.map.colour(value, h),
        fillOpacity: 0.85,
        color: "#343a40",
        weight: 1,
      });
    },
    // Measures in force (active directives): areas whose level a directive sets outlined in that level's colour,
    // locked-down wards as dashed red rings.
    levelColour: function (level) {
      return { 1: "#2b8a3e", 2: "#f59f00", 3: "#e8590c", 4: "#c92a2a" }[level] || "#495057";
    },
    measureStyle: function (feature) {
      const p = feature.properties || {};
      return {
        color: window.pccovid.map.levelColour(p.level),
        weight: 4,
        dashArray: "10 6",
        fillOpacity: 0.12,
        fillColor: window.pccovid.map.levelColour(p.level),
      };
    },
    measurePoint: function (feature, latlng) {
      const p = feature.properties || {};
      const lockdown = p.kind === "lockdown";
      return L.circleMarker(latlng, {
        radius: lockdown ? 15 : 10,
        color: lockdown ? "#a61e4d" : window.pccovid.map.levelColour(p.level),
        weight: 4,
        dashArray: lockdown ? "6 4" : null,
        fillColor: lockdown ? "#f03e3e" : window.pccovid.map.levelColour(p.level),
        fillOpacity: 0.45,
        className: "measure-" + (p.kind || ""),
      });
    },
    // The issue form's wards (no polygons: a point each), to see where a drawn lockdown falls.
    wardDot: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 3, color: "#1c7ed6", weight: 1, fillOpacity: 0.7 });
    },
    info: function (hover, hideout, empty) {
      if (!hover || !hover.properties) { return empty; }
      const h = hideout || {};
      const value = (h.values || {})[hover.properties.code];
      const fmt = new Intl.NumberFormat(h.locale || "vi-VN", { maximumFractionDigits: h.digits || 0 });
      let shown = "—";
      // a count suppressed for the reader arrives as text ("<5") and is shown as it is
      if (typeof value === "string") { shown = value; } else if (value !== undefined && value !== null) { shown = h.percent ? fmt.format(value * 100) + " %" : fmt.format(value); }
      return hover.properties.name + ": " + shown + (h.unit ? " " + h.unit : "");
    },
  },
});
