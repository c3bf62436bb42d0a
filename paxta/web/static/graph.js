// paxta's supply-chain graph: select a party to show its links and findings.
// Written for paxta and served by it (nothing from a CDN). Without script, everything shows.
(function () {
  "use strict";
  function init() {
    var graph = document.querySelector(".graph svg");
    if (!graph) { return; }
    var nodes = graph.querySelectorAll("g.node");
    var links = graph.querySelectorAll("g.link");
    var rows = document.querySelectorAll("#findings tbody tr, #links tbody tr");
    var status = document.getElementById("selection");
    var selected = null;

    function show(party) {
      selected = party;
      nodes.forEach(function (n) {
        var on = party !== null && n.dataset.party === party;
        n.classList.toggle("selected", on);
        n.setAttribute("aria-pressed", on ? "true" : "false");
      });
      links.forEach(function (l) {
        var on = party !== null && (l.dataset.from === party || l.dataset.to === party);
        l.classList.toggle("selected", on);
        l.classList.toggle("faded", party !== null && !on);
      });
      var shown = 0;
      rows.forEach(function (r) {
        var parties = (r.dataset.party || "").split(" ");
        var on = party === null || parties.indexOf(party) >= 0;
        r.hidden = !on;
        if (on && r.closest("#findings")) { shown += 1; }
      });
      if (status) {
        if (party === null) {
          status.textContent = "Showing every party's links and findings.";
        } else {
          var node = graph.querySelector("g.node.selected");
          var label = node ? node.getAttribute("aria-label") : party;
          status.textContent = "Showing " + label + ": " + shown + " finding" + (shown === 1 ? "" : "s") + ".";
        }
      }
    }

    nodes.forEach(function (n) {
      n.setAttribute("aria-pressed", "false");
      n.addEventListener("click", function () {
        show(selected === n.dataset.party ? null : n.dataset.party);
      });
      n.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          show(selected === n.dataset.party ? null : n.dataset.party);
        } else if (event.key === "Escape") {
          show(null);
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
