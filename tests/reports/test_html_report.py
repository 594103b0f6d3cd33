import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fundcheck.reports import ReportOptions
from fundcheck.reports.html_report import HtmlReport, script_json

DATA_BLOCK = re.compile(
    r'<script type="application/json" class="findings-data">(.*?)</script>', re.S
)


def render(result, tmp_path: Path, lang="en", **options) -> str:
    paths = HtmlReport().render(result, tmp_path, lang, ReportOptions(**options))
    assert paths[0] == tmp_path / "report.html"
    return paths[0].read_text(encoding="utf-8")


def test_data_is_escaped_and_never_breaks_out_of_its_script_block(sample_result, hostile, tmp_path):
    page = render(sample_result, tmp_path)
    assert hostile.xss not in page
    assert hostile.script_break not in page
    assert "alert(1)" in page  # the message is shown...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # ...escaped as text
    assert "\x0b" not in page  # control characters HTML forbids are dropped
    # our own script tags only: 3 regions with findings, the UI strings and the behaviour
    assert page.count("<script") == 5
    assert page.count("</script>") == 5


def test_embedded_rows_round_trip_through_json(sample_result, hostile, tmp_path):
    page = render(sample_result, tmp_path)
    blocks = [json.loads(block) for block in DATA_BLOCK.findall(page)]
    assert [len(block["rows"]) for block in blocks] == [2, 6, 2]  # 11, 84, national
    rows = blocks[1]["rows"]
    columns = blocks[1]["columns"]
    operation_ids = [row[columns.index("operation_id")] for row in rows]
    assert hostile.script_break in operation_ids
    assert hostile.formula in [row[columns.index("value")] for row in rows]


def test_script_json_makes_closing_tags_and_separators_inert():
    encoded = str(script_json({"x": "</script><!-- & \u2028"}))
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded
    assert json.loads(encoded) == {"x": "</script><!-- & \u2028"}


def test_the_page_needs_no_network(sample_result, tmp_path):
    page = render(sample_result, tmp_path)
    assert not re.search(r"<(script|img|link|iframe|object|embed)\b[^>]*\b(src|href)=", page)
    assert "url(" not in page and "@import" not in page
    assert "<svg" in page  # the chart is inline


def test_overview_and_one_section_per_region(sample_result, tmp_path):
    page = render(sample_result, tmp_path)
    assert "National overview" in page
    for key in ("11", "84", "93", "national"):
        assert f'id="region-{key}"' in page
    assert "Provence-Alpes-Côte d&#39;Azur" in page
    assert "No findings." in page  # region 93
    assert "CPR (EU) 2021/1060 Art 49(3)(f)-(g)" in page  # rules appendix, even unused


def test_french_and_english_pages_differ_in_text_and_messages(sample_result, tmp_path):
    french = render(sample_result, tmp_path / "fr", "fr")
    english = render(sample_result, tmp_path / "en", "en")
    assert '<html lang="fr">' in french and "Vue nationale" in french
    assert "National overview" not in french
    assert "FR Code CCI mal formé" in french and "EN Malformed CCI code" not in french
    assert "EN Malformed CCI code" in english and "FR Code CCI mal formé" not in english


def test_rows_are_capped_per_region_with_a_note(many_findings, tmp_path):
    page = render(many_findings(60), tmp_path, max_rows_per_region=10)
    blocks = [json.loads(block) for block in DATA_BLOCK.findall(page)]
    assert [len(block["rows"]) for block in blocks] == [10, 10]
    assert page.count("Only the first 10 of 30 findings are listed here") == 2
    assert "report.xlsx" in page


def test_split_by_region_writes_one_page_per_region(sample_result, tmp_path):
    paths = HtmlReport().render(sample_result, tmp_path, "fr", ReportOptions(split_by_region=True))
    names = sorted(path.name for path in paths)
    assert names == [
        "report-11.html",
        "report-84.html",
        "report-93.html",
        "report-national.html",
        "report.html",
    ]
    region_page = (tmp_path / "report-84.html").read_text(encoding="utf-8")
    assert 'id="region-84"' in region_page and 'id="region-11"' not in region_page
    assert "Vue nationale" not in region_page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_inline_script_is_valid_javascript(sample_result, tmp_path):
    page = render(sample_result, tmp_path)
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    path = tmp_path / "page.js"
    path.write_text(script, encoding="utf-8")
    subprocess.run(["node", "--check", str(path)], check=True, capture_output=True)


