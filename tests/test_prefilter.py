"""prefilter.required: strings one of which every match holds (figures._not_figures skips windows and
candidates by them), so it must be sound: never a string some match lacks."""

from __future__ import annotations

from unittest import mock

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import figures, prefilter, spans


def test_needed_strings_include_what_lookarounds_test() -> None:
    assert prefilter.needed(r"(?i)(?<=\bstars?\b[^.]{0,20})\bgot\s+(?:one|two)") == {"star"}
    assert prefilter.needed(r"\d(?=\s+years)") == {"years"}  # `required` finds nothing here
    assert prefilter.needed(r"(?<!stars )\bgot") == {"got"}  # a negative lookaround needs nothing
    assert prefilter.needed(r"(?i)\bYear\s+\d+") == prefilter.required(r"(?i)\bYear\s+\d+") == {"year"}
    assert prefilter.needed(r"a|(?=b)") == {"a", "b"}  # a lookahead's text is in the text, after the match
    assert prefilter.needed(r"a|(?!b)") is None  # the second branch needs no text to match


def test_required_strings_of_simple_patterns() -> None:
    assert prefilter.required(r"(?i)\bYear\s+\d+") == {"year"}
    assert prefilter.required(r"ab\d+cde") == {"cde"}  # the longer run: fewer false hits
    assert prefilter.required(r"(?:grades?|levels)\s+\d") == {"grade", "levels"}
    assert prefilter.required(r"rat(?:ed|ing)") == {"rat"}
    assert prefilter.required(r"x(?:abc)+") == {"abc"}
    assert prefilter.required(r"[Kk]ey") == {"ey"}  # a set is not joined to the literals after it
    assert prefilter.required(r"[A-C]\d") == {"a", "b", "c"}


def test_no_requirement_where_a_match_may_lack_it() -> None:
    assert prefilter.required(r"a|b*") is None  # the second branch may match nothing
    assert prefilter.required(r"(?:abc)?\d") is None
    assert prefilter.required(r"\d(?=years)") is None  # a lookahead's text is not in the match
    assert prefilter.required(r"(?<=aged )\d+") is None
    assert prefilter.required(r"\p{Lu}\d") is None  # not `re` syntax: unknown
    assert prefilter.required(r"[[a-z]--[aeiou]]x") is None  # `regex` set operations
    assert prefilter.required(r"(?:kent){e<=1}") is None  # fuzzy matching: "kant" matches
    assert prefilter.required(r"x{1, 3}yz") is None  # `re` would read the braces as characters
    assert prefilter.required(r"x{2,3}yz") == {"yz"}
    assert prefilter.required(r"caf\u00e9") == {"caf"}  # only ASCII is folded as `lowered` folds


_SOUP = st.lists(st.one_of(
    st.sampled_from(["the", "all", "3", "12", "one", "two", "grades", "levels", "point", "tier", "band", "category",
                     "categories", "judgements", "ratings", "outcomes", "zero", "stars", "star", "rated", "a",
                     "second", "third", "year", "first", "half", "early", "dropped", "by", "went", "up", "-",
                     " ", "\n", ",", "GRADE", "Stars"]),
    st.text(max_size=3)), max_size=16)


