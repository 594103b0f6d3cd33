"""Start-up: the commands that validate nothing never import GX, and ``--help`` not even pandas.

Each command runs in a fresh interpreter (what a user's shell does), through a small runner that
calls the console script's entry point and then writes which modules were imported.
Speed itself is measured by scripts, not asserted here: a module that is not imported costs
nothing on any machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fundcheck.findings import findings_frame
from fundcheck.history import History
from fundcheck.model import Provenance, RunResult

DATA = Path(__file__).parent / "data"
LIST_2021 = DATA / "realfiles" / "20260316_liste_operations_extrait_9_regions.xlsx"
WATCHED = (
    "great_expectations",
    "pandas",
    "sqlalchemy",
    "scipy.stats",
    "altair",
    "jinja2",
    "xlsxwriter",
    "openpyxl",
)

RUNNER = f"""
import json, sys
from fundcheck.cli import main

report = sys.argv.pop(1)
sys.argv[0] = "fundcheck"
code = 0
try:
    main()  # the console script's entry point
except SystemExit as stop:
    code = stop.code or 0
watched = {WATCHED!r}
# a stand-in GX's deferred modules leave (no __spec__) is not an import
imported = [m for m in watched if getattr(sys.modules.get(m), "__spec__", None) is not None]
with open(report, "w", encoding="utf-8") as out:
    json.dump({{"exit": code, "imported": imported}}, out)
"""


def imported_by(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """The exit code of ``fundcheck ARGS`` in a fresh interpreter, and the watched modules it
    imported."""
    report = tmp_path / "imported.json"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(report), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert report.exists(), done.stderr
    found = json.loads(report.read_text(encoding="utf-8"))
    return int(found["exit"]), set(found["imported"])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "--help"],
        ["diff", "--help"],
        ["rules", "--help"],
        ["inspect", "--help"],
        ["template", "--help"],
        ["history", "--help"],
        ["--version"],
    ],
)
def test_help_imports_neither_gx_nor_pandas(tmp_path, args):
    code, imported = imported_by(tmp_path, *args)
    assert code == 0
    assert imported == set()


@pytest.mark.parametrize("args", [["rules"], ["rules", "--json"], ["rules", "--lang", "en"]])
def test_rules_import_no_gx_no_database_and_no_renderer(tmp_path, args):
    code, imported = imported_by(tmp_path, *args)
    assert code == 0
    # the catalogue reads the suites and the checks (pandas), never GX, SQLAlchemy or a renderer
    assert imported == {"pandas"}


def test_inspect_does_not_import_gx(tmp_path):
    code, imported = imported_by(tmp_path, "inspect", str(LIST_2021), "--json")
    assert code == 0
    assert "pandas" in imported  # it did read the source
    assert "great_expectations" not in imported and "scipy.stats" not in imported


def test_template_and_inspecting_a_cper_workbook_do_not_import_gx(tmp_path):
    code, imported = imported_by(tmp_path, "template", "cper", "--region", "53")
    workbook = tmp_path / "modele_suivi_cper_53.xlsx"
    assert code == 0 and workbook.exists()
    assert "great_expectations" not in imported and "scipy.stats" not in imported
    code, imported = imported_by(tmp_path, "inspect", str(workbook), "--json")
    assert code == 0
    assert "great_expectations" not in imported and "scipy.stats" not in imported


def test_history_does_not_import_gx(tmp_path):
    store = tmp_path / "runs.sqlite"
    run = RunResult(
        fundcheck_version="test",
        generated_at="2026-04-01T00:00:00+00:00",
        sources=[Provenance(name="liste.csv", location="liste.csv", format="csv", rows=0)],
        suites=[],
        rules=[],
        records=0,
        findings=findings_frame([]),
    )
    with History(store) as history:
        history.record(run)
    for args in (
        ["history", "--history", str(store)],
        ["history", "--history", str(store), "--json"],
    ):
        code, imported = imported_by(tmp_path, *args)
        assert code == 0
        assert "sqlalchemy" in imported  # it did open the history
        assert "great_expectations" not in imported and "scipy.stats" not in imported


def test_validate_imports_gx_but_not_what_gx_imports_for_other_expectations(tmp_path):
    """The checks above could not pass by accident: a validation does import GX (and pandas,
    and the renderers it writes with); SciPy's statistics and Altair, which GX imports for the
    KL-divergence expectation only, stay deferred (``engine.GX_DEFERRED``)."""
    args = ["validate", str(LIST_2021), "--as-of", "2026-04-01", "--fail-on", "never"]
    args += ["--report", "json,html", "--jobs", "1"]  # GX starts in this process
    code, imported = imported_by(tmp_path, *args)
    assert code == 0
    assert {"great_expectations", "pandas", "jinja2"} <= imported
    assert "scipy.stats" not in imported and "altair" not in imported
    # the process ended with the collector frozen (cli.main): the reports are whole
    report = json.loads((tmp_path / "fundcheck-report" / "report.json").read_text("utf-8"))
    assert report["summary"]["records"] == 180 and len(report["findings"]) == 116
    page = (tmp_path / "fundcheck-report" / "report.html").read_text("utf-8")
    assert page.rstrip().endswith("</html>")


def test_with_the_engine_ahead_the_main_process_never_imports_gx(tmp_path):
    """``--jobs 2`` in a new process: GX starts and finds the failing rows in a child started
    ahead; the main process reads, checks and reports without it, to the same findings."""
    args = ["validate", str(LIST_2021), "--as-of", "2026-04-01", "--fail-on", "never"]
    code, imported = imported_by(tmp_path, *args, "--report", "json", "--jobs", "2")
    assert code == 0 and "pandas" in imported
    assert "great_expectations" not in imported
    report = json.loads((tmp_path / "fundcheck-report" / "report.json").read_text("utf-8"))
    assert report["summary"]["records"] == 180 and len(report["findings"]) == 116


def test_validating_a_text_list_imports_no_workbook_reader(tmp_path):
    """openpyxl (0.1 s) is imported for a workbook only (to tell a CPER workbook)."""
    text_list = DATA / "realfiles" / "ListOfOperations_20160513.head260.csv"
    args = ["validate", str(text_list), "--as-of", "2026-04-01", "--fail-on", "never"]
    code, imported = imported_by(tmp_path, *args, "--jobs", "1")
    assert code == 0 and "great_expectations" in imported
    assert "openpyxl" not in imported


def test_validate_imports_only_the_renderers_it_writes_with(tmp_path):
    """The output folder is checked before the run without importing a renderer; the JSON
    report needs neither Jinja2 nor XlsxWriter (0.1 s of imports; GX, which imports Jinja2,
    runs in the engine's process with ``--jobs 2``)."""
    args = ["validate", str(LIST_2021), "--as-of", "2026-04-01", "--fail-on", "never"]
    code, imported = imported_by(tmp_path, *args, "--report", "json", "--jobs", "2")
    assert code == 0 and "great_expectations" not in imported
    assert (tmp_path / "fundcheck-report" / "report.json").exists()
    assert "jinja2" not in imported and "xlsxwriter" not in imported


def test_validate_without_reports_imports_no_renderer(tmp_path):
    args = ["validate", str(LIST_2021), "--as-of", "2026-04-01", "--fail-on", "never"]
    code, imported = imported_by(tmp_path, *args, "--jobs", "1")
    assert code == 0 and "great_expectations" in imported
    assert "xlsxwriter" not in imported  # the XLSX renderer's and the CPER template's writer
