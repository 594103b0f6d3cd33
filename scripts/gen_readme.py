"""Regenerate the generated sections of README.md (CLI reference, rules catalogue, demo defects).

Run ``.venv/bin/python scripts/gen_readme.py``; ``tests/test_docs.py`` fails when README.md is
out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

README = Path(__file__).resolve().parents[1] / "README.md"


def cli_reference() -> str:
    from fundcheck.cli import cli

    parts = []
    for name in sorted(cli.commands):
        result = CliRunner().invoke(cli, [name, "--help"], terminal_width=100)
        text = result.output.replace("Usage: cli", "Usage: fundcheck").rstrip()
        parts.append(f"### `fundcheck {name}`\n\n```\n{text}\n```")
    return "## Command reference\n\n" + "\n\n".join(parts)


def rules_catalogue() -> str:
    from fundcheck.catalogue import all_rules

    lines = [
        "## Rules catalogue",
        "",
        "Generated from the rules themselves (`fundcheck rules --json`). Status: V verified in the",
        "legal text, C corroborated, U unverified (an unverified rule is never an error).",
        "",
        "| rule | severity | origin | title | legal basis | status |",
        "|---|---|---|---|---|---|",
    ]
    for rule in all_rules():
        title = f"{rule.title_en} / *{rule.title_fr}*"
        basis = rule.legal_basis.replace("|", "\\|")
        lines.append(
            f"| `{rule.id}` | {rule.severity.value} | {rule.origin} | {title} | {basis} "
            f"| {rule.status} |"
        )
    return "\n".join(lines)


def demo_defects() -> str:
    from fundcheck import demo

    doc = demo.__doc__ or ""
    table = re.search(r"(=+  =+  =+\n.*?\n=+  =+  =+\n.*?\n=+  =+  =+)", doc, re.S)
    body = table.group(1) if table else ""
    return (
        "## The demo list and its injected defects\n\n"
        "`fundcheck demo` writes and validates a deterministic list of about 2,000 "
        "operations in the exact national 2021-2027 format (18 regions, real CCIs, specific "
        "objectives, intervention fields and postcodes). One row per defect below is altered; "
        "the golden test (`tests/test_golden_demo.py`) asserts each is found exactly once, in "
        "its row and region, "
        "and that nothing else reaches warning or error.\n\n```\n" + body + "\n```"
    )


def cper_demo_defects() -> str:
    from collections import Counter

    from fundcheck.demo import generate_demo
    from fundcheck.demo.cper import generate_cper_demo
    from fundcheck.demo.cper_files import eu_frame

    demo = generate_cper_demo(eu_frame(generate_demo()))
    counts = Counter(d.rule for d in demo.defects)
    described = {d.rule: d.description for d in demo.defects}
    lines = [
        "### The CPER demo and its injected defects",
        "",
        "`fundcheck demo` also writes three CPER workbooks (13 regions, 2021-2027 plus a 2015-2020",
        "tail; see `src/fundcheck/demo/cper.py`) and validates them with the demo list, so the",
        f"EU/CPER overlap shows ({demo.eu_matches} CPER operations are also in the list). The",
        "golden test (`tests/cper/test_golden_cper_demo.py`) finds each defect below exactly once,",
        "in its region (and operation, file or row), and no other CPER warning or error; the",
        "negative annual AE (legal withdrawals) must stay notes.",
        "",
        "| rule | injected | defect |",
        "|---|---|---|",
    ]
    for rule in sorted(counts):
        lines.append(f"| `{rule}` | {counts[rule]} | {described[rule]} |")
    return "\n".join(lines)


def parameters_table() -> str:
    from fundcheck.parameters import parameters_by_rule, run_parameters_model

    rules: dict[str, list[str]] = {}
    for rule_id, names in parameters_by_rule().items():
        for name in names:
            rules.setdefault(name, []).append(rule_id)
    lines = ["| parameter | default | bounds | what it sets | rules |", "|---|---|---|---|---|"]
    for name, info in sorted(run_parameters_model().model_fields.items()):
        if name == "as_of":
            continue
        signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
        bounds = ", ".join(
            f"{sign} {getattr(m, key):g}"
            for m in info.metadata
            for key, sign in signs.items()
            if hasattr(m, key)
        )
        used = ", ".join(f"`{r}`" for r in sorted(rules.get(name, [])))
        description = (info.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | {info.default} | {bounds} | {description} | {used} |")
    return "\n".join(lines)


SECTIONS = {
    "cli": cli_reference,
    "parameters": parameters_table,
    "rules": rules_catalogue,
    "demo": demo_defects,
    "cper_demo": cper_demo_defects,
}


def render(text: str) -> str:
    for name, build in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, b=build: m.group(1) + b() + "\n" + m.group(2), text)
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    updated = render(current)
    if "--check" in sys.argv:
        return int(updated != current)
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
