"""The package layout and the dependency rule between layers."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"checks", "connectors", "expectations", "reports"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_and_flat():
    setuptools = _pyproject()["tool"]["setuptools"]
    packages = set(setuptools["packages"])
    dirs = setuptools["package-dir"]
    for package in packages:
        folder = ROOT / dirs.get(package, dirs["fundcheck"] + "/" + package.split(".")[-1])
        assert (folder / "__init__.py").exists(), package
        nested = [p for p in folder.iterdir() if (p / "__init__.py").exists()]
        for sub in nested:
            assert f"{package}.{sub.name}" in packages, f"{sub} would be left out of the wheel"
    assert {f"fundcheck.{layer}" for layer in LAYERS} <= packages


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_dependency_rule_between_layers():
    """connectors see only the model and reference; checks never import GX; reports never import
    GX nor connectors; no layer imports the pipeline."""
    forbidden = {
        "connectors": (
            "fundcheck.expectations",
            "fundcheck.checks",
            "fundcheck.reports",
            "great_expectations",
        ),
        "checks": (
            "great_expectations",
            "fundcheck.expectations",
            "fundcheck.connectors",
            "fundcheck.reports",
        ),
        "reports": (
            "great_expectations",
            "fundcheck.connectors",
            "fundcheck.expectations",
            "fundcheck.checks",
        ),
        "expectations": ("fundcheck.connectors", "fundcheck.checks", "fundcheck.reports"),
    }
    offences = []
    for layer, banned in forbidden.items():
        for path in (ROOT / layer).glob("*.py"):
            for name in _imports(path):
                if name.startswith(banned) or name in ("fundcheck.pipeline", "fundcheck.cli"):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_no_bare_layer_imports():
    offences = []
    for path in ROOT.glob("**/*.py"):
        if ".venv" in path.parts or "build" in path.parts:
            continue
        for name in _imports(path):
            if name.split(".")[0] in LAYERS:
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_product_never_reads_the_shared_folder():
    offences = []
    for folder in ("src", *LAYERS, "tests", "bench"):
        for path in (ROOT / folder).glob("**/*.py"):
            if path.name != "test_layout.py" and "/shared/" in path.read_text(encoding="utf-8"):
                offences.append(str(path.relative_to(ROOT)))
    assert offences == []
