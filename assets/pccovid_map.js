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
