"""The figures stage on real sentences from the seed pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import clean, figures, prefilter
from extract.model import CleanDoc, Figure, RawDoc, Source


def doc(text: str, published: str = "2007-04") -> CleanDoc:
    raw = RawDoc("t", "t.txt", "txt", "", text, Source("t", published=published))
    return clean.clean(raw)


def figs(text: str, published: str = "2007-04") -> list[Figure]:
    return figures.extract(doc(text, published))


def rows(text: str, published: str = "2007-04") -> list[tuple[str, str, str, str]]:
    return [(f.kind, f.value, f.measure, f.category) for f in figs(text, published)]


def test_out_of_the_is_two_figures() -> None:
    fs = figs("The overall picture is an improving one, with children's services in 107 out of the 139 authorities "
              "covered by this report making at least a good contribution towards delivering better outcomes.")
    assert [(f.value, f.denominator, f.measure, f.category) for f in fs] == [
        ("107", "139", "authorities", "good or outstanding"),
        ("139", "", "authorities", "total"),
    ]


@pytest.mark.parametrize("text, expected", [
    # A bare number after "out of" is the whole of a count before it ...
    ("The council was 1 of 30 local authorities to receive this judgement out of 151 that had undergone inspection.",
     [("30", "local authorities", ""), ("151", "local authorities", "total")]),
    ("The summary report on the 137 services inspected during 2007, out of a total of 150, found a mixed picture.",
     [("137", "services", ""), ("150", "services", "total")]),
    # ... and after the numerator's noun phrase it is its denominator, which does not end the numerator's clause.
    ("South Tyneside is one of just 25 local authorities out of 161 in the country to have been rated good.",
     [("25", "local authorities", "good"), ("161", "local authorities", "total")]),
    # A score out of a scale's points is no whole, nor is a noun's complement a denominator.
    ("The service scored 3 out of 4.", []),
    ("12 inspections of 30 councils found failings.", [("12", "inspections", ""), ("30", "councils", "")]),
])
def test_a_whole_after_out_of(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2016-06-01")] == expected


def test_list_of_counts_each_with_its_category() -> None:
    text = ("children's services in 107 out of the 139 authorities covered by this report making a good or excellent "
            "contribution: 10 councils were rated as outstanding; 97 good; 28 adequate; 4 inadequate")
    assert rows(text)[2:] == [
        ("count", "10", "councils", "outstanding"),
        ("count", "97", "councils", "good"),
        ("count", "28", "councils", "adequate"),
        ("count", "4", "councils", "inadequate"),
    ]


def test_percentages_share_their_measure() -> None:
    text = ('"Currently, 42% of local authorities are judged good or outstanding, 45% as requires improvement to be '
            'good and 13% inadequate."')
    assert rows(text, "2018-12-04") == [
        ("percentage", "42", "local authorities", "good or outstanding"),
        ("percentage", "45", "local authorities", "requires improvement"),
        ("percentage", "13", "local authorities", "inadequate"),
    ]


def test_two_thirds() -> None:
    (f,) = figs("Two thirds of services inspected deliver good or better provision for children.", "2008-12-01")
    assert (f.kind, f.value, f.approx, f.measure, f.category) == (
        "proportion", "66.67", 0, "services", "good or outstanding")


def test_over_three_quarters_is_approximate() -> None:
    (f,) = figs("Provision for looked after children was good or outstanding in over three quarters of the services "
                "inspected.", "2008-12-01")
    assert (f.value, f.approx, f.qualifier, f.evidence) == ("75", 1, "over", "three quarters")


def test_share_with_bracketed_count() -> None:
    fs = figs("The performance ratings for 2009 show that over two thirds (103) of councils are providing excellent "
              "or good services, with 40 offering services that are performing adequately.", "2009")
    assert [(f.kind, f.value, f.measure, f.category, f.period) for f in fs] == [
        ("proportion", "66.67", "councils", "performs excellently or well", "2009"),
        ("count", "103", "councils", "performs excellently or well", "2009"),
        ("count", "40", "councils", "performs adequately", ""),
    ]


TABLE_2011 = """The following table provides a breakdown of the number of authorities achieving each grade:

Children's services assessments 2011 Number Percentag
Performs excellently 28 18%
Performs well 71 41%
Performs adequately 33 22%
Performs poorly 15 10%
Judgements to be finalised 5 3%
Total 15 100%
"""


def test_2011_table_rows_as_written() -> None:
    got = [(f.kind, f.value, f.category, f.period, f.rule) for f in figs(TABLE_2011, "2011-11-08")]
    assert got == [
        ("count", "28", "performs excellently", "2011", "table.row"),
        ("percentage", "18", "performs excellently", "2011", "table.row"),
        ("count", "71", "performs well", "2011", "table.row"),
        ("percentage", "41", "performs well", "2011", "table.row"),
        ("count", "33", "performs adequately", "2011", "table.row"),
        ("percentage", "22", "performs adequately", "2011", "table.row"),
        ("count", "15", "performs poorly", "2011", "table.row"),
        ("percentage", "10", "performs poorly", "2011", "table.row"),
        ("count", "5", "", "2011", "table.row"),
        ("percentage", "3", "", "2011", "table.row"),
        ("count", "15", "total", "2011", "table.row"),
        ("percentage", "100", "total", "2011", "table.row"),
    ]
    assert {f.measure for f in figs(TABLE_2011, "2011-11-08")} == {"authorities"}


REGION_TABLE = """The number of local authorities by overall effectiveness.

Region Outstanding Good Requires improvement Inadequate
London 5 20 6 2
North East 3 7 2 0
Total 8 27 8 2
"""


def test_column_headings_give_each_cell_its_judgement() -> None:
    # Made up: region rows under judgement columns; the "Total" row counts each column's judgement.
    got = [(f.value, f.category, f.rule) for f in figs(REGION_TABLE, "2019-09-01")]
    grades = ["outstanding", "good", "requires improvement", "inadequate"]
    assert got == [(v, g, "table.row") for v, g in zip("5 20 6 2 3 7 2 0 8 27 8 2".split(), grades * 3, strict=True)]
    assert {f.measure for f in figs(REGION_TABLE, "2019-09-01")} == {"local authorities"}


def test_web_table_header_set_apart_by_a_blank_line() -> None:
    # A web table's header row stands a blank line above its body, as the HTML cleaner lays it out.
    text = REGION_TABLE.replace("Inadequate\n", "Inadequate\n\n").replace(" 2\nNorth", " 2\n\nNorth")
    assert [f.category for f in figs(text, "2019-09-01")][:4] == ["outstanding", "good", "requires improvement",
                                                                   "inadequate"]


def test_year_columns_give_each_cell_its_year() -> None:
    text = ("Councils by grade of their children's services, 2016 to 2019.\n"
            "Grade 2016 2017 2018 2019\nOutstanding 2 4 6 9\nInadequate 20 18 15 11\n")
    assert [(f.value, f.category, f.period) for f in figs(text, "2019-12-01")] == [
        ("2", "outstanding", "2016"), ("4", "outstanding", "2017"), ("6", "outstanding", "2018"),
        ("9", "outstanding", "2019"), ("20", "inadequate", "2016"), ("18", "inadequate", "2017"),
        ("15", "inadequate", "2018"), ("11", "inadequate", "2019")]


def test_year_rows_under_judgement_columns() -> None:
    text = "The number of councils by judgement.\nYear Good Inadequate\n2016 30 20\n2017-18 35 18\n"
    assert [(f.value, f.category, f.period) for f in figs(text, "2018-12-01")] == [
        ("30", "good", "2016"), ("20", "inadequate", "2016"), ("35", "good", "2017-18"), ("18", "inadequate", "2017-18")]


def test_a_row_of_many_cells_is_read_whole() -> None:
    # Fourteen quarters of counts in one row: every cell is a figure of the row.
    text = "The number of authorities judged inadequate, by quarter.\n\nInadequate " + " ".join(
        str(n) for n in range(10, 24)) + "\n"
    assert [(f.value, f.category) for f in figs(text, "2019-12-01")] == [(str(n), "inadequate") for n in range(10, 24)]


def test_headings_that_do_not_line_up_or_head_one_column_make_no_table() -> None:
    # "Overall rating" heads a column of ratings, not a total; and one heading over a row of one
    # number ("4 star" over "Barnet 3") is not a table.
    page = figures._Page(doc("Council Score Overall rating\nBury 3\n"), figures.load(), None)
    assert figures._column_heads(page, page.text.index("Bury")) == []
    assert not [f for f in figs("4 star\nBarnet 3\nBury 2\n", "2009-03-05") if f.rule == "table.row"]


def test_empty_cells_keep_their_columns_place() -> None:
    text = "The number of councils by judgement.\nRegion Outstanding Good Inadequate\nLondon - 20 n/a\nNorth East 3 - 1\n"
    assert [(f.value, f.category) for f in figs(text, "2019-09-01")] == [
        ("20", "good"), ("3", "outstanding"), ("1", "inadequate")]


STACKED = """Local authorities by overall effectiveness, by region

