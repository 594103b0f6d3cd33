import pytest

from fundcheck.findings import findings_frame
from fundcheck.reports import REPORTS, ReportOptions


def test_every_file_format_is_registered():
    assert sorted(REPORTS) == ["html", "json", "junit", "liaison", "markdown", "xlsx"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_renderer_writes_its_files_even_without_findings(sample_result, tmp_path, name, lang):
    sample_result.findings = findings_frame([])
    paths = REPORTS[name]().render(sample_result, tmp_path / "out", lang, ReportOptions())
    assert paths
    for path in paths:
        assert path.parent == tmp_path / "out"
        assert path.stat().st_size > 0


def test_options_reject_negative_limits():
    with pytest.raises(ValueError, match="negative"):
        ReportOptions(max_rows_per_region=-1)


def test_a_format_registered_twice_is_refused():
    from fundcheck.reports import register

    class Other:
        format = "json"

        def render(self, result, out_dir, lang, options=None):  # pragma: no cover - never run
            return []

    with pytest.raises(ValueError, match="registered twice"):
        register(Other)
    assert REPORTS["json"].__name__ == "JsonReport"


def test_the_command_line_offers_exactly_the_registered_formats():
    from click.testing import CliRunner

    from fundcheck.cli import cli
    from fundcheck.reports import DIFF_REPORTS, demo_formats

    runner = CliRunner()
    validate_help = " ".join(runner.invoke(cli, ["validate", "--help"]).output.split())
    assert f"to write: {', '.join(REPORTS)}." in validate_help
    diff_help = " ".join(runner.invoke(cli, ["diff", "--help"]).output.split())
    assert f"to write: {', '.join(DIFF_REPORTS)}." in diff_help
    assert "liaison" not in demo_formats() and set(demo_formats()) < set(REPORTS)
    refused = runner.invoke(cli, ["validate", "x.csv", "--report", "pdf"])
    assert refused.exit_code == 2 and "choose among html, json" in refused.output


def test_the_format_names_known_at_start_up_are_the_registered_ones():
    """The command line reads the names from ``formats`` without importing a renderer: a module
    that registers a new format must also name it there, in registry order."""
    from fundcheck.reports import DIFF_REPORTS
    from fundcheck.reports.formats import DIFF_FORMATS, REPORT_FORMATS

    assert tuple(REPORTS) == REPORT_FORMATS
    assert tuple(DIFF_REPORTS) == DIFF_FORMATS


def test_the_registry_is_complete_whichever_renderer_is_imported_first():
    """A fresh interpreter that imports one renderer module, then asks the package for the
    registry, sees every format (the package imports them all on first use)."""
    import subprocess
    import sys

    code = (
        "import fundcheck.reports.json_report, fundcheck.reports as r; print(','.join(r.REPORTS))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "html,json,junit,liaison,markdown,xlsx"


def test_the_modules_and_files_known_at_start_up_are_the_renderers():
    """Before a run the output folder is checked against the files the formats write, and a run
    imports only the renderers it writes with: both tables must match the registry."""
    from fundcheck.reports.formats import REPORT_FILES, REPORT_MODULES

    assert set(REPORT_FILES) == set(REPORT_MODULES) == set(REPORTS)
    for name, report in REPORTS.items():
        assert report.__module__ == f"fundcheck.reports.{REPORT_MODULES[name]}"
        assert REPORT_FILES[name] == getattr(report, "file_name", None)


def test_severity_ranks_are_looked_up_per_distinct_severity():
    import pandas as pd

    from fundcheck.reports.digest import SEVERITY_RANK, severity_ranks

    severity = pd.Series(pd.array(["error", None, "info", "unknown", "error"], dtype="str"))
    ranks = severity_ranks(severity)
    assert ranks.tolist()[::2] == [SEVERITY_RANK["error"], SEVERITY_RANK["info"], 3.0]
    assert ranks.isna().tolist() == [False, True, False, True, False]
