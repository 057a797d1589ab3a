"""Small vector maps for printed documents: commune outlines and numbered entries, no tiles.

``map_svg`` draws an SVG that typst embeds as an image. Coordinates are WGS84 (lat, lon); the map
uses an equirectangular projection whose longitudes are shrunk by cos(latitude) of the map's
centre, which is exact enough at the scale of a city. Coordinates are rounded to 0.1 mm so a
directory of thousands of entries stays light.
"""

import math
from html import escape

MARGIN_MM = 4
# A frame around points alone (no outline), in degrees of latitude: about 500 m.
MIN_SPAN_DEG = 0.005
OUTLINE_FILL = "#eef1f6"
OUTLINE_STROKE = "#8a93a8"
MARKER = "#2b4a8b"
HIGHLIGHT = "#c0392b"


def _rings(geometry):
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon, as lists of (lon, lat)."""
    if not geometry:
        return []
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [ring for ring in coordinates if ring]
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon if ring]
    if kind == "GeometryCollection":
        return [ring for part in geometry.get("geometries", []) for ring in _rings(part)]
    return []


def _bounds(points, rings):
    lats = [lat for lat, _ in points] + [lat for ring in rings for _, lat in ring]
    lons = [lon for _, lon in points] + [lon for ring in rings for lon, _ in ring]
    if not lats:
        return None
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    if not rings:
        # Points alone: frame them with a little room, never zoom onto a single point.
        middle_lat, middle_lon = (south + north) / 2, (west + east) / 2
        half = max(north - south, MIN_SPAN_DEG) / 2 * 1.15
        half_lon = max(east - west, MIN_SPAN_DEG / math.cos(math.radians(middle_lat))) / 2 * 1.15
        south, north = middle_lat - half, middle_lat + half
        west, east = middle_lon - half_lon, middle_lon + half_lon
    return south, north, west, east


def _fill_box(bounds, width, height):
    """``bounds`` widened (or heightened) about their centre to the box's proportions."""
    south, north, west, east = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * shrink, north - south
    if span_x * height < span_y * width:
        extra = (span_y * width / height - span_x) / shrink / 2
        west, east = west - extra, east + extra
    else:
        extra = (span_x * height / width - span_y) / 2
        south, north = south - extra, north + extra
    return south, north, west, east


def _touches(ring, bounds):
    south, north, west, east = bounds
    lons = [point[0] for point in ring]
    lats = [point[1] for point in ring]
    return min(lats) <= north and max(lats) >= south and min(lons) <= east and max(lons) >= west


def _number(value):
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def map_svg(points, *, outlines=(), width_mm=80, height_mm=80, numbered=True, highlight=None, frame="all"):
    """An SVG map (text) of ``points`` [(lat, lon), ...] over the commune ``outlines``.

    ``outlines`` are GeoJSON geometries (Polygon or MultiPolygon, WGS84), drawn as light shapes.
    ``frame`` is "all" (the map shows the whole outlines and the points: a commune's map) or
    "points" (the map shows the points and the highlight with a little room around them, filling
    the box; the outlines are only context, cut at the map's edge, which is drawn).
    Points are numbered markers (the number is the point's position in the list + 1, matching the
    entries' numbers in the text; a point given as None or (None, None) is left out without shifting
    the numbers of the others) or plain dots when ``numbered`` is false. ``highlight`` is an
    optional (lat, lon) drawn as a distinct marker ("you are here").
    """
    # A point without a position (None) keeps its number: the others' numbers never shift.
    numbered_points = [
        (position, float(point[0]), float(point[1]))
        for position, point in enumerate(points, start=1)
        if point and point[0] is not None and point[1] is not None
    ]
    points = [(lat, lon) for _, lat, lon in numbered_points]
    rings = [ring for geometry in outlines for ring in _rings(geometry)]
    extra = [highlight] if highlight else []
    context = frame == "points" and bool(points or extra)
    if context:
        inner = (width_mm - 2 * MARGIN_MM, height_mm - 2 * MARGIN_MM)
        bounds = _fill_box(_bounds(points + extra, []), *inner)
        rings = [ring for ring in rings if _touches(ring, bounds)]
    else:
        bounds = _bounds(points + extra, rings)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {width_mm} {height_mm}">'
    )
    if bounds is None:
        return head + "</svg>"
    south, north, west, east = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    inner_w, inner_h = width_mm - 2 * MARGIN_MM, height_mm - 2 * MARGIN_MM
    scale = min(inner_w / span_x, inner_h / span_y)
    offset_x = MARGIN_MM + (inner_w - span_x * scale) / 2
    offset_y = MARGIN_MM + (inner_h - span_y * scale) / 2

    def project(lat, lon):
        return offset_x + (lon - west) * shrink * scale, offset_y + (north - lat) * scale

    parts = [head]
    if rings:
        path = []
        for ring in rings:
            xy = [project(lat, lon) for lon, lat, *_ in ring]
            previous = None
            commands = []
            for x, y in xy:
                point = (_number(x), _number(y))
                if point != previous:
                    commands.append(f"{point[0]} {point[1]}")
                    previous = point
            if len(commands) >= 3:
                path.append("M" + "L".join(commands) + "Z")
        shape = (
            f'<path d="{"".join(path)}" fill="{OUTLINE_FILL}" stroke="{OUTLINE_STROKE}" '
            'stroke-width="0.3" fill-rule="evenodd" stroke-linejoin="round"/>'
        )
        if context:
            shape = (
                f'<clipPath id="edge"><rect width="{width_mm}" height="{height_mm}"/></clipPath>'
                f'<g clip-path="url(#edge)">{shape}</g>'
            )
        parts.append(shape)
    if context:
        parts.append(
            f'<rect x="0.15" y="0.15" width="{_number(width_mm - 0.3)}" height="{_number(height_mm - 0.3)}" '
            f'fill="none" stroke="{OUTLINE_STROKE}" stroke-width="0.3"/>'
        )
    radius = 1.9 if numbered else 0.9
    for position, lat, lon in numbered_points:
        x, y = (_number(value) for value in project(lat, lon))
        parts.append(f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{MARKER}" stroke="#ffffff" stroke-width="0.25"/>')
        if numbered:
            label = escape(str(position))
            size = 2.2 if position < 10 else (1.8 if position < 100 else 1.4)
            parts.append(
                f'<text x="{x}" y="{_number(float(y) + size * 0.35)}" font-size="{size}" '
                f'font-family="Noto Sans" font-weight="bold" text-anchor="middle" fill="#ffffff">{label}</text>'
            )
    if highlight:
        x, y = (float(value) for value in project(*highlight))
        arm = 2.6
        parts.append(
            f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{arm}" fill="none" stroke="{HIGHLIGHT}" stroke-width="0.7"/>'
            f'<circle cx="{_number(x)}" cy="{_number(y)}" r="0.9" fill="{HIGHLIGHT}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