Region
Outstanding
Good
Inadequate

London
5
20
2

North East
3
7
0
"""


def test_stacked_web_table_one_cell_a_line() -> None:
    # Made up: a web table whose cells stand on lines of their own, as the HTML cleaner lays out one
    # written with a <td> a line. Rows apart by blank lines are put on a line each by the clean stage;
    # rows one after another are read cell line by cell line. Either way the headings above the
    # first row give each cell its judgement.
    grades = ["outstanding", "good", "inadequate"] * 2
    fs = figs(STACKED, "2019-09-01")
    assert [(f.value, f.category, f.rule) for f in fs] == [
        (v, g, "table.row") for v, g in zip("5 20 2 3 7 0".split(), grades, strict=True)]
    assert fs[0].sentence == "London 5 20 2"
    assert {f.measure for f in fs} == {"local authorities"}
    fs = figs(STACKED.replace("\n\n", "\n").replace("region\n", "region\n\n"), "2019-09-01")
    assert [(f.value, f.category, f.rule, f.sentence) for f in fs] == [
        (v, g, "table.cells", v) for v, g in zip("5 20 2 3 7 0".split(), grades, strict=True)]


def test_stacked_table_of_counts_and_shares_by_year() -> None:
    # Made up: year headings over "count (share)" cells, as an official-statistics table often is.
    text = ("Inspections by overall judgement\nNo. (%)\n\n2010-11\n2012-13\nTotal\n"
            "Good\n24 (28)\n7 (10)\n31 (20)\nInadequate\n19 (22)\n23 (34)\n42 (27)\n")
    assert [(f.kind, f.value, f.category, f.period) for f in figs(text, "2014-12-27")] == [
        ("count", "24", "good", "2010-11"), ("percentage", "28", "good", "2010-11"),
        ("count", "7", "good", "2012-13"), ("percentage", "10", "good", "2012-13"),
        ("count", "31", "good", ""), ("percentage", "20", "good", ""),
        ("count", "19", "inadequate", "2010-11"), ("percentage", "22", "inadequate", "2010-11"),
        ("count", "23", "inadequate", "2012-13"), ("percentage", "34", "inadequate", "2012-13"),
        ("count", "42", "inadequate", ""), ("percentage", "27", "inadequate", "")]


def test_a_short_line_over_a_number_is_not_a_stacked_table() -> None:
    # A subheading then one number, under a line that happens to be a grade: no table.
    assert not [f for f in figs("Good\nKey facts\n42\n", "2019-09-01") if f.rule.startswith("table")]


def test_markdown_table_rows_are_read_with_their_headings() -> None:
    text = ("The number of local authorities by overall effectiveness.\n\n| Region | Outstanding | Good | Inadequate |\n"
            "|---|---|---|---|\n| London | 5 | 20 | 2 |\n| North East | 3 | 7 | 0 |\n")
    assert [(f.value, f.category, f.measure) for f in figs(text, "2019-09-01")] == [
        ("5", "outstanding", "local authorities"), ("20", "good", "local authorities"),
        ("2", "inadequate", "local authorities"), ("3", "outstanding", "local authorities"),
        ("7", "good", "local authorities"), ("0", "inadequate", "local authorities")]


def test_a_table_of_contents_gives_page_numbers_not_figures() -> None:
    # Made up, as a PDF's contents page comes out flattened: titles each followed by a page number.
    text = ("Contents Summary of findings 3 What does the council need to improve? 4 Progress since the last "
            "inspection 7 Annex: key statistics 61\n\nIn 2015, 14 councils were judged inadequate.")
    assert [(f.value, f.category) for f in figs(text, "2015-08-01")] == [("14", "inadequate")]
    # Numbers that go down are not a contents list: "Contents" then prose keeps its figures.
    kept = figs("Contents of the report show 40 councils were good, 12 were inadequate and 3 outstanding.",
                "2015-08-01")
    assert [f.value for f in kept] == ["40", "12", "3"]


def test_a_sentence_above_rows_heads_no_columns() -> None:
    # Three rows of two numbers under a sentence naming two grades: the sentence is not a header.
    page = figures._Page(doc("In 2019 councils were rated good or inadequate.\nLondon 5 20\n"), figures.load(), None)
    assert figures._column_heads(page, page.text.index("London")) == []


def test_label_colon_value_lines_are_table_rows() -> None:
    text = "Number of local authorities by overall effectiveness:\nOutstanding: 3\nGood: 20\nInadequate: 2\n"
    assert [(f.value, f.measure, f.category, f.rule) for f in figs(text, "2019-09-01")] == [
        ("3", "local authorities", "outstanding", "table.row"), ("20", "local authorities", "good", "table.row"),
        ("2", "local authorities", "inadequate", "table.row")]


def test_an_unread_heading_between_grades_keeps_its_column() -> None:
    # "Pending" is not a grade, but it heads a column: the grades after it stay in their columns.
    text = ("The number of councils by grade.\nRegion Outstanding Good Pending Inadequate\nLondon 5 20 6 2\n"
            "North East 3 7 2 0\n")
    assert [(f.value, f.category) for f in figs(text, "2019-09-01")] == [
        ("5", "outstanding"), ("20", "good"), ("6", ""), ("2", "inadequate"),
        ("3", "outstanding"), ("7", "good"), ("2", ""), ("0", "inadequate")]
    # "RI", the grade's abbreviation, heads its own grade's column.
    text = "The number of councils by grade.\nRegion Outstanding Good RI Inadequate\nLondon 5 20 6 2\n"
    assert [(f.value, f.category) for f in figs(text, "2019-09-01")] == [
        ("5", "outstanding"), ("20", "good"), ("6", "requires improvement"), ("2", "inadequate")]


def test_scale_legend_is_not_a_table() -> None:
    text = ("9. All judgements are made on the following four-point scale:\n\n"
            "4 Performs excellently An organisation that significantly exceeds minimum requirements\n"
            "3 Performs well An organisation that exceeds minimum requirements\n")
    assert figs(text, "2011-11-08") == []


@pytest.mark.parametrize(
    "text",
    [
        "Press enquiries: telephone 0300 123 1231.",
        "The content is embargoed until 00:01 on 8 November.",
        "There are gaps between local authorities, especially at Key Stage 4.",
        "Strategies are not always successful, especially for 16-year-olds from low-income families.",
        "Most local authorities contribute effectively, according to Ofsted's 2007/08 Annual Report.",
        "Seven authorities scored four in all three categories.",
        "Consideration was given to level 3 attainment at the age of 19.",
        "It was made in the previous 12 months, and over 50 hours a week.",
        "1. Narrowing the gap is based on the outcomes for councils.",
        "I think there would be a public outcry if 25+% of surgeons was rated 'inadequate'.",
        "It is the highest of the two lowest ratings under the four-level grading framework.",
        "Just over 400,000 children are in the social care system at any one time.",
        "Aviation House 125 Kingsway London WC2B 6SE",
        "Of the 65 LAs that received more than 1 inspection, most improved.",
        "The councillor said the authority had failed in one area - child protection - but had improved in others.",
        "We have one service, child protection, that is now improving.",
        "The council was judged inadequate in three of the four key judgements.",
    ],
)
def test_not_figures(text: str) -> None:
    bad = {"0300", "123", "1231", "00:01", "4", "16", "2007/08", "2007", "four", "three", "3", "19", "12", "50",
           "1", "25", "two", "one", "125"}
    assert not [f.evidence for f in figs(text, "2011-11-08") if f.evidence in bad]


def test_one_named_by_a_proper_name_or_described_is_still_a_count() -> None:
    assert rows("Only one council, Birmingham, was rated inadequate.", "2016-01-05") == [
        ("count", "1", "councils", "inadequate")]
    assert rows("Only one council, rated inadequate last year, improved.", "2016-01-05") == [
        ("count", "1", "councils", "improved")]


def test_a_star_rating_between_a_count_and_its_noun_is_the_counted_group_s_grade() -> None:
    assert [(f.value, f.measure, f.category) for f in figs(
        "There are now 26 three-star councils, up from 20 last year, and 14 zero-star councils.", "2004-11-30")] == [
        ("26", "councils", "three stars"), ("20", "councils", "three stars"), ("14", "councils", "zero stars")]
    # Not across a line: a table's cells are no noun phrase ("Dorset 3 3 star" over "Dudley ...").
    assert [f.measure for f in figs("Council Score Rating\nDorset 3 3 star\nDudley 3 4 star\n", "2008-03-01")
            if f.measure.lower() in ("dorset", "dudley")] == []


def test_a_count_stated_by_numbered() -> None:
    assert rows("Councils judged inadequate numbered 22 at the end of March.", "2016-11-30") == [
        ("count", "22", "councils", "inadequate")]


def test_a_part_with_a_verb_of_its_own_takes_no_judgement_from_the_part_before() -> None:
    assert [(f.value, f.category) for f in figs(
        "Of the 35 local authorities inspected this year, 11 improved their grade, 17 stayed the same and seven "
        "declined.", "2019-06-01")] == [("35", "total"), ("11", "improved"), ("17", ""), ("7", "declined")]
    assert rows("The number of outstanding local authorities has doubled to 14.", "2019-06-01") == [
        ("count", "14", "local authorities", "outstanding")]


def test_all_n_after_a_judged_count_of_n_is_that_group() -> None:
    fs = figs("Ten social services departments were awarded zero stars. Teams will be sent into four of the councils "
              "with a zero rating, while all 10 must meet the chief inspector. All 150 councils were rated.",
              "2002-05-23")
    assert [(f.value, f.category) for f in fs] == [("10", "zero stars"), ("4", "zero stars"), ("10", "zero stars"),
                                                   ("150", "total")]


def test_bare_numbers_without_a_measure_are_not_counts() -> None:
    assert figs("Inspectors found strengths in meeting the five outcomes; it is in three Blocks.") == []


def test_offsets_and_ids(all_docs: dict[str, CleanDoc]) -> None:
    for d in all_docs.values():
        fs = figures.extract(d)
        assert [f.figure_id for f in fs] == [f"F{i:03d}" for i in range(1, len(fs) + 1)]
        assert [f.start for f in fs] == sorted(f.start for f in fs)
        for f in fs:
            assert d.text[f.start:f.end] == f.evidence
            s, e = d.sentence_at(f.start)
            assert f.sentence == d.text[s:e]
            assert (f.raw_start, f.raw_end) == d.raw_span(f.start, f.end)
            assert f.kind in ("count", "percentage", "proportion")
            assert f.approx == int(bool(f.qualifier))


def test_ratios_are_one_proportion() -> None:
    assert [(f.kind, f.value, f.qualifier, f.measure, f.category) for f in figs(
        "Nearly nine in ten of the councils rated inadequate had changed their director.", "2014-11-21")] == [
        ("proportion", "90", "nearly", "councils", "inadequate")]
    text = ("Two in five councils inspected this year were judged to require improvement, and three out of four of "
            "those had been rated inadequate before.")
    assert [(f.kind, f.value, f.measure) for f in figs(text, "2017-12-06")] == [
        ("proportion", "40", "councils"), ("proportion", "75", "councils")]


@pytest.mark.parametrize("verb", ["rose", "fell", "increased"])
def test_change_from_one_count_to_another(verb: str) -> None:
    text = f"The number of councils rated inadequate for children's services {verb} from 18 to 25 over the year."
    assert [(f.kind, f.value, f.measure, f.category, f.rule) for f in figs(text, "2017-12-06")] == [
        ("count", "18", "councils", "inadequate", "count.change"),
        ("count", "25", "councils", "inadequate", "count.change"),
    ]


def test_change_of_a_rate_is_not_a_count() -> None:
    assert figs("The proportion of councils judged good rose from 18 to 25 over the year.", "2017-12-06") == []


def test_bulleted_key_findings() -> None:
    text = ("Of the 43 local authorities inspected, 17 were judged inadequate.\n\nKey findings\n"
            "- 17 (40%) inadequate\n- 21 (49%) requires improvement\n- 5 (12%) good\n")
    assert [(f.kind, f.value, f.category) for f in figs(text, "2014-11-21")][2:] == [
        ("count", "17", "inadequate"), ("percentage", "40", "inadequate"),
        ("count", "21", "requires improvement"), ("percentage", "49", "requires improvement"),
        ("count", "5", "good"), ("percentage", "12", "good"),
    ]


def test_more_than_a_number_with_thousands() -> None:
    (f,) = figs("The report found that more than 1,300 children were waiting for adoption.", "2014-11-21")
    assert (f.kind, f.value, f.qualifier, f.measure) == ("count", "1300", "more than", "children")


def test_category_does_not_cross_a_coordinated_clause_or_a_negation() -> None:
    text = ("Twenty-one councils have never been judged good, and 8.5% of children in care live more than 20 miles "
            "from home.")
    assert rows(text, "2017-12-06") == [
        ("count", "21", "councils", ""), ("percentage", "8.5", "children in care", ""),
    ]


def test_empty_and_numberless_pages() -> None:
    assert figs("") == []
    assert figs("No numbers here at all.") == []


_SOUP = st.lists(st.one_of(
    st.sampled_from(["one", "two", "three", "12", "2009", "2010-11", "4", "07700 900123", "SW1A 1AA", "May", "3rd",
                     "years old", "year", "aged", "the", "all", "ratings", "grade", "level", "point", "times",
                     "one of the", "section", "page", "£", "stars", "scored", "per cent", "%", "if", "local",
                     "authorities", "LAs", "children in care", "councils", "number of", "in", "during", "\n", " ",
                     ",", ".", "(", ")", "-", "ſ", "K", "é"]),
    st.text(max_size=4)), max_size=24)


@settings(max_examples=200, deadline=None)
@given(_SOUP, st.sampled_from([" ", "", "\n"]))
def test_prefiltered_rules_are_the_full_scan(parts: list[str], sep: str) -> None:
    """Not-figure rules and the measure / period patterns tried only where a
    match can begin find what `finditer` over the same span finds."""
    text = sep.join(parts)
    fr = figures.load()
    low = prefilter.lowered(text)
    windows = [(0, len(text)), (len(text) // 3, len(text) - 2)]
    assert sorted(figures._not_figures(fr, text, low, windows)) == sorted(figures._not_figures(fr, text, None, windows))
    page = figures._Page(doc(text) if text.strip() else doc("x"), fr, None)
    page.text, page.low = text, low
    for name in ("np", "np_any", "period_pattern", "number_of_pattern", "change_pattern"):
        pattern = fr.np if name == "np" else fr.np_any if name == "np_any" else fr.p[name]
        for s, e in windows:
            assert [m.span() for m in page.finditer(name, s, e)] == [m.span() for m in pattern.finditer(text, s, e)]


def test_a_sentence_ending_in_a_number_on_a_line_of_its_own_is_not_a_table_row() -> None:
    # Pages set one sentence a line; "... fell to 20." is read as a sentence, with its measure.
    found = figs("The number of councils judged inadequate fell to 20.\nGood 24 16%\n", "2016-06-01")
    assert [(f.value, f.measure, f.rule) for f in found][:1] == [("20", "councils", "count.change")]
    assert [(f.value, f.category, f.rule) for f in found][1:] == [("24", "good", "table.row"), ("16", "good", "table.row")]


def test_a_scale_point_glossed_by_its_grade_is_not_a_count() -> None:
    # "ranging from 4 (outstanding) to 1 (inadequate)": points of the scale, each glossed by its grade.
    found = figs("The assessment graded the council on a scale ranging from 4 (outstanding) to 1 (inadequate).",
                 "2009-01-15")
    assert [f.evidence for f in found] == []


def test_one_of_a_possessive_is_a_pronoun() -> None:
    # "One of Ofsted's central roles": "one" picks a member of a group the possessive names, as "one of the" does.
    assert figs("One of Ofsted's central roles is to help providers improve.", "2016-06-01") == []
    assert [(f.value, f.category) for f in figs("Leeds is one of England’s 152 councils.", "2016-06-01")] == [
        ("152", "total")]


def test_an_age_in_commas_after_a_name_is_not_a_count() -> None:
    found = figs("Keanu Williams, two, died in 2011 after being found with 37 injuries.", "2014-06-01")
    assert [(f.value, f.measure) for f in found] == [("37", "injuries")]
    # Not after a full name: "Kent, Surrey, two, were rated good" keeps its count.
    assert [f.value for f in figs("Of the councils, Kent, Surrey, two, were rated good.", "2014-06-01")] == ["2"]


@pytest.mark.parametrize("text, expected", [
    # "a third" before a singular noun is an ordinal, another one; "a third were", "a third of" are shares.
    ("A third education department is judged 'unsatisfactory' in Wales.", []),
    ("A third were inadequate, and a third of councils were good.", ["A third", "a third"]),
    # How many grades a scale has, and parts of a framework, are not counts.
    ("There are now four possible Ofsted ratings – outstanding, good, requires improvement or inadequate.", []),
    ("Seven councils were weak in at least one of four HMIE quality indicators.", ["Seven"]),
    # "one being": a pronoun.
    ("The council uses two systems, one being Mosaic.", ["two"]),
])
def test_ordinals_scale_sizes_and_pronouns_are_not_figures(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2014-06-01")] == expected


def test_a_tables_labels_speak_the_scale_of_its_page() -> None:
    # An inspections table on an annual-rating-era page that never uses the rating's words: the inspections' grades.
    text = ("Table 4: Overall effectiveness of safeguarding services, inspections June 2009 to March 2011 (n=143)\n"
            "Outstanding 9 6%\nGood 61 43%\nInadequate 13 9%\n")
    assert [(f.value, f.category) for f in figs(text, "2011-11-22")][:3] == [("9", "outstanding"), ("6", "outstanding"),
                                                                          ("61", "good")]


@pytest.mark.parametrize("text, expected", [
    ("In a third report published on the same day, Cheshire East was found adequate.", []),
    ("Ofsted has confirmed that a sixth council, Medway, was also rated inadequate.", []),
])
def test_a_fraction_word_before_a_singular_noun_is_an_ordinal(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2023-11-03")] == expected


@pytest.mark.parametrize("text, expected", [
    # A grade beside a count of people is the council's, not theirs.
    ("Birmingham and Sandwell were both found inadequate in 2015; between them they look after more than 3,000 "
     "children in care.", [("3000", "")]),
    ("The service, rated inadequate in 2016, supports 412 children in care and employs 180 social workers.",
     [("412", ""), ("180", "")]),
    # ... while a count of services keeps it.
    ("Birmingham and Sandwell were both found inadequate in 2015, as were 12 other councils.", [("12", "inadequate")]),
])
def test_a_grade_never_rates_the_people_a_figure_counts(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2016-06-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # The rating's adverbs alone, their verb gapped, after a count or a list break.
    ("Of the 152 councils, 28 performed excellently, 88 well and 32 adequately.",
     [("152", "total"), ("28", "performs excellently"), ("88", "performs well"), ("32", "performs adequately")]),
    ("Annual rating of councils, December 2010\nPerforming excellently: 16; well: 96; poorly: 7.",
     [("16", "performs excellently"), ("96", "performs well"), ("7", "performs poorly")]),
    # Counts a grade labels under a heading that names what they count.
    ("Ofsted inspections, January to March 2020\nOutstanding (2): Lincolnshire, West Berkshire\nGood (4): Leeds, "
     "Redbridge, Stockport, Darlington\n", [("2", "outstanding"), ("4", "good")]),
])
def test_gapped_grades_and_labels_under_a_heading(text: str, expected: list[tuple[str, str]]) -> None:
    published = "2020-04-01" if "2020" in text else "2010-12-09"
    assert [(f.value, f.category) for f in figs(text, published)] == expected


@pytest.mark.parametrize("text", [
    "Ratings are on a four-point scale: performs excellently (4), well (3), adequately (2), poorly (1).",
    "The Assistant Director explained that caseloads averaged 19 children per worker.",
    "The average home had four places.",
    "RESOLVED (8 votes to 2): that the report be noted.",
    "19 March 2013 | By Jo Smith | 3 comments",
    "Eleven councils were given the top grade of 4, excellent.",
])
def test_scale_points_averages_votes_and_comment_counts_are_not_figures(text: str) -> None:
    assert [f.evidence for f in figs(text, "2010-12-09")] == (["Eleven"] if text.startswith("Eleven") else [])


def test_an_average_of_things_still_counts_them() -> None:
    text = "Local authorities have children in care from an average of 27 other council areas."
    assert [(f.value, f.measure) for f in figs(text, "2015-06-01")] == [("27", "council areas")]


@pytest.mark.parametrize("text", [
    "Leeds was among the 11; Calderdale was rated as serving some children well.",
    "Among the five was Haringey.",
    "The next four reports are due to be published by March.",
])
def test_membership_and_items_to_come_are_not_figures(text: str) -> None:
    assert [f.evidence for f in figs(text, "2004-12-01")] == []


@pytest.mark.parametrize("text, expected", [
    # A few people a story is about are no statistic ...
    ("It came after the council was criticised over attacks by two brothers in Edlington.", []),
    ("Since the conviction of three people last month, the director has been sacked.", []),
    # ... nor are the two things a comparison is between ...
    ("He questioned how there could be such a disparity between two children's services departments.", []),
    # ... but many people are, and so are two councils counted.
    ("Three children were taken into care and 40 children were placed with foster carers.", ["40"]),
    ("Only two councils were rated outstanding.", ["two"]),
])
def test_a_storys_cast_and_a_comparisons_pair_are_not_figures(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2010-01-01")] == expected


@pytest.mark.parametrize("text, published, expected", [
    # Numbers coordinated before a shared noun, paired with grades by "respectively".
    ("In London, 20 and 9 boroughs performed well and adequately respectively.", "2009-12-09",
     [("20", "boroughs", "performs well"), ("9", "boroughs", "performs adequately")]),
    # "as follows" names no measure ("follows" is a verb).
    ("Ofsted rated all 152 councils. The breakdown is as follows: performs excellently, 12; performs poorly, 9.",
     "2009-12-09", [("152", "councils", "total"), ("12", "councils", "performs excellently"),
                    ("9", "councils", "performs poorly")]),
    # A count reached after a fall of the count is no decline of what it counts.
    ("The number of providers has fallen to just over 60,000.", "2019-12-09", [("60000", "providers", "")]),
])
def test_shared_nouns_as_follows_and_counts_that_fell(text: str, published: str,
                                                      expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, published)] == expected


@pytest.mark.parametrize("text, expected", [
    # A definite count in apposition to names just given is which ones, not a statistic ...
    ("Judged outstanding for the first time were Sheffield and Barnsley, the two South Yorkshire councils that had "
     "long trailed their neighbours.", []),
    # ... a count that is not in apposition stays.
    ("Sheffield and Barnsley were judged outstanding, and the two councils now lead the region.", ["two"]),
])
def test_a_definite_count_in_apposition_to_names_is_not_a_figure(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2016-01-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A league table's band of councils is where one stands, not a count ...
    ("Top 10 councils for child protection", []),
    ("The county remains in the bottom 20 for adoption timeliness.", []),
    # ... a band as a share of councils is a percentage of them.
    ("It puts it among the top 30% of councils in the country.", ["30%"]),
    # A required level, a case citation and an average's path are no statistics ...
    ("The council scored one per cent below the required 98 per cent on one indicator.", ["one per cent"]),
    ("The Supreme Court decision in Williams v Hackney [2018] UKSC 37 was an example.", []),
    ("Between 2017 and 2020 average caseloads fell from 19.5 to 17.", []),
    # ... and a decimal rate of growth is no step: "rose by 5" is not all it says.
    ("Core assessments rose by 5.4% in the year.", ["5.4%"]),
])
def test_bands_requirements_citations_and_averages_are_not_figures(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2019-01-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A rate of growth whose subject is a relative pronoun is a share of what the pronoun stands for ...
    ("There were increases in the numbers of core assessments completed, which rose by 5.4%.",
     [("5.4", "core assessments")]),
    # ... and a share after a count in its sentence is that count's, not a restatement of the sentence before's.
    ("The number of enquiries made rose by 2%. 52,700 children became the subject of a plan - up by 1.1%.",
     [("2", "enquiries"), ("52700", "children"), ("1.1", "children")]),
])
def test_a_growth_rate_is_of_its_subject_or_the_count_before_it(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2013-10-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A count the next sentence divides by a partitive pronoun is their total ...
    ("Since November 2013 inspectors have reported on 93 councils. Ofsted rated 22 of them inadequate.",
     [("93", "total"), ("22", "inadequate")]),
    # ... not when the pronoun has a nearer count in its own sentence (180, whose share it divides), nor when the
    # count is itself a part.
    ("Ofsted found that 9 of the 40 cases sampled showed poor practice. The service employs 180 social workers, "
     "14 per cent of them agency staff.", [("9", ""), ("40", "total"), ("180", "total"), ("14", "")]),
    # The pronoun "one" named at once in brackets is which one, not how many.
    ("Of the 22 councils, 12 got four stars and one (Liverpool) got one star.",
     [("22", "total"), ("12", "four stars")]),
])
def test_a_count_divided_by_a_partitive_pronoun_and_a_bracket_named_one(text: str,
                                                                       expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2015-01-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # Two bare counts paired after a clause comparing two judged groups count those groups, in order ...
    ("More councils were rated requires improvement (41) than good (35), and inadequate ones outnumbered outstanding "
     "by 14 to 4.", [("41", "councils", "requires improvement"), ("35", "councils", "good"),
                     ("14", "councils", "inadequate"), ("4", "councils", "outstanding")]),
    ("Twice as many authorities were judged adequate as good for looked after children – 24 against 12.",
     [("24", "authorities", "adequate"), ("12", "authorities", "good")]),
    # ... a ratio to one is how many times, and a year before a spaced dash is no year range ("2012 – 28").
    ("Councils rated adequate outnumbered those rated good by two to one in the year to March 2012 – 28 against 14.",
     [("28", "councils", "adequate"), ("14", "councils", "good")]),
    # Without a comparison, "N to M" pairs nothing.
    ("The panel met from 10 to 12.", []),
])
def test_counts_paired_after_a_comparison_of_two_judged_groups(text: str,
                                                               expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2012-12-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # Counts gapped after a star grade given "on" take the grade whose noun is elided ...
    ("The ratings put four Yorkshire councils on three stars, nine on two and two on one star.",
     [("4", "three stars"), ("9", "two stars"), ("2", "one star")]),
    ("Twelve councils stayed on two stars and 14 on one.", [("12", "two stars"), ("14", "one star")]),
    # "left with none" is the grade with its noun elided, as "held on to two" is.
    ("A further 74 councils got two stars and 46 one star; eight were left with none.",
     [("74", "two stars"), ("46", "one star"), ("8", "zero stars")]),
    # ... not a number that names no grade after "on".
    ("Twelve councils were put on two stars, and 14 on notice.", [("12", "two stars")]),
])
def test_counts_gapped_after_a_star_grade_given_on(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2004-11-25")] == expected


@pytest.mark.parametrize("text, expected", [
    # A bare count in brackets right after a date, after a count in its sentence, is that count's value then ...
    ("As at 31 March 2017, there were 2,145 active children's homes – an increase of 74 homes compared with "
     "31 March 2016 (2,071).", [("2145", "active children's homes"), ("74", "homes"), ("2071", "homes")]),
    # ... not a bracketed number after a date with no count before it.
    ("The report was published on 4 May 2016 (12).", []),
])
def test_a_bracketed_count_after_a_date_is_the_counts_value_then(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2017-06-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A grade glossed by its point on a four-point scale, counted either way, is no count ...
    ("While Bournemouth and Slough were rated good (3) in all areas, Ealing's services were classed as "
     "inadequate (1).", []),
    ("Its schools were judged good (2), and its care outstanding (1).", []),
    # ... nor are the two ends of a range of grades glossed by what they stand for ...
    ("The services also receive individual grades ranging from 1 for the poorest provision to 4 for the best.", []),
    # ... but a list's heading counts, and so does a bracketed number no grade has.
    ("Ofsted inspections, spring term\nGood (3): Leeds, Bury, Wigan\nInadequate (1): Herefordshire",
     [("3", "good"), ("1", "inadequate")]),
    ("Of the homes inspected, good (31), outstanding (9).", [("31", "good"), ("9", "outstanding")]),
])
def test_a_grade_glossed_by_its_point_is_no_count(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2006-03-01")] == expected


def test_from_one_to_the_next_is_no_count() -> None:
    assert figs("Provision varies strongly from one local authority to the next.", "2006-03-01") == []
    assert [f.value for f in figs("One local authority in the region was rated inadequate.", "2006-03-01")] == ["1"]


@pytest.mark.parametrize("text, expected", [
    # A bare count heading an absolute clause after "with", its noun left out, counts the figure before's measure ...
    ("The council has more than 1,500 children in need of support, with around 300 subject to child protection plans.",
     [("1500", "children in need"), ("300", "children in need")]),
    ("There were 40 inspections, with 12 in the north west.", [("40", "inspections"), ("12", "inspections")]),
    # ... not a number with nothing after it that places its things.
    ("There were 40 inspections, with 12 to follow next year.", [("40", "inspections")]),
])
def test_a_bare_count_heading_an_absolute_clause(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2013-06-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A count of a framework's parts that its clause does not judge describes the framework ...
    ("The inspectors reviewed four key areas of the council's work.", []),
    ("Inspectors looked at what council leaders do, looking at five key areas:", []),
    # ... as are the bodies that judge ...
    ("Services were described as inadequate in a report by two child safety watchdogs.", []),
    # ... whatever noun an adjective ranking it within its whole heads ...
    ("The inspection evaluated the service in three major areas:", []),
    ("Had the two key inspections taken place, the county may have been rated differently.", []),
    # ... and a subject's own earlier or internal events are its history, judged or not.
    ("Two previous inspections in 2012 and 2013 also concluded services were inadequate.", []),
    ("The council commissioned two internal reviews and 14 audits this year.", [("14", "")]),
    # A judgement word that is a grade of its own is no ranking adjective.
    ("Ofsted found four priority action councils.", [("4", "")]),
    # ... judged, it is a figure: a share of the parts when its whole is named with it (ANNOTATION.md's "three out
    # of five of the outcomes"; five real pages say "three of the four areas" is one proportion).
    ("The council was rated good in three of the four key areas.", [("75", "good")]),
])
def test_a_frameworks_unjudged_parts_are_no_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2019-05-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A change by a share to a count: the count is the measure's new number ...
    ("Referrals to children's social services have fallen by 1.9% to just under 600,000.",
     [("1.9", "referrals"), ("600000", "referrals")]),
    ("The number of councils judged inadequate has fallen by about a quarter, to 31.",
     [("25", "councils"), ("31", "councils")]),
    # ... "up to" alone is a limit, not a change.
    ("Councils may now hold up to 30 reviews.", []),
    # A bare number a relative clause hangs on is a count of the measure before it; after "It", "represents" is
    # the verb, not what is counted.
    ("Allowances went to 100,000 carers. It represents a small share of the estimated 900,000 who care alone.",
     [("100000", "carers"), ("900000", "carers")]),
    # ... but not the pronoun "one" a relative clause hangs on.
    ("Inspectors read 40 case files. The director is the only one who took any responsibility.",
     [("40", "case files")]),
])
def test_a_change_by_a_share_to_a_count_and_a_relative_clauses_antecedent(text: str,
                                                                          expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2019-05-01")] == expected


def test_a_share_set_off_by_dashes_with_or_restates_the_count_before_it() -> None:
    assert [(f.value, f.category) for f in figs(
        "Ofsted inspected 59 authorities. Fourteen – or 23.7 per cent – were declared inadequate.", "2015-08-18")] == [
        ("59", ""), ("14", "inadequate"), ("23.7", "inadequate")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "12", "3.5%", "(40%)", "Good", "x", "1,204", "٣", "-", "."]),
                max_size=16))
def test_a_stacked_table_line_begins_where_the_digit_line_gate_finds_one(parts: list[str]) -> None:
    """`_stacked` stops on a page where the `re` gate finds fewer than two lines beginning with a digit: every
    line the table pattern reads begins with one, so such a page has fewer than two of those too."""
    text = "".join(parts)
    starts = {m.start() for m in figures._NUMBER_LINE.finditer(text)}
    assert starts <= {m.start() for m in figures._DIGIT_LINE.finditer(text)}, text


@pytest.mark.parametrize("text, expected", [
    # A numbered item of a document ("recommendation 4", "recommendations 1 and 2", "paragraphs 3 and 4") is a
    # reference, not a count ...
    ("The Director reported that recommendations 1 and 2 had been developed. Recommendation 3 was progressing and "
     "recommendation 4 had been acted on.", []),
    ("Paragraphs 3 and 4 set out 12 actions.", [("12", "actions")]),
    # ... a number of recommendations is one.
    ("The report made 16 recommendations.", [("16", "recommendations")]),
])
def test_a_numbered_item_of_a_document_is_a_reference(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2006-03-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A date with the month first and no year ("on March 5,", "April 1st") ...
    ("The results, published by the Audit Commission on March 5, showed that 62 councils achieved four stars.",
     [("62", "councils")]),
    ("From April 1st the trust ran services for 400 children.", [("400", "children")]),
    # ... but a month before a count is no date.
    ("In March 40 councils were inspected.", [("40", "councils")]),
    # ... after a preposition of time it is one before any word ("the meeting on July 9 said").
    ("The report to the meeting on July 9 said 40 councils were inspected.", [("40", "councils")]),
    # A phase, stage, wave or tier of a programme is a numbered item, not a count.
    ("Phase 7 brings the evidence base up to date; stage 2 covered 30 councils.", [("30", "councils")]),
    # A distributive size says how things come grouped, not how many there are.
    ("Each set of 6 inspections focuses on a different theme.", []),
    ("Every one of 12 councils improved.", [("12", "councils")]),
    ("Get all your news in one place.", []),
    # A date range with the month first, and a day after "between ... and".
    ("The inspection ran from May 20 to 24 and spoke with 150 children.", [("150", "children")]),
    ("Ofsted inspected services between September 30 and October 22 this year.", []),
    # How many grades a scale has is not a count of anything rated.
    ("Councils have been given one of five ratings, ranging from excellent to poor.", []),
    ("Ofsted has four ratings: inadequate, requires improvement, good and outstanding.", []),
    ("Five ratings were given to 40 councils.", [("5", "ratings"), ("40", "councils")]),
    # Money stays money, its magnitude abbreviated or not.
    ("It cost 5bn pounds and 12 million pounds to run 2.3m contacts.", [("2300000", "contacts")]),
])
def test_month_first_dates_numbered_phases_and_distributive_sizes_are_not_figures(
        text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2009-03-10")] == expected


@pytest.mark.parametrize("text, expected", [
    # A move up or down the scale, in any form of the verb: the councils improved or declined, and the size of the
    # move ("one star", "one or more categories") is neither a count nor a grade.
    ("The results show an improvement, with 32 of the 150 authorities moving up at least one star.",
     [("32", "improved"), ("150", "total")]),
    ("It is heartening to see 28 councils rising by one or more categories.", [("28", "improved")]),
    ("Twelve councils are going down one grade.", [("12", "declined")]),
    # A move of N stars named as a noun is a decline or a rise, not a grade.
    ("The two-star falls in five councils prove the game is real.", [("5", "declined")]),
    # A fall by N stars is a decline, not the grade "two stars"; so is slipping back.
    ("The report shows that 27 councils have slipped back since last year - five of them dropping by two stars.",
     [("27", "declined"), ("5", "declined")]),
    # A SEND area inspection's written statement of action is a judgement of its own.
    ("Of the 116 areas inspected, 59 were required to produce a written statement of action (WSoA).",
     [("116", "total"), ("59", "written statement of action")]),
    # The SEND area inspections since 2023 end in one of three outcomes, each a judgement in its own words.
    ("Seven inspections found that arrangements typically lead to positive experiences and outcomes, eleven found "
     "they lead to inconsistent experiences and outcomes and 8 found widespread and/or systemic failings.",
     [("7", "positive experiences and outcomes"), ("11", "inconsistent experiences and outcomes"),
      ("8", "widespread and/or systemic failings")]),
    # The CPA's direction of travel is a judgement of its own, in its own words.
    ("Thirty-five councils were rated as 'improving strongly' and ten were not improving adequately.",
     [("35", "improving strongly"), ("10", "not improving adequately")]),
])
def test_moves_on_the_scale_and_the_direction_of_travel(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2009-03-10")] == expected


@pytest.mark.parametrize("text, expected", [
    # A quoted grade before "in N" labels N as the bare grade does, and the gapped "'adequate' in seven" shares the
    # measure.
    ('The council was rated "good" in 14 of the 22 areas, "adequate" in seven and "inadequate" in one.',
     [("14", "good"), ("22", "total"), ("7", "adequate"), ("1", "inadequate")]),
    # "under" places a grade as "in" does.
    ('Ofsted judged Warrington to be "inadequate" under 15 main headings, only "adequate" under 16 other headings '
     'and "good" under two.', [("15", "inadequate"), ("16", "adequate"), ("2", "good")]),
    # A dash that another dash closes opens an aside: the clause goes on after it.
    ("Only 18 councils in England – and just four in the North – were rated outstanding.", [("18", "outstanding")]),
    # ... nor does a comma inside the aside break it.
    ('Just two authorities - Kensington and Chelsea, and Westminster - have been rated "outstanding".',
     [("2", "outstanding")]),
])
def test_quoted_grades_before_in_and_dash_asides(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2011-03-10")] == expected


@pytest.mark.parametrize("text, expected", [
    # The numeral one with no judgement names a single thing, not a statistic ...
    ("An Ofsted inspection found failings including one case where a child had been hurt.", []),
    ("Bringing our remits together in one document will help.", []),
    # ... unless a word before it sets it against the rest, or a judgement counts it.
    ("Of these five, only one case involved emergency intervention.", [("1", "case", "")]),
    ("One council was rated inadequate.", [("1", "councils", "inadequate")]),
])
def test_the_numeral_one_no_judgement_counts_names_a_single_thing(text: str,
                                                                   expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2016-03-10")] == expected


@pytest.mark.parametrize("text, expected", [
    # A change by a count to a count: the count reached is the subject's, in its judgement.
    ("The number of councils rated inadequate fell by 12, to 31.", [("31", "councils", "inadequate")]),
    ("The number of councils rated good rose by 5 to 80.", [("80", "councils", "good")]),
])
def test_a_change_by_a_count_to_a_count(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2016-03-10")] == expected


@pytest.mark.parametrize("text, expected", [
    # Counts coordinated before one predicate share it: the first is its clause's subject ...
    ("Nine councils and two trusts were judged inadequate.",
     [("9", "councils", "inadequate"), ("2", "trusts", "inadequate")]),
    # ... with a place that narrows the second ("four in the North West"), which is a count by ellipsis ...
    ("In all, 18 councils in England and four in the North West were rated outstanding.",
     [("18", "councils", "outstanding"), ("4", "councils", "outstanding")]),
    # ... or both are "one of" a group, before an infinitive they share.
    ("This makes Sunderland one of only 18 local authorities in England and one of only four local authorities in "
     "the North of England to be rated Outstanding.",
     [("18", "local authorities", "outstanding"), ("4", "local authorities", "outstanding")]),
    # A count that is a verb's object is not the subject of the clause after "and".
    ("Ofsted inspected 20 councils and 12 were rated inadequate.",
     [("20", "councils", ""), ("12", "councils", "inadequate")]),
])
def test_coordinated_counts_share_their_predicate(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2019-01-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # "one" before an infinitive is a pronoun: "an achievement and one to be proud of" ...
    ("Services improved, an incredible achievement and one to be immensely proud of.", []),
    # ... not a number before "to" and another number ("from one to three").
    ("One to four councils improved each year.", ["four"]),
])
def test_one_before_an_infinitive_is_a_pronoun(text: str, expected: list[str]) -> None:
    assert [f.evidence for f in figs(text, "2020-01-01")] == expected


def test_a_bare_share_is_of_the_quantified_subject_of_the_sentence_before() -> None:
    fs = figs("Most councils achieved one of the top two grades for children's services. Ofsted announced that 8 per "
              "cent achieved grade 4, while 87 per cent scored in the top two grades.", "2006-01-01")
    assert [(f.value, f.measure) for f in fs] == [("8", "councils"), ("87", "councils")]
    # Without a quantifier the sentence before names no population: the share keeps no measure.
    assert [f.measure for f in figs("The report was published on Monday after two years. A quarter were judged "
                                    "inadequate.", "2006-01-01")] == [""]


def test_a_part_of_a_group_judged_before_is_in_its_judgement() -> None:
    fs = figs("Ten social services departments were awarded zero stars this week. Of the 10, four were previously on "
              "special measures. The remaining six have now been added to the list. At least two of the six have "
              "lost their directors.", "2002-05-30")
    assert [(f.value, f.category) for f in fs] == [
        ("10", "zero stars"), ("4", "zero stars"), ("6", "zero stars"), ("2", "zero stars"), ("6", "total")]
    # A whole that is no judged group leaves its parts unjudged.
    fs = figs("Ofsted inspected 12 councils this year. Of the 12, four had new directors.", "2016-01-01")
    assert [(f.value, f.category) for f in fs] == [("12", ""), ("4", "")]


def test_an_age_range_before_its_noun_is_no_figure() -> None:
    assert rows("The county's 16-19 colleges and its 0-25 service were praised.", "2012-05-01") == []
    # A range of counts before a verb stays a count.
    assert ("count", "12", "councils", "inadequate") in rows(
        "Of the 150 councils, 10-12 were inadequate.", "2012-05-01")


def test_the_rating_a_star_rating_is_compared_with_is_a_scale_point() -> None:
    assert rows("Social services in Barnet have been given one star in this year's ratings, down from two last year.",
                "2004-11-01") == []
    # "zero-star councils" counts councils: the numbers it is compared with are counts too.
    assert [(k, v, c) for k, v, _m, c in rows(
        "The number of zero-star councils fell to four, down from three last year.", "2004-11-01")] == [
        ("count", "4", "zero stars"), ("count", "3", "zero stars")]


def test_not_a_single_one_is_none() -> None:
    assert [v for _k, v, _m, _c in rows(
        "Of the 14 inspections reported in May, not a single one found a council outstanding.", "2016-06-01")] == ["14"]


def test_a_number_opening_its_sentence_before_a_capitalised_word_is_a_marker() -> None:
    # A footnote after the statistic it qualifies: "2" shares no measure with the homes before it.
    text = "Of 2,100 children's homes, 80% were good or outstanding. 2 Excluding secure children's homes."
    assert [(k, v) for k, v, _m, _c in rows(text, "2015-08-13")] == [("count", "2100"), ("percentage", "80")]
    # Lower case after it, the number is the subject of its clause.
    assert ("count", "12", "councils", "inadequate") in rows(
        "Of 150 councils inspected, 40 were outstanding. 12 were rated inadequate.", "2015-08-13")


def test_a_share_of_an_assessments_parts_counts_the_parts() -> None:
    # A ratio of the parts of one assessment names them as its measure, which a count of them would not have.
    assert rows("Wigan was rated inadequate in four of five categories.", "2019-01-01") == [
        ("proportion", "80", "categories", "inadequate")]


def test_how_many_outcomes_a_scale_has_is_no_figure() -> None:
    assert rows("There are 3 possible full inspection outcomes, each leading to different follow-up.", "2024-06-01") == []


def test_a_grade_to_help_someone_achieve_is_an_aspiration() -> None:
    assert rows("Inspectors made 9 recommendations to help the council achieve a 'good' rating.", "2019-08-01") == [
        ("count", "9", "recommendations", "")]
    # Helped to achieve it: it was achieved.
    assert ("count", "12", "councils", "good") in rows(
        "Better supervision helped achieve a 'good' rating, and 12 councils were rated good.", "2019-08-01")


def test_a_bare_count_with_the_grade_it_has_shares_the_measure() -> None:
    assert rows("That leaves 61 councils with two stars and nine with no star.", "2003-11-20") == [
        ("count", "61", "councils", "two stars"), ("count", "9", "councils", "zero stars")]
    # "with" and no grade after it: no count of the measure.
    assert rows("There were 40 inspections, with 12 to follow next year.", "2013-11-20") == [
        ("count", "40", "inspections", "")]


def test_a_bare_count_and_its_whole_count_what_the_sentence_before_spoke_of_as_all() -> None:
    text = ("The chief inspector wrote to all councils in March. Last year only five out of 150 were rated "
            "inadequate for safeguarding.")
    assert rows(text, "2009-05-01") == [("count", "5", "councils", "inadequate"), ("count", "150", "councils", "total")]


def test_a_bare_count_placed_in_a_ranking_or_before_a_modal_shares_the_measure() -> None:
    text = "The best 20 councils will gain new freedoms, while the 15 at the bottom will be offered help."
    assert [(k, v, m) for k, v, m, _c in rows(text, "2002-12-12")] == [
        ("count", "20", "councils"), ("count", "15", "councils")]


@pytest.mark.parametrize("text, expected", [
    # A subordinate clause whose subject is one thing judges that thing, not the many a figure counts ...
    ("Ofsted has made six monitoring visits to Slough since its children's services were rated inadequate.",
     [("6", "")]),
    # ... while one whose subject is the things counted judges them.
    ("Five councils have had commissioners since their services were judged inadequate.", [("5", "inadequate")]),
    # A participle clause set off by commas judges the name it hangs on, not the figures after it.
    ("Oxfordshire County Council, rated good by Ofsted, received 5,412 referrals last year.", [("5412", "")]),
    # A share naming a band of a ranking is where a thing ranks, not the share the grade was given.
    ("Inspectors rated the council good, putting it among the top 25 per cent of authorities nationwide.",
     [("25", "")]),
    # A share that is the size of a change is in no judgement's bucket.
    ("That year 79% of councils had three- or four-star ratings, a 9% improvement on 2005.",
     [("79", "three or four stars"), ("9", "")]),
])
def test_judgements_of_another_subject_a_band_or_a_change_are_not_the_figures(text: str,
                                                                            expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2016-05-01" if "star" not in text else "2006-05-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A part and its whole after a proper noun's possessive: "two of London's three" as "two of the three".
    ("The inspectorate has named two of London's three Tri-borough councils as outstanding.",
     [("2", "tri-borough councils", "outstanding"), ("3", "tri-borough councils", "total")]),
    # After another figure's predicate, the population the ratings covered is their whole.
    ("Nine councils were rated poor in the annual ratings of 152 local authorities.",
     [("9", "councils", "performs poorly"), ("152", "local authorities", "total")]),
])
def test_the_whole_a_possessive_or_a_rating_names(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figs(text, "2009-12-09")] == expected


@pytest.mark.parametrize("text, expected", [
    # A verb and its grade's noun gapped after the first of coordinated counts: the bare grade that stays.
    ("Of the 22 authorities in the region, six were awarded three stars, eleven two and five one.",
     [("22", "total"), ("6", "three stars"), ("11", "two stars"), ("5", "one star")]),
    ("The ratings put four councils on three stars, nine on two and two on one star.",
     [("4", "three stars"), ("9", "two stars"), ("2", "one star")]),
    ("Of the 150 councils, 24 were judged to be serving all children well, 82 most and 41 some.",
     [("150", "total"), ("24", "serving all children well"), ("82", "serving most children well"),
      ("41", "serving some children well")]),
    # ... not a number of years after a count compared with it.
    ("Of 150 councils, 22 got three stars, up from 16 two years ago.",
     [("150", "total"), ("22", "three stars"), ("16", "three stars")]),
])
def test_a_gapped_grade_after_coordinated_counts(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2003-12-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # A SEND area's significant weaknesses are the grade its sentence gives ...
    ("More than two thirds of councils inspected last year had 'significant weaknesses' in how they support pupils "
     "with special educational needs.", [("66.67", "significant weaknesses")]),
    # ... and a written statement of action stated after them overrides them ...
    ("Of these, 59 local areas have been found to have significant weaknesses and been required to submit a written "
     "statement of action.", [("59", "written statement of action")]),
    # ... but weaknesses in a council's leadership, in no SEND sentence, are no grade.
    ("Ofsted found 12 councils had significant weaknesses in leadership.", [("12", "")]),
])
def test_a_send_areas_significant_weaknesses(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2022-11-17")] == expected


@pytest.mark.parametrize("text, expected", [
    # A framework's size with its name between the number and its noun is no figure ...
    ('The scores were the same as last year, with all five "Every Child Matters" outcomes rated good.', []),
    ("Surrey was graded inadequate for staying safe, one of the five Every Child Matters outcomes.", []),
    # ... but the whole of a part counted of it stays one: a share of the outcomes.
    ("In Leeds four of the five outcomes were rated good.", [("80", "good")]),
])
def test_a_frameworks_named_size_is_no_figure(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2007-12-01")] == expected


@pytest.mark.parametrize("text, expected", [
    # What followed from a judgement is a clause of its own: a figure there is not judged by it ...
    ("Ofsted rated the council's children's services inadequate this year, prompting the council to invest in "
     "130 new social care posts.", [("130", "")]),
    # ... while the figure the judgement is of keeps it.
    ("Ofsted rated 12 councils inadequate, prompting ministers to appoint 12 commissioners.",
     [("12", "inadequate"), ("12", "")]),
])
def test_a_consequence_clause_is_not_judged_by_the_clause_before(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.category) for f in figs(text, "2019-12-01")] == expected


def test_areas_visited_are_places_a_count_and_its_whole() -> None:
    # "N of the M areas" over one assessment's parts is a share; areas that are visited are places: two counts.
    assert [(f.kind, f.value) for f in figs("Seven of the eight areas visited by the watchdog were found wanting.",
                                            "2022-11-17")] == [("count", "7"), ("count", "8")]
    assert [(f.kind, f.value) for f in figs("The council was rated good in three of the four areas.",
                                            "2016-11-17")] == [("proportion", "75")]


@pytest.mark.parametrize("text, expected", [
    # A bare number a clause ends on, in a sentence that opened on its whole, is a part of that whole ...
    ("Of 18 inspections, urgent issues were identified in nine.", [("18", "inspections"), ("9", "inspections")]),
    # ... not a year, nor a number with a noun of its own.
    ("Of the 150 councils, Ofsted found problems in 2019.", [("150", "councils")]),
])
def test_the_number_a_clause_ends_on_is_a_part_of_the_whole_it_opened_on(text: str,
                                                                          expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.measure) for f in figs(text, "2014-01-01")] == expected


def test_a_bare_count_at_the_grade_it_stands_at() -> None:
    assert [(f.value, f.measure, f.category) for f in figs("Ofsted rated 20 councils good. That left six at adequate.",
                                                           "2008-01-01")] == [
        ("20", "councils", "good"), ("6", "councils", "adequate")]


def test_a_bare_count_and_its_bracketed_share_at_a_clauses_end() -> None:
    # "councils ran 393 (19%).": the count's noun left out, as its share's is.
    text = "Private providers ran nearly three quarters (73%) of all homes; councils ran 393 (19%)."
    assert [(f.value, f.measure) for f in figs(text, "2019-01-01")] == [
        ("75", "homes"), ("73", "homes"), ("393", "homes"), ("19", "homes")]
