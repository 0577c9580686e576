/* The map of needs by commune: one circle per commune, sized by its count, with the same figures as the
   table beside it (read from the same JSON). The table stays the accessible source. */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("carte-besoins");
    var data = document.getElementById("needs-commune-counts");
    if (!box || !data || typeof L === "undefined") { return; }
    var rows = JSON.parse(data.textContent);
    if (!rows.length) { return; }
    box.hidden = false;
    var map = L.map(box.querySelector(".map-canvas"), { scrollWheelZoom: false, maxZoom: 16 });
    var tiles = box.dataset.tilesUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: box.dataset.tilesAttribution || "", maxZoom: 16 }).addTo(map);
    }
    var bounds = [];
    rows.forEach(function (row) {
      var circle = L.circleMarker([row.lat, row.lon], {
        radius: 6 + Math.sqrt(row.total) * 4, weight: 2, color: "#1d4e89", fillOpacity: 0.4
      }).addTo(map);
      var link = document.createElement("a");
      link.href = row.url;
      link.textContent = row.name + " : " + row.open + " ouvert(s), " + row.total + " au total";
      circle.bindPopup(link);
      bounds.push([row.lat, row.lon]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
