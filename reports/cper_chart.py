"""The CPER execution chart of a region (HTML report): per contract and financer, the share of
the contracted credits committed (AE) and paid (CP), against the theoretical rate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from fundcheck.reports.base import Lang

WIDTH, BAR, GAP, LABEL = 360, 9, 8, 230
TITLE = {
    "fr": "Exécution CPER : AE et CP engagés / contractualisé, trait = taux théorique",
    "en": "CPER execution: AE and CP against contracted credits, line = theoretical rate",
}


def _pct(value: float, lang: Lang) -> str:
    text = f"{value * 100:.1f} %"
    return text.replace(".", ",") if lang == "fr" else text


def execution_chart(rows: Sequence[Mapping[str, Any]], lang: Lang) -> Markup:
    """An inline SVG bar chart (empty when the region has no CPER execution)."""
    if not rows:
        return Markup("")
    height = len(rows) * (2 * BAR + GAP) + 24
    scale = WIDTH / max(1.0, *(max(r["ae"], r["cp"], r["theoretical"]) for r in rows))
    parts = [
        f'<figure class="cper-chart"><figcaption>{escape(TITLE[lang])}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL + WIDTH + 70}" '
        f'height="{height}" role="img" aria-label="{escape(TITLE[lang])}">'
    ]
    for i, row in enumerate(rows):
        y = 4 + i * (2 * BAR + GAP)
        label = escape(f"{row['contract']} — {row['financer']}")
        ae, cp, theory = (float(row[k]) for k in ("ae", "cp", "theoretical"))
        title = escape(
            f"AE {_pct(ae, lang)}, CP {_pct(cp, lang)}, "
            f"{'théorique' if lang == 'fr' else 'theoretical'} {_pct(theory, lang)}"
        )
        parts.append(
            f"<g><title>{title}</title>"
            f'<text x="0" y="{y + BAR + 3}" font-size="11">{label}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{ae * scale:.1f}" height="{BAR}" fill="#2f6fb0"/>'
            f'<rect x="{LABEL}" y="{y + BAR}" width="{cp * scale:.1f}" height="{BAR}" '
            f'fill="#8fbbe6"/>'
            f'<line x1="{LABEL + theory * scale:.1f}" x2="{LABEL + theory * scale:.1f}" '
            f'y1="{y - 2}" y2="{y + 2 * BAR + 2}" stroke="#c0392b" stroke-width="2"/>'
            f'<text x="{LABEL + max(ae, cp, theory) * scale + 6:.1f}" y="{y + BAR + 3}" '
            f'font-size="11">{escape(_pct(ae, lang))}</text></g>'
        )
    parts.append("</svg></figure>")
    return Markup("".join(parts))
