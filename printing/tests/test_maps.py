"""Vector maps of printed documents: outlines, numbered entries, a 'you are here' marker."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from printing.maps import map_svg
from printing.typesetting import render

from . import pdfcheck

SVG = "{http://www.w3.org/2000/svg}"
SQUARE = {"type": "Polygon", "coordinates": [[[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.1], [4.0, 50.0]]]}


def _circles(svg):
    return ET.fromstring(svg).findall(f"{SVG}circle")


def test_points_are_numbered_in_their_order_and_inside_the_frame():
    svg = map_svg([(50.05, 4.05), (50.02, 4.08), (50.09, 4.01)], outlines=[SQUARE], width_mm=80, height_mm=60)
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 80 60"
    assert [t.text for t in root.findall(f"{SVG}text")] == ["1", "2", "3"]
    for circle in _circles(svg):
        assert 0 <= float(circle.get("cx")) <= 80 and 0 <= float(circle.get("cy")) <= 60
    # North is up: the third point (furthest north) is drawn highest; west is left.
    first, second, third = _circles(svg)
    assert float(third.get("cy")) < float(first.get("cy")) < float(second.get("cy"))
    assert float(third.get("cx")) < float(first.get("cx")) < float(second.get("cx"))
    assert root.find(f"{SVG}path") is not None


def test_longitudes_are_shrunk_by_the_cosine_of_the_latitude():
    # A square in degrees at 50° N is narrower than tall on the map.
    svg = map_svg([], outlines=[SQUARE], width_mm=100, height_mm=100)
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", ET.fromstring(svg).find(f"{SVG}path").get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert ratio == pytest.approx(0.643, abs=0.01)


def test_without_outlines_the_points_alone_are_framed_and_a_single_point_does_not_blow_up():
    svg = map_svg([(50.85, 4.35)], numbered=False)
    (circle,) = _circles(svg)
    assert float(circle.get("cx")) == pytest.approx(40, abs=0.2)
    assert float(circle.get("cy")) == pytest.approx(40, abs=0.2)
    assert ET.fromstring(svg).find(f"{SVG}text") is None
    assert map_svg([]).endswith("</svg>")


def test_the_highlight_is_a_distinct_marker():
    svg = map_svg([(50.85, 4.35)], highlight=(50.86, 4.36))
    colours = {circle.get("fill") for circle in _circles(svg)} | {circle.get("stroke") for circle in _circles(svg)}
    assert "#c0392b" in colours


@pytest.mark.skipif(
    not (settings.SHARED_DIR / "data/brussels-communes.geojson").exists(), reason="no ../shared boundaries"
)
def test_a_real_commune_outline_stays_small_and_typesets():
    collection = json.loads((settings.SHARED_DIR / "data/brussels-communes.geojson").read_text(encoding="utf-8"))
    geometry = next(f["geometry"] for f in collection["features"] if f["properties"]["nis"] == "21015")
    svg = map_svg([(50.8676, 4.3737), (50.855, 4.39)], outlines=[geometry])
    assert len(svg) < 40_000
    ET.fromstring(svg)
    pdf = render("smoke", {"title": "Carte", "lang": "fr", "body": "", "qr": svg, "url": "map", "footer": ""})
    assert "Carte" in pdfcheck.text(pdf)


def test_a_point_without_position_keeps_the_numbers_of_the_others():
    svg = map_svg([(50.05, 4.05), None, (None, None), (50.02, 4.08)], outlines=[SQUARE])
    assert [t.text for t in ET.fromstring(svg).findall(f"{SVG}text")] == ["1", "4"]


def test_framed_on_the_points_the_outlines_are_context_cut_at_the_edge():
    # Two places 300 m apart in a commune ~7 km wide: the map frames them, not the commune.
    near = [(50.05, 4.05), (50.0527, 4.05)]
    svg = map_svg(near, outlines=[SQUARE], width_mm=70, height_mm=70, highlight=(50.051, 4.051), frame="points")
    root = ET.fromstring(svg)
    first, second = _circles(svg)[:2]
    assert abs(float(first.get("cy")) - float(second.get("cy"))) > 20
    for circle in _circles(svg):
        assert 3 <= float(circle.get("cx")) <= 67 and 3 <= float(circle.get("cy")) <= 67
    assert root.find(f"{SVG}g").get("clip-path") == "url(#edge)"
    assert root.find(f"{SVG}g/{SVG}path") is not None
    # The whole commune's map keeps them close together.
    whole = _circles(map_svg(near, outlines=[SQUARE], width_mm=70, height_mm=70))
    assert abs(float(whole[0].get("cy")) - float(whole[1].get("cy"))) < 5


def test_framed_on_the_points_outlines_out_of_sight_are_left_out():
    far = {"type": "Polygon", "coordinates": [[[5.0, 51.0], [5.1, 51.0], [5.1, 51.1], [5.0, 51.0]]]}
    svg = map_svg([(50.05, 4.05)], outlines=[SQUARE, far], frame="points")
    (path,) = ET.fromstring(svg).iter(f"{SVG}path")
    assert path.get("d").count("M") == 1
