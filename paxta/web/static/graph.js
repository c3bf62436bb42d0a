// paxta's supply-chain graph, drawn with Cytoscape.js (served by paxta, nothing from a CDN):
// the parties in tier columns, the raw material left and the importer right, arrows the way the
// goods went, dashed where a link is inferred (on a narrow screen, the tiers top to bottom). Zoom with the wheel or the buttons, pan by
// dragging. Selecting a party (in the graph, or in the list of parties by mouse or keyboard)
// shows its links and findings; selecting a link shows its documents. Without script, the
// chart is drawn by the server and every party, link and finding is in the tables.
(function () {
  "use strict";
  var COLUMN = 270, ROW = 96;
  var COLOURS = { high: "#fde2e1", medium: "#fff4d6", none: "#f6f7f9" };
  var BORDERS = { high: "#9b0015", medium: "#b07d00", none: "#5b6573" };

  function init() {
    var data = document.getElementById("chain-data");
    var box = document.getElementById("chain-canvas");
    if (!data || !box || typeof window.cytoscape !== "function") { return; }
    var chain = JSON.parse(data.textContent);
    var rows = document.querySelectorAll("#findings tbody tr, #links tbody tr");
    var buttons = document.querySelectorAll("#parties button[data-party]");
    var status = document.getElementById("selection");
    var selected = null;
    var byTier = {};
    var elements = [];
    box.hidden = false;
    // A narrow window (a phone) stacks the tiers top to bottom, raw material first.
    var narrow = box.clientWidth < 600;
    chain.parties.forEach(function (p) {
      var nth = byTier[p.tier] = (byTier[p.tier] || 0) + 1;
      var along = (chain.top - p.tier), across = nth - 1;
      elements.push({
        group: "nodes",
        data: { id: p.id, label: p.label, severity: p.severity },
        position: narrow ? { x: across * (COLUMN - 40), y: along * (ROW + 30) }
                         : { x: along * COLUMN, y: across * ROW }
      });
    });
    chain.links.forEach(function (l) {
      elements.push({
        group: "edges",
        data: { id: "link:" + l.n, source: l.from, target: l.to, n: String(l.n),
                basis: l.basis, said: l.said }
      });
    });
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 24 },
      minZoom: 0.05,
      maxZoom: 3,
      wheelSensitivity: 0.4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      style: [
        { selector: "node", style: {
          "shape": "round-rectangle", "width": 210, "height": 64, "label": "data(label)",
          "text-wrap": "wrap", "text-max-width": 196, "text-valign": "center",
          "font-size": 11, "font-family": "system-ui, sans-serif", "color": "#1d2430",
          "background-color": function (n) { return COLOURS[n.data("severity")] || COLOURS.none; },
          "border-width": 1.5,
          "border-color": function (n) { return BORDERS[n.data("severity")] || BORDERS.none; } } },
        { selector: "edge", style: {
          "curve-style": "bezier", "width": 1.5, "line-color": "#555",
          "target-arrow-shape": "triangle", "target-arrow-color": "#555", "arrow-scale": 1.2,
          "label": "data(n)", "font-size": 10, "text-background-color": "#fff",
          "text-background-opacity": 1, "text-background-padding": 2 } },
        { selector: "edge[basis = 'inferred']", style: { "line-style": "dashed" } },
        { selector: ".chosen", style: { "border-width": 4, "border-color": "#0b62d6",
          "line-color": "#0b62d6", "target-arrow-color": "#0b62d6", "width": 3 } },
        { selector: ".faded", style: { "opacity": 0.25 } }
      ]
    });
    window.paxtaGraph = cy;  // (for the tests, and for an analyst's console)

    function show(party) {
      selected = party;
      cy.elements().removeClass("chosen faded");
      if (party !== null) {
        var node = cy.getElementById(party);
        var near = node.closedNeighborhood();
        node.addClass("chosen");
        node.connectedEdges().addClass("chosen");
        cy.elements().not(near).addClass("faded");
      }
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", b.dataset.party === party ? "true" : "false");
      });
      var shown = 0;
      rows.forEach(function (r) {
        var parties = (r.dataset.party || "").split(" ");
        var on = party === null || parties.indexOf(party) >= 0;
        r.hidden = !on;
        if (on && r.closest("#findings")) { shown += 1; }
      });
      if (!status) { return; }
      if (party === null) {
        status.textContent = "Showing every party's links and findings.";
      } else {
        var named = chain.parties.filter(function (p) { return p.id === party; })[0];
        status.textContent = "Showing " + (named ? named.name : party) + ": " + shown +
          " finding" + (shown === 1 ? "" : "s") + ".";
      }
    }

    function toggle(party) { show(selected === party ? null : party); }

    cy.on("tap", "node", function (event) { toggle(event.target.id()); });
    cy.on("tap", "edge", function (event) {
      var edge = event.target;
      show(null);
      edge.addClass("chosen");
      if (status) { status.textContent = "Link " + edge.data("n") + ": " + edge.data("said"); }
    });
    cy.on("tap", function (event) { if (event.target === cy) { show(null); } });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { toggle(b.dataset.party); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && selected !== null) { show(null); }
    });
    var zoom = { "zoom-in": 1.25, "zoom-out": 0.8 };
    document.querySelectorAll("#graph-controls button").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        if (b.id === "zoom-fit") { cy.fit(undefined, 24); return; }
        var centre = { x: box.clientWidth / 2, y: box.clientHeight / 2 };
        cy.zoom({ level: cy.zoom() * zoom[b.id], renderedPosition: centre });
      });
    });
    cy.resize();
    cy.fit(undefined, 24);
    var chart = document.getElementById("chain-chart");
    if (chart) { chart.hidden = true; }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
