"""scales: the judgement finder is the plain alternation, only faster."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import clean, ingest, prefilter, scales

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "raw").glob("*.txt")) + sorted((ROOT / "tests/corpus/probes").glob("*/raw/*.txt"))[::3]


def _sentences() -> list[str]:
    out = []
    for path in PAGES:
        cd = clean.clean(ingest.read(ingest.Input(path, path.stem, ingest.Source(path.stem)), 10**8))
        out += [cd.text[s:e] for s, e in cd.sentences]
    return out


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return _sentences()


def _plain(text: str) -> list[tuple[int, int, str]]:
    sc = scales.load()
    out = []
    for m in sc.combined.finditer(text):
        name = next(k for i, k in sc.term_groups if m.groups()[i] is not None)
        out.append((m.start(), m.end(), sc.terms[int(name[1:])].id))
    return out


def test_every_term_says_where_it_can_begin() -> None:
    # One term whose start cannot be read turns the per-character dispatch off for all of them: every scan falls
    # back to the whole alternation at every character (a third of a run's time, found by a benchmark).
    sc = scales.load()
    assert [t.id for t in sc.terms if prefilter.starts(t.pattern.pattern) is None] == []
    assert sc.starts is not None


def test_trying_only_the_terms_a_first_character_allows_finds_what_the_alternation_finds(sentences) -> None:
    assert len(sentences) > 1000
    # (Sentences without the string several terms need are read with the dispatch of the other terms.)
    sc = scales.load()
    assert sc.ungated is not None and any(sc.gate not in text.lower() for text in sentences)
    for text in sentences:
        assert [(j.start, j.end, j.rule) for j in _all(text)] == _plain(text), text


def _all(text: str) -> list[scales.Judgement]:
    # Every term's match, whatever its era's label (an era with no label for a term hides it in `find`).
    sc = scales.load()
    return [scales.Judgement(m.start(), m.end(), "", sc.terms[next(t for i, t in which if m.groups()[i] is not None)].id)
            for m, which in scales._matches(text, sc)]


def test_a_grade_at_a_position_is_the_alternations_match_there(sentences) -> None:
    sc = scales.load()
    for text in sentences[:800]:
        low = prefilter.lowered(text)
        for pos in range(len(text)):
            a, b = scales.grade_at(text, pos), sc.combined.match(text, pos)
            assert (a and a.span()) == (b and b.span()), (text, pos)
            c = scales.grade_at(text, pos, low=low)  # tried only where a term's prefix begins
            assert (c and c.span()) == (b and b.span()), (text, pos)


@pytest.mark.parametrize("text, published, source, expected", [
    # A date the page states is its era, whatever its words.
    ("The annual performance assessments rated ten councils outstanding.", "2014-05-01", "text", "sif-ilacs"),
    # A capture date only bounds the page from above: an APA page captured in 2015 is of the APA's era ...
    ("The annual performance assessments rated ten councils outstanding.", "2015-03-02", "captured", "apa-jar"),
    # ... but never moves it later.
    ("Ten councils require improvement under the single inspection framework.", "2010-03-02", "captured", "csa"),
    # The latest year a page states bounds it from below: "requires improvement" on a page whose latest year is
    # 2012 is of the later era ...
    ("In May 2012 the SIF came in; 29 councils now require improvement under the single inspection framework.",
     "2012", "text-year", "sif-ilacs"),
    # ... never an earlier one.
    ("In 2014 the APA's annual performance assessments were long gone.", "2014", "text-year", "sif-ilacs"),
    # No date: the page's words.
    ("The annual performance assessments rated ten councils outstanding.", "", "", "apa-jar"),
    # A date when two frameworks ran side by side (the first APA grades and the last star ratings, November 2005):
    # the one the page's words name, else the earlier.
    ("The first annual performance assessment put most councils in the top two grades.", "2005-11-30", "text",
     "apa-jar"),
    ("The star ratings put most councils in the top two grades.", "2005-11-30", "text", "stars"),
    ("Most councils were in the top two grades.", "2005-11-30", "text", "stars"),
])
def test_a_date_that_only_bounds_a_page_gives_way_to_its_words(text: str, published: str, source: str,
                                                                expected: str) -> None:
    assert scales.page_era(text, published, source) == expected


@pytest.mark.parametrize("phrase, date, expected", [
    # A combined grade is read before its parts ("adequate or poor" is not "adequate").
    ("rated as adequate or poor", "2010-12-10", "performs adequately or poorly"),
    # The stars given, of the scale's most.
    ("given two out of three stars", "2004-11-30", "two stars"),
    ("awarded one of a possible three stars", "2004-11-30", "one star"),
    ("rated as adequate or poor", "2007-06-01", "adequate or inadequate"),
    # The annual rating's words while it ran (to its last round, November 2011) ...
    ("judged good", "2011-11-08", "performs well"),
    # ... then the four-point inspection scale until the single inspection framework, its own words kept.
    ("judged good", "2012-06-01", "good"),
    ("found adequate", "2012-06-01", "adequate"),
    ("rated excellent", "2012-06-01", "outstanding"),
    ("rated poor", "2012-06-01", "inadequate"),
    ("performing well", "2012-06-01", "performs well"),
    ("performing poorly", "2013-03-01", "performs poorly"),
    ("less than good", "2013-06-01", "adequate or inadequate"),
    ("less than good", "2014-06-01", "requires improvement or inadequate"),
    # Below the minimum: the annual rating's "performs poorly" was defined as not delivering minimum requirements.
    ("are not meeting minimum requirements", "2009-12-09", "performs poorly"),
    ("are not meeting minimum requirements", "2016-06-01", "requires improvement or inadequate"),
    # A combined grade with its verb is read before the verb and its first adverb.
    ("performed adequately or poorly", "2011-06-01", "performs adequately or poorly"),
    ("performed excellently or well", "2011-06-01", "performs excellently or well"),
    # An APA point and those above it: the grade and the grades above it.
    ("scored a 3 or above", "2008-12-01", "good or outstanding"),
    ("at grade 3 or above", "2008-12-01", "good or outstanding"),
    # The APAs' top grade is "outstanding" whichever word a page uses (the development corpus's d38, hand-verified).
    ("achieved excellent APA ratings", "2008-12-01", "outstanding"),
])
def test_a_grade_word_is_read_in_the_scale_of_its_pages_era(phrase: str, date: str, expected: str) -> None:
    assert scales.normalise(phrase, date) == expected


@pytest.mark.parametrize("text, expected", [
    # A page naming the CPA and using its own grade words speaks its scale ...
    ("Councils were scored under the Comprehensive Performance Assessment as excellent, good, fair, weak or poor.",
     "cpa"),
    # ... not one that names it in passing, nor a page without it that says "fair".
    ("Two councils got zero stars; the CPA will follow next month.", ""),
    ("It is fair to say the weak spots were few.", ""),
])
def test_a_page_naming_the_cpa_with_its_own_words_speaks_its_scale(text: str, expected: str) -> None:
    scale, keep = scales.page_scale(text, "stars")
    assert scale == expected
    assert (keep is not None and keep.search("a two-star council") is not None) == bool(expected)
