"""An inline SVG bar chart of findings per region bucket, stacked by severity (no script)."""

from __future__ import annotations

from markupsafe import Markup, escape

from fundcheck.reports.base import Lang
from fundcheck.reports.digest import SEVERITIES, RegionSummary
from fundcheck.reports.ui_text import number, text

COLOURS = {"error": "#c0392b", "warning": "#e08e0b", "info": "#2e86c1"}
_LABEL_WIDTH = 230
_BAR_WIDTH = 460
_ROW_HEIGHT = 22
_LABEL_CHARS = 32


def region_bar_chart(regions: list[RegionSummary], lang: Lang) -> Markup:
    """Horizontal bars, one per region bucket, their length proportional to the findings."""
    largest = max((region.findings for region in regions), default=0) or 1
    height = _ROW_HEIGHT * len(regions) + 30
    width = _LABEL_WIDTH + _BAR_WIDTH + 70
    parts = [
        f'<svg class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(text("by_region", lang))}">'
    ]
    for index, region in enumerate(regions):
        y = index * _ROW_HEIGHT
        label = region.label if len(region.label) <= _LABEL_CHARS else region.label[:31] + "…"
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        x = float(_LABEL_WIDTH)
        for severity in SEVERITIES:
            count = region.count(severity)
            if not count:
                continue
            length = max(_BAR_WIDTH * count / largest, 1.0)
            colon = " : " if lang == "fr" else ": "
            tip = f"{region.label} — {text(severity, lang)}{colon}{number(count, lang)}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{_ROW_HEIGHT - 8}" '
                f'fill="{COLOURS[severity]}"><title>{escape(tip)}</title></rect>'
            )
            x += length
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{number(region.findings, lang)}</text>')
    parts.append(_legend(len(regions) * _ROW_HEIGHT + 8, lang))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(y: int, lang: Lang) -> str:
    items = []
    x = _LABEL_WIDTH
    for severity in SEVERITIES:
        items.append(
            f'<rect x="{x}" y="{y + 4}" width="12" height="12" fill="{COLOURS[severity]}"/>'
            f'<text x="{x + 16}" y="{y + 15}">{escape(text(severity, lang))}</text>'
        )
        x += 150
    return "".join(items)