@settings(max_examples=300, deadline=None)
@given(_SOUP, st.sampled_from([" ", "", "-"]))
def test_every_match_of_a_not_figure_rule_holds_a_required_string(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    low = prefilter.lowered(text)
    if low is None:
        return
    for _rid, p in figures.load().not_figures:
        req = prefilter.required(p.pattern)
        if req is None:
            continue
        for m in p.finditer(text):
            assert any(s in low[m.start():m.end()] for s in req), (p.pattern, m.group(0), req)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcAB 1-", max_size=12))
def test_required_holds_for_branches_and_repeats(text: str) -> None:
    p = regex.compile(r"(?i)(?:ab|ba){1,3}c?|a[ab]+b", regex.V1)
    req = prefilter.required(p.pattern)
    assert req is not None
    low = prefilter.lowered(text)
    for m in p.finditer(text):
        assert any(s in low[m.start():m.end()] for s in req)


def test_lowered_answers_each_text_as_if_asked_first() -> None:
    page, other, folding = "Kent judged 12 Councils", "NINE councils", "Kelvin \u212a"
    assert prefilter.lowered(page) == "kent judged 12 councils"
    assert prefilter.lowered(page) == "kent judged 12 councils"  # the kept answer
    assert prefilter.lowered(other) == "nine councils"
    assert prefilter.lowered(folding) is None  # the Kelvin sign folds to "k": no prefilter
    assert prefilter.lowered(page) == "kent judged 12 councils"


def test_folds_simply_finds_every_character_that_expands() -> None:
    assert prefilter.folds_simply("Kent judged 12 councils") and prefilter.folds_simply("café – 12 per cent")
    assert not prefilter.folds_simply("Straße 12") and not prefilter.folds_simply("\ufb01ve") and not prefilter.folds_simply("\u0130")


def test_simple_case_is_refused_where_a_pattern_could_expand() -> None:
    plain = prefilter.simple_case(regex.compile(r"(?i)\bhalf\s+of\b", regex.V1))
    assert plain is not None and not plain.flags & regex.FULLCASE and plain.match("HALF of")
    assert prefilter.simple_case(regex.compile("(?i)stra\u00dfe", regex.V1)) is None  # "ß" itself
    assert prefilter.simple_case(regex.compile(r"(?i)stra\xdfe", regex.V1)) is None  # "ß" by code
    assert prefilter.simple_case(regex.compile("(?i)[a-z\u00e0-\u00ff]+", regex.V1)) is None  # a range over "ß"
    assert prefilter.simple_case(regex.compile("(?i)[-\u2013]\\p{Ll}", regex.V1)) is not None  # "-" first: no range
    assert prefilter.simple_case(regex.compile(r"(?i)strasse", regex.V1)).match("STRASSE")  # type: ignore[union-attr]


_FOLDS = st.lists(st.one_of(
    st.sampled_from(["ss", "SS", "\u00df", "\u1e9e", "fi", "\ufb01", "\u0130", "i\u0307", "K", "\u212a", "\u017f", "one",
                     "Twenty-ONE", "12", "3,400", "half of", "a third", "two in FIVE", "per cent", "%", "over", " ", "\n"]),
    st.text(max_size=3)), max_size=16)


@settings(max_examples=300, deadline=None)
@given(_FOLDS)
def test_the_number_grammar_without_full_case_folding_reads_the_same(parts: list[str]) -> None:
    """On a text that folds simply, the number reader's patterns find the same matches, groups and all, with
    full case-folding off (what `numbers.scan` then uses) as with it."""
    from extract import numbers

    text = " ".join(parts)
    if not prefilter.folds_simply(text):
        return
    g, s = numbers.grammar(), numbers._simple_grammar()
    assert s.pattern is not g.pattern
    for full, simple in ((g.pattern, s.pattern), (g.qualifier, s.qualifier)):
        for i in range(len(text)):
            a, b = full.match(text, i), simple.match(text, i)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (text, i)


def test_branches_split_only_at_the_top_level() -> None:
    assert prefilter.branches(r"a(b|c)|[|]d|\|x|(?i:q)") == ["a(b|c)", "[|]d", r"\|x", "(?i:q)"]
    assert prefilter.branches(r"abc") is None  # one alternative: nothing to split
    assert prefilter.branches(r"(?i)a|b") == ["(?i)a", "(?i)b"]  # flags the pattern opens with hold for each
    assert prefilter.branches(r"a|(?i)b|c") is None  # the flag holds from there on, across alternatives
    assert prefilter.branches(r"(a)x|\1") is None  # a group referred to by number
    assert prefilter.branches(r"(?x) a | b") is None  # verbose: "|" may be in a comment
    assert prefilter.branches(r"[[a-z]--[aeiou]]|x") is None  # V1 set operations
    assert prefilter.branches(r"[]|]|x") is None
    assert prefilter.branches(r"\Gb|c") is None  # where the search began: another place per alternative
    assert prefilter.branches(r"a\Kb|c") is None  # a match starting after where it was tried
    assert prefilter.branches(r"(?:kent){e<=1}|x") is None and prefilter.branches(r"(?b)ab|c") is None
    assert prefilter.branches(r"\p{Lu}\d{2,3}|x") == [r"\p{Lu}\d{2,3}", "x"]
    assert prefilter.alternation(regex.compile(r"(a(?i)b)|c", regex.V0)) is None  # V0: the flag holds everywhere
    assert prefilter.alternation(regex.compile(r"(a(?i)b)|c", regex.V1)) is not None  # V1: to the group's end
    assert prefilter.alternation(regex.compile(r"ab|c", regex.V1 | regex.REVERSE)) is None  # right to left


def _spans(ms: list[regex.Match[str]]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in ms]


_ALTERNATIONS = [r"\bgood(?=for\b)|\ban?(?=third)|[a-z]{2}['’]s(?=[a-z]{2})|[a-z]{2}ed(?=good\b)",
                 r"(?P<a>ab)|b(?P<b>a+)|a", r"x*|ab", r"(?<=a)b|ab|\bba", r"(?i)ab|(?-i:Ba)|^a"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abdegorst'’ x\n", max_size=24), st.integers(0, 4), st.integers(0, 30))
def test_an_alternation_searched_alternative_by_alternative_finds_what_finditer_finds(
        text: str, pos: int, endpos: int) -> None:
    from extract import clean

    pats = [regex.compile(p, regex.V1) for p in _ALTERNATIONS] + [clean.load_rules().unglue, clean._SENT_END]
    with mock.patch.object(prefilter, "_SPLIT_FROM", 0):  # split however short the text
        for p in pats:
            assert _spans(prefilter.finditer(p, text)) == _spans(list(p.finditer(text))), (p.pattern, text)
            assert _spans(prefilter.finditer(p, text, pos, endpos)) == _spans(list(p.finditer(text, pos, endpos)))
    assert all(prefilter.alternation(p) is not None for p in pats)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abdegorst'’ x\n", max_size=24), st.integers(0, 4), st.integers(0, 30))
def test_an_alternation_searched_alternative_by_alternative_finds_the_first_match(
        text: str, pos: int, endpos: int) -> None:
    with mock.patch.object(prefilter, "_SPLIT_FROM", 0):
        for p in [regex.compile(p, regex.V1) for p in _ALTERNATIONS]:
            for a, b in ((prefilter.search(p, text), p.search(text)),
                         (prefilter.search(p, text, pos, endpos), p.search(text, pos, endpos))):
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (p.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["this", "that", "it", "is", "was", "rating", "the", "same", "did", "likewise", "and",
                                 "followed", "suit", ",", "3", "about", "But", "THIS", "Rating", "\n", "  "]), max_size=12),
       st.integers(0, 6), st.integers(0, 60))
