/* The directory's map: markers of the current search loaded by bounding box as JSON, clustered.
   The list works without this script; the map only appears when it runs. */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("carte");
    if (!box || typeof L === "undefined") { return; }
    box.hidden = false;
    var canvas = box.querySelector(".map-canvas");
    // maxZoom on the map itself: without a tile layer (no tile server set) Leaflet knows no zoom range,
    // and the marker cluster then throws « Map has no maxZoom specified » and draws no marker.
    var map = L.map(canvas, { scrollWheelZoom: false, maxZoom: 18 }).setView([43.66, 6.92], 11);
    var tiles = box.dataset.tilesUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: box.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    }
    var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    cluster.addTo(map);
    var pending = null;
    var fitted = false;

    function query() {
      var results = document.getElementById("annuaire-resultats");
      return results ? results.dataset.query || "" : "";
    }

    function popup(marker) {
      var link = document.createElement("a");
      link.href = box.dataset.detailPrefix + marker.s + "/";
      link.textContent = marker.n;
      return link;
    }

    function load() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var params = new URLSearchParams(query());
      params.set("bbox", fitted ? map.getBounds().toBBoxString() : "-180,-90,180,90");
      fetch(box.dataset.markersUrl + "?" + params.toString(), { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { markers: [] }; })
        .then(function (data) {
          cluster.clearLayers();
          var points = [];
          data.markers.forEach(function (m) {
            var marker = L.marker([m.lat, m.lon], { title: m.n, alt: m.n });
            marker.bindPopup(popup(m));
            cluster.addLayer(marker);
            points.push([m.lat, m.lon]);
          });
          if (!fitted && points.length) {
            fitted = true;
            map.fitBounds(points, { padding: [20, 20], maxZoom: 14 });
          } else {
            fitted = true;
          }
        })
        .catch(function () { /* aborted or offline: the list is still there */ });
    }

    map.on("moveend", function () { if (fitted) { load(); } });
    document.body.addEventListener("htmx:afterSettle", function () { fitted = false; load(); });
    load();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
