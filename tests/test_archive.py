"""WARC and ARC files in: records as documents, their provenance and dates,
damaged records as error rows, and archive chrome removed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import archive, clean, ingest
from extract.cli import main
from extract.model import RawDoc, Source
from fixtures.warcs import Page, banner_html, raw_pages, write_arc, write_warc

ROOT = Path(__file__).resolve().parents[1]
COMPARED = {  # the columns that say what a page holds (not where it came from)
    "figures": ("figure_id", "kind", "value", "approx", "qualifier", "denominator", "measure", "category", "period",
                "evidence", "sentence", "start", "end", "raw_start", "raw_end", "rule"),
    "authorities": ("mention_id", "mention", "authority", "gss_code", "dfe_la_code", "match", "score", "judgement",
                    "sentence", "start", "end", "raw_start", "raw_end", "rule"),
}


def run(*args: str):
    return CliRunner().invoke(main, ["run", *args, "--no-progress", "--no-cache"], catch_exceptions=False)


def table(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rows_by_page(out: Path, name: str, page_of: dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    got: dict[str, list[tuple[str, ...]]] = {}
    for r in table(out, name):
        got.setdefault(page_of[r["doc_id"]], []).append(tuple(r[c] for c in COMPARED[name]))
    return got


def test_warc_gz_warc_arc_gz_and_arc_give_the_pages_own_figures_and_authorities(tmp_path: Path) -> None:
    pages = raw_pages()  # every bundled page, as text/plain captures dated by sources.csv
    folder = tmp_path / "archives"
    folder.mkdir()
    q = len(pages) // 4
    write_warc(folder / "a.warc.gz", pages[:q])
    write_warc(folder / "b.warc", pages[q: 2 * q])
    write_arc(folder / "c.arc.gz", pages[2 * q: 3 * q])
    write_arc(folder / "d.arc", pages[3 * q:])
    # The same pages as files, with the same metadata a record carries (URL and capture date, no
    # publication date): a page's date then comes from its text or its capture, as for the record.
    files = tmp_path / "pages"
    files.mkdir()
    with (files / "sources.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["doc_id", "url", "captured"])
        for p in pages:
            name = p.url.rsplit("/", 1)[1]
            (files / f"{name}.txt").write_bytes((ROOT / "raw" / f"{name}.txt").read_bytes())
            w.writerow([name, p.url, p.date])
    for src, out in ((folder, "out"), (files, "files")):
        res = run(str(src), "--out", str(tmp_path / out))
        assert res.exit_code == 0, res.output
    docs = table(tmp_path / "out", "documents")
    assert len(docs) == len(pages)
    page_of = {d["doc_id"]: d["url"].rsplit("/", 1)[1] for d in docs}
    same = {d["doc_id"]: d["doc_id"] for d in table(tmp_path / "files", "documents")}
    for name in COMPARED:
        got, want = rows_by_page(tmp_path / "out", name, page_of), rows_by_page(tmp_path / "files", name, same)
        assert got == want, name
        assert sum(map(len, got.values())) > 150
    by_url = {p.url: p for p in pages}
    for d in docs:
        p = by_url[d["url"]]
        assert d["captured"] == p.date and d["status"] == "ok"
        name, offset = d["source"].rsplit("#", 1)
        assert name == d["path"] and name.split("/")[-1] in {"a.warc.gz", "b.warc", "c.arc.gz", "d.arc"}
        data, fmt = archive.payload(folder / name.split("/")[-1], int(offset))  # the source names the record
        assert data == p.body and fmt == "txt"
        assert d["doc_id"] == archive.doc_id(p.url, p.date, Path(), 0)
    assert {d["date_source"] for d in docs} >= {"captured", "text"}


def test_doc_id_is_readable_stable_and_distinct() -> None:
    a = archive.doc_id("http://www.ofsted.gov.uk/news/annual-report", "2008-12-01T10:00:00Z", Path(), 0)
    assert a == "ofsted-gov-uk-news-annual-report_20081201100000"
    long1 = archive.doc_id("https://example.org/" + "x" * 200 + "1", "2008-12-01T10:00:00Z", Path(), 0)
    long2 = archive.doc_id("https://example.org/" + "x" * 200 + "2", "2008-12-01T10:00:00Z", Path(), 0)
    assert long1 != long2 and len(long1) <= archive._SLUG_MAX + 15
    assert archive.doc_id("", "", Path("x.warc.gz"), 1234) == "x-warc-gz_at1234"


def test_archives_mix_with_pages_and_count_records_by_kind(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.txt").write_text("Ofsted judged 3 of the 10 councils outstanding.\n", encoding="utf-8")
    page = raw_pages(names=["d01"])[0]
    others = [
        Page("http://www.ofsted.gov.uk/logo.png", page.date, b"\x89PNG\r\n\x1a\n....", "image/png"),
        Page("http://www.ofsted.gov.uk/report.pdf", page.date, b"%PDF-1.4 ...", "application/pdf"),
        Page("http://www.ofsted.gov.uk/gone", page.date, b"<html>Not Found</html>", status="404 Not Found"),
        Page("http://www.ofsted.gov.uk/moved", page.date, b"", status="301 Moved Permanently"),
    ]
    write_warc(folder / "crawl.warc.gz", [page, *others])
    res = run(str(folder), "--out", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    assert "archive records: 11: 1 documents (1 responses, 0 revisits), 2 not-200, 2 not-page, 5 request, 1 warcinfo" in res.output
    docs = {d["doc_id"]: d for d in table(tmp_path / "out", "documents")}
    assert set(docs) == {"note", "ofsted-gov-uk-news-d01_20100101120000"}
    assert docs["note"]["source"] == "in/note.txt" == docs["note"]["path"] and docs["note"]["url"] == ""


def test_revisit_resolves_to_its_original_in_another_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    orig = raw_pages(names=["d02"])[0]
    write_warc(folder / "first.warc.gz", [orig])
    later = Page(orig.url, "2011-03-04T05:06:07Z", b"")
    write_warc(folder / "second.warc.gz", [], revisits=[(later, orig)])
    res = run(str(folder), "--out", str(tmp_path / "out"))
    assert res.exit_code == 0, res.output
    assert "1 revisits" in res.output
    docs = {d["captured"]: d for d in table(tmp_path / "out", "documents")}
    assert docs["2011-03-04T05:06:07Z"]["source"].startswith("in/second.warc.gz#")
    assert docs["2011-03-04T05:06:07Z"]["sha256"] == docs[orig.date]["sha256"]
    figs: dict[str, list[tuple[str, str]]] = {}
    for r in table(tmp_path / "out", "figures"):
        figs.setdefault(r["doc_id"], []).append((r["value"], r["evidence"]))
    assert len(figs) == 2 and len({tuple(v) for v in figs.values()}) == 1  # the same page, twice


def _damaged(folder: Path) -> dict[str, str]:
    """One archive per kind of damage; returns file name -> the error expected."""
    def pages(day: str) -> list[Page]:  # each file its own capture date, so doc_ids stay distinct
        return raw_pages({d: f"2010-01-{day}T12:00:00Z" for d in ("d03", "d04", "d05")}, ["d03", "d04", "d05"])

    p = write_warc(folder / "truncated.warc.gz", pages("01"))
    p.write_bytes(p.read_bytes()[:-300])  # the last record loses its end
    p = write_warc(folder / "badgzip.warc.gz", pages("02"), requests=False)
    second = archive.scan_file(p)[0][2]["offset"]
    data = bytearray(p.read_bytes())
    data[second + 40: second + 60] = b"\0" * 20  # a broken gzip member in the middle
    p.write_bytes(bytes(data))
    p = write_warc(folder / "badhttp.warc", pages("03")[:2], requests=False)
    p.write_bytes(p.read_bytes().replace(b"HTTP/1.1 200 OK", b"HTXP/1.1 2x0 OK", 1))
    orig = Page("http://www.ofsted.gov.uk/news/elsewhere", "2009-01-01T00:00:00Z", b"<p>not in the input</p>")
    write_warc(folder / "revisit.warc.gz", [], revisits=[(Page(orig.url, "2010-01-01T00:00:00Z", b""), orig)])
    return {"truncated.warc.gz": "truncated record", "badgzip.warc.gz": "damaged archive record",
            "badhttp.warc": "not an HTTP response header", "revisit.warc.gz": "is not in the input"}


def test_damaged_records_are_error_rows_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected = _damaged(folder)
    res = run(str(folder), "--out", str(tmp_path / "out"))
    assert res.exit_code == 1, res.output  # some documents failed
    docs = table(tmp_path / "out", "documents")
    errors = {d["path"].split("/")[-1]: d["error"] for d in docs if d["status"] == "error"}
    assert set(errors) == set(expected)
    for name, message in expected.items():
        assert message in errors[name], (name, errors[name])
    ok = [d for d in docs if d["status"] == "ok"]
    # truncated: 2 of 3 pages; bad gzip: pages 1 and 3 around the broken member; bad header: the 2nd page.
    assert sorted(d["path"].split("/")[-1] for d in ok) == ["badgzip.warc.gz"] * 2 + ["badhttp.warc"] + ["truncated.warc.gz"] * 2
    assert all(int(d["figures"]) > 0 for d in ok)
    assert "damaged" in res.output


def test_capture_date_is_the_date_of_last_resort() -> None:
    undated = RawDoc("u", "u", "txt", "", "Ofsted judged 3 of the 10 councils outstanding.\n",
                     Source("u", captured="2009-06-20T08:02:44Z"))
    cd = clean.clean(undated)
    assert (cd.published, cd.date_source) == ("2009-06-20", "captured")
    dated = RawDoc("d", "d", "txt", "", "Published: 3 March 2007\nOfsted judged 3 councils outstanding.\n",
                   Source("d", captured="2009-06-20T08:02:44Z"))
    assert (clean.clean(dated).published, clean.clean(dated).date_source) == ("2007-03-03", "text")


def test_input_stays_backward_compatible(tmp_path: Path) -> None:
    p = tmp_path / "page.txt"
    p.write_text("Kent was rated good.\n", encoding="utf-8")
    raw = ingest.read(ingest.Input(p, "page", Source("page")))
    assert raw.text == "Kent was rated good.\n" and raw.path == str(p)


# --------------------------------------------------------------------------- archive chrome (rules/clean.yaml)

PAGE_TEXT = "Ofsted judged 3 of the 10 councils outstanding.\n\nKent was rated good."
# The Wayback Machine's toolbar as it sits in a replayed page: between its
# BEGIN/END comments, a #wm-ipp-base block holding #wm-ipp and the capture counts.
WAYBACK = """<html><head><title>Ofsted</title></head><body>
<!-- BEGIN WAYBACK TOOLBAR INSERT -->
<div id="wm-ipp-base" lang="en" style="display:none;direction:ltr;">
<div id="wm-ipp" style="position:fixed;left:0;top:0;right:0;"><div id="wm-ipp-inside">
<table style="width:100%;"><tr><td class="u">The Wayback Machine - http://web.archive.org/web/20081201093000/http://www.ofsted.gov.uk/</td>
<td class="c"><a href="/web/20081201093000*/http://www.ofsted.gov.uk/">43 captures</a><div>01 Dec 2008 - 12 Jun 2019</div></td></tr></table>
</div></div></div>
<div id="donato"><div id="donato-base">Donate to the Internet Archive</div></div>
<!-- END WAYBACK TOOLBAR INSERT -->
<p>Ofsted judged 3 of the 10 councils outstanding.</p>
<p>Kent was rated good.</p>
</body></html>"""
# pywb's banner: a <wb_div id="_wayback_banner"> inserted first in the body.
PYWB = """<html><body><wb_div id="_wayback_banner" lang="en">This is an archived page  from <b>Dec 1, 2008 9:30:00 AM</b></wb_div>
<p>Ofsted judged 3 of the 10 councils outstanding.</p><p>Kent was rated good.</p></body></html>"""


def clean_html(html: str) -> str:
    return clean.clean(RawDoc("x", "x", "html", "", html, Source("x", title="t"))).text


@pytest.mark.parametrize("html", [banner_html("t", PAGE_TEXT, "2009-01-15T10:21:07Z").decode(), WAYBACK, PYWB],
                         ids=["ukgwa", "wayback", "pywb"])
def test_archive_banners_in_html_are_removed(html: str) -> None:
    text = clean_html(html).replace("\n\n", "\n")
    assert text.endswith(PAGE_TEXT.replace("\n\n", "\n"))
    for word in ("snapshot", "National Archives", "Wayback", "captures", "archived page", "Donate", "cookies"):
        assert word not in text, word


def test_ukgwa_banner_rule_keeps_content_that_merely_follows_it_in_one_block() -> None:
    html = ("<div><p>This snapshot, taken on <span>15/01/2009</span>, shows web content acquired for preservation"
            " by The National Archives.</p>" + "<p>Ofsted judged 3 of the 10 councils outstanding.</p>" * 60 + "</div>")
    text = clean_html(html)
    assert "snapshot" not in text and text.count("Ofsted judged") == 60


@pytest.mark.parametrize("line", [
    "This snapshot, taken on 15/01/2009, shows web content acquired for preservation by The National Archives.",
    "The UK Government Web Archive does not use cookies but some may be left in your browser from archived websites.",
    "The Wayback Machine - http://web.archive.org/web/20081201093000/http://www.ofsted.gov.uk/news",
    "43 captures",
    "About this capture",
    "This is an archived page from Dec 1, 2008 9:30:00 AM",
    "Archived from the original on 12 March 2009.",
    "[Archived from http://www.ofsted.gov.uk/news on 1 December 2008]",
    "This page has been archived and is no longer updated.",
])
def test_archive_chrome_as_text_lines_is_removed(line: str) -> None:
    text = clean.clean(RawDoc("x", "x", "txt", "", f"{line}\n\n{PAGE_TEXT}\n", Source("x", title="t"))).text
    assert text == PAGE_TEXT


def test_chrome_rules_leave_sentences_about_archives_alone() -> None:
    body = "The report was archived from 2009 onwards, and 12 councils asked for copies.\n"
    assert clean.clean(RawDoc("x", "x", "txt", "", body, Source("x", title="t"))).text == body.strip()
