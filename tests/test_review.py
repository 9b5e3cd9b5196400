"""extract review: one static page, every page string escaped, highlights linked to rows."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from extract import review
from extract.review import Span
from fixtures.runs import PAGE, TOP, assert_balanced, make_run, set_cell

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = (FIXTURES / "hostile_page.txt").read_text(encoding="utf-8")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def span(start: int, end: int, n: str) -> Span:
    return Span(start, end, "fig", f"h{n}", f"r{n}", n, "")


def test_highlight_escapes_every_segment() -> None:
    html, skipped = review.highlight('<b>"&\'</b>', [span(3, 5, "1")])
    assert html == Markup('&lt;b&gt;<mark class="hl fig" id="h1" title="">&#34;&amp;'
                          '<a class="lbl" href="#r1">1</a></mark>&#39;&lt;/b&gt;')
    assert skipped == {}


def test_highlight_nests_and_skips_crossing_spans_deterministically() -> None:
    spans = [span(2, 5, "inner"), span(0, 10, "outer"), span(0, 10, "twin"), span(4, 8, "cross"), span(9, 30, "out")]
    html, skipped = review.highlight("0123456789", spans)
    assert (html, skipped) == review.highlight("0123456789", list(reversed(spans)))
    assert html == Markup(
        '<mark class="hl fig" id="houter" title=""><mark class="hl fig" id="htwin" title="">01'
        '<mark class="hl fig" id="hinner" title="">234<a class="lbl" href="#rinner">inner</a></mark>'
        '56789<a class="lbl" href="#rtwin">twin</a></mark><a class="lbl" href="#router">outer</a></mark>')
    assert skipped == {"hcross": "overlaps the highlight of rinner; not highlighted",
                       "hout": "offsets 9-30 are outside the clean text (10 chars)"}
    assert_balanced(str(html))


needs_pipeline = pytest.mark.skipif(importlib.util.find_spec("extract.figures") is None,
                                    reason="extract.figures is not written yet")


@needs_pipeline
def test_hostile_page_through_the_pipeline(tmp_path: Path) -> None:
    from extract.cli import main

    r = CliRunner().invoke(main, ["run", str(FIXTURES / "hostile_page.txt"), "--out", str(tmp_path / "out"),
                                  "--jobs", "1", "--no-progress"])
    assert r.exit_code == 0, r.output
    html = review.build(tmp_path / "out")
    assert_balanced(html)
    assert "<script>window" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned = 1;" in html


@pytest.fixture
def hostile_run(tmp_path: Path) -> Path:
    run = make_run(tmp_path / "run", {"hostile": HOSTILE, "p1": PAGE}, titles={"hostile": "<script>window.__pwned = 5</script>"})
    set_cell(run, "figures", {"doc_id": "hostile", "evidence": "44"},
             measure="<script>window.__pwned = 3</script>", category='" onmouseover="window.__pwned = 4')
    return run


def test_page_is_escaped_and_self_contained(hostile_run: Path) -> None:
    html = review.build(hostile_run)
    assert_balanced(html)
    assert "<script>window" not in html and "<img" not in html and 'onmouseover="' not in html
    assert "&lt;script&gt;window.__pwned = 1;" in html
    assert "http://" not in html and "https://" not in html  # no CDN, no network
    assert html.count("<script>") == 1


def test_figure_offsets_that_miss_their_evidence_are_flagged(hostile_run: Path) -> None:
    set_cell(hostile_run, "figures", {"doc_id": "p1", "evidence": "137"}, start="0", end="3")
    html = review.build(hostile_run)
    assert "the text at its offsets is &#39;Ann&#39;, not its evidence" in html


def test_diff_marks_added_changed_and_removed(tmp_path: Path) -> None:
    old = make_run(tmp_path / "old", {"p1": PAGE + "Finally 9 visits.\n"})
    new = make_run(tmp_path / "new", {"p1": TOP + PAGE.replace("44 joint", "45 joint")})
    html = review.build(new, diff_old=old)
    assert_balanced(html)
    assert '<tr id="d0-f0" class="added">' in html
    assert '<mark class="hl fig changed" id="d0-hf2"' in html
    assert "<b>value</b>: <del>44</del> → <ins>45</ins>" in html
    assert "<del>44</del><ins>45</ins> joint area reviews" in html
    assert '<tr class="removed"><td class="sym removed">−</td><td>figures</td><td>count &#34;9&#34; [visits]</td>' in html


def test_cli_writes_the_page(hostile_run: Path, tmp_path: Path) -> None:
    from extract.cli import main

    out = tmp_path / "sub" / "report.html"
    r = CliRunner().invoke(main, ["review", str(hostile_run), "--diff", str(hostile_run), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output == f"review page: {out}\n"
    assert "Changes since" in out.read_text(encoding="utf-8")
    assert "Write one self-contained HTML page" in CliRunner().invoke(main, ["review", "--help"]).output


@pytest.mark.browser
def test_in_a_browser(hostile_run: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    page_file = review.write(hostile_run, tmp_path / "report.html")
    with open(hostile_run / "figures.csv", encoding="utf-8", newline="") as f:
        n_figures = sum(1 for _ in csv.DictReader(f))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            page.hover("#d0-hf1")  # the figure whose category tries an onmouseover

            assert page.evaluate("window.__pwned") is None
            assert page.title() == f"Review: {hostile_run}"
            assert errors == []
            assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
            assert page.evaluate("document.scripts.length") == 1

            # the hostile markup is shown as text
            text = page.inner_text("#d0 .text")
            assert '<script>window.__pwned = 1; document.title = "pwned";</script>' in text
            assert "<img src=x onerror=" in text
            assert page.inner_text("#d0 h2") == "<script>window.__pwned = 5</script>"

            # every figure and authority is highlighted and has a row; every anchor resolves
            assert page.locator(".text mark.hl.fig").count() == n_figures
            assert page.locator("table.figures tr[id]").count() == n_figures
            assert page.locator(".text mark.hl.auth").count() == page.locator("table.authorities tr[id]").count() == 4
            dangling = page.evaluate(
                "[...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href'))"
                ".filter(h => !document.getElementById(h.slice(1)))")
            assert dangling == []

            # label -> row, row -> highlight
            page.click("#d0-hf1 > a.lbl")
            assert page.evaluate("location.hash") == "#d0-f1"
            page.click("#d0-f1 a[href='#d0-hf1']")
            assert page.evaluate("location.hash") == "#d0-hf1"

            # the page's own script runs (allowed by its hash): the labels toggle
            assert page.locator("#d0-hf1 > a.lbl").is_visible()
            page.uncheck("input[data-toggle=nolabels]")
            assert not page.locator("#d0-hf1 > a.lbl").is_visible()
            assert page.evaluate("window.__pwned") is None
        finally:
            browser.close()


def test_empty_run(tmp_path: Path) -> None:
    html = review.build(make_run(tmp_path / "run", {}))
    assert_balanced(html)
    assert "The run has no documents." in html


@needs_pipeline
def test_rejected_candidates_shown_on_demand(tmp_path: Path) -> None:
    from extract.cli import main

    page = tmp_path / "p.txt"
    page.write_text("Sue Kent met staff at Durham University <b>today</b>.\nKent was rated good.\n", encoding="utf-8")
    for explain in (["--explain"], []):
        out = tmp_path / f"out{len(explain)}"
        r = CliRunner().invoke(main, ["run", str(page), "--out", str(out), "--jobs", "1", "--no-progress", *explain])
        assert r.exit_code == 0, r.output
        html = review.build(out)
        assert_balanced(html)
        if not explain:
            assert "<details" not in html  # nothing to show without --explain
            continue
        # A <details> without `open`: hidden until the reviewer asks for it.
        assert '<details class="rejected">' in html and "<details class=\"rejected\" open" not in html
        assert "Rejected candidates (2)" in html
        assert "<td><code>ctx.person-first-name</code></td><td>a surname (a given name before it)</td>" in html
        assert "<mark>Durham</mark>" in html and "&lt;b&gt;" in html  # the context is escaped
def test_review_by_url_shows_a_pages_two_captures_side_by_side(tmp_path: Path) -> None:
    from extract.cli import main
    from fixtures.warcs import two_captures

    outs = []
    for warc in two_captures(tmp_path / "warcs"):
        out = tmp_path / warc.name.split(".")[0]
        assert CliRunner().invoke(main, ["run", str(warc), "--out", str(out), "--no-progress"]).exit_code == 0
        outs.append(out)
    old, new = outs
    page = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["review", str(new), "--diff", str(old), "--by", "url", "-o", str(page)])
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert html.count('<div class="captures">') == 3  # every page paired with its earlier capture
    section = html[html.index("ofsted-gov-uk-news-000-788962b738f097af_20090115102107"):]
    old_text, new_text = section.split('<div class="text old">', 1)[1].split('<div class="text">', 1)
    assert "we published 44 joint area reviews" in old_text and "we published 45 joint area reviews" not in old_text
    assert '<mark class="hl fig changed"' in new_text.split("</div>", 1)[0]  # the changed figure is marked
    plain = CliRunner().invoke(main, ["review", str(new), "--diff", str(old), "-o", str(tmp_path / "p.html")])
    assert plain.exit_code == 0 and '<div class="captures">' not in (tmp_path / "p.html").read_text(encoding="utf-8")
