/* Maps: the full clustered map of actors and the small map on an actor's page.
   Everything the map needs comes from data- attributes, so no inline script is required. */
(function () {
  "use strict";
  var BRUSSELS = [50.846, 4.36];
  // Set on the map itself: without a tile layer (no MAP_TILE_URL) nothing else gives Leaflet a
  // maximum zoom, and the marker clusters refuse to work without one.
  var MAX_ZOOM = 19;

  function addTiles(map, el) {
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: MAX_ZOOM }).addTo(map);
    }
  }

  function miniMap(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var approximate = el.dataset.approximate === "1";
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], approximate ? 13 : 16);
    addTiles(map, el);
    if (approximate) {
      L.circle([lat, lon], { radius: 600 }).addTo(map);
    } else {
      L.marker([lat, lon], { keyboard: false }).addTo(map);
    }
  }

  function parseKinds(text) {
    var kinds = {};
    (text || "").split("|").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i > 0) { kinds[pair.slice(0, i)] = pair.slice(i + 1); }
    });
    return kinds;
  }

  function popupFor(el, kinds, point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = el.dataset.actorUrl.replace("SLUG", point[2]);
    link.textContent = point[3];
    link.className = "popup-title";
    box.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = kinds[point[4]] || point[4];
    if (point[5]) { meta.textContent += " · " + el.dataset.labelApproximate; }
    if (point[6]) { meta.textContent += " · " + el.dataset.labelSynthetic; }
    box.appendChild(meta);
    return box;
  }

  function fullMap(el) {
    var status = document.getElementById("map-status");
    var kinds = parseKinds(el.dataset.kinds);
    var map = L.map(el, { preferCanvas: true, maxZoom: MAX_ZOOM }).setView(BRUSSELS, 12);
    addTiles(map, el);
    if (status) { status.textContent = el.dataset.labelLoading; }
    if (el.dataset.communes) {
      fetch(el.dataset.communes).then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, {
          interactive: false,
          style: { color: "#3d4f7c", weight: 1.5, fill: false, dashArray: "4 3" }
        }).addTo(map);
      }).catch(function () { /* outlines are optional */ });
    }
    fetch(el.dataset.points).then(function (r) { return r.json(); }).then(function (data) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      var markers = data.points.map(function (p) {
        var marker = L.marker([p[0], p[1]], { title: p[3], alt: p[3] });
        marker.bindPopup(function () { return popupFor(el, kinds, p); });
        return marker;
      });
      cluster.addLayers(markers);
      map.addLayer(cluster);
      if (markers.length) { map.fitBounds(cluster.getBounds(), { maxZoom: 15, padding: [20, 20] }); }
      el.dataset.loaded = String(markers.length);
      if (status) { status.textContent = (el.dataset.labelCount || "N").replace("N", markers.length); }
    }).catch(function () {
      if (status) { status.textContent = el.dataset.labelError; }
    });
  }

  function communesMap(el) {
    var counts = parseKinds(el.dataset.counts);
    var map = L.map(el, { scrollWheelZoom: false }).setView(BRUSSELS, 11);
    addTiles(map, el);
    fetch(el.dataset.communes).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        style: { color: "#3d4f7c", weight: 1.5, fillColor: "#6b7fb3", fillOpacity: 0.15 },
        onEachFeature: function (feature, shape) {
          var slug = feature.properties.slug;
          shape.bindTooltip(feature.properties.name + " (" + (counts[slug] || 0) + ")");
          shape.on("click", function () { window.location.href = el.dataset.directory + "?commune=" + encodeURIComponent(slug); });
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); }
      el.dataset.loaded = String(data.features.length);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-map=mini]").forEach(miniMap);
    document.querySelectorAll("[data-map=full]").forEach(fullMap);
    document.querySelectorAll("[data-map=communes]").forEach(communesMap);
  });
})();