def test_whether_a_pattern_matches_is_whether_one_of_its_alternatives_does(
        parts: list[str], pos: int, endpos: int) -> None:
    """`exists` asks the alternatives one by one; one beginning with `\\G` matches only where the search begins."""
    text = " ".join(parts)
    for p in [spans.grammar().anaphora, *(regex.compile(p, regex.V1) for p in _ALTERNATIONS),
              regex.compile(r"(?i)\G\W*it\s+was|,\s*this\b|\bthe\K\s+same", regex.V1)]:
        assert prefilter.exists(p, text, pos, endpos) == (p.search(text, pos, endpos) is not None), (p.pattern, text)
    assert prefilter._exists_parts(spans.grammar().anaphora) is not None
    assert prefilter._exists_parts(regex.compile(r"(a)x|\1y", regex.V1)) is None  # a group reference: not split


def test_spaced_prefixes_read_whitespace_and_optional_items() -> None:
    S, SS, W = prefilter.SPACE, prefilter.SPACES, prefilter.WORD_START
    assert prefilter.starts(r"\b(?:an?|one)\s+star", spaces=True) == {W + "a" + SS + "star", W + "an" + SS + "sta",
                                                                      W + "one" + SS + "st"}  # six characters
    assert prefilter.starts(r"\b(?:an?|one)\s+star") == {W + "a", W + "an", W + "one"}  # without: up to the space
    assert prefilter.starts(r"top\stwo", spaces=True) == {"top" + S + "tw"}
    finder = prefilter.finder(prefilter.starts(r"\bthe\s+top", spaces=True))
    assert [m.start() for m in finder.finditer("the top, the\n\ttop, the end, bathe top")] == [0, 9]


_SCALE_SOUP = st.lists(st.one_of(
    st.sampled_from(["the", "top", "two", "a", "an", "one", "star", "stars", "better", "off", "rated", "good", "not",
                     "in", "need", "of", "improvement", "requires", "lowest", "grade", "and", "outstanding", "were",
                     "below", "\u00a0", "\u2003", "\t", "\n", "  ", "\x1c"]),
    st.text(max_size=3)), max_size=16)


@settings(max_examples=300, deadline=None)
@given(_SCALE_SOUP)
def test_every_scale_term_match_begins_where_its_spaced_prefixes_find(parts: list[str]) -> None:
    """The judgement finder (scales) tries a term only where one of its spaced prefixes begins: every place a
    term matches must be such a place, whatever whitespace (no-break, em space, tab) stands between words."""
    from extract import scales

    text = " ".join(parts)
    low = prefilter.lowered(text)
    if low is None:
        return
    for t in scales.load().terms:
        found = prefilter.starts(t.pattern.pattern, spaces=True)
        if found is None:
            continue
        places = {m.start() for m in prefilter.finder(found).finditer(low)}
        for m in t.pattern.finditer(text):
            assert m.start() in places, (t.id, text, m.start())


