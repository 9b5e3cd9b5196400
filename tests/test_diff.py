"""extract diff: rows matched by what they say, not by ids or offsets."""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
from pathlib import Path

import pytest

from extract import diff
from fixtures.runs import PAGE, TOP, assert_balanced, make_run, set_cell

ROWS = ("figures", "authorities")


def runs(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    return (make_run(tmp_path / "old", {"p1": old, "p2": "Leeds had 5 visits."}),
            make_run(tmp_path / "new", {"p1": new, "p2": "Leeds had 5 visits."}))


def test_paragraph_at_the_top_reports_only_its_own_rows(tmp_path: Path) -> None:
    old, new = runs(tmp_path, PAGE, TOP + PAGE)
    d = diff.compare(old, new, tables=ROWS)
    assert [(c.table, c.change, c.key) for c in d.changes] == [("figures", "added", 'count "12" [councils]')]
    assert d.changes[0].sentence == "Update: Ofsted has since visited 12 councils in the north."
    assert d.unchanged["figures"] == 5  # every later figure moved (offsets, ids) and is unchanged


def test_moved_offsets_and_ids_are_no_change(tmp_path: Path) -> None:
    old, new = runs(tmp_path, PAGE, "\n\n\n" + PAGE.replace("\n\n", "\n\n\n"))
    set_cell(new, "figures", {"doc_id": "p1", "evidence": "44"}, figure_id="f9999")
    assert diff.compare(old, new, tables=ROWS).equal


def test_changed_value_is_one_changed_row(tmp_path: Path) -> None:
    old, new = runs(tmp_path, PAGE, PAGE)
    set_cell(new, "figures", {"doc_id": "p1", "evidence": "44"}, value="44000")
    d = diff.compare(old, new)
    assert len(d.changes) == 1
    c = d.changes[0]
    assert (c.table, c.doc_id, c.change, c.key) == ("figures", "p1", "changed", 'count "44" [joint]')
    assert c.fields == (diff.FieldChange("value", "44", "44000"),)
    assert c.sentence == "In 2007 we published 44 joint area reviews of local authority areas."


def test_page_edit_pairs_the_edited_figure(tmp_path: Path) -> None:
    old, new = runs(tmp_path, PAGE, PAGE.replace("44 joint", "45 joint"))
    d = diff.compare(old, new, tables=["figures"])
    edited = [c for c in d.changes if c.key == 'count "45" [joint]']
    assert [c.change for c in d.changes] == ["changed", "changed"]  # the 2007 in the same sentence: sentence edited
    assert [(f.field, f.old, f.new) for f in edited[0].shown_fields] == [("value", "44", "45"), ("evidence", "44", "45")]
    assert diff.word_diff_text(edited[0].old_sentence, edited[0].sentence) == (
        "In 2007 we published [-44-]{+45+} joint area reviews of local authority areas.")


def test_removed_and_check_refs_by_evidence(tmp_path: Path) -> None:
    old, new = runs(tmp_path, TOP + PAGE, PAGE)
    d = diff.compare(old, new)
    assert d.counts("figures") == {"removed": 1}
    # the toy check names the first two figures: "12; 2007" -> "2007; 44", a real change of what it refers to
    (check,) = [c for c in d.changes if c.table == "checks"]
    assert ("refs", "12; 2007", "2007; 44") in check.fields


def test_equal_runs(tmp_path: Path) -> None:
    old, new = runs(tmp_path, PAGE, PAGE)
    d = diff.compare(old, new)
    assert d.equal
    assert "no differences" in diff.render(d, "text")


@pytest.fixture
def changed(tmp_path: Path) -> diff.RunDiff:
    old, new = runs(tmp_path, PAGE, TOP + PAGE.replace("Kent and Leeds", "Kent | Leeds"))
    set_cell(new, "figures", {"doc_id": "p1", "evidence": "137"}, category="<b>good</b>")
    return diff.compare(old, new)


def test_text_format(changed: diff.RunDiff) -> None:
    text = diff.render(changed, "text")
    assert "figures            1       0       1         4" in text
    assert "  + figure count \"12\" [councils]: value=12 measure=\"councils\" rule=toy.number" in text
    assert "  ~ figure count \"137\" [annual]: category: '' -> '<b>good</b>'" in text


def test_csv_format(changed: diff.RunDiff) -> None:
    rows = list(csv.DictReader(io.StringIO(diff.render(changed, "csv"))))
    assert list(rows[0]) == diff.CSV_COLUMNS
    cat = [r for r in rows if r["field"] == "category"]
    assert cat == [{"table": "figures", "doc_id": "p1", "change": "changed", "key": 'count "137" [annual]',
                    "field": "category", "old": "", "new": "<b>good</b>",
                    "sentence": "We also carried out 137 annual performance assessments."}]


def test_md_format(changed: diff.RunDiff) -> None:
    md = diff.render(changed, "md")
    tables: list[list[str]] = [[]]
    for line in md.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for t in (t for t in tables if t):
        cells = {len(line.replace("\\|", "").split("|")) for line in t}
        assert len(cells) == 1, t  # an escaped "|" from a page does not add a column
    assert "&lt;b&gt;good&lt;/b&gt;" in md and "<b>" not in md


def test_html_format(changed: diff.RunDiff) -> None:
    html = diff.render(changed, "html")
    assert_balanced(html)
    assert "&lt;b&gt;good&lt;/b&gt;" in html and "<b>good" not in html
    assert "<del>and</del><ins>|</ins>" in html


def test_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extract.cli import main

    old, new = runs(tmp_path, PAGE, TOP + PAGE)
    r = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert r.exit_code == 1, r.output
    assert r.output.startswith(f"extract diff {old} -> {new}\n")
    r = CliRunner().invoke(main, ["diff", str(old), str(old), "--format", "md"])
    assert r.exit_code == 0 and "No differences." in r.output
    r = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "html", "-o", str(tmp_path / "d.html")])
    assert r.exit_code == 1
    assert_balanced((tmp_path / "d.html").read_text(encoding="utf-8"))
    assert CliRunner().invoke(main, ["diff", "--help"]).output.count("Compare two runs") == 1


