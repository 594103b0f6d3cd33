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


FOUNDATION = (
    "fundcheck.model",
    "fundcheck.errors",
    "fundcheck.display",
    "fundcheck.findings",
    "fundcheck.cper_model",
    "fundcheck.columns",
    "fundcheck.memory",
    "fundcheck.parallel",
    "fundcheck.stored_columns",
    "fundcheck.aside",
)
"""What every layer may use: the canonical model, errors, safe display, the findings table,
Arrow column helpers, giving freed memory back, a task in a forked process, the columns of a
large record set held on disk, findings put aside on disk."""
REFERENCE = ("fundcheck.reference", "fundcheck.cper_reference")
ALLOWED: dict[str, tuple[str, ...]] = {
    # reading sources: the model and the reference data (codes, regions, periods)
    "connectors": (*FOUNDATION, *REFERENCE, "fundcheck"),  # "fundcheck": the version string
    # record rules: the model and the reference data, never the readers
    "expectations": (*FOUNDATION, *REFERENCE),
    # aggregate rules: the same, never GX
    "checks": (*FOUNDATION, *REFERENCE),
    # renderers: what a run produced, never the reference data nor a layer's logic
    "reports": (*FOUNDATION, "fundcheck.diff_result"),
}
"""Which fundcheck modules each layer may import (besides its own package): an allowlist."""
FOUNDATION_ALLOWED = (*FOUNDATION, *REFERENCE)
"""The foundation and the reference data import only each other."""
GX_LAYERS = {"expectations"}


def _allowed(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == a or (a != "fundcheck" and name.startswith(a + ".")) for a in allowed)


def test_layers_import_only_what_the_allowlist_names():
    offences = []
    for layer, allowed in ALLOWED.items():
        for path in (ROOT / layer).rglob("*.py"):
            for name in _imports(path):
                own = name == f"fundcheck.{layer}" or name.startswith(f"fundcheck.{layer}.")
                if name.startswith("fundcheck") and not own and not _allowed(name, allowed):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
                if name.startswith("great_expectations") and layer not in GX_LAYERS:
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_the_foundation_imports_no_layer():
    offences = []
    for module in FOUNDATION_ALLOWED:
        parts = module.split(".")[1:]
        base = ROOT / "src" / "fundcheck" / Path(*parts)
        paths = list(base.glob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
        for path in paths:
            for name in _imports(path):
                if name.startswith("fundcheck.") and not _allowed(name, FOUNDATION_ALLOWED):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_the_allowlist_catches_a_forbidden_import(tmp_path):
    """The rule itself: a report importing the reference data is caught."""
    allowed = ALLOWED["reports"]
    assert not _allowed("fundcheck.reference", allowed)
    assert not _allowed("fundcheck.pipeline", allowed)
    assert _allowed("fundcheck.findings", allowed)
    assert _allowed("fundcheck.reference.lookups", ALLOWED["checks"])
    assert not _allowed("fundcheck.cli", ALLOWED["connectors"])


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


def test_the_main_command_module_stays_small():
    """cli.py parses, calls the pipeline and renders; other commands and output live elsewhere."""
    lines = (ROOT / "src" / "fundcheck" / "cli.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 300
