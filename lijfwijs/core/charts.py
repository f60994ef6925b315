"""Server-rendered SVG charts. Same markup in the page and the PDF; a table always goes beside them.

Only presentation attributes (no style attributes), so a strict CSP allows them.
"""

import math
from collections.abc import Callable, Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

INK = "#1c2321"
GRID = "#8a9591"
FILL = "#1f5f5b"
DOT = "#6b7673"  # 4.7:1 on white (WCAG 1.4.11 asks 3:1 for parts of a chart)
RULE = "#c9c4b9"


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
    points: Sequence[tuple[int, float | None, float | None]],
    *,
    title: str,
    description: str,
    first_label: str,
    last_label: str,
    y_title: str,
    x_title: str,
    dots_name: str,
    line_name: str,
    maximum: float = 10,
    width: int = 600,
    height: int = 220,
    chart_id: str = "line",
) -> SafeString:
    """Daily values as dots and their rolling mean as a line (None leaves a gap), in a figure with
    its title, a legend, axis titles and labelled ends.

    `points` are (x, value, rolling) with x a whole number (a day's ordinal: gaps stay gaps). The
    SVG holds the plot area only, without text, and scales with the page; every word and number
    is HTML around it, so text keeps the page's size on a phone (never below 12 px) and long
    words wrap. The ends of the axes are labelled: `first_label`/`last_label` under the left and
    right edge, 0, half the maximum and the maximum beside the left edge.
    """
    xs = [x for x, _, _ in points]
    x0 = min(xs, default=0)
    span = max(max(xs, default=0) - x0, 1)

    def xy(x: int, v: float) -> tuple[float, float]:
        return width * (x - x0) / span, height * (1 - max(0.0, min(v, maximum)) / maximum)

    svg = [
        f'<svg class="chart-plot" viewBox="-6 -6 {width + 12} {height + 12}" role="img" '
        f'aria-labelledby="{chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-desc">{escape(description)}</title>'
    ]
    for tick in (0, maximum / 2, maximum):
        _, y = xy(x0, tick)
        svg.append(
            f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="{RULE}" '
            'stroke-width="1" vector-effect="non-scaling-stroke"/>'
        )
    dots = []
    for x, value, _rolling in points:
        if value is not None:
            cx, cy = xy(x, value)
            dots.append(f"M{cx:.1f},{cy:.1f}h0")
    if dots:
        # zero-length strokes with round caps: dots that stay round at any width
        svg.append(
            f'<path d="{"".join(dots)}" fill="none" stroke="{DOT}" stroke-width="5" '
            'stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
        )
    path, pen_down = [], False
    for x, _value, rolling in points:
        if rolling is None:
            pen_down = False
            continue
        cx, cy = xy(x, rolling)
        path.append(f"{'L' if pen_down else 'M'}{cx:.1f},{cy:.1f}")
        pen_down = True
    if path:
        svg.append(
            f'<path d="{"".join(path)}" fill="none" stroke="{FILL}" stroke-width="3" '
            'stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
        )
    svg.append("</svg>")
    top = f"{maximum:g}"
    middle = f"{maximum / 2:g}"
    return format_html(
        '<figure class="chart-figure">'
        '<figcaption class="chart-title">{}</figcaption>'
        '<ul class="chart-legend">'
        '<li><span class="chart-key chart-key-dot" aria-hidden="true"></span>{}</li>'
        '<li><span class="chart-key chart-key-line" aria-hidden="true"></span>{}</li></ul>'
        '<p class="chart-axis-title">{}</p>'
        '<div class="chart-frame">'
        '<div class="chart-y" aria-hidden="true"><span class="chart-y-top">{}</span>'
        '<span class="chart-y-middle">{}</span><span class="chart-y-bottom">0</span></div>'
        "{}"
        '<div class="chart-x" aria-hidden="true"><span>{}</span><span>{}</span></div>'
        "</div>"
        '<p class="chart-axis-title chart-axis-title-x">{}</p>'
        "</figure>",
        title,
        dots_name,
        line_name,
        y_title,
        top,
        middle,
        mark_safe("".join(svg)),  # noqa: S308 - every text inside is escaped above
        first_label,
        last_label,
        x_title,
    )


def intervals(
    rows: Sequence[tuple[str, float, float, float, str]],
    *,
    title: str,
    legend_dot: str,
    legend_line: str,
    axis_title: str,
    lower_end: str,
    upper_end: str,
    number: Callable[[float], str] = lambda v: f"{v:g}",
    width: int = 300,
    height: int = 24,
) -> SafeString:
    """Differences with their intervals around zero, one row each (label, difference, low, high,
    the row in words), in a figure with a legend and an axis title.

    The labels are HTML beside (or, on a phone, above) each row's small SVG, so they wrap and
    are never cut; each SVG is an image whose text alternative is the row in words. The axis is
    symmetric around zero, wide enough for every interval (whole points, at least 2, at most
    10); its ends and zero are labelled under the rows, with `lower_end`/`upper_end` saying
    what each side means.
    """
    widest = max((max(abs(low), abs(high)) for _, _, low, high, _ in rows), default=0.0)
    span = float(min(10, max(2, math.ceil(widest))))

    def x(v: float) -> float:
        return width * (max(-span, min(v, span)) + span) / (2 * span)

    mid = height / 2
    rendered = []
    for label, diff, low, high, words in rows:
        rendered.append(
            format_html(
                '<li class="chart-row"><span class="chart-row-label">{}</span>'
                '<svg class="chart-row-plot" viewBox="-8 0 {} {}" role="img" '
                'xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
                '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}" stroke-width="1" '
                'vector-effect="non-scaling-stroke"/>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="4" '
                'stroke-linecap="round"/>'
                '<circle cx="{}" cy="{}" r="7" fill="{}" stroke="#fff" stroke-width="2"/></svg></li>',
                label,
                width + 16,
                height,
                words,
                f"{x(0):.1f}",
                f"{x(0):.1f}",
                height,
                GRID,
                f"{x(low):.1f}",
                mid,
                f"{x(high):.1f}",
                mid,
                FILL,
                f"{x(diff):.1f}",
                mid,
                FILL,
            )
        )
    return format_html(
        '<figure class="chart-figure">'
        '<figcaption class="chart-title">{}</figcaption>'
        '<ul class="chart-legend">'
        '<li><span class="chart-key chart-key-dot chart-key-strong" aria-hidden="true"></span>{}</li>'
        '<li><span class="chart-key chart-key-line" aria-hidden="true"></span>{}</li></ul>'
        '<ul class="chart-rows">{}</ul>'
        '<div class="chart-row chart-row-axis" aria-hidden="true"><span class="chart-row-label"></span>'
        '<span class="chart-ticks"><span>{}</span><span>0</span><span>{}</span></span></div>'
        '<p class="chart-axis-title chart-axis-title-x">{}<span class="chart-ends">'
        "<span>← {}</span><span>{} →</span></span></p>"
        "</figure>",
        title,
        legend_dot,
        legend_line,
        mark_safe("".join(rendered)),  # noqa: S308 - each row built by format_html above
        number(-span),
        "+" + number(span),
        axis_title,
        lower_end,
        upper_end,
    )


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