# A minimal stand-in for the browser DOM, enough to run the page's script under node and
# drive its filters the way a controller would.
DOM_SHIM = r"""
class El {
  constructor(tag) { this.tag = tag; this.children = []; this.listeners = {}; this.value = "";
                     this.hidden = false; this.className = ""; this._text = ""; }
  appendChild(child) {
    if (child.tag === "#fragment") { this.children.push(...child.children); }
    else { this.children.push(child); }
    return child;
  }
  replaceChildren(...nodes) { this.children = []; nodes.forEach((n) => this.appendChild(n)); }
  addEventListener(type, listener) { this.listeners[type] = listener; }
  fire(type) { this.listeners[type](); }
  set textContent(value) { this._text = value; this.children = []; }
  get textContent() { return this._text + this.children.map((c) => c.textContent).join("|"); }
}
const blocks = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sections = blocks.data.map((json) => {
  const parts = { "script.findings-data": { textContent: json },
    "table.findings tbody": new El("tbody"),
    ".f-rule": new El("select"), ".f-severity": new El("select"), ".f-programme": new El("select"),
    ".f-search": new El("input"), ".status": new El("span"), ".f-more": new El("button") };
  return { parts, querySelector: (selector) => parts[selector] };
});
global.document = {
  getElementById: () => ({ textContent: blocks.ui }),
  querySelectorAll: () => sections,
  createElement: (tag) => new El(tag),
  createDocumentFragment: () => new El("#fragment"),
};
eval(blocks.script);
const out = [];
function shown(p) { return p["table.findings tbody"].children.length; }
for (const { parts: p } of sections) {
  const state = { initial: shown(p), rules: p[".f-rule"].children.map((o) => o.value),
                  status: p[".status"].textContent, moreHidden: p[".f-more"].hidden };
  p[".f-more"].fire("click"); state.afterMore = shown(p);
  p[".f-severity"].value = "warning"; p[".f-severity"].fire("change"); state.warnings = shown(p);
  p[".f-severity"].value = ""; p[".f-search"].value = "  SUM(A1) "; p[".f-search"].fire("input");
  state.searched = shown(p); state.searchedText = p["table.findings tbody"].textContent;
  p[".f-search"].value = ""; p[".f-rule"].value = "eu.cci.format"; p[".f-rule"].fire("change");
  state.cci = shown(p);
  out.push(state);
}
process.stdout.write(JSON.stringify(out));
"""


def run_page_script(page: str, tmp_path: Path) -> list[dict]:
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    ui = re.search(r'<script type="application/json" id="ui-text">(.*?)</script>', page, re.S)
    payload = json.dumps({"data": DATA_BLOCK.findall(page), "ui": ui.group(1), "script": script})
    shim = tmp_path / "shim.js"
    shim.write_text(DOM_SHIM, encoding="utf-8")
    done = subprocess.run(
        ["node", str(shim)], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_filters_and_search_select_the_matching_rows(sample_result, tmp_path):
    _, region_84, _ = run_page_script(render(sample_result, tmp_path), tmp_path)
    assert region_84["initial"] == 6
    assert region_84["rules"] == [  # options added after the page's "All" option
        "eu.cci.format",
        "eu21.art49.mandatory_field",
        "fr.postcode.exists",
    ]
    assert region_84["status"] == "6 / 6 finding(s) shown"
    assert region_84["warnings"] == 2
    assert region_84["searched"] == 1 and "@SUM(A1)" in region_84["searchedText"]
    assert "</script><script>alert(2)</script>" not in region_84["searchedText"]
    assert region_84["cci"] == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_long_tables_show_a_first_page_then_everything_on_request(many_findings, tmp_path):
    first, second = run_page_script(render(many_findings(700), tmp_path), tmp_path)
    assert (first["initial"], first["moreHidden"], first["afterMore"]) == (250, False, 350)
    assert first["status"] == "250 / 350 finding(s) shown"


def test_the_page_takes_one_region_at_a_time_and_is_written_in_pieces(
    many_findings, tmp_path, copies
):
    """Memory follows the caps, not the number of findings: each region's findings are copied
    while its section is built (never all of them sorted at once), and the page goes to the file
    as Jinja2 renders it; the file holds the whole page."""
    from fundcheck.reports.html_report import HtmlReport, page_pieces, region_sections

    result = many_findings(40)  # 20 in region 84, 20 in region 11
    options = ReportOptions(max_rows_per_region=3)
    copies.start()
    (path,) = HtmlReport().render(result, tmp_path, "en", options)
    assert max(copies.taken) == 20
    assert copies.sorted_widths and max(copies.sorted_widths) <= 5  # the sort keys, no more
    pieces = list(page_pieces(result, region_sections(result, "en", options), "en", overview=True))
    assert len(pieces) > 10
    assert path.read_text(encoding="utf-8") == "".join(pieces)
