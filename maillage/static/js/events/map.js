/* Map of events (Leaflet); tiles from data-tiles (empty: markers on a blank background). The list beside the
   map is the accessible equivalent.
   - data-markers-url (the agenda): every event matching the filters, loaded as JSON by bounding box — first
     the whole world, fitted to the markers, then again whenever the view moves. The map stays hidden until
     it has markers.
   - otherwise: the points of the json_script element #events-map-data (an event page, a campaign). */
(function () {
  "use strict";

  function popup(p) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.title;
    var when = document.createElement("p");
    when.textContent = p.when;
    box.appendChild(link);
    box.appendChild(when);
    return box;
  }

  function draw(layer, points) {
    layer.clearLayers();
    var bounds = [];
    points.forEach(function (p) {
      L.marker([p.lat, p.lng], { title: p.title, alt: p.title }).bindPopup(popup(p)).addTo(layer);
      bounds.push([p.lat, p.lng]);
    });
    return bounds;
  }

  function fit(map, bounds) {
    if (bounds.length === 1) map.setView(bounds[0], 13);
    else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  }

  function newMap(holder) {
    var map = L.map(holder, { scrollWheelZoom: false });
    if (holder.dataset.tiles) {
      L.tileLayer(holder.dataset.tiles, { attribution: holder.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    return map;
  }

  function remote(holder) {
    var url = holder.dataset.markersUrl;
    var map = null;
    var layer = null;
    var pending = null;
    var fitted = false;

    function load(bbox) {
      if (pending) pending.abort();
      pending = new AbortController();
      var params = new URLSearchParams(url.indexOf("?") >= 0 ? url.slice(url.indexOf("?") + 1) : "");
      params.set("bbox", bbox);
      fetch(url.split("?")[0] + "?" + params.toString(), { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { markers: [] }; })
        .then(function (data) {
          if (!map) {
            if (!data.markers.length) return; // nothing located: no map at all
            holder.hidden = false;
            map = newMap(holder);
            layer = L.layerGroup().addTo(map);
            fit(map, draw(layer, data.markers));
            fitted = true;
            map.on("moveend", function () { if (fitted) load(map.getBounds().toBBoxString()); });
            return;
          }
          draw(layer, data.markers);
        })
        .catch(function () { /* aborted or offline: the list is still there */ });
    }

    load("-180,-90,180,90");
  }

  function start() {
    var holder = document.getElementById("events-map");
    if (!holder || typeof L === "undefined") return;
    if (holder.dataset.markersUrl) {
      remote(holder);
      return;
    }
    var data = document.getElementById("events-map-data");
    if (!data) return;
    var points = JSON.parse(data.textContent);
    if (!points.length) return;
    var map = newMap(holder);
    fit(map, draw(L.layerGroup().addTo(map), points));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
