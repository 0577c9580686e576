/* The small map of a structure's profile: one marker at the structure's position.
   The address stays written beside it; the map only appears when this script runs. */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("carte-structure");
    if (!box || typeof L === "undefined") { return; }
    var lat = parseFloat(box.dataset.lat);
    var lon = parseFloat(box.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) { return; }
    box.hidden = false;
    var canvas = box.querySelector(".map-canvas");
    var map = L.map(canvas, { scrollWheelZoom: false, maxZoom: 18 }).setView([lat, lon], box.dataset.approximate ? 13 : 15);
    var tiles = box.dataset.tilesUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: box.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    }
    L.marker([lat, lon], { title: box.dataset.name, alt: box.dataset.name }).addTo(map);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
