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
        for pos in range(len(text)):
            a, b = scales.grade_at(text, pos), sc.combined.match(text, pos)
            assert (a and a.span()) == (b and b.span()), (text, pos)
