"""A simplified map of Estonia's 15 counties, drawn by hand for this project (rough outlines from longitude and
latitude corners, no outside data or tiles), shaded by a figure per county.

Counties are keyed by their EHAK code (accounts.County.code).
"""

from __future__ import annotations

# (longitude, latitude) corners of each county's simplified outline.
OUTLINES: dict[str, list[tuple[float, float]]] = {
    "37": [(23.4, 59.3), (24.0, 59.45), (24.8, 59.6), (25.7, 59.6), (25.8, 59.3), (25.6, 59.1), (24.9, 59.05),
           (24.3, 59.05), (23.7, 59.1)],  # Harju
    "39": [(22.1, 59.0), (22.5, 59.1), (23.0, 58.95), (22.9, 58.75), (22.5, 58.7), (22.3, 58.85)],  # Hiiu
    "44": [(26.9, 59.55), (28.05, 59.45), (28.2, 59.35), (27.9, 59.0), (27.5, 58.9), (27.3, 58.85), (26.9, 59.0),
           (27.0, 59.3)],  # Ida-Viru
    "49": [(25.6, 58.6), (26.0, 58.7), (26.0, 58.9), (26.5, 58.85), (26.9, 59.0), (27.3, 58.85), (27.1, 58.6),
           (26.6, 58.55), (26.0, 58.5)],  # Jõgeva
    "51": [(24.9, 59.05), (25.6, 59.1), (26.0, 58.9), (26.0, 58.7), (25.6, 58.6), (25.1, 58.6), (24.9, 58.65),
           (25.1, 58.85)],  # Järva
    "57": [(23.4, 59.3), (23.7, 59.1), (23.7, 58.9), (23.9, 58.75), (23.7, 58.55), (23.4, 58.55), (23.3, 58.8),
           (23.4, 59.1)],  # Lääne
    "59": [(25.7, 59.6), (26.9, 59.55), (27.0, 59.3), (26.9, 59.0), (26.5, 58.85), (26.0, 58.9), (25.6, 59.1),
           (25.8, 59.3)],  # Lääne-Viru
    "65": [(26.3, 58.15), (26.8, 58.2), (27.3, 58.15), (27.6, 58.05), (27.6, 57.95), (27.0, 57.95),
           (26.5, 57.9)],  # Põlva
    "67": [(23.7, 58.55), (23.9, 58.75), (24.3, 58.65), (24.9, 58.65), (25.1, 58.6), (25.2, 58.3), (24.9, 58.0),
           (24.5, 57.9), (24.3, 58.05), (24.1, 58.3), (23.8, 58.35)],  # Pärnu
    "70": [(23.7, 59.1), (24.3, 59.05), (24.9, 59.05), (25.1, 58.85), (24.9, 58.65), (24.3, 58.65), (23.9, 58.75),
           (23.7, 58.9)],  # Rapla
    "74": [(21.8, 58.5), (22.3, 58.65), (22.9, 58.6), (23.3, 58.5), (23.0, 58.3), (22.6, 58.2), (22.2, 57.95),
           (22.0, 58.1), (21.9, 58.3)],  # Saare
    "78": [(26.0, 58.5), (26.6, 58.55), (27.1, 58.6), (27.5, 58.3), (27.3, 58.15), (26.8, 58.2), (26.3, 58.15),
           (26.0, 58.2)],  # Tartu
    "82": [(25.3, 58.05), (25.8, 58.05), (26.0, 58.2), (26.3, 58.15), (26.5, 57.9), (26.2, 57.7), (26.0, 57.55),
           (25.5, 57.8), (25.3, 57.95)],  # Valga
    "84": [(25.1, 58.6), (25.6, 58.6), (26.0, 58.5), (26.0, 58.2), (25.8, 58.05), (25.3, 58.05), (24.9, 58.0),
           (25.2, 58.3)],  # Viljandi
    "86": [(26.5, 57.9), (27.0, 57.95), (27.6, 57.95), (27.8, 57.75), (27.5, 57.55), (27.0, 57.55), (26.5, 57.55),
           (26.2, 57.7)],  # Võru
}
WEST, NORTH = 21.7, 59.7
X_SCALE, Y_SCALE = 100, 180  # one degree of longitude is about half a degree of latitude this far north
WIDTH, HEIGHT = round((28.3 - WEST) * X_SCALE), round((NORTH - 57.45) * Y_SCALE)
# Five shades from light to dark (a sequential scale with enough contrast for the outlines and labels).
SHADES = ["#f1f5f9", "#c7dcef", "#8fb8de", "#4a89c3", "#1d5a96"]


def _point(lon: float, lat: float) -> tuple[float, float]:
    return round((lon - WEST) * X_SCALE, 1), round((NORTH - lat) * Y_SCALE, 1)


def shade(value: int, maximum: int) -> int:
    """0 for none, else 1..4 by the share of the largest figure."""
    if not value or not maximum:
        return 0
    return min(4, 1 + int(3 * value / maximum + 0.5)) if value < maximum else 4


def county_map(values_by_code: dict[str, int], names_by_code: dict[str, str]) -> dict:
    """What the template draws: one shape per county with its points, shade, figure and name."""
    maximum = max(values_by_code.values(), default=0)
    shapes = []
    for code, outline in OUTLINES.items():
        points = [_point(lon, lat) for lon, lat in outline]
        value = values_by_code.get(code, 0)
        level = shade(value, maximum)
        shapes.append({
            "code": code, "name": names_by_code.get(code, code), "value": value, "fill": SHADES[level],
            "dark": level >= 3, "points": " ".join(f"{x},{y}" for x, y in points),
            "x": round(sum(x for x, _y in points) / len(points), 1),
            "y": round(sum(y for _x, y in points) / len(points), 1),
        })
    legend = [{"fill": SHADES[0], "low": 0, "high": 0}]
    ranges: dict[int, list[int]] = {}
    for value in range(1, maximum + 1):  # the exact figures each shade stands for
        ranges.setdefault(shade(value, maximum), [value, value])[1] = value
    legend += [{"fill": SHADES[level], "low": low, "high": high} for level, (low, high) in sorted(ranges.items())]
    return {"shapes": shapes, "width": WIDTH, "height": HEIGHT, "legend": legend, "maximum": maximum}