@pytest.mark.skipif(importlib.util.find_spec("extract.figures") is None, reason="extract.figures is not written yet")
def test_real_page_gaining_a_paragraph_at_its_top(tmp_path: Path) -> None:
    """Through the real pipeline: only the new paragraph's figures are reported, and
    the checks, whose refs (figure ids) all shifted, are unchanged."""
    from click.testing import CliRunner

    from extract.cli import main

    page = (Path(__file__).resolve().parents[1] / "raw" / "002_7b131e19ac9504d4.txt").read_text(encoding="utf-8")
    top = "Ofsted inspected 12 councils in March, and 3 of them were judged inadequate.\n\n"
    for name, text in (("old", page), ("new", top + page)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.txt").write_text(text, encoding="utf-8")
        r = CliRunner().invoke(main, ["run", str(tmp_path / name), "--out", str(tmp_path / f"{name}_out"),
                                      "--jobs", "1", "--no-progress"])
        assert r.exit_code == 0, r.output
    d = diff.compare(tmp_path / "old_out", tmp_path / "new_out", tables=["figures", "authorities", "checks"])
    assert d.unchanged["figures"] > 10 and d.unchanged["checks"] > 0
    assert {c.change for c in d.changes} == {"added"}
    assert {c.sentence for c in d.changes} == {top.strip()}


def test_empty_runs_and_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extract.cli import main

    a, b = make_run(tmp_path / "a", {}), make_run(tmp_path / "b", {})
    d = diff.compare(a, b)
    assert d.equal and all(diff.render(d, f) for f in diff.FORMATS)
    assert diff.render(d, "csv") == ",".join(diff.CSV_COLUMNS) + "\n"
    (tmp_path / "raw").mkdir()
    r = CliRunner().invoke(main, ["diff", str(tmp_path / "raw"), str(b)])
    assert r.exit_code == 2 and "is not an output folder (no documents.csv)" in r.output


# --------------------------------------------------------------------------- --by url: two captures of the same pages


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Runs over the README's two WARC captures (3 pages; one figure corrected between them)."""
    from click.testing import CliRunner

    from extract.cli import main
    from fixtures.warcs import two_captures

    tmp = tmp_path_factory.mktemp("captures")
    outs = []
    for warc in two_captures(tmp / "warcs"):
        out = tmp / warc.name.split(".")[0]
        res = CliRunner().invoke(main, ["run", str(warc), "--out", str(out), "--no-progress", "--no-cache"])
        assert res.exit_code == 0, res.output
        outs.append(out)
    return outs[0], outs[1]


def test_by_url_reports_exactly_the_changed_figure(captures: tuple[Path, Path]) -> None:
    old, new = captures
    d = diff.compare(old, new, by="url")
    assert [(c.table, c.change, c.key, [f.field for f in c.fields]) for c in d.changes] == [
        ("figures", "changed", 'count "45" [joint area reviews]', ["value", "evidence", "sentence"])]
    c = d.changes[0]
    assert (c.old["value"], c.new["value"]) == ("44", "45")
    assert c.doc_id == "ofsted-gov-uk-news-000-788962b738f097af_20090620080244"
    cap = d.captures[c.doc_id]
    assert (cap.old_id, cap.old_captured, cap.new_captured) == (
        "ofsted-gov-uk-news-000-788962b738f097af_20090115102107", "2009-01-15T10:21:07Z", "2009-06-20T08:02:44Z")
    assert d.unchanged["documents"] == 3 and d.unchanged["authorities"] > 40


def test_by_url_in_every_format(captures: tuple[Path, Path]) -> None:
    d = diff.compare(*captures, by="url")
    text = diff.render(d, "text")
    assert "In 2007/08 we published [-44-]{+45+} joint area reviews" in text
    assert "http://www.ofsted.gov.uk/news/000_788962b738f097af: ofsted-gov-uk-news-000-788962b738f097af_20090115102107" in text
    rows = list(csv.DictReader(io.StringIO(diff.render(d, "csv"))))
    assert [(r["field"], r["old"], r["new"]) for r in rows][:2] == [("value", "44", "45"), ("evidence", "44", "45")]
    assert {r["doc_id"] for r in rows} == {"ofsted-gov-uk-news-000-788962b738f097af_20090620080244"}
    assert "~~44~~**45**" in diff.render(d, "md")
    html = diff.render(d, "html")
    assert "<del>44</del> → <ins>45</ins>" in html and "captured 2009-01-15T10:21:07Z" in html


def test_by_doc_id_two_captures_share_nothing(captures: tuple[Path, Path]) -> None:
    d = diff.compare(*captures)
    assert d.counts("documents") == {"added": 3, "removed": 3}


def test_by_url_a_page_captured_once_is_added(captures: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = captures
    trimmed = tmp_path / "old"
    shutil.copytree(old, trimmed)
    for name in diff.TABLE_NAMES:  # the old run without the 2011 page
        path = trimmed / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(ln for ln in lines if "002-7b131e19ac9504d4" not in ln), encoding="utf-8")
    d = diff.compare(trimmed, new, by="url")
    added = {c.doc_id for c in d.changes if c.change == "added"}
    assert added == {"ofsted-gov-uk-news-002-7b131e19ac9504d4_20090620080244"}
    assert d.counts("figures")["changed"] == 1


def test_by_url_cli(captures: tuple[Path, Path]) -> None:
    from click.testing import CliRunner

    from extract.cli import main

    res = CliRunner().invoke(main, ["diff", *map(str, captures), "--by", "url", "--format", "csv"])
    assert res.exit_code == 1 and res.output.count("\n") == 4  # header + 3 field rows of the one change
    bad = CliRunner().invoke(main, ["diff", *map(str, captures), "--by", "title"])
    assert bad.exit_code == 2


# --- damaged CSVs (issue 10) -----------------------------------------------------------------------------------

def test_read_csv_takes_a_bom_short_and_long_rows_and_formula_doc_ids(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfdoc_id,a,b\n'-x,1,2\nd2,3\nd3,4,5,6\n")
    header, rows = diff.read_csv(path)
    assert header == ["doc_id", "a", "b"]
    assert rows == [{"doc_id": "-x", "a": "1", "b": "2"}, {"doc_id": "d2", "a": "3", "b": ""},
                    {"doc_id": "d3", "a": "4", "b": "5"}]


def test_read_csv_names_file_and_line_of_a_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"doc_id,a\nd1,1\nd2,\xff\n")
    with pytest.raises(diff.CsvError, match=r"t\.csv, line 3: not UTF-8 \(byte 0xff\)"):
        diff.read_csv(path)
