"""Draw a playbook's risk matrix (likelihood by impact of its causes) as inline SVG.

Drawn here, at build time, so the picture needs no JavaScript and no CDN, prints, works
offline and reads the same in every engine. Screen readers get the same facts from the
``<title>`` and ``<desc>``; the numbered list under the figure links each cause.
"""

from __future__ import annotations

import html
import math

from markupsafe import Markup

from generator.model import LEVELS, Cause

CELL_WIDTH = 96
CELL_HEIGHT = 72
LEFT = 84
"""Room for the impact axis labels."""
TOP = 8
BOTTOM = 52
"""Room for the likelihood axis labels."""
MARKER_RADIUS = 11
MARKERS_PER_ROW = 3
SEVERITY_FILLS = ("#dcefd9", "#eef3c9", "#fff0bf", "#fcd7b4", "#f7c1bd")
"""Cell colours by likelihood + impact (0 to 4): green, through yellow, to red. Pale, so the
dark markers keep their contrast in light and dark mode alike."""
MARKER_FILL = "#1d2440"
MARKER_TEXT = "#ffffff"

_LEVELS = list(LEVELS)


def risk_matrix_svg(causes: list[Cause]) -> Markup:
    """A ``<figure>`` holding the SVG; each cause is a numbered marker, numbered in order."""
    size = len(_LEVELS)
    width = LEFT + size * CELL_WIDTH + 8
    height = TOP + size * CELL_HEIGHT + BOTTOM
    parts = [
        f'<svg class="risk-matrix__chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'aria-labelledby="risk-matrix-title risk-matrix-desc">',
        f'<title id="risk-matrix-title">{_text(_title(causes))}</title>',
        f'<desc id="risk-matrix-desc">{_text(_description(causes))}</desc>',
        *_cells(),
        *_axes(width, height),
        *_markers(causes),
        "</svg>",
    ]
    return Markup('<figure class="risk-matrix">' + "".join(parts) + "</figure>")


def _title(causes: list[Cause]) -> str:
    count = len(causes)
    return f"Risk matrix: likelihood and impact of {count} cause{'s' * (count != 1)}"


def _description(causes: list[Cause]) -> str:
    return " ".join(
        f"{number}. {cause.title}: likelihood {LEVELS[cause.likelihood].lower()}, "
        f"impact {LEVELS[cause.impact].lower()}."
        for number, cause in enumerate(causes, start=1)
    )


def _cells() -> list[str]:
    cells = []
    for column in range(len(_LEVELS)):
        for row in range(len(_LEVELS)):
            x, y = _cell_origin(column, row)
            fill = SEVERITY_FILLS[column + row]
            cells.append(
                f'<rect x="{x}" y="{y}" width="{CELL_WIDTH}" height="{CELL_HEIGHT}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            )
    return cells


def _axes(width: int, height: int) -> list[str]:
    """Level names along both axes and the axis names, in the page's own text colour."""
    labels = ['<g fill="currentColor" font-size="13">']
    for index, level in enumerate(_LEVELS):
        x, _ = _cell_origin(index, 0)
        labels.append(
            f'<text x="{x + CELL_WIDTH // 2}" y="{TOP + len(_LEVELS) * CELL_HEIGHT + 18}" '
            f'text-anchor="middle">{_text(LEVELS[level])}</text>'
        )
        _, y = _cell_origin(0, index)
        labels.append(
            f'<text x="{LEFT - 8}" y="{y + CELL_HEIGHT // 2 + 4}" '
            f'text-anchor="end">{_text(LEVELS[level])}</text>'
        )
    middle = TOP + len(_LEVELS) * CELL_HEIGHT // 2
    labels += [
        f'<text x="{LEFT + len(_LEVELS) * CELL_WIDTH // 2}" y="{height - 8}" '
        'text-anchor="middle" font-weight="bold">Likelihood</text>',
        f'<text x="14" y="{middle}" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 14 {middle})">Impact</text>',
        "</g>",
    ]
    return labels


def _markers(causes: list[Cause]) -> list[str]:
    by_cell: dict[tuple[int, int], list[int]] = {}
    for number, cause in enumerate(causes, start=1):
        cell = (_LEVELS.index(cause.likelihood), _LEVELS.index(cause.impact))
        by_cell.setdefault(cell, []).append(number)
    markers = ['<g font-size="12" font-weight="bold" text-anchor="middle">']
    for (column, row), numbers in sorted(by_cell.items()):
        x0, y0 = _cell_origin(column, row)
        rows = math.ceil(len(numbers) / MARKERS_PER_ROW)
        step_y = min(2 * MARKER_RADIUS + 4, (CELL_HEIGHT - 8) / rows)
        step_x = 2 * MARKER_RADIUS + 6
        for index, number in enumerate(numbers):
            row_index, place = divmod(index, MARKERS_PER_ROW)
            in_row = min(MARKERS_PER_ROW, len(numbers) - row_index * MARKERS_PER_ROW)
            x = x0 + CELL_WIDTH / 2 + (place - (in_row - 1) / 2) * step_x
            y = y0 + CELL_HEIGHT / 2 + (row_index - (rows - 1) / 2) * step_y
            markers.append(
                f'<circle cx="{x:g}" cy="{y:g}" r="{MARKER_RADIUS}" fill="{MARKER_FILL}"/>'
                f'<text x="{x:g}" y="{y + 4:g}" fill="{MARKER_TEXT}">{number}</text>'
            )
    markers.append("</g>")
    return markers


def _cell_origin(column: int, row: int) -> tuple[int, int]:
    """Top-left corner of a cell; row 0 is low impact, drawn at the bottom."""
    return LEFT + column * CELL_WIDTH, TOP + (len(_LEVELS) - 1 - row) * CELL_HEIGHT


def _text(value: str) -> str:
    return html.escape(value, quote=True)
