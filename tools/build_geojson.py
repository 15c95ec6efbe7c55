"""Build the map geometry under assets/geo/ from world-atlas's countries-110m.json (run once).

- countries.geojson: the countries the choropleth colours (feature id = ISO alpha-3);
- world_110m.json: the same TopoJSON with ISO alpha-3 ids, where Plotly looks for its
  base layers (land, country borders) at the graph's `topojsonURL` — Plotly fetches it
  for every choropleth, and would otherwise go to its CDN.

    mkdir /tmp/geo && cd /tmp/geo && npm pack world-atlas && tar xzf world-atlas-*.tgz
    .venv/bin/python tools/build_geojson.py /tmp/geo/package/countries-110m.json

TopoJSON → GeoJSON without a dependency: arcs are delta-encoded and quantized;
a negative arc index ~i means arc i reversed. Each feature keeps only its ISO
3166 alpha-3 code as `id` and its English `name`; shapes without an ISO code
(N. Cyprus, Somaliland, Kosovo) are left out. Coordinates are rounded to 0.01°.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

GEO = Path(__file__).resolve().parent.parent / "assets" / "geo"
OUT, TOPOJSON_OUT = GEO / "countries.geojson", GEO / "world_110m.json"
DECIMALS = 2


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, DECIMALS), round(y * sy + ty, DECIMALS)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)   # consecutive arcs share an end point
    return [list(p) for p in points]


def geometry(geo: dict, arcs) -> dict:
    if geo["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in geo["arcs"]]}
    return {"type": "MultiPolygon",
            "coordinates": [[ring(r, arcs) for r in polygon] for polygon in geo["arcs"]]}


def alpha3(numeric: str | None) -> str | None:
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_3 if country else None


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geo in topology["objects"]["countries"]["geometries"]:
        code = alpha3(geo.get("id"))
        if code:
            features.append({"type": "Feature", "id": code, "properties": {"name": geo["properties"]["name"]},
                             "geometry": geometry(geo, arcs)})
    return {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["id"])}


def plotly_topology(topology: dict) -> dict:
    """The TopoJSON with ISO alpha-3 ids and names only (Plotly's world_110m naming)."""
    out = json.loads(json.dumps(topology))
    for geo in out["objects"]["countries"]["geometries"]:
        code = alpha3(geo.pop("id", None))
        geo["properties"] = {"name": geo.get("properties", {}).get("name", "")}
        if code:
            geo["id"] = code
    return out


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("/tmp/geo/package/countries-110m.json")
    topology = json.loads(source.read_text())
    collection = convert(topology)
    GEO.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")))
    TOPOJSON_OUT.write_text(json.dumps(plotly_topology(topology), separators=(",", ":")))
    print(f"{len(collection['features'])} countries → {OUT} ({OUT.stat().st_size:,} bytes), "
          f"{TOPOJSON_OUT} ({TOPOJSON_OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
