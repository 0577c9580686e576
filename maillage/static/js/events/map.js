/* Map of events (Leaflet). Data from the json_script element #events-map-data; tiles from data-tiles
   (empty: markers on a blank background). The list beside the map is the accessible equivalent. */
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("events-map");
    var data = document.getElementById("events-map-data");
    if (!holder || !data || typeof L === "undefined") return;
    var points = JSON.parse(data.textContent);
    if (!points.length) return;
    var map = L.map(holder, { scrollWheelZoom: false });
    if (holder.dataset.tiles) {
      L.tileLayer(holder.dataset.tiles, { attribution: holder.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.marker([p.lat, p.lng], { title: p.title, alt: p.title }).addTo(map);
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;
      var when = document.createElement("p");
      when.textContent = p.when;
      box.appendChild(link);
      box.appendChild(when);
      marker.bindPopup(box);
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length === 1) map.setView(bounds[0], 13);
    else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
