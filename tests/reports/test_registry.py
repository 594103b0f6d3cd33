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
