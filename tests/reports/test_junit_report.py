import xml.etree.ElementTree as ET

import pytest

from fundcheck.model import Severity
from fundcheck.reports import ReportOptions
from fundcheck.reports.junit_report import JunitReport


def render(result, tmp_path, lang="en", **options) -> ET.Element:
    (path,) = JunitReport().render(result, tmp_path, lang, ReportOptions(**options))
    assert path == tmp_path / "junit.xml"
    return ET.parse(path).getroot()


def failing(case: ET.Element) -> int:
    return int(case.find("properties/property[@name='failing']").get("value"))


@pytest.mark.parametrize("fail_on", [Severity.ERROR, Severity.WARNING, Severity.INFO, None])
def test_failure_counts_equal_the_findings_at_or_above_fail_on(sample_result, tmp_path, fail_on):
    root = render(sample_result, tmp_path, fail_on=fail_on)
    cases = root.findall("testsuite/testcase")
    expected = 0 if fail_on is None else sample_result.count_at_or_above(fail_on)
    assert sum(failing(case) for case in cases) == expected
    failed = [case for case in cases if case.find("failure") is not None]
    assert all(failing(case) > 0 for case in failed)
    assert int(root.get("failures")) == len(failed)
    assert int(root.get("tests")) == len(cases)
    for suite in root.findall("testsuite"):
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))


def test_one_suite_per_family_and_one_case_per_rule_and_region(sample_result, tmp_path):
    root = render(sample_result, tmp_path)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == ["eu.cci", "eu.dates", "eu21.art49", "fr.postcode", "read.normalised"]
    names = [case.get("name") for case in suites["eu21.art49"].findall("testcase")]
    assert names == [
        "eu21.art49.mandatory_field [11 Île-de-France]",
        "eu21.art49.mandatory_field [84 Auvergne-Rhône-Alpes]",
        "eu21.art49.mandatory_field [National / multi-regional]",
    ]
    (clean,) = suites["eu.dates"].findall("testcase")
    assert clean.get("name") == "eu.dates.start_before_end [all regions]"
    assert clean.find("failure") is None


def test_below_threshold_findings_pass_with_their_details_in_system_out(sample_result, tmp_path):
    root = render(sample_result, tmp_path, fail_on=Severity.ERROR)
    (case,) = root.findall("testsuite[@name='fr.postcode']/testcase")
    assert case.find("failure") is None
    out = case.find("system-out").text
    assert "warning: 2" in out and "row 7, @SUM(A1): EN Unknown postcode" in out


def test_failures_carry_the_count_the_legal_basis_and_at_most_n_examples(many_findings, tmp_path):
    root = render(many_findings(40), tmp_path, max_examples=2)
    case = root.find("testsuite[@name='eu21.art49']/testcase")
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message").startswith("10 × Mandatory field empty (11 Île-de-France)")
    assert "Legal basis: CPR (EU) 2021/1060 Art 49(3)" in failure.text
    assert failure.text.count("\n- ") == 2
    assert failure.text.endswith("and 8 more")


def test_control_characters_and_markup_in_the_data_keep_the_xml_valid(sample_result, tmp_path):
    root = render(sample_result, tmp_path)
    texts = [element.text or "" for element in root.iter("failure")]
    assert any("</script><script>alert(2)</script>" in text for text in texts)
    assert any("Empty summary \ufffd" in text for text in texts)


def test_french_messages(sample_result, tmp_path):
    root = render(sample_result, tmp_path, "fr")
    texts = " ".join(element.text or "" for element in root.iter("failure"))
    assert "Base juridique : " in texts and "FR Code CCI mal formé" in texts
    assert "EN Malformed CCI code" not in texts
