/* Cell renderers for the tables (dash-ag-grid looks them up by name): the value stays the plain id, so a CSV export
   writes the id and not the link. */
window.dashAgGridComponentFunctions = Object.assign({}, window.dashAgGridComponentFunctions, {
  PersonLink: function (props) {
    if (props.value === null || props.value === undefined) { return null; }
    return React.createElement("a", { href: "/person/" + props.value, className: "person-link" }, String(props.value));
  },
});
