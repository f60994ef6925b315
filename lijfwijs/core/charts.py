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


def line(
    points: Sequence[tuple[str, float | None, float | None]],
    *,
    title: str,
    description: str,
    maximum: float = 10,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Daily values as dots and their rolling mean as a line (None leaves a gap)."""
    left, right, top, bottom = 28, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h * (1 - max(0.0, min(v, maximum)) / maximum)

    parts = [
        f'<svg class="chart chart-wide" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="line-title line-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="line-title">{escape(title)}</title><desc id="line-desc">{escape(description)}</desc>',
    ]
    for tick in range(0, int(maximum) + 1, 2):
        _, y = xy(0, tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d5dbd8" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{tick}</text>'
        )
    for i, (_label, value, _rolling) in enumerate(points):
        if value is not None:
            x, y = xy(i, value)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{GRID}"/>')
    path, pen_down = [], False
    for i, (_label, _value, rolling) in enumerate(points):
        if rolling is None:
            pen_down = False
            continue
        x, y = xy(i, rolling)
        path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{FILL}" stroke-width="2.5"/>')
    if points:
        for i in (0, len(points) - 1):
            x, _ = xy(i, 0)
            anchor = "start" if i == 0 else "end"
            parts.append(
                f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="11" fill="{INK}">'
                f"{escape(points[i][0])}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def intervals(
    rows: Sequence[tuple[str, float, float, float]],
    *,
    title: str,
    description: str,
    span: float = 5,
    width: int = 640,
    row_height: int = 26,
) -> SafeString:
    """Differences with their 95% intervals around zero, one row each (label, diff, low, high)."""
    label_w, pad = 220, 12
    plot_w = width - label_w - pad * 2
    height = row_height * len(rows) + 30

    def x(v: float) -> float:
        return label_w + pad + plot_w * (max(-span, min(v, span)) + span) / (2 * span)

    parts = [
        f'<svg class="chart chart-wide" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="iv-title iv-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="iv-title">{escape(title)}</title><desc id="iv-desc">{escape(description)}</desc>',
        f'<line x1="{x(0):.1f}" y1="4" x2="{x(0):.1f}" y2="{height - 22}" stroke="{GRID}" stroke-width="1"/>',
    ]
    for n, (label, diff, low, high) in enumerate(rows):
        y = 16 + n * row_height
        parts.append(
            f'<text x="{label_w}" y="{y + 4}" text-anchor="end" font-size="13" fill="{INK}">{escape(label)}</text>'
        )
        parts.append(
            f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="{FILL}" stroke-width="3"/>'
        )
        parts.append(f'<circle cx="{x(diff):.1f}" cy="{y}" r="5" fill="{FILL}"/>')
    for v in (-span, 0, span):
        parts.append(
            f'<text x="{x(v):.1f}" y="{height - 6}" text-anchor="middle" font-size="11" fill="{INK}">'
            f"{v:+g}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above


def bars(
    rows: Sequence[tuple[str, float, str]],
    *,
    title: str,
    description: str,
    width: int = 400,
    row_height: int = 46,
) -> SafeString:
    """Values as horizontal bars from a zero line, one row each (label, value, value as text), the
    label above its bar: right of the line above zero, left below it. Narrow enough for a phone."""
    pad, room = 8, 48  # room for the value at the end of a bar
    values = [v for _, v, _ in rows]
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    plot_w = width - 2 * pad - (2 * room if low < 0 else room)
    left_edge = pad + (room if low < 0 else 0)

    def x(v: float) -> float:
        return left_edge + plot_w * (v - low) / (high - low)

    height = row_height * len(rows) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="bars-title bars-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="bars-title">{escape(title)}</title><desc id="bars-desc">{escape(description)}</desc>',
    ]
    for n, (label, value, text) in enumerate(rows):
        y = n * row_height
        left, right = sorted((x(0), x(value)))
        parts.append(
            f'<text x="{pad}" y="{y + 16}" font-size="15" fill="{INK}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 23}" width="{max(right - left, 1):.1f}" height="16" '
            f'fill="{FILL}"/>'
        )
        end, anchor = (right + 6, "start") if value >= 0 else (left - 6, "end")
        parts.append(
            f'<text x="{end:.1f}" y="{y + 36}" text-anchor="{anchor}" font-size="15" '
            f'font-weight="700" fill="{INK}">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{x(0):.1f}" y1="20" x2="{x(0):.1f}" y2="{height}" stroke="{GRID}" '
        'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside is escaped above
