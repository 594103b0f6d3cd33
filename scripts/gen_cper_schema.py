"""Write docs/cper_schema.md, the schema of the CPER exchange workbook, from the model.

Run ``.venv/bin/python scripts/gen_cper_schema.py``; ``tests/cper/test_template.py`` fails when
the file is out of date.
"""

from __future__ import annotations

from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "docs" / "cper_schema.md"


def render() -> str:
    from fundcheck.cper_model import TABLES, Unit

    lines = [
        "# CPER follow-up workbook — schema",
        "",
        "Generated from `src/fundcheck/cper_model.py` by `scripts/gen_cper_schema.py`. Written by",
        "`fundcheck template cper`; read back by `fundcheck validate`. One sheet per table,",
        "headers in row 1 (the French label; the canonical name too; accents and case ignored).",
        "Amounts are numbers in the unit of cell B of the `LISEZMOI` sheet "
        f"({', '.join(u.value for u in Unit)}), converted to euros (decimals, cents) on reading.",
        "Execution rows are yearly flows; a negative AE is a commitment withdrawal.",
        "",
    ]
    for spec in TABLES:
        lines += [f"## Sheet `{spec.sheet}` (`{spec.name}`)", "", spec.doc_en, ""]
        lines += [f"Key: {', '.join(f'`{k}`' for k in spec.key)}.", ""]
        lines += ["| header (fr) | field | type | values |", "|---|---|---|---|"]
        for field in spec.fields:
            values = ", ".join(spec.choices.get(field.name, ()))
            lines.append(f"| {field.label_fr} | `{field.name}` | {field.type.value} | {values} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
