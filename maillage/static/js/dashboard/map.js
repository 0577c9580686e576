// The map of structures per commune: one circle per commune, its size by the number of structures. The table
// beside gives the same figures (the map is an extra for those who prefer to look).
(function () {
  "use strict";
  function init() {
    var element = document.getElementById("commune-map");
    var data = document.getElementById("commune-points");
    if (!element || !data || typeof L === "undefined") {
      return;
    }
    var points = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 16 }).setView([43.66, 6.92], 10);
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 16 }).addTo(map);
    }
    var group = L.featureGroup();
    var most = points.reduce(function (m, p) { return Math.max(m, p.count); }, 1);
    points.forEach(function (p) {
      var label = p.name + " : " + p.count + (p.count > 1 ? " structures" : " structure");
      L.circleMarker([p.lat, p.lng], { radius: 6 + 24 * Math.sqrt(p.count / most), weight: 1, fillOpacity: 0.5 })
        .bindTooltip(label)
        .bindPopup(label)
        .addTo(group);
    });
    group.addTo(map);
    if (points.length) {
      map.fitBounds(group.getBounds(), { maxZoom: 12, padding: [24, 24] });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
