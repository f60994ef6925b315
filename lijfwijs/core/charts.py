"""Server-rendered SVG charts. Same markup in the page and the PDF; a table always goes beside them.

Only presentation attributes (no style attributes), so a strict CSP allows them.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

INK = "#1c2321"
GRID = "#8a9591"
FILL = "#1f5f5b"


def _pt(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def radar(
    points: Sequence[tuple[str, float]],
    *,
    maximum: float = 100,
    title: str,
    description: str,
    size: int = 360,
    rings: int = 4,
    overlay: Sequence[tuple[str, float]] | None = None,
) -> SafeString:
    """A radar (spider) chart of labelled values 0..maximum, optionally with a second series."""
    n = len(points)
    pad = 78
    cx = cy = size / 2
    r = size / 2 - pad
    angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]
    parts = [
        # wide margins on both sides so the labels left and right are never cut off
        f'<svg class="chart" viewBox="-80 0 {size + 160} {size}" role="img" '
        f'aria-labelledby="radar-title radar-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="radar-title">{escape(title)}</title><desc id="radar-desc">{escape(description)}</desc>',
    ]
    for ring in range(1, rings + 1):
        rr = r * ring / rings
        poly = " ".join("{:.1f},{:.1f}".format(*_pt(cx, cy, rr, a)) for a in angles)
        parts.append(f'<polygon points="{poly}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    for a in angles:
        x, y = _pt(cx, cy, r, a)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )

    def shape(series: Sequence[tuple[str, float]], fill: str, dash: str) -> str:
        poly = " ".join(
            "{:.1f},{:.1f}".format(*_pt(cx, cy, r * max(0.0, min(v, maximum)) / maximum, a))
            for (_, v), a in zip(series, angles, strict=True)
        )
        return (
            f'<polygon points="{poly}" fill="{fill}" fill-opacity="0.25" stroke="{fill}" '
            f'stroke-width="2.5"{dash}/>'
        )

    if overlay:
        parts.append(shape(overlay, "#b3541e", ' stroke-dasharray="6 4"'))
    parts.append(shape(points, FILL, ""))
    for (label, value), a in zip(points, angles, strict=True):
        x, y = _pt(cx, cy, r + 16, a)
        anchor = "middle" if abs(math.cos(a)) < 0.3 else ("start" if math.cos(a) > 0 else "end")
        dy = -4 if math.sin(a) < -0.5 else (14 if math.sin(a) > 0.5 else 4)
        parts.append(
            f'<text x="{x:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}" font-size="16" fill="{INK}">'
            f'{escape(label)} <tspan font-weight="700">{round(value)}%</tspan></text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def bar(value: float, *, maximum: float = 100, label: str) -> SafeString:
    """A single horizontal bar; decorative (the number is printed next to it)."""
    width = max(0.0, min(value, maximum)) / maximum * 100
    return format_html(
        '<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<rect x="0" y="0" width="100" height="10" fill="#e3e7e5"/>'
        '<rect x="0" y="0" width="{}" height="10" fill="{}"/></svg>',
        label,
        f"{width:.1f}",
        FILL,
    )
