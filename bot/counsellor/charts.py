"""Small SVG charts drawn on the server (no JavaScript, no library); styled by dashboard.css."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from markupsafe import Markup, escape

from bot.counsellor.i18n import _

Items = Sequence[tuple[str, float]]


def _number(value: float) -> str:
    """Format a count."""
    return f"{value:g}"


def bar_chart(
    title: str,
    items: Items,
    fmt: Callable[[float], str] = _number,
    label_width: int = 220,
    links: Optional[Sequence[str]] = None,
) -> Markup:
    """Return a horizontal bar chart, one labelled bar per item; each a link to `links[i]` when given."""
    row, width, value_width = 26, 640, 60
    height = max(1, len(items)) * row + 8
    top = max((value for _, value in items), default=0) or 1
    scale = (width - label_width - value_width) / top
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 4 + index * row
        bar = max(value * scale, 1 if value else 0)
        if links:
            parts.append(f'<a href="{escape(links[index])}">')
        parts += [
            f'<text class="label" x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>',
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}"></rect>',
            f'<text class="value" x="{label_width + bar + 6:.1f}" y="{y + 17}">{escape(fmt(value))}</text>',
        ]
        if links:
            parts.append("</a>")
    if not items:
        parts.append(f'<text class="label" x="8" y="20">{escape(_("No data yet"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    title: str,
    items: Items,
    fmt: Callable[[float], str] = _number,
    label_every: int = 7,
    links: Optional[Sequence[str]] = None,
) -> Markup:
    """Return a vertical column chart (for a value per day), labelling every `label_every`-th column from the last.

    Each column links to `links[i]` when given.
    """
    width, height, bottom, left, right = 640, 220, 30, 40, 24  # margins keep the axis labels inside
    top = max((value for _, value in items), default=0) or 1
    slot = (width - left - right) / max(1, len(items))
    usable = height - bottom - 16
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}"></line>',
        f'<text class="value" x="{left - 6}" y="20" text-anchor="end">{escape(fmt(top))}</text>',
        f'<text class="value" x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        x = left + index * slot
        bar = value / top * usable
        column = (
            f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{height - bottom - bar:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar:.1f}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        parts.append(f'<a href="{escape(links[index])}">{column}</a>' if links else column)
        if (len(items) - 1 - index) % label_every == 0:  # the newest column is always labelled
            parts.append(
                f'<text class="label" x="{x + slot / 2:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
