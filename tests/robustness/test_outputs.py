"""Reports never replace a source, never go through a link, appear as a whole set or not at
all, and a read-only target stops the run before anything is written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from fundcheck.cli import ExitCode
from tests.robustness.conftest import Case, sha256, tree


def test_a_source_named_like_a_report_is_never_overwritten(case: Case, small_xlsx: Path) -> None:
    out = case.work / "out"
    out.mkdir()
    source = out / "report.xlsx"
    shutil.copy(small_xlsx, source)
    case.sources = [source]
    outcome = case.invoke("validate", source, "--output", out, "--report", "xlsx,json")
    case.check(
        outcome, ExitCode.EXECUTION, names=["report.xlsx", "overwrite the source"], output=out
    )
    assert sorted(os.listdir(out)) == ["report.xlsx"]


def test_a_hard_link_to_the_source_is_the_source(case: Case, small_csv: Path) -> None:
    out = case.work / "out"
    out.mkdir()
    os.link(small_csv, out / "report.json")
    case.sources = [small_csv]
    outcome = case.invoke("validate", small_csv, "--output", out, "--report", "json")
    case.check(
        outcome, ExitCode.EXECUTION, names=["report.json", "overwrite the source"], output=out
    )


def test_a_report_path_that_is_a_symlink_is_refused(case: Case, small_csv: Path) -> None:
    victim = case.work / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = case.work / "out"
    out.mkdir()
    (out / "report.json").symlink_to("../victim.txt")
    case.sources = [small_csv, victim]
    outcome = case.invoke("validate", small_csv, "--output", out, "--report", "json,html")
    case.check(outcome, ExitCode.EXECUTION, names=["report.json", "symbolic link"], output=out)
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_a_complete_set_and_its_manifest(case: Case, small_xlsx: Path) -> None:
    """xlsxwriter's temporary files stay in the output folder and go; the manifest lists
    every report with its sha256."""
    out = case.work / "out"
    case.sources = [small_xlsx]
    formats = "json,html,xlsx,junit,markdown"
    outcome = case.invoke("validate", small_xlsx, "--output", out, "--report", formats)
    case.check(outcome, ExitCode.OK, output=out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == {"report.json", "report.html", "report.xlsx", "junit.xml", "summary.md"}
    assert all(sha256(out / name) == digest for name, digest in listed.items())
    assert sorted(os.listdir(out)) == sorted([*listed, "manifest.json"])


def test_an_output_path_that_is_a_file_is_refused(case: Case, small_csv: Path) -> None:
    out = case.work / "out"
    out.write_text("not a folder", encoding="utf-8")
    case.sources = [small_csv, out]
    outcome = case.invoke("validate", small_csv, "--output", out, "--report", "json")
    case.check(outcome, ExitCode.EXECUTION, names=["out", "not a folder"])


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root needs setpriv"
)
def test_read_only_targets_stop_the_run_before_anything_is_written(
    case: Case, small_csv: Path
) -> None:
    folder = case.work / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    case.sources = [small_csv]
    outcome = case.spawn(
        "validate", small_csv, "--output", folder, "--report", "json", unprivileged=True
    )
    case.check(outcome, ExitCode.EXECUTION, names=["locked", "not writable"], output=folder)

    out = case.work / "out"
    out.mkdir()
    (out / "report.json").write_text("{}", encoding="utf-8")
    (out / "report.json").chmod(0o444)
    before = tree(out)
    outcome = case.spawn(
        "validate", small_csv, "--output", out, "--report", "html,json", unprivileged=True
    )
    case.check(outcome, ExitCode.EXECUTION, names=["report.json", "read-only"], output=out)
    assert tree(out) == before

    small_csv.chmod(0o000)
    outcome = case.spawn("validate", small_csv, "--output", out, unprivileged=True)
    small_csv.chmod(0o644)
    case.check(outcome, ExitCode.EXECUTION, names=["liste.csv", "cannot be read"])


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_missing_source_or_a_folder_exits_3(case: Case, kind: str) -> None:
    path = case.work / "absent.csv"
    if kind == "folder":
        path.mkdir()
    outcome = case.invoke("validate", path)
    case.check(outcome, ExitCode.EXECUTION, names=["absent.csv"])
    outcome = case.invoke("inspect", path)
    case.check(outcome, ExitCode.EXECUTION, names=["absent.csv"])


def test_diff_reports_are_checked_before_the_editions_are_read(case: Case, small_csv: Path) -> None:
    victim = case.work / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = case.work / "diff"
    out.mkdir()
    (out / "diff.json").symlink_to("../victim.txt")
    case.sources = [small_csv, victim]
    outcome = case.invoke("diff", small_csv, small_csv, "--output", out, "--report", "json,html")
    case.check(outcome, ExitCode.EXECUTION, names=["diff.json", "symbolic link"], output=out)


def test_demo_into_a_file_is_an_execution_error(case: Case) -> None:
    target = case.work / "demo"
    target.write_text("a file", encoding="utf-8")
    case.sources = [target]
    outcome = case.invoke("demo", "--output", target)
    case.check(outcome, ExitCode.EXECUTION, names=["demo", "not a folder"])
