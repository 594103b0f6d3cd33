"""The demo package: one job per module, no import cycle, ceilings from the reference data."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fundcheck.demo
from fundcheck.checks.categories import ceiling
from fundcheck.demo.geography import geography
from fundcheck.reference import load_reference

PACKAGE = Path(fundcheck.demo.__file__).resolve().parent


def _demo_imports(path: Path) -> set[str]:
    """The modules of the demo package that a module imports (at any depth of its code)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.rsplit(".", 1)[-1] for name in names if name.startswith("fundcheck.demo.")}


def test_the_demo_modules_import_each_other_without_a_cycle() -> None:
    graph = {p.stem: _demo_imports(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert {"builder", "defects", "breaches", "writers", "generate"} <= set(graph)
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


@pytest.mark.parametrize("fund", ["ERDF", "ESF+", "JTF"])
def test_demo_ceilings_are_the_reference_ceilings_the_checks_apply(fund: str) -> None:
    """Each département's ceiling is the one the ceilings check reads for its category."""
    reference = load_reference()
    checked = 0
    for (departement, line_fund), rate in geography().max_rate.items():
        if line_fund != fund:
            continue
        nuts2 = reference.nuts2[reference.departements[departement].nuts2 or ""]
        expected = ceiling(
            "2021-2027", fund, nuts2.category_2021_2027, nuts2.outermost, None,
            "2021FR16FFPR001", None,
        )  # fmt: skip
        assert expected is not None and rate == expected.rate, (departement, fund)
        checked += 1
    assert checked > 90
