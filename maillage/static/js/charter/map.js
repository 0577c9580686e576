// The signatories' map: one marker per structure (at its commune), clustered. The list beside gives the
// same information, so the map is an extra for those who prefer to look.
(function () {
  "use strict";
  function init() {
    var element = document.getElementById("charter-map");
    var data = document.getElementById("charter-points");
    if (!element || !data || typeof L === "undefined") {
      return;
    }
    var points = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18 }).setView([43.66, 6.92], 10);
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 18 }).addTo(map);
    }
    var group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
    points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      popup.appendChild(document.createTextNode(" — signataire de la v" + p.version));
      L.marker([p.lat, p.lng], { title: p.name, alt: p.name }).bindPopup(popup).addTo(group);
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
