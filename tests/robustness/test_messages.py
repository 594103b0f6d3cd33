"""Bad parameters are named with their file; text from data and file names reaches the
terminal as text, never as markup nor escape sequences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from fundcheck.cli import ExitCode
from fundcheck.display import markup_safe, printable
from tests.robustness.conftest import Case


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("[parameters]\nsplit_title_similarity = 1e400\n", "split_title_similarity"),
        ("[parameters]\nsplit_title_similarity = -5\n", "split_title_similarity"),
        ("[parameters]\nsplit_title_similarity = 101\n", "split_title_similarity"),
        ("[parameters]\nrate_tolerance = -1\n", "rate_tolerance"),
        ("[parameters]\nrate_tolerance = nan\n", "rate_tolerance"),
        ("[parameters]\nrate_tolerance = inf\n", "rate_tolerance"),
        ('[parameters]\nrate_tolerance = "beaucoup"\n', "rate_tolerance"),
        ("[parameters]\nrate_tolerence = 0.01\n", "rate_tolerence"),
        ("[parameters]\noutlier_min_group = 2.5\n", "outlier_min_group"),
        ('[parameters]\neligibility_start = "hier"\n', "eligibility_start"),
        ('[validate]\nlangue = "fr"\n', "langue"),
        ("[limits]\nmax_sheet_cells = 0\n", "max_sheet_cells"),
        ("[limits]\nmax_compression_ratio = inf\n", "max_compression_ratio"),
        ("[rapport]\nx = 1\n", "rapport"),
    ],
)
def test_every_parameter_is_checked_and_named_with_its_file(
    case: Case, small_csv: Path, content: str, named: str
) -> None:
    config = case.work / "params.toml"
    config.write_text(content, encoding="utf-8")
    case.sources = [small_csv, config]
    outcome = case.invoke("validate", small_csv, "--config", config)
    case.check(outcome, ExitCode.EXECUTION, names=["params.toml", named])


def test_a_binary_configuration_file_is_named(case: Case, small_csv: Path) -> None:
    config = case.work / "fundcheck.toml"
    config.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 10)
    case.sources = [small_csv, config]
    outcome = case.invoke("validate", small_csv)
    case.check(outcome, ExitCode.EXECUTION, names=["fundcheck.toml", "invalid TOML"])


def test_valid_parameters_still_apply(case: Case, small_csv: Path) -> None:
    config = case.work / "fundcheck.toml"
    config.write_text(
        "[parameters]\nrate_tolerance = 0\nsplit_title_similarity = 95\n"
        'as_of = "2026-03-16"\n[limits]\nmax_cell_chars = 1000\n',
        encoding="utf-8",
    )
    case.sources = [small_csv, config]
    outcome = case.invoke("validate", small_csv, "--fail-on", "never")
    case.check(outcome, ExitCode.OK)


HOSTILE = "liste [blink]x[link=https:evil]y \x1b[31mrouge\x1b]8;;https:e\x07.csv"


def test_a_hostile_file_name_prints_as_text(case: Case, small_csv: Path) -> None:
    path = case.work / HOSTILE
    shutil.copy(small_csv, path)
    case.sources = [path]
    for command in (["validate", path, "--fail-on", "never"], ["inspect", path]):
        outcome = case.invoke(*command)
        case.check(outcome, ExitCode.OK)
        assert "\x1b" not in outcome.output and "\x07" not in outcome.output
        flat = "".join(outcome.output.split())
        assert "[blink]x[link=https:evil]y" in flat
        assert "\\x1b[31mrouge" in flat
    missing = case.work / ("absent " + HOSTILE)
    outcome = case.invoke("validate", missing)
    case.check(outcome, ExitCode.EXECUTION, names=["[blink]x[link=https:evil]y", "\\x1b[31m"])
    assert "\x1b" not in outcome.output


def test_messages_with_brackets_print_whole() -> None:
    console = Console(record=True, width=200)
    console.print(f"note: {markup_safe(chr(34) + 'pip install ' + repr('fundcheck[pdf]'))}")
    assert "pip install 'fundcheck[pdf]'" in console.export_text()
    assert printable("a\udce9b\x1b[0m\u2028") == "a\\xe9b\\x1b[0m\\u2028"


def test_paths_and_cells_with_brackets_print_whole_in_template_and_cper_inspect(
    tmp_path: Path,
) -> None:
    """Rich markup in a file name or a workbook cell is printed as written, never interpreted
    (a path "suivi[bold]52.xlsx" used to lose its "[bold]")."""
    from click.testing import CliRunner

    from fundcheck.cli import cli

    path = tmp_path / "suivi[bold]52[/bold].xlsx"
    runner = CliRunner()
    written = runner.invoke(cli, ["template", "cper", "--region", "52", "--output", str(path)])
    assert written.exit_code == 0, written.output
    assert "suivi[bold]52[/bold].xlsx" in "".join(written.output.split())
    inspected = runner.invoke(cli, ["inspect", str(path)])
    assert inspected.exit_code == 0, inspected.output
    assert "suivi[bold]52[/bold].xlsx" in "".join(inspected.output.split())
