"""Server-rendered SVG bar charts (no JavaScript: the CSP allows no inline script). Pure.

A chart is an accessible image (``role="img"`` with a title and a description); the page
shows the same figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart"]


def bar_chart(
    title: str, bars: Sequence[tuple[str, float | None]], *, unit: str = "hours", width: int = 640
) -> str:
    """A horizontal bar chart of ``(label, value)``; a None value is drawn as "no data"."""
    row, label_width, pad = 28, 200, 8
    height = pad * 2 + row * max(1, len(bars))
    values = [v for _, v in bars if v is not None]
    top = max(values) if values else 1.0
    scale = (width - label_width - 110) / (top or 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t-{id(bars)} d-{id(bars)}" '
        'class="chart">',
        f'<title id="t-{id(bars)}">{escape(title)}</title>',
        f'<desc id="d-{id(bars)}">{escape(title)}: the same figures are in the table below.</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = pad + index * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 18}" text-anchor="end" '
            f'font-size="13" fill="#1b1b1b">{escape(label[:28])}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 18}" font-size="13" fill="#1b1b1b">'
                "no data</text>"
            )
            continue
        length = max(1.0, value * scale)
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" '
            'fill="#1d4f91"></rect>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 18}" font-size="13" '
            f'fill="#1b1b1b">{value:.1f} {escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