_NF_SOUP = st.lists(st.one_of(
    st.sampled_from(["one", "of", "the", "at", "any", "time", "12", "3", "five", "years", "year", "old", "aged",
                     "weeks", "month", "all", "four", "categories", "grades", "scored", "Kent", "Leeds", ",", "who",
                     "was", "each", "this", "no", "1", "-", "in", "\u00a0", "\t", "\n", "  "]),
    st.text(max_size=3)), max_size=16)


@settings(max_examples=300, deadline=None)
@given(_NF_SOUP)
def test_every_not_figure_match_begins_where_its_rules_finder_finds(parts: list[str]) -> None:
    """`_not_figures` tries a rule only where its (spaced) prefixes begin: every match must begin at such a place."""
    text = " ".join(parts)
    low = prefilter.lowered(text)
    if low is None:
        return
    fr = figures.load()
    for (rid, p), starts in zip(fr.not_figures, fr.nf_starts, strict=True):
        if starts is None:
            continue
        places = {m.start() for m in starts.finditer(low)}
        for m in p.finditer(text):
            assert m.start() in places, (rid, text, m.start())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["not", "never", "no", "longer", "been", "rated", "from", "previously", "lost", "its",
                                 "to", "ensure", "that", "so", "can", "aim", "in", "order", "good", "the", "'", "“",
                                 ".", ",", "NOT", "Ensure", "\u00a0", "\t", "  "]), max_size=14),
       st.integers(0, 8), st.integers(0, 80))
def test_a_pattern_matches_nowhere_its_begins_gate_finds_no_place(parts: list[str], pos: int, endpos: int) -> None:
    """`begins` gates the grammar's reverse searches (negation, source, aspiration): a span (of the text, or a
    slice) where it finds no place holds no match."""
    text = " ".join(parts)
    low = prefilter.lowered(text)
    if low is None:
        return
    g = spans.grammar()
    for p in (g.negation, g.source, g.aspiration):
        where = prefilter.begins(p)
        assert where is not None, p.pattern
        if p.search(text, pos, endpos) is not None:
            assert where.search(low, pos, endpos) is not None, (p.pattern, text, pos, endpos)
        if p.search(text[pos:endpos]) is not None:
            assert where.search(low[pos:endpos]) is not None, (p.pattern, text, pos, endpos)
    assert prefilter.begins(regex.compile(r"\s+|x", regex.V1)) is None  # every gap would be a place


_PLACED = [r"(?i)(?:[,;–—]|\s-)\s*(?:and|but)\b|\bwhile\b|[,–]\s*(?:a|the)\s+(?:\w+\s+){1,3}?where\b",
           r"(?i)\b(?:one|two)\s+stars?\b|\bthe\s+top\s+two\b", r"£\d+|x*", r"(?<=a)\s+x|\s+where"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["while", "and", "but", "the", "a", "top", "two", "one", "star", "stars", "where",
                                 "x", "£3", ",", ";", "–", "—", " - ", "\u00a0", "\t", "\n", "  ", "WHILE", "Two"]),
                max_size=14), st.integers(0, 5), st.integers(0, 60))
def test_a_pattern_tried_only_where_it_can_begin_finds_what_finditer_finds(
        parts: list[str], pos: int, endpos: int) -> None:
    text = " ".join(parts)
    low = prefilter.lowered(text)
    for p in [regex.compile(p, regex.V1) for p in _PLACED] + [spans.grammar().clause_break]:
        assert _spans(prefilter.finditer_placed(p, text, low)) == _spans(list(p.finditer(text))), (p.pattern, text)
        assert _spans(prefilter.finditer_placed(p, text, low, pos, endpos)) == _spans(list(p.finditer(text, pos, endpos)))
        a, b = prefilter.search_placed(p, text, low, pos, endpos), p.search(text, pos, endpos)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
    assert prefilter.placed(spans.grammar().clause_break) is not None  # a comma or dash first: a few places
    assert prefilter.placed(regex.compile(r"\s+|x", regex.V1)) is None  # every gap would be a place
    assert [m.start() for m in prefilter.finder({prefilter.SPACES + "x"}).finditer(" \t x  x")] == [0, 1, 2, 4, 5]
