"""The number reader: words, digits, fractions, qualifiers; never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import numbers, scales


def read(text: str) -> list[tuple[str, float, str, str]]:
    return [(text[n.start:n.end], round(n.value, 2), n.kind, n.qualifier) for n in numbers.scan(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("twelve", 12), ("Eighty nine", 89), ("twenty-five", 25), ("one hundred and two", 102),
     ("Seven", 7), ("nineteen", 19), ("two thousand three hundred", 2300),
     # a tens word glued to its unit: a hyphen lost where a PDF's line broke, or a typo
     ("Twentysix", 26), ("seventyseven", 77)],
)
def test_number_words(text: str, value: float) -> None:
    assert read(text) == [(text, value, "count", "")]


def test_glued_words_are_only_a_tens_word_and_a_unit() -> None:
    assert read("twentyfirst sixtysomething fiftyfifty") == []


def test_commas_decimals_and_magnitudes() -> None:
    assert read("2,067 homes") == [("2,067", 2067, "count", "")]
    assert read("400,000 children") == [("400,000", 400000, "count", "")]
    assert read("12 million children") == [("12 million", 12000000, "count", "")]
    assert read("five million people") == [("five million", 5000000, "count", "")]


@pytest.mark.parametrize("text", ["23.7 per cent", "23.7 percent", "23.7%", "23.7 per-cent"])
def test_percent_forms(text: str) -> None:
    assert read(text) == [(text, 23.7, "percentage", "")]


def test_ratios_beyond_one_in_n() -> None:
    # "N in M" is always a ratio; "N out of M" only with M <= ten and no determiner.
    assert read("Two in five councils") == [("Two in five", 40, "proportion", "")]
    assert read("others are seeing 4 out of 5 areas") == [("4 out of 5", 80, "proportion", "")]
    assert read("Nine out of 10 homes") == [("Nine out of 10", 90, "proportion", "")]
    assert read("Nearly nine in ten of the councils") == [("nine in ten", 90, "proportion", "nearly")]
    assert read("three out of four of those") == [("three out of four", 75, "proportion", "")]
    assert read("1 in every 7 homes") == [("1 in every 7", 14.29, "proportion", "")]


def test_out_of_with_digits_or_the_is_two_counts() -> None:
    assert read("107 out of the 139 authorities") == [("107", 107, "count", ""), ("139", 139, "count", "")]
    assert read("five out of 12 councils") == [("five", 5, "count", ""), ("12", 12, "count", "")]
    assert read("Only 3 in 2012 were") == [("3", 3, "count", ""), ("2012", 2012, "count", "")]


def test_n_of_the_m_parts_of_one_assessment_is_a_ratio() -> None:
    assert read("good in three of the four areas") == [("three of the four", 75, "proportion", "")]
    assert read("four of five categories") == [("four of five", 80, "proportion", "")]
    assert read("three out of the five inspection areas") == [("three out of the five", 60, "proportion", "")]
    # Things, not parts: places, councils, recommendations; and "one of" is a pronoun and its whole.
    assert read("two of the nine local areas") == [("two", 2, "count", ""), ("nine", 9, "count", "")]
    assert read("Six of the eight councils") == [("Six", 6, "count", ""), ("eight", 8, "count", "")]
    assert read("3 of the 4 recommendations") == [("3", 3, "count", ""), ("4", 4, "count", "")]
    assert read("one of the four areas") == [("one", 1, "count", ""), ("four", 4, "count", "")]


def test_percent_in_words() -> None:
    assert read("Eighty nine per cent of councils") == [("Eighty nine per cent", 89, "percentage", "")]


@pytest.mark.parametrize(
    ("text", "value"),
    [("two thirds", 66.67), ("two-thirds", 66.67), ("a third", 33.33), ("a quarter", 25), ("one in four", 25),
     ("one in five", 20), ("three quarters", 75), ("Three-quarters", 75), ("one in every seven", 14.29)],
)
def test_fractions(text: str, value: float) -> None:
    assert read(text) == [(text, value, "proportion", "")]


def test_half_only_as_a_share() -> None:
    assert read("half of looked after children") == [("half", 50, "proportion", "")]
    assert read("on behalf of the council") == []
    # ... or as the subject of a clause: after a conjunction or at a sentence's start, before a verb.
    assert read("a quarter were inadequate, while half required improvement") == [
        ("a quarter", 25, "proportion", ""), ("half", 50, "proportion", "")]
    assert read("Half were rated good.") == [("Half", 50, "proportion", "")]
    assert read("It ended, and half an hour later, the half-term began; half need help.") == []


def test_ordinals_are_not_fractions() -> None:
    assert read("sixth forms and the third year") == []


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("over two thirds", "over"), ("more than 75,000", "more than"), ("almost 12 million", "almost"),
     ("nearly 84,000", "nearly"), ("around a quarter", "around"), ("about 40", "about"),
     ("just over half of", "just over"), ("just under three-quarters", "just under"), ("at least 10", "at least"),
     ("fewer than 5", "fewer than"), ("up to 20", "up to"), ("approximately 2,960", "approximately")],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    (n,) = numbers.scan(text)
    assert n.qualifier == qualifier
    assert text[n.q_start:n.start].strip() == text[: n.start].strip()


def test_unit_does_not_follow_unit() -> None:
    assert read("three zero stars") == [("three", 3, "count", ""), ("zero", 0, "count", "")]


def test_no_numbers_inside_words_or_codes() -> None:
    assert read("16th December, WC2B, 00:01") == []


def test_parse_and_format() -> None:
    n = numbers.parse("over two thirds")
    assert n is not None and n.kind == "proportion" and n.qualifier == "over"
    assert numbers.parse("not a number") is None
    assert numbers.format_value(12000000.0) == "12000000"
    assert numbers.format_value(200 / 3) == "66.67"
    assert numbers.format_value(23.70) == "23.7"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_reader_never_raises(text: str) -> None:
    for n in numbers.scan(text):
        assert 0 <= n.q_start <= n.start < n.end <= len(text)
    numbers.parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["one", "two", "hundred", "and", "thousand", "million", "twenty", "-", " ", "per cent",
                                 "in", "every", "a", "third", "half", "of", "12", ",", "3.5", "%", "over"]), max_size=12))
def test_reader_never_raises_on_number_soup(parts: list[str]) -> None:
    text = " ".join(parts)
    for n in numbers.scan(text):
        assert n.value >= 0


# The prefiltered paths try a pattern only where a match can begin; they must
# find exactly what the plain `finditer` finds, whatever the text.
_SOUP = st.lists(st.one_of(
    st.sampled_from(["one", "One", "two", "three", "a", "an", "third", "quarters", "half", "hundred", "thousand",
                     "twenty", "eighty-nine", "12", "1,250", "3.5", "0", "2009", "per cent", "%", "in", "every",
                     "out of", "over", "just under", "stars", "good", "Outstanding", "inadequate", "requires",
                     "improvement", "performing", "excellently", "satisfactory", "grade", "score", "not", "-", ",",
                     ".", "'", "(", ")", "\n", "  ", "ſ", "K", "ß", "ﬁ", "é", "İ"]),
    st.text(max_size=4)), max_size=20)


@settings(max_examples=300, deadline=None)
@given(_SOUP, st.sampled_from([" ", "", "-", "\n"]))
def test_prefiltered_scan_is_the_full_scan(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    g = numbers.grammar()
    assert [m.span() for m in numbers._matches(text, g)] == [m.span() for m in g.pattern.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(_SOUP, st.sampled_from([" ", "", "-", "\n"]))
def test_prefiltered_judgements_are_the_full_scan(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    sc = scales.load()
    assert [m.span() for m, _ in scales._matches(text, sc)] == [m.span() for m in sc.combined.finditer(text)]


@pytest.mark.parametrize("text, expected", [
    # A headline drops the article before a fraction: "Quarter of ...", "in fifth of councils".
    ("Quarter of children's services now rated outstanding", [("proportion", 25.0)]),
    ("Services fall short in fifth of councils", [("proportion", 20.0)]),
    # Not an ordinal after a determiner, nor a date.
    ("It was the third of five inspections.", [("count", 5.0)]),
    ("The fifth of November was the date.", []),
    ("Fifth of November fireworks were cancelled.", []),
])
def test_a_headline_fraction_without_its_article(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(n.kind, n.value) for n in numbers.scan(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("A dozen local authorities are not meeting minimum requirements.", [("count", 12.0)]),
    ("Half a dozen councils were rated inadequate.", [("count", 6.0)]),
    ("Two dozen councils improved.", [("count", 24.0)]),
    ("Dozens of councils were rated inadequate.", []),
    # The article counts one of a magnitude too ...
    ("There were a hundred events and a thousand children.", [("count", 100.0), ("count", 1000.0)]),
    # ... and an abbreviated magnitude after digits multiplies them, before a word only.
    ("There were 2.3m initial contacts and 1.5bn hits.", [("count", 2300000.0), ("count", 1500000000.0)]),
    ("The wall was 40m.", []),
])
def test_dozens(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(n.kind, n.value) for n in numbers.scan(text)] == expected


@pytest.mark.parametrize("text, expected", [
    # A count per a round base is a share of the base; the base is no number of its own.
    ("Blackpool had 184 children in care per 10,000, the highest rate.", [(1.84, "proportion", "184")]),
    ("For every 10,000 youngsters in the resort last year, 184 were in care.", [(1.84, "proportion", "184")]),
    ("Councils handled 500 referrals per 1,000 children.", [(50.0, "proportion", "500")]),
    # ... and so is the other end of a range from such a rate ("to 1,501" in 10,000).
    ("Children in need varied from 291 in 10,000 children to 1,501.", [(2.91, "proportion", "291"),
                                                                        (15.01, "proportion", "1,501")]),
    ("Referrals rose from 226 in 10,000 to 1,863 cases.", [(2.26, "proportion", "226"),
                                                          (18.63, "proportion", "1,863")]),
    ("Referrals fell from 300 per 10,000 children in 2010 to 250.", [(3.0, "proportion", "300"),
                                                                     (2010.0, "count", "2010"), (250.0, "count", "250")]),
    # Not a round base, or no "per": counts as they were.
    ("There were 184 children in care and 10,000 referrals.", [(184.0, "count", "184"), (10000.0, "count", "10,000")]),
    ("There were 184 children in 2,000 homes.", [(184.0, "count", "184"), (2000.0, "count", "2,000")]),
    ("Each team had 12 cases per 30 workers.", [(12.0, "count", "12"), (30.0, "count", "30")]),
])
def test_a_count_per_a_round_base_is_a_rate(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(round(n.value, 2), n.kind, text[n.start:n.end]) for n in numbers.scan(text)] == expected


def test_an_approximate_suffix_is_the_counts_qualifier() -> None:
    # "40-odd" is about forty: the suffix is part of the number and makes it approximate.
    assert read("There were 40-odd assurance visits.") == [("40-odd", 40, "count", "odd")]
    assert read("about 30-odd councils") == [("30-odd", 30, "count", "about")]
