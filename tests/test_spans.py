"""The span layer: open-vocabulary measures and one judgement attribution for figures and authorities.

Every sentence of issue 9's "What goes wrong" is here with the measure or judgement it should give.
"""

from __future__ import annotations

import pytest

from extract import authorities, clean, figures, spans
from extract.model import CleanDoc, RawDoc, Source


def doc(text: str, published: str = "2016-01-05") -> CleanDoc:
    raw = RawDoc("t", "t.txt", "txt", "", text, Source("t", published=published))
    return clean.clean(raw)


def measures(text: str, published: str = "2016-01-05") -> list[tuple[str, str]]:
    return [(f.value, f.measure) for f in figures.extract(doc(text, published))]


def judgements(text: str, published: str = "2016-01-05") -> dict[str, str]:
    return {m.authority: m.judgement for m in authorities.extract(doc(text, published))}


@pytest.mark.parametrize("text, expected", [
    ("The council employs 540 social care staff.", [("540", "social care staff")]),
    ("The report draws on a survey of 35 voluntary sector organisations.", [("35", "voluntary sector organisations")]),
    ("Inspectors met 45 managers, 300 foster carers and 12 independent reviewing officers.",
     [("45", "managers"), ("300", "foster carers"), ("12", "independent reviewing officers")]),
    ("Only four complaints were upheld out of 39 appeals.", [("4", "complaints"), ("39", "appeals")]),
    # The head is the first plural noun: a verb after it is not taken in.
    ("Last year 12 councils face intervention from the minister.", [("12", "councils")]),
    ("152 local authorities' children's services were inspected.", [("152", "local authorities")]),
    ("This year, 66 monitoring visits have been carried out.", [("66", "monitoring visits")]),
    # A participle before the plural noun that ends the phrase modifies it; a verb of the lexicon does not.
    ("We carried out 97 inspections and 65 focused visits to local authorities.",
     [("97", "inspections"), ("65", "focused visits")]),
    ("There were 40 inspections and 12 received visits.", [("40", "inspections"), ("12", "inspections")]),
])
def test_open_vocabulary_measures(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text) == expected


@pytest.mark.parametrize("text", [
    "Joint area reviews and annual performance assessments are two complementary elements of the process.",
    "Following analysis, four key themes emerge.",
    "Councils that have improved one aspect of their services do better.",
    "1 Key findings",
])
def test_counts_of_parts_of_an_argument_are_not_figures(text: str) -> None:
    assert measures(text) == []


def test_a_verb_after_a_bare_number_is_a_clause_not_a_measure() -> None:
    text = "Over two thirds (103) of councils are providing good services, with 40 offering services that are adequate."
    assert measures(text)[-1] == ("40", "councils")


@pytest.mark.parametrize("text, expected", [
    ("Two councils were rated outstanding - Hartlepool and Wigan.", {"Hartlepool": "outstanding", "Wigan": "outstanding"}),
    ("Nine councils were judged to be inadequate. They are Bolton, Cornwall and Luton.",
     {"Bolton": "inadequate", "Cornwall": "inadequate", "Luton": "inadequate"}),
    ("Fostering was rated inadequate at Bury, Dudley and Surrey councils.",
     {"Bury": "inadequate", "Dudley": "inadequate", "Surrey": "inadequate"}),
    ("Wakefield Children's Services 'inadequate' says Ofsted\n\nThe report was published today.", {"Wakefield": "inadequate"}),
    ("The children's services in Bexley were awarded an overall rating of 'requires improvement to be good'.",
     {"Bexley": "requires improvement"}),
    ("Rochdale is inadequate, says Ofsted.", {"Rochdale": "inadequate"}),
    ("Rochdale's children's services are inadequate.", {"Rochdale": "inadequate"}),
    ("Five authorities - Camden, Leeds and Wirral among them - received the top grade.",
     {"Camden": "outstanding", "Leeds": "outstanding", "Wirral": "outstanding"}),
    # A past judgement gives way to the present one.
    ("Reading's children's services - rated inadequate in 2016 - now \"require improvement to be good\", Ofsted said.",
     {"Reading": "requires improvement"}),
    # Denied, praised in passing, or only changed: no judgement.
    ("Leeds was not rated inadequate.", {"Leeds": ""}),
    ("Inspectors praised the good practice they saw in Leeds.", {"Leeds": ""}),
    ("Leeds improved, says Ofsted.", {"Leeds": ""}),
])
def test_judgement_by_scope(text: str, expected: dict[str, str]) -> None:
    assert judgements(text) == expected


def test_figure_and_authority_take_the_same_judgement_from_one_sentence() -> None:
    text = "Camden was rated excellent, and 12 councils were rated excellent."
    d = doc(text, published="")  # undated: the era is guessed once for the page
    fig = figures.extract(d)[0]
    named = authorities.extract(d)[0]
    assert fig.category == named.judgement == "performs excellently"


def test_phrase_end_answers_whether_a_usable_phrase_lies_in_a_range() -> None:
    text = "Kent was rated good, Leeds had good practice, and Hull and Bury were judged inadequate or outstanding."
    d = doc(text)
    layer, sent = spans.Layer(d), (0, len(d.text))
    ps = layer.phrases(sent)
    assert any(p.attributive for p in ps) and sum(not p.attributive for p in ps) >= 2
    for start in range(len(text) + 1):
        reach = layer.phrase_end(sent, start)
        for end in range(start, len(text) + 1):
            usable = any(start <= p.start and p.end <= end and not p.attributive for p in ps)
            assert usable == (reach is not None and reach <= end), (start, end)


def test_a_pattern_is_skipped_only_where_no_match_can_be() -> None:
    # `Layer._holds` gates the source and given-to patterns on their required words: wherever it says no, the
    # pattern finds nothing (and it says no somewhere, or it gates nothing).
    text = ("Kent, previously rated inadequate, was judged good; ministers gave Leeds a good rating, having "
            "lost its former 'outstanding', and Hull was last time inadequate, since 2015 when it was good.")
    d = doc(text)
    layer, g = spans.Layer(d), spans.grammar()
    assert g.source_words and g.given_words
    skipped = 0
    for lo in range(len(text)):
        for hi in range(lo, min(len(text), lo + 70) + 1):
            if not layer._holds(g.source_words, lo, hi):
                skipped += 1
                assert g.source.search(text[lo:hi]) is None, (lo, hi)
            if not layer._holds(g.given_words, lo, hi):
                assert g.given_to_other.search(text, lo, hi) is None, (lo, hi)
    assert skipped


def test_the_stages_reading_one_page_share_its_layer() -> None:
    a, b = doc("Kent was rated good."), doc("Kent was rated good.")
    first = spans.layer(a)
    assert spans.layer(a, change=frozenset({"improved", "declined"})) is first  # the default, spelled out
    assert spans.layer(b) is not first  # another page, however alike
    assert spans.layer(b, change=frozenset({"improved"})) is not spans.layer(b)
    figures.extract(b)
    assert [m.judgement for m in authorities.extract(b)] == [m.judgement for m in authorities.extract(doc(b.text))]


def test_a_sentence_naming_a_framework_speaks_its_scale() -> None:
    # A 2009 page (annual rating era) citing last year's APA grade.
    text = "Ministers are intervening in nine councils judged to be inadequate in last year's APA, including Haringey."
    assert judgements(text, published="2009-03-05") == {"Haringey": "inadequate"}
    # The annual rating's own words speak its scale; a four-point word on such a page keeps its own word.
    assert judgements("Haringey's children's services were rated poor.", published="2010-12-08") == {
        "Haringey": "performs poorly"}
    assert judgements("Haringey was judged to be inadequate for safeguarding.", published="2010-12-08") == {
        "Haringey": "inadequate"}
    fs = figures.extract(doc("Of the 73 councils inspected, 18 received the lowest mark.", "2010-12-08"))
    assert [(f.value, f.category) for f in fs] == [("73", "total"), ("18", "inadequate")]  # an inspection's scale
    assert judgements("In the children's services assessment Haringey was judged inadequate.",
                      published="2010-12-08") == {"Haringey": "performs poorly"}


def test_noun_phrase_reads_word_classes() -> None:
    g = spans.grammar()
    text = "12 looked after children were placed"
    assert text[slice(*spans.noun_phrase(g, text, 2))] == "looked after children"
    assert spans.noun_phrase(g, "3 were", 1) is None
    assert spans.noun_phrase(g, "1 council was", 1, singular=True) == (2, 9)


def test_a_page_about_one_council_gives_it_what_it_says_of_the_service() -> None:
    text = ("Ofsted's report into children's services managed by Darlington Borough Council is not all bad. "
            "There are strengths in adoption.\n\nBut the watchdog's overall verdict is that the service is "
            "\"inadequate\", with serious failings.")
    assert judgements(text) == {"Darlington": "inadequate"}
    # A sentence a past year is fronted before speaks of the council's past, on a page stating a later year.
    text = ("Services for children in Stoke-on-Trent were inspected in 2011.\n\nIn 2006, the council's children's "
            "services were judged to be inadequate.\n\nIn the latest report, the council's rating is \"good\".")
    assert judgements(text, "2011-06-01") == {"Stoke-on-Trent": "good"}
    # A page whose opening names no council has no one subject.
    text = "Inspectors visited many areas. Funding was discussed at length.\n\nThe service is inadequate in Leeds."
    assert judgements(text)["Leeds"] == "inadequate"  # its own clause, not the page's subject
    assert judgements("Inspectors met in spring. The weather was fine.\n\nThe service is inadequate.") == {}


def test_an_undated_page_takes_the_era_of_the_framework_it_names() -> None:
    from extract import scales

    text = "Gateshead and York were rated outstanding in the annual Ofsted performance assessments, an excellent result."
    assert scales.guess_era(text) == "apa-jar"  # a framework named beats a vocabulary marker ("excellent")


def test_numbers_turned_down_say_which_rule_and_why() -> None:
    why: list = []
    d = doc("In 2009, two complementary elements were added. Funding rose by 12 councils' budgets.")
    figures.extract(d, rejected=why)
    by_text = {r.text: (r.rule, r.reason) for r in why}
    assert by_text["2009"][0] == "nf.year"
    assert by_text["two"] == ("count.descriptive", "counts 'complementary elements': parts of an argument, not things")
    assert all(d.text[r.start:r.end] == r.text for r in why)


def test_a_bare_count_takes_a_plural_noun_before_it_by_word_class() -> None:
    # "nurseries" is in no vocabulary: the plural noun before the number, not the object of a preposition.
    assert measures("Inspectors visited nurseries across the region, and 30 were rated outstanding.") == [
        ("30", "nurseries")]


@pytest.mark.parametrize("text, expected", [
    ("Inspectors read 80 randomly selected case files.", [("80", "randomly selected case files")]),
    ("The survey of 20 third sector organisations was published.", [("20", "third sector organisations")]),
    ("Covid-19 hit 12 councils hard.", [("12", "councils")]),  # a name's number is not a count
    ("Two of the other four councils improved.", [("2", "councils"), ("4", "councils")]),
    # A superlative's degree word opens a noun phrase; an approximator never heads one; a share's difference in
    # points, and a count of inspectorates, are no figures.
    ("Those rated excellent include six of the most affluent boroughs.", [("6", "most affluent boroughs")]),
    ("Key Points\n1\nAlmost a quarter of local authorities were judged good.", [("25", "local authorities")]),
    ("The share was one percentage point lower than in 2019.", []),
    ("Oneplace, a collaboration of six independent inspectorates, went live.", []),
    ("Not one service was judged outstanding.", []),  # none, not a count of one
    ("The capacity to improve in 15 councils remains uncertain.", [("15", "councils")]),  # a verb in -s ends it
    # Coordinated modifiers of one plural head; a plural noun before "and" still ends the phrase.
    ("All 150 single tier and county councils will be assessed.", [("150", "single tier and county councils")]),
    ("Inspectors visited 20 councils and 12 academies.", [("20", "councils"), ("12", "academies")]),
])
def test_more_noun_phrase_shapes(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text) == expected


def test_that_one_in_ten_is_a_proportion_not_the_pronoun() -> None:
    fs = figures.extract(doc("Staff told us that one in ten children were waiting."))
    assert [(f.kind, f.value, f.measure) for f in fs] == [("proportion", "10", "children")]


def test_a_list_carried_on_by_along_with_shares_the_judgement() -> None:
    text = "Haringey is among those ranked as having inadequate safeguarding, along with Doncaster and Surrey."
    assert judgements(text) == {"Haringey": "inadequate", "Doncaster": "inadequate", "Surrey": "inadequate"}


def categories(text: str, published: str = "2016-01-05") -> list[tuple[str, str]]:
    return [(f.value, f.category) for f in figures.extract(doc(text, published))]


@pytest.mark.parametrize("text, expected", [
    # A judgement in a relative clause restricts who is counted; the main verb says what happened to them.
    ("Two thirds of the councils that were once judged inadequate have improved since.", [("66.67", "improved")]),
    # A light verb and a change noun: the counted things changed.
    ("Overall, 25 councils improved and seven saw a drop in standards.", [("25", "improved"), ("7", "declined")]),
    ("Nine areas suffered a sharp decline in quality.", [("9", "declined")]),
    # A number's own change is how a statistic moved, not a bucket of what it counts.
    ("The number of social workers rose from 345 to 368, while caseloads fell from 19 to 17.",
     [("345", ""), ("368", ""), ("19", ""), ("17", "")]),
    ("Under a quarter of homes (23%) were run by councils, a fall of three percentage points.", [("25", ""), ("23", "")]),
    # Two figures compared share their predicate.
    ("More councils - 15 as opposed to 11 - dropped a star this year.", [("15", "declined"), ("11", "declined")]),
    # The same statistic at another time keeps its judgement across a clause break ...
    ("Last year four councils were found to be inadequate, but this year that rose to eight.",
     [("4", "inadequate"), ("8", "inadequate")]),
    # ... and across sentences when the subject refers back ("this", "it").
    ("Of the 147 councils, 73 per cent were judged good. Although this is down from 78 per cent, it confirms "
     "their work in improving outcomes.", [("147", "total"), ("73", "good"), ("78", "good")]),
    # A figure in a place or scope phrase after another figure's predicate is a circumstance of that clause.
    ("Nine councils have been judged inadequate in the first ratings measuring performance in 152 councils.",
     [("9", "inadequate"), ("152", "")]),
    ("Three quarters of councils were rated good in the first batch of 37 joint area reviews.",
     [("75", "good"), ("37", "")]),
    # A judgement governing the next figure through a preposition is that figure's.
    ("The commission said ratings had improved for 24 councils and deteriorated for 15, following a similar pattern.",
     [("24", "improved"), ("15", "declined")]),
    # A move between grades is a change ("from one to two stars": grade points, not a number's rise) ...
    ("Five authorities fell from three to two stars, while 15 councils rose from one to two stars.",
     [("5", "declined"), ("15", "improved")]),
    # ... the grade reached, when only that is said ("improved to good"); a rising number is neither.
    ("Nine councils moved up to three stars.", [("9", "three stars")]),
    # A counted group that moves "from three to two" moves between grades: the numbers are grade points, not
    # counts, and the move is the group's change.
    ("76 per cent got two or three stars, although four of these went down from three to two.",
     [("76", "two or three stars"), ("4", "declined")]),
    ("Six councils were inadequate; the number rose from 4 to 6.", [("6", "inadequate"), ("4", "inadequate"),
                                                                    ("6", "inadequate")]),
    # A group's own grade gives way to the change its verb states.
    ("Two thirds of inadequate local authorities improved at their re-inspection.", [("66.67", "improved")]),
    # "All N" is judged in its clause, but not past the next figure.
    ("Across all 63 authorities inspected, one-third were rated good.", [("63", "total"), ("33.33", "good")]),
    ("The number of children in care rose to 70,000.", [("70000", "")]),
])
def test_change_comparison_and_scope(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text) == expected


def test_this_category_takes_the_judgement_of_the_sentence_before() -> None:
    text = 'Ofsted says some councils have "inadequate" child protection. Last year five areas were in this category.'
    assert categories(text) == [("5", "inadequate")]


def test_an_abbreviated_measure_is_kept_as_the_page_writes_it() -> None:
    assert measures("Of the 65 LAs inspected, 30 were good and 12 JARs were published.") == [
        ("65", "LAs"), ("30", "LAs"), ("12", "JARs")]


@pytest.mark.parametrize("text, published, expected", [
    # "All N" is the whole of a group: a total, unless its clause judges it.
    # (The first five is the same group stated again: it takes the count's judgement, see _repeats.)
    ("Five councils were named. All five were given zero-star ratings.", "2004-11-18",
     [("5", "zero stars"), ("5", "zero stars")]),
    ("All 150 councils were given star ratings this year.", "2004-11-18", [("150", "total")]),
    # The size of a change is in no bucket (and the homes "90% of them" divides are their total).
    ("There were 2,460 homes, 90% of them judged good. This was a 7% increase in the number of homes.", "2020-03-31",
     [("2460", "total"), ("90", "good"), ("7", "")]),
    # A bare number with a verb of its own heads its own clause.
    ("Ten departments were given zero stars and four face intervention.", "2002-05-23",
     [("10", "zero stars"), ("4", "")]),
    # Quoted grade words in a coordination, and below a quoted grade.
    ('The share of councils performing "well" or as "excellent" fell from 73% to 68%.', "2009-12-09",
     [("73", "performs excellently or well"), ("68", "performs excellently or well")]),
    ('Three quarters were rated as less than "good".', "2014-12-01", [("75", "requires improvement or inadequate")]),
    # "fell short of" a standard is not a decline: it is below the standard (the APA's bottom grade).
    ("Four councils fell short of the required standard.", "2008-12-01", [("4", "inadequate")]),
    # A full stop glued to the next sentence still ends the first.
    ("Eight councils were zero rated.Children's services will improve in 81 per cent of councils.", "2004-11-18",
     [("8", "zero stars"), ("81", "")]),
])
def test_groups_changes_and_coordinated_grades(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    # A list's last item after a serial comma is in the list.
    ("The following authorities got three stars: Bexley, Cornwall, and Westminster.", "2002-05-23",
     {"Bexley": "three stars", "Cornwall": "three stars", "Westminster": "three stars"}),
    # A denied judgement gives way to one stated after it.
    ('Rotherham escaped red flags, despite being rated as "poor" by Ofsted.', "2009-12-09",
     {"Rotherham": "performs poorly"}),
    ("Councils receiving red flags included Essex and Leeds.", "2009-12-09", {"Essex": "red flag", "Leeds": "red flag"}),
    ("Haringey and Doncaster remain in the bottom tier.", "2009-12-09",
     {"Haringey": "performs poorly", "Doncaster": "performs poorly"}),
])
def test_lists_denials_and_grade_positions(text: str, published: str, expected: dict[str, str]) -> None:
    assert judgements(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    # A bare number dated by a time adjunct is a count of what the sentence counts.
    ("More councils have two and three stars - 102 this year compared with 90 in 2003 and 63 in 2002.", "2004-11-18",
     [("102", "two or three stars"), ("90", "two or three stars"), ("63", "two or three stars")]),
    ("A worker might have as many as 35 children, compared with just seven in others.", "2016-01-05",
     [("35", ""), ("7", "")]),
    # A scale's range is not a judgement; a move along it is.
    ("All 150 councils were given star ratings - from zero to three stars.", "2004-11-18", [("150", "total")]),
    # The councils counted moved ("from zero to one star", as "improving from performing adequately to
    # performing well"); a named council keeps the grade it reached
    # (test_a_named_council_keeps_the_grade_it_moved_to).
    ("Two councils improved from zero to one star.", "2004-11-18", [("2", "improved")]),
])
def test_dated_counts_and_scale_ranges(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_a_named_council_keeps_the_grade_it_moved_to() -> None:
    text = "London boroughs of Waltham Forest and Bromley both improved from zero to one star over 2004."
    assert judgements(text, "2004-11-18") == {"Waltham Forest": "one star", "Bromley": "one star"}


def test_a_name_is_not_what_a_number_counts() -> None:
    # "Tower Hamlets" looks plural; a capitalised word in a sentence that is not a title-case headline is a name.
    assert measures("Tower Hamlets in east London is among 20 with three stars.") == []
    assert measures("Five councils did well. Tower Hamlets is among 20 with three stars.", "2004-11-18") == [
        ("5", "councils"), ("20", "councils")]


def test_an_iso_date_is_not_a_figure() -> None:
    assert measures("date 2017-11-24 Ofsted rated 12 councils good.") == [("12", "councils")]


@pytest.mark.parametrize("text, published, expected", [
    ("The proportion of LAs judged good or outstanding increased to 46%. After their first inspection it was 36%.",
     "2019-04-01", [("46", "LAs", "good or outstanding"), ("36", "LAs", "good or outstanding")]),
    ("Inspections in the north resulted in 81% good or better judgements. The midlands had 72% and the south 66%.",
     "2016-12-01", [("81", "inspections", "good or outstanding"), ("72", "inspections", "good or outstanding"),
                    ("66", "inspections", "good or outstanding")]),
])
def test_a_bare_share_restates_the_statistic_before_it(text: str, published: str,
                                                      expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figures.extract(doc(text, published))] == expected


def test_the_other_n_were_lists_the_rest_of_the_group_before() -> None:
    text = "Four councils were rated inadequate, including Haringey. The other three were Surrey, Doncaster and Luton."
    assert judgements(text, "2014-01-01") == {"Haringey": "inadequate", "Surrey": "inadequate",
                                               "Doncaster": "inadequate", "Luton": "inadequate"}


def test_showing_improvements_is_a_change() -> None:
    assert categories("Only 13 councils were showing improvements in their services.") == [("13", "improved")]


@pytest.mark.parametrize("text", [
    # A scale's legend and range.
    "Services are graded from one to four: four means they are very good, three good, two adequate and one inadequate.",
    # Grade points with their noun elided.
    "Somerset received a three-star rating, having been awarded two stars in 2003, one in 2002 and two in 2001.",
    # A conditional clause, and a share with a plus.
    "If one-in-three schools or one-in-three cars were rated inadequate, there would be uproar.",
    "Where 30%+ of a process is below standard, a manager would act.",
    # A part of a period.
    "In the second half of 2012 the picture changed.",
    # Parts of an argument, even after "one of the".
    "Outcomes for children are one of the five themes reported on by the assessment.",
])
def test_not_figures_by_construction(text: str) -> None:
    assert measures(text, "2013-06-01") == []


def test_failing_is_the_bottom_of_the_scale() -> None:
    assert categories("Eight councils have been classed as failing.", "2004-11-18") == [("8", "zero stars")]
    assert categories("Experts go to nine authorities with failing children's services.", "2008-12-01") == [
        ("9", "inadequate")]


def test_a_list_judged_after_its_last_name_judges_every_name() -> None:
    text = ('Both Halton Borough Council, in the north west, and Hull City Council, in East Yorkshire, were given a '
            '"requires improvement" grading.')
    assert set(judgements(text, "2015-02-03").values()) == {"requires improvement"}
    assert judgements("Leeds, which was rated good, and Bury were inspected.", "2015-02-03") == {
        "Leeds": "good", "Bury": ""}
    # "until we have ..." is a state not yet reached; "good until 2015" was one.
    assert judgements("There is a long way to go until we have a good service for all children in Doncaster.",
                      "2015-02-03") == {"Doncaster": ""}
    assert judgements("Doncaster was rated good until 2015.", "2016-02-03") == {"Doncaster": "good"}


@pytest.mark.parametrize("text, expected", [
    ("A total of 44 authorities have had inspection results published.", [("44", "total")]),
    ("Two more authorities have been told their children's services are not up to scratch.",
     [("2", "requires improvement or inadequate")]),
    # A judgement aimed at is not one given.
    ("We have to do more to ensure that the city's 50,000 children receive an outstanding service.", [("50000", "")]),
    ("There is a long way to go until we have a good service for the 50,000 children in Doncaster.", [("50000", "")]),
])
def test_totals_idioms_and_aims(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, "2015-02-03") == expected


@pytest.mark.parametrize("text, published, expected", [
    # Below the required standard is the APA's bottom grade (its second grade was the minimum) ...
    ("Eight councils were found not to have come up to the mark for keeping children safe, while four fell short of "
     "the required standard.", "2008-12-18", [("8", "inadequate"), ("4", "inadequate")]),
    # ... and either grade below good when good is the standard.
    ("Eight councils fell below the minimum standard.", "2016-12-18", [("8", "requires improvement or inadequate")]),
])
def test_below_the_standard_is_read_in_the_eras_scale(text: str, published: str,
                                                      expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_a_total_of_n_is_judged_in_its_clause() -> None:
    assert categories("A total of 74 councils were awarded two stars.", "2004-11-18") == [("74", "two stars")]


def test_a_count_is_whole_and_a_numbered_section_is_not_a_figure() -> None:
    assert measures("2.2 Experiences and progress of care leavers Requires improvement", "2017-12-21") == []
    assert measures("Caseloads fell from 19.5 to 17 cases.", "2020-01-01") == [("17", "cases")]
    assert measures("Average caseloads fell from 19.5 to 17 cases.", "2020-01-01") == []  # an average's path
    assert measures("There are 2.5 million children in England.") == [("2500000", "children")]


def test_a_one_council_report_gives_it_what_it_says_of_childrens_services() -> None:
    text = ("Devon County Council\nInspection of services for children in need of help and protection\n"
            "The overall judgement is that children's services require improvement\n")
    assert judgements(text, "2015-05-12") == {"Devon": "requires improvement"}


@pytest.mark.parametrize("text, published, expected", [
    # The overall judgement or overall effectiveness a one-council page states is that council's ...
    ("Ofsted inspection of Durham\nMembers were told Ofsted inspected Durham County Council's children's services in "
     "May.\nThe director advised that the overall judgement was rated good with one area outstanding.\n",
     "2022-06-01", {"County Durham": "good"}),
    ("Leeds City Council\nOfsted's inspection of Leeds's children's services\nOverall effectiveness is outstanding.\n",
     "2019-03-01", {"Leeds": "outstanding"}),
    ("Lancashire children's services 'still have room for improvement'\nOfsted said Lancashire County Council's "
     "services are no longer inadequate.\nIt concluded that its rating had gone from inadequate to requires "
     "improvement.\n", "2018-03-01", {"Lancashire": "requires improvement"}),
    # ... and "poor" grading an aspect with its own complement grades no council.
    ("Somerset's star rating has been reduced in the refresh, due to poor standards of performance.", "2002-11-14",
     {"Somerset": ""}),
])
def test_a_one_council_pages_overall_judgement_and_an_aspects_grade(text: str, published: str,
                                                                    expected: dict[str, str]) -> None:
    assert judgements(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    # A grade or a figure in a relative clause set off by commas describes what the clause hangs on ...
    ("The council, which was one of three that fell from two stars to one in the refreshed ratings, had improved its "
     "performance by 10 per cent, scoring 84 per cent across the indicators.",
     [("3", "declined"), ("10", ""), ("84", "")]),
    ("The council, which was rated inadequate, had raised its score by 10 per cent.", [("10", "")]),
    # ... and a change's amount ("improved ... by 10 per cent") is how far it moved, not a grade of the share.
    ("Its performance improved by 10 per cent.", [("10", "")]),
])
def test_a_relative_clause_aside_and_a_changes_amount_grade_no_figure_after_them(
        text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, "2002-11-14") == expected


def test_an_aside_still_judges_the_names_its_head_is() -> None:
    text = 'The other councils, which received one star, for "inadequate", were Surrey, Doncaster and Milton Keynes.'
    assert judgements(text, "2006-11-29") == {"Surrey": "one star", "Doncaster": "one star", "Milton Keynes": "one star"}


def test_a_cpa_pages_sentences_without_star_words_speak_the_cpas_scale() -> None:
    text = ("Councils were scored under the new Comprehensive Performance Assessment.\n"
            "Results show that there are 22 excellent councils, 54 good, 39 fair, 22 weak and 13 poor. "
            "Slightly under half are ranked as fair or worse.\nHull, with two-star social services, was rated poor.")
    assert categories(text, "2002-12-12") == [("22", "excellent"), ("54", "good"), ("39", "fair"), ("22", "weak"),
                                              ("13", "poor"), ("50", "fair or worse")]
    assert judgements(text, "2002-12-12") == {"Kingston upon Hull, City of": "two stars"}


def test_a_judgement_in_a_when_clause_of_a_past_year_is_past() -> None:
    text = "It was the first inspection since 2018 when services were found to require improvement."
    d = doc(text, "2022-12-01")
    (p,) = spans.Layer(d).phrases((0, len(d.text)))
    assert (p.category, p.source) == ("requires improvement", True)


def test_a_rate_of_growth_is_a_share_of_its_verbs_subject() -> None:
    fs = figures.extract(doc("Between 2010 and 2014, the 0-17 population in England grew by 4.9%."))
    assert [(f.value, f.measure) for f in fs] == [("4.9", "0-17 population")]


def test_names_take_the_judgement_of_a_next_sentence_about_their_group() -> None:
    text = ('Five councils - Bedfordshire, Birmingham, Cumbria, Plymouth and Swindon - were told they are "not serving '
            'children well". All five were given zero-star ratings.')
    assert set(judgements(text, "2004-11-18").values()) == {"zero stars"}
    # Not when the next sentence's subject is someone else.
    assert judgements("Leeds and Bury were inspected. Inspectors said services were good.") == {"Leeds": "", "Bury": ""}


@pytest.mark.parametrize("text, published, expected", [
    # Good denied within a verb phrase is below good, in the era's scale ...
    ("Ofsted found that almost 80% of authorities are not yet providing services rated as Good.", "2016-06-01",
     [("80", "requires improvement or inadequate")]),
    ("Twelve councils have not been judged good or better.", "2015-03-01", [("12", "requires improvement or inadequate")]),
    ("Two councils were rated less than good.", "2007-03-01", [("2", "adequate or inadequate")]),
    # ... except where the scale had no grade named good, and where "not" does not deny it.
    ("The report found five councils did not provide good care for children.", "2004-11-18", [("5", "")]),
    ("Twelve councils were not only good but improving.", "2015-03-01", [("12", "good")]),
    # "in need of improvement" is the grade below good.
    ("The report said 26 authorities were in need of improvement and a further seven were deemed inadequate.",
     "2015-03-01", [("26", "requires improvement"), ("7", "inadequate")]),
])
def test_good_denied_and_needing_improvement(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    # A share of a mass noun is of that noun; "the proportion of" names it past a grade.
    ("58% of workplace learning is rated good or outstanding.", [("58", "workplace learning")]),
    ("The proportion of good or outstanding childcare now stands at around two-thirds.", [("66.67", "childcare")]),
    # A capitalised word is a name, not a population.
    ("A quarter of London was rated poor.", [("25", "")]),
    # The subject itself is not a count; a contrast's "one" is not either; a duration with an adjective.
    ("Telford was 1 of 30 local authorities that kept its outstanding judgement.", [("30", "local authorities")]),
    ("Spending ranged from £340 per child in one authority to £4,970 per child in another.", []),
    ("It must send a plan to Ofsted within 70 working days.", []),
])
def test_shares_of_mass_nouns_and_what_is_not_counted(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text, "2009-01-01") == expected


@pytest.mark.parametrize("text, expected", [
    # What moved: the noun after a difference ("a 4% increase in the number of places").
    ("There was a 7% increase in the number of children's homes and a 4% increase in the number of places.",
     [("7", "children's homes"), ("4", "places")]),
    ("There has been a 124% increase in serious cases.", [("124", "serious cases")]),
    # A rate of growth is of its verb's subject, with or without an article.
    ("The number of referrals rose by 11 per cent and child protection investigations rose by 12 per cent.",
     [("11", "referrals"), ("12", "child protection investigations")]),
    # A share whose sentence names what it is of does not restate the share before.
    ("It accounts for almost a quarter of all places. The number of complaints received was 16% lower.",
     [("25", "places"), ("16", "complaints")]),
])
def test_a_share_takes_the_measure_its_sentence_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text, "2022-06-01") == expected


@pytest.mark.parametrize("text, published, expected", [
    # A judgement given to another object is not the giver's ...
    ("The final report from the team of 12 inspectors, published on June 27, gave the council an overall rating of "
     "'Good'.", "2013-07-01", [("12", "")]),
    # ... but the passive receives it.
    ("Only eight social services departments were awarded the top three-star rating.", "2002-07-01",
     [("8", "three stars")]),
    # A count the next sentence divides ("Of these ...") is the whole.
    ("There are 152 local authority children's services departments. Of these three are rated 'outstanding'.",
     "2016-01-01", [("152", "total"), ("3", "outstanding")]),
    # Adequacy denied, with the verb's object between.
    ("Ofsted: A quarter of councils not protecting children adequately", "2009-06-01", [("25", "inadequate")]),
])
def test_givers_wholes_and_denied_adequacy(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_one_council_takes_the_judgement_of_a_next_sentence_about_it() -> None:
    text = ("In 2013, Ofsted dubbed child protection services in Birmingham a national disgrace. Its local authority was "
            "one of the seven cited in the latest report as inadequate.")
    assert judgements(text, "2015-03-01") == {"Birmingham": "inadequate"}
    # Not when the sentence before named two.
    assert judgements("Leeds and Bury were inspected. It was rated good.") == {"Leeds": "", "Bury": ""}


def test_the_star_ratings_capacity_to_improve_is_its_own_scale() -> None:
    text = ("And on their capacity to improve children's services in the future, 33 of the pathfinders are rated as "
            "excellent or promising by the commission and only two, Sandwell and Ealing, as uncertain.")
    assert categories(text, "2004-11-18") == [("33", "excellent or promising"), ("2", "uncertain")]
    assert judgements(text, "2004-11-18") == {"Sandwell": "uncertain", "Ealing": "uncertain"}
    # Outside the star ratings, and away from a capacity, the words are no grade.
    assert categories("The future of 12 councils is uncertain.", "2004-11-18") == [("12", "")]


def test_a_pages_legend_names_its_grade_points() -> None:
    text = ("Services are graded from one to four: four means they are very good, three good, two adequate and one "
            "inadequate. Overall, just 8 per cent received the top grade, while 67 per cent gained a three, 24 per cent "
            "a two and 1 per cent of authorities the lowest mark.")
    assert categories(text, "2005-12-02") == [("8", "very good"), ("67", "good"), ("24", "adequate"),
                                              ("1", "inadequate")]
    # Without a legend, in an era not scored on points, "a three" is no grade and the top grade is the era's.
    assert categories("Just 8 per cent received the top grade, while 67 per cent gained a three.", "2016-12-02") == [
        ("8", "outstanding"), ("67", "")]
    # The APA's points, where the page states no legend of its own.
    assert categories("Some 40 councils were graded three for staying safe, and 12 scored a 2.", "2007-06-01") == [
        ("40", "good"), ("12", "adequate")]


def test_in_need_of_a_thing_is_not_a_place_that_narrows_what_is_counted() -> None:
    assert measures("The report claimed that 26 authorities were in need of improvement.") == [("26", "authorities")]
    assert measures("There were 400,000 children. Of these 84,000 children are in need.") == [
        ("400000", "children"), ("84000", "children in need")]


@pytest.mark.parametrize("text, published, expected", [
    # The whole population stated: "in total", or "the N ... in England".
    ("An inspection looked at 10 outcome areas in total. Seven were found to be good.", "2011-06-01",
     [("10", "total"), ("7", "good")]),
    ("Ofsted inspects the 152 LAs in England responsible for social care.", "2018-06-01", [("152", "total")]),
    ("Ofsted rated 20 councils in England inadequate.", "2018-06-01", [("20", "inadequate")]),
    # "Of the remaining N" is a whole too.
    ("Of the remaining 33 authorities, none were rated as outstanding, although four were judged good.",
     "2013-06-01", [("33", "total"), ("4", "good")]),
    # A count a relative clause divides ("18 ..., nine of which") is their whole.
    ("Ofsted visited 18 local authorities, nine of which were told to improve urgently.", "2010-06-01",
     [("18", "total"), ("9", "")]),
    ("Ofsted inspected 47 councils, of which 12 were rated inadequate.", "2014-06-01",
     [("47", "total"), ("12", "inadequate")]),
    # A bracketed restatement with a discourse word ("(yes, thirty-five percent)") belongs to the share before it,
    # whose clause resumes after the bracket.
    ("In 2012, 35% (yes, thirty-five percent) of all authorities inspected were found to be inadequate.",
     "2013-06-01", [("35", "inadequate"), ("35", "inadequate")]),
    # "each of the N", like "all N", is the whole group in the judgement its clause gives it, else a total.
    ("Each of the 12 councils rated inadequate received a government commissioner.", "2019-06-01",
     [("12", "inadequate")]),
    ("Ofsted has inspected every one of England's 151 councils.", "2019-06-01", [("151", "total")]),
    # A change by an amount is the counted group's when the group is its subject; a state its clause reaches wins.
    ("Seven councils improved by one grade to good, and three improved by one grade.", "2015-11-30",
     [("7", "good"), ("3", "improved")]),
    # Missing the minimum standard is below it: where "good" is the standard, either grade under it; where the
    # minimum was "adequate" (the inspections of 2012-13, before the single inspection framework), the bottom grade.
    ("One in three councils are still missing minimum standards.", "2014-06-01",
     [("33.33", "requires improvement or inadequate")]),
    ("One in three councils are still missing minimum standards.", "2012-06-01", [("33.33", "inadequate")]),
    # A modal after a grade is not a noun the grade describes ("three stars will ...").
    ("The first eight councils to receive three stars will gain greater freedom.", "2002-05-23", [("8", "three stars")]),
])
def test_wholes_standards_and_modals(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_a_glossed_grade_is_one_judgement_in_its_first_words() -> None:
    text = ('Four local authorities, including Haringey, were given just one star, for "inadequate". The other three '
            'were Surrey, Doncaster and Milton Keynes.')
    assert set(judgements(text, "2009-03-05").values()) == {"one star"}
    assert categories("Twelve councils received three stars (excellent).", "2004-11-18") == [("12", "three stars")]


def test_top_marks_on_a_page_whose_stars_reach_four() -> None:
    text = ("The number of councils achieving an overall four-star rating has risen from 22 in 2002 to 62 now, "
            "including 27 who have consistently achieved top marks.")
    assert categories(text, "2009-03-05") == [("22", "four stars"), ("62", "four stars"), ("27", "four stars")]
    # The social services ratings stopped at three.
    assert categories("Some 27 councils achieved top marks.", "2004-03-05") == [("27", "three stars")]


@pytest.mark.parametrize("text, published, expected", [
    # The star ratings' "serving people well" judgement, named as the scale names it whatever the verb's form.
    ("Some 18 per cent of councils were serving most children well.", "2004-11-18",
     [("18", "serving most children well")]),
    ("Now 77% of councils serve most adults well.", "2005-11-30", [("77", "serving most adults well")]),
    ("Two councils are singled out as failing to serve children well at all.", "2005-11-30",
     [("2", "not serving children well")]),
    # "so that" of result, not of purpose (no modal): its judgement is stated, not aimed at.
    ("Performance has improved so that now 77 per cent of councils serve most adults well.", "2005-11-30",
     [("77", "serving most adults well")]),
    # Zero as a grade, and the grade reached with its noun elided.
    ("Ten councils score zero for ability to provide care", "2002-05-23", [("10", "zero stars")]),
    ("The councils rated zero are Coventry and Walsall.", "2002-05-23", []),
    ("Haringey was among four councils to go from a three-star rating to one.", "2009-03-01", [("4", "one star")]),
    # A bare number elided with a determiner and superlative before its grade.
    ("Seventy-four authorities achieved two stars, 52 one star and eight the lowest no star rating.", "2003-11-30",
     [("74", "two stars"), ("52", "one star"), ("8", "zero stars")]),
    # A whole named by the country it is, where no judgement applies.
    ("The star ratings for England's 150 councils were published this week.", "2005-11-30", [("150", "total")]),
    # A grade whose place the figure is, before any grade after it; a bare number in such a place is a count.
    ("Performance was judged excellent in 28 councils, good in 65, adequate in 52 and poor in seven.", "2009-12-09",
     [("28", "performs excellently"), ("65", "performs well"), ("52", "performs adequately"), ("7", "performs poorly")]),
    ("Services improved in 24 councils and deteriorated in 15.", "2009-12-09", [("24", "improved"), ("15", "declined")]),
    # A share set off by commas or dashes restates the count before it, and shares its judgement.
    ("Some 119 councils, or 79 per cent, are rated good or excellent.", "2009-12-09",
     [("119", "performs excellently or well"), ("79", "performs excellently or well")]),
    ("In all, 14 councils - one in 10 - are now rated as poor.", "2009-12-09",
     [("14", "performs poorly"), ("10", "performs poorly")]),
    # Points a score stayed at or moved between are not counts; a council count after "scored" is.
    ("The scores for housing and benefits all remained at three, while culture fell from three to two.", "2008-12-01",
     []),
    ("The average score rose from 2.1 to 2.4, while the number of councils fell to 140.", "2008-12-01",
     [("140", "")]),
    ("The review scored 93 councils as 'good' and another 40 as 'adequate'.", "2008-12-01",
     [("93", "good"), ("40", "adequate")]),
    # The 2009-12 unannounced inspections' finding.
    ('Snap inspections found "areas for priority action" in half of all councils.', "2010-06-01",
     [("50", "priority action")]),
    # A group named again as its sentence's subject is the group the sentence before judged; not after a preposition.
    ("The authorities found inadequate were Leeds and Essex. The 10 authorities were identified out of 29 councils.",
     "2010-06-01", [("10", "inadequate"), ("29", "total")]),
    ("Nine councils were rated poor. The number of them has increased from the eight identified last year.",
     "2009-12-09", [("9", "performs poorly"), ("8", "")]),
    # A department a star better off moved up; on a page of the annual rating, "good" is the rating's grade.
    ("Of the 150 departments, 18 got a new rating. Of these, 12 ended up one star better off than in May.",
     "2002-11-21", [("150", "total"), ("18", "total"), ("12", "improved")]),
    ("Ten authorities were rated 'excellent'. The review scored 93 councils as 'good' and another 40 as 'adequate'.",
     "2009-12-09", [("10", "performs excellently"), ("93", "performs well"), ("40", "performs adequately")]),
    ("Cornwall was rated good. Ofsted scored 12 councils as 'good' this year.", "2011-05-04", [("12", "good")]),
    # "of England's 152" states the whole; "maximum ratings" are the top of the era's scale.
    ("The inspector found that 20 of England's 152 local authorities have inadequate safeguarding.", "2013-11-01",
     [("20", "inadequate"), ("152", "total")]),
    ("THREE local authorities in the North-East have been awarded maximum ratings.", "2005-11-30",
     [("3", "three stars")]),
    # "satisfactory", the third grade of Ofsted's earlier four-point scale, in its own word.
    ("In around a quarter of council areas this was only satisfactory.", "2008-12-01", [("25", "satisfactory")]),
    ("Four local authorities were judged very good and three quarters good or very good.", "2005-11-30",
     [("4", "very good"), ("75", "good or very good")]),
    # A count set off from its verb by an apposed share is still the verb's subject; "graded 107 as" counts.
    ("Twenty councils were classed as poor and 86 - more than half - were deemed to be inadequate.", "2010-12-01",
     [("20", "performs poorly"), ("86", "performs poorly"), ("50", "performs poorly")]),
    ("Reviews of 139 services graded 107 as outstanding or good, 28 adequate and just four as inadequate.",
     "2007-11-28", [("139", "total"), ("107", "good or outstanding"), ("28", "adequate"), ("4", "inadequate")]),
    # Gapping: a bare number after the preposition an earlier figure of its sentence followed.
    ('"Adequate" was awarded to 33 councils for safeguarding and to 39 for looked-after children.', "2012-06-01",
     [("33", "adequate"), ("39", "adequate")]),
    # A count the judged counts right after it add up to is their total; one they do not add up to is not.
    ("Ofsted has published APAs for 102 local authorities. It judged 10 authorities excellent and 76 good. Fourteen "
     "authorities are adequate and two are inadequate.", "2007-11-28",
     [("102", "total"), ("10", "outstanding"), ("76", "good"), ("14", "adequate"), ("2", "inadequate")]),
    ("Ofsted has published APAs for 103 local authorities. It judged 10 authorities excellent and 76 good. Fourteen "
     "authorities are adequate and two are inadequate.", "2007-11-28",
     [("103", ""), ("10", "outstanding"), ("76", "good"), ("14", "adequate"), ("2", "inadequate")]),
    # A score out of the APA's four points is a grade, not a count.
    ("Nine councils scored only 1 out of 4 for staying safe.", "2006-11-30", [("9", "inadequate")]),
])
def test_star_rating_judgements(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    ("Plymouth City Council has dropped from having one star to none.", "2003-11-30", {"Plymouth": "zero stars"}),
    ("The councils rated zero are Coventry and Walsall.", "2002-05-23", {"Coventry": "zero stars", "Walsall": "zero stars"}),
    # A pro-verb takes the judgement of the sentence before.
    ("Haringey was among four councils to go from a three-star rating to one. Doncaster and Surrey did the same.",
     "2009-03-01", {"Haringey": "one star", "Doncaster": "one star", "Surrey": "one star"}),
    # A time after the last of coordinated judgements puts them all in the past; a verb phrase after "but" shares
    # its subject.
    ("In Warrington services were rated 'good' and 'outstanding' in 2008, but were judged inadequate this year.",
     "2014-03-01", {"Warrington": "inadequate"}),
    # "from one to two stars" is a move, not the scale's range ("from zero to three stars").
    ("Darlington and South Tyneside improved their ratings from one to two stars.", "2005-11-30",
     {"Darlington": "two stars", "South Tyneside": "two stars"}),
    ("Bromley was judged to be serving most children well, with promising prospects.", "2005-11-30",
     {"Bromley": "serving most children well"}),
])
def test_star_rating_judgements_of_authorities(text: str, published: str, expected: dict[str, str]) -> None:
    assert judgements(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    # A name set apart from its clause ("unlike", "except", "neither ... nor") does not take its judgement.
    ("Unlike Leeds, Bradford was rated inadequate.", {"Leeds": "", "Bradford": "inadequate"}),
    # A source of what the clause says is set apart too.
    ("According to a Hampshire report, Ofsted found the island's children's services to be inadequate.",
     {"Hampshire": ""}),
    ("Bradford was rated inadequate, unlike neighbouring Leeds.", {"Bradford": "inadequate", "Leeds": ""}),
    ("Neither Leeds nor Bradford was rated inadequate.", {"Leeds": "", "Bradford": ""}),
    ("Leeds and Bradford were rated inadequate.", {"Leeds": "inadequate", "Bradford": "inadequate"}),
])
def test_a_name_set_apart_takes_no_judgement(text: str, expected: dict[str, str]) -> None:
    assert judgements(text, "2016-06-01") == expected


def test_ri_is_requires_improvement_in_capitals_only() -> None:
    assert categories("Thirty councils were rated RI.", "2016-06-01") == [("30", "requires improvement")]
    assert judgements("Leeds was rated RI.", "2016-06-01") == {"Leeds": "requires improvement"}


@pytest.mark.parametrize("text, published, expected", [
    # "serving ... well" with no quantifier is the judgement's name without its degree.
    ("Only two councils were found to be serving their communities well.", "2002-05-30", [("2", "serving well")]),
    # Failing to keep children safe or to protect them is the bottom grade; on an annual-rating page, keeping
    # children safe is the inspections' domain, in their words.
    ("Two councils are failing to keep young people safe.", "2016-06-01", [("2", "inadequate")]),
    ("One in three of the 29 inspected were failing to keep children safe.", "2010-06-01",
     [("33.33", "inadequate"), ("29", "total")]),
    ("Nine councils were performing poorly.", "2010-06-01", [("9", "performs poorly")]),
])
def test_serving_well_and_failing_to_protect(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    # "A total of N" is judged in its clause past a figure it is compared with.
    ("A total of 31 councils, up from 24, now have three stars.", "2004-11-30",
     [("31", "three stars"), ("24", "three stars")]),
    # "progressing from X to Y" is a move up.
    ("Of these, 11 councils progressed from 'performing adequately' to 'performing well'.", "2011-06-01",
     [("11", "improved")]),
    # A count stated again within two sentences as a judged count is that statistic (a headline and its first line);
    # not shares, which pages give alike to different groups.
    ("DCSF intervenes in nine councils\n\nThe department is intervening in nine councils judged to be inadequate.",
     "2009-06-01", [("9", "inadequate"), ("9", "inadequate")]),
    ("A quarter of councils were good. They said a quarter of councils were affected.", "2016-06-01",
     [("25", "good"), ("25", "")]),
])
def test_comparisons_moves_and_repeats(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_a_bare_count_with_its_grade_before_its_bracketed_share() -> None:
    # "36 good (24%)": the grade right after the number, before the share, makes it a count by ellipsis.
    assert categories("Of 152 councils, 36 good (24%) and 80 adequate (53%).", "2016-06-01") == [
        ("152", "total"), ("36", "good"), ("24", "good"), ("80", "adequate"), ("53", "adequate")]


@pytest.mark.parametrize("text, expected", [
    # The star ratings' capacity to improve, its word before "prospects" or "capacity" too.
    ("Ten councils were judged to have uncertain prospects for improvement.", [("10", "uncertain")]),
    # "serving most or all children well": the judgement's name with its coordinated degrees.
    ("Only 53 per cent of councils were serving most or all children well and had promising capacity to improve.",
     [("53", "serving most or all children well")]),
])
def test_star_era_capacity_and_serving_degrees(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, "2003-11-20") == expected


@pytest.mark.parametrize("text, published, expected", [
    # A noun in apposition with a relative clause of its own speaks of that noun, not of the figure before it.
    ("England's 150 children's services departments performed slightly worse in 2008, a period in which the ratings "
     "of housing services improved.", "2009-12-01", [("150", "total")]),
    # Gapping past a verb phrase of its own: ", stayed unchanged in 53" counts councils, and is not "improved".
    ("Services had improved in 63 councils, stayed unchanged in 53 and deteriorated in 27.", "2003-08-15",
     [("63", "improved"), ("53", ""), ("27", "declined")]),
])
def test_appositive_relatives_and_gapping_past_a_verb(text: str, published: str,
                                                       expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_grade_points_of_a_points_era_judge_the_councils_that_scored_them() -> None:
    # APA grades were points 1-4: "scored 3 in both categories" is good, "scoring 4" outstanding.
    text = ("Knowsley was the best performer, scoring 4 for both performance and capacity, while Essex and West "
            "Sussex all scored 3 in both categories.")
    assert judgements(text, "2007-06-01") == {"Knowsley": "outstanding", "Essex": "good", "West Sussex": "good"}
    # "a 1 in 5" is a proportion, not a grade point.
    assert judgements("Wigan had a 1 in 5 rate of repeat referrals.", "2007-06-01") == {"Wigan": ""}
    # A sentence naming the councils' CPA (scored 1-4 on a scale of its own) reads no APA points.
    assert judgements("Coventry and Salford all scored three in their new assessments and the overall CPA score "
                      "has risen.", "2007-06-01") == {"Coventry": "", "Salford": ""}
    assert categories("Ofsted said 76 per cent of councils were scoring a grade 3 or 4.", "2007-06-01") == [
        ("76", "good or outstanding")]


def test_a_councils_own_best_is_not_the_top_grade() -> None:
    text = "Barnet's social services department has received its best rating from inspectors since 2001."
    assert judgements(text, "2004-06-01") == {"Barnet": ""}
    assert judgements("Barnet received the best rating possible.", "2004-06-01") == {"Barnet": "three stars"}


@pytest.mark.parametrize("text, expected", [
    # A perfect participle or "after N years" states where a council had been, not where it is.
    ("Children's services in Slough have improved their Ofsted rating having spent seven years as 'inadequate'.",
     {"Slough": ""}),
    ("Leeds was rated good after three years rated inadequate.", {"Leeds": "good"}),
    ("Leeds has been rated good, having been judged inadequate in 2015.", {"Leeds": "good"}),
])
def test_a_grade_a_council_had_before_a_perfect_participle_is_not_its_own(text: str, expected: dict[str, str]) -> None:
    assert judgements(text, "2019-02-01") == expected


def test_the_cpas_five_bands_listed_name_its_scale() -> None:
    # A page listing the CPA's bands in order speaks its scale without naming it, in its figures and in the heading
    # of a list of names.
    text = ("Councils have been placed in one of five brackets - excellent, good, fair, weak and poor.\n\n"
            "Results show that there are 22 excellent councils and 13 poor.\n\n'Poor' councils\n\nNorth Tyneside\n\n"
            "Waltham Forest")
    assert categories(text, "2002-12-12") == [("22", "excellent"), ("13", "poor")]
    assert judgements(text, "2002-12-12") == {"North Tyneside": "poor", "Waltham Forest": "poor"}


def test_a_grade_the_counted_group_had_before_is_not_its_own() -> None:
    assert categories("Half of councils previously judged to require improvement have declined to inadequate.",
                      "2019-06-01") == [("50", "inadequate")]


@pytest.mark.parametrize("text", [
    # A list of keys and values run into one line: the judgement labels the number after its colon or comma.
    "Of the 152 councils, the outcomes were: outstanding, 9 (6%); good, 54 (36%); inadequate, 29 (19%).",
    "Outstanding: 9 councils (6%). Good: 54 (36%). Inadequate: 29 (19%).",
])
def test_a_judgement_labels_the_number_of_its_list_item(text: str) -> None:
    assert [c for c in categories(text, "2018-06-01") if c[0] != "152"] == [
        ("9", "outstanding"), ("6", "outstanding"), ("54", "good"), ("36", "good"), ("29", "inadequate"),
        ("19", "inadequate")]


def test_a_judgement_in_a_clause_before_is_no_label() -> None:
    # "rated good, 12 months after": the grade ends its clause; it does not label what follows the comma.
    assert categories("Leeds was rated good, 12 councils were rated inadequate.", "2018-06-01") == [("12", "inadequate")]
    assert measures("The council was rated good, 12 months after its last inspection.", "2018-06-01") == []


def test_a_verb_after_a_singular_subject_is_not_a_measure() -> None:
    # "the world looks a very different place": "looks" is the verb, so the shares count the councils before.
    text = ("In 2008, 9% of councils were outstanding. Today the world looks a very different place: none were "
            "outstanding and 28% inadequate.")
    assert measures(text, "2016-06-01") == [("9", "councils"), ("28", "councils")]


@pytest.mark.parametrize("text, expected", [
    # A bracketed share between a count and its noun: "11 (7%) local authorities".
    ("Ofsted said that 11 (7%) local authorities were outstanding and 24 (16%) inadequate.",
     [("11", "local authorities"), ("7", "local authorities"), ("24", "local authorities"), ("16", "local authorities")]),
    # A share "of the total" is a share of what its sentence counts; "number" as a verb states a count.
    ("Inadequate councils now number 25, or 17% of the total.", [("25", "councils"), ("17", "councils")]),
    # "rose in number from 22 to 25": both ends are counts.
    ("Three-star councils rose in number from 22 to 25.", [("22", "councils"), ("25", "councils")]),
    # A run of events is not a count: "for two inspections in a row", "three successive inspections".
    ("Four councils have been rated inadequate for two inspections in a row.", [("4", "councils")]),
    ("Leeds has been outstanding in three successive inspections.", []),
    # "one of best systems", in minutes that drop the article, is a pronoun as "one of the best" is.
    ("In one of best child protection systems in world, two thirds of local authorities are inadequate.",
     [("66.67", "local authorities")]),
])
def test_measures_of_counts_and_shares_in_more_shapes(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text, "2018-06-01") == expected


def test_a_bare_count_moved_to_a_grade() -> None:
    # "upgraded nine to good": the object of a coordinated verb, moved to the grade after "to".
    assert categories("Ofsted has downgraded six councils to inadequate and upgraded nine to good.", "2018-06-01") == [
        ("6", "inadequate"), ("9", "good")]


def test_a_grade_an_authority_came_from_is_not_its_own() -> None:
    # An authority takes no judgement from where it came from, even when its clause states no other ...
    assert judgements("It was the first inspection of services in Darlington since 2018 when services were found to "
                      "require improvement.", "2022-11-20") == {"Darlington": ""}
    assert judgements("York jumped two grades from requires improvement.", "2019-06-01") == {"York": ""}
    # ... while a figure keeps it: "five were previously rated good" counts councils once good.
    assert categories("Five of these authorities were previously rated good.", "2019-06-01") == [("5", "good")]


def test_not_applicable_is_no_grade_point() -> None:
    # "N/A 2" in a table of scores: the "A" of "N/A" is not the article of "a 2".
    assert judgements("Hackney + well 2 2 3 3 2 3 2 2 N/A 2", "2007-02-15") == {"Hackney": ""}
    assert judgements("Hackney scored a 2 for its children's services.", "2007-02-15") == {"Hackney": "adequate"}


def test_a_rise_stated_without_its_verb_is_a_share_of_its_subject() -> None:
    # "care proceedings up by a staggering 130%": a headline-style clause, its verb left out.
    assert measures("More than 400,000 children in need; care proceedings up by a staggering 130% since 2008.",
                    "2019-01-17") == [("400000", "children in need"), ("130", "care proceedings")]


def test_a_grade_shed_is_where_an_authority_came_from() -> None:
    text = ("Stoke-on-Trent has shed its 'inadequate' status, Ofsted said. Following a full inspection in October, "
            "Stoke has been rated requires improvement.")
    found = authorities.extract(doc(text, "2022-12-02"))
    assert [(m.mention, m.judgement) for m in found] == [("Stoke-on-Trent", ""), ("Stoke", "requires improvement")]


@pytest.mark.parametrize("text, expected", [
    # An -ly word with more of its noun phrase after it is an adjective ("early", "family", "weekly").
    ("The council runs 10 family centres and 20 weekly clinics.", [("10", "family centres"), ("20", "weekly clinics")]),
    # A capitalised plural inside a name is not the head; the name's acronym in brackets is part of the phrase.
    ("Ofsted carried out 3,600 full Early Years Register (EYR) inspections.",
     [("3600", "full early years register (eyr) inspections")]),
    ("12 Local Authorities Rated Good", [("12", "local authorities")]),
    # "youth" is a modifier here, not an irregular plural head.
    ("Of the 26 youth offending services inspected, 10 were good.",
     [("26", "youth offending services"), ("10", "youth offending services")]),
    # An adverb before the verb of a bare count's clause: "12 quickly improved".
    ("Of the 40 councils, 12 quickly improved and 20 rapidly declined.",
     [("40", "councils"), ("12", "councils"), ("20", "councils")]),
])
def test_noun_phrases_past_adjectives_in_ly_names_and_acronyms(text: str, expected: list[tuple[str, str]]) -> None:
    assert measures(text, "2019-12-31") == expected


def test_a_verb_in_s_is_not_the_measure_of_the_counts_after_it() -> None:
    text = "Of the 32 local authorities, a quarter were weak. The report also shows seven were weak at helping children."
    assert measures(text, "2009-06-01")[-1] == ("7", "local authorities")


@pytest.mark.parametrize("text, published, expected", [
    # A copula gives a bare number to "the number of" what it names.
    ("The number of councils rated inadequate was 22 in March.", "2017-12-09", [("22", "councils", "inadequate")]),
    # "ranging from N ... to M": a range of counts of what the sentence names.
    ("Serious incidents varied by region, ranging from 56 serious incidents in the North West to 17 in the East.",
     "2009-01-01", [("56", "serious incidents", ""), ("17", "serious incidents", "")]),
    # "underperforming" is the bottom of the page's scale, as "failing" is.
    ("The number of underperforming children's services has increased from the eight identified last year.",
     "2009-12-09", [("8", "children's services", "performs poorly")]),
    # ... except where "good" is the standard: there it is either grade below good.
    ("According to the latest analysis, 75 per cent of local authorities are underperforming.", "2015-04-30",
     [("75", "local authorities", "requires improvement or inadequate")]),
    # "two and a half years" is a duration; "one is a review" a pronoun.
    ("Over two and a half years, Ofsted carried out two inspections. One is a review of social care.", "2016-06-01",
     [("2", "inspections", "")]),
])
def test_named_counts_ranges_and_durations(text: str, published: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(f.value, f.measure, f.category) for f in figures.extract(doc(text, published))] == expected


def test_apposed_counts_do_not_end_their_hosts_clause() -> None:
    # "– 10 of 23 –" in dashes: the share before them and the count itself take the judgement after.
    text = "Fewer than half of councils in the North West – 10 of 23 – were good or better in 2018."
    assert categories(text, "2018-06-01") == [("50", "good or outstanding"), ("10", "good or outstanding"),
                                              ("23", "total")]


def test_a_possessive_whole() -> None:
    assert categories("Northumberland's services were rated adequate, and 2 of its 5 children's homes were judged "
                      "outstanding.", "2012-06-01") == [("2", "outstanding"), ("5", "total")]


def test_an_overall_grade_overrides_a_part_stated_before_it_in_its_clause() -> None:
    text = ("Devon social services were judged to be serving most children well with promising prospects, earning "
            "two stars; Norfolk, serving some children well, kept one star.")
    assert judgements(text, "2003-11-20") == {"Devon": "two stars", "Norfolk": "one star"}


@pytest.mark.parametrize("text, expected", [
    ("Kent and Surrey were judged good and inadequate respectively for safeguarding, while Hampshire was outstanding.",
     {"Kent": "good", "Surrey": "inadequate", "Hampshire": "outstanding"}),
    # Three grades so listed name no scale when "respectively" hands them out.
    ("Leeds, Bradford and Wakefield were rated good, outstanding and inadequate respectively.",
     {"Leeds": "good", "Bradford": "outstanding", "Wakefield": "inadequate"}),
])
def test_respectively_hands_the_nth_grade_to_the_nth_name(text: str, expected: dict[str, str]) -> None:
    assert judgements(text, "2016-06-01") == expected


@pytest.mark.parametrize("text, published, expected", [
    # A count in brackets right after its grade, wherever the grade stands.
    ("More councils were rated requires improvement (41) than good (35).", "2016-06-01",
     [("41", "requires improvement"), ("35", "good")]),
    # "has doubled, from three to six": a comma before "from".
    ("The number of councils rated outstanding has doubled, from three to six.", "2016-06-01",
     [("3", "outstanding"), ("6", "outstanding")]),
    # "of the council's 6": a possessive whole.
    ("Members noted that 4 of the council's 6 children's homes were now rated good.", "2016-06-01",
     [("4", "good"), ("6", "total")]),
    # "respectively" after a list of figures hands them the grades listed before them.
    ("The proportions of councils judged to be serving most children well and serving some children well were 38% "
     "and 49% respectively.", "2003-06-01", [("38", "serving most children well"), ("49", "serving some children well")]),
])
def test_bracketed_labels_possessive_wholes_and_respectively_for_figures(
        text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_a_grade_made_one_names_adjective_is_that_names_alone() -> None:
    text = ("Inadequate-rated Sandwell will see its children's services moved into a trust, the fourth council to do "
            "so after Doncaster, Slough and Birmingham.")
    assert judgements(text, "2016-06-01") == {"Sandwell": "inadequate", "Doncaster": "", "Slough": "",
                                              "Birmingham": ""}


def test_a_comma_between_a_bare_count_and_its_grade() -> None:
    text = "Of the 150 councils assessed, 20 were outstanding; 83, good; 42, adequate; and five, inadequate."
    assert categories(text, "2007-12-01") == [("150", "total"), ("20", "outstanding"), ("83", "good"),
                                              ("42", "adequate"), ("5", "inadequate")]


@pytest.mark.parametrize("text, published, expected", [
    # "one of the N X judged Y": the group the pronoun "one" belongs to takes the judgement of its participle ...
    ("Leeds was one of the 80 councils judged to perform well.", "2009-12-09", [("80", "performs well")]),
    ("Leeds is one of the 10 councils that are rated outstanding.", "2016-12-09", [("10", "outstanding")]),
    # ... but a finite verb after the group is the one's: the group is the whole.
    ("The quality of care in one of the four secure training centres inspected was inadequate.", "2009-12-09",
     [("4", "total")]),
    ("Leeds is one of the 152 councils in England.", "2016-12-09", [("152", "total")]),
])
def test_the_group_one_belongs_to(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    # A possessive whole: "Of the region's 15 councils".
    ("Of the region's 15 councils, fewer than half - seven - are good.", [("15", "total"), ("50", "good"), ("7", "good")]),
    # A prepositional phrase between a count and the relative clause that divides it.
    ("Ofsted has now published 61 reports under its single inspection framework, of which 15 have found services "
     "inadequate.", [("61", "total"), ("15", "inadequate")]),
])
def test_wholes_named_by_a_possessive_or_divided_past_a_phrase(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, "2016-12-09") == expected


@pytest.mark.parametrize("text, published, expected", [
    # A whole a place or body has, with or without "of" before it.
    ("Half of Wales's 22 local authorities have now been visited by inspectors.", "2012-03-01",
     [("50", ""), ("22", "total")]),
    ("Latest judgements for the region's 15 councils:\n- Leeds (good, 2018)\n- Bradford (inadequate, 2018)\n",
     "2018-10-02", [("15", "total")]),
    # "and in 31 of them": a later part of the same sentence divides the count.
    ("Inspectors looked at 45 case files, and in 31 of them oversight was effective.", "2016-04-20",
     [("45", "total"), ("31", "")]),
    # Parts that add up to a count in their own sentence, though they count another noun.
    ("In the latest batch of 20 inspections, 12 councils were found to require improvement, 5 inadequate and 3 "
     "good.", "2015-03-01", [("20", "total"), ("12", "requires improvement"), ("5", "inadequate"), ("3", "good")]),
    # A headline restating a total the body states.
    ("Ofsted Inspected 40 Councils In A Year\n\nOfsted inspected 40 councils in the year to March 2014. Of these, "
     "12 were judged good.", "2015-03-01", [("40", "total"), ("40", "total"), ("12", "good")]),
    # "one of the eight" after eight were judged: the group is that statistic, not a whole.
    ("Of the 150 councils assessed, 16 were awarded three stars and eight were given zero stars. Bromley, one of "
     "the eight, said it was disappointed.", "2003-12-01",
     [("150", "total"), ("16", "three stars"), ("8", "zero stars"), ("8", "zero stars")]),
])
def test_wholes_and_the_groups_that_restate_them(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    # Names in brackets right after a judgement are what it was given to, whatever the next clause says.
    ("In the North West four are rated inadequate (Knowsley, Tameside, Wirral and Blackpool), 11 require "
     "improvement and eight are good.", "2015-03-20",
     {"Knowsley": "inadequate", "Tameside": "inadequate", "Wirral": "inadequate", "Blackpool": "inadequate"}),
    # A judgement fronted after a semicolon is the predicate of what follows it, not of the names before.
    ("Rated inadequate were Birmingham and Sandwell; rated good was Hampshire.", "2015-03-20",
     {"Birmingham": "inadequate", "Sandwell": "inadequate", "Hampshire": "good"}),
    ("Outstanding: none; good: Trafford and Islington; requires improvement: Bexley, Southwark.", "2017-03-20",
     {"Trafford": "good", "Islington": "good", "Bexley": "requires improvement", "Southwark": "requires improvement"}),
    # "a year ago" puts a grade in the past.
    ("Blackpool, rated zero stars a year ago, has climbed to two stars.", "2003-11-20", {"Blackpool": "two stars"}),
    # The rating's adverb with its verb gapped, in a "respectively" list.
    ("Darlington and Hartlepool were rated as performing excellently and well respectively.", "2009-12-09",
     {"Darlington": "performs excellently", "Hartlepool": "performs well"}),
])
def test_brackets_fronted_judgements_and_gapped_adverbs(text: str, published: str, expected: dict[str, str]) -> None:
    assert judgements(text, published) == expected


@pytest.mark.parametrize("text, published, expected", [
    # What a report or a table covers is the whole ...
    ("Source: Ofsted, 31 August 2021. The table covers 151 councils.", "2021-09-01", [("151", "total")]),
    ("Inspectors published an annual report covering inspections of 26 youth offending services.", "2021-09-01",
     [("26", "total")]),
    # ... but not a part of a whole it names.
    ("The results covered 102 of the 150 English authorities.", "2006-12-01", [("102", ""), ("150", "total")]),
    # A count divided past its prepositional phrases, by a count or a share "of which".
    ("Ofsted published 16 inspection reports on councils in June, of which five rated the council inadequate.",
     "2019-07-01", [("16", "total"), ("5", "inadequate")]),
    ("Ofsted carried out 1,100 inspections of children's homes in the quarter, a fifth of which found the home "
     "inadequate.", "2019-07-01", [("1100", "total"), ("20", "inadequate")]),
    # "The 59 inspections" after "Of the 59 ...": that count, not the judgement of the figure just before.
    ("Of the 59 councils inspected, 14 were outstanding and 15 inadequate. The 59 inspections involved reviews of "
     "2,360 case files.", "2020-03-01",
     [("59", "total"), ("14", "outstanding"), ("15", "inadequate"), ("59", "total"), ("2360", "")]),
])
def test_what_a_report_covers_and_counts_divided_later(text: str, published: str,
                                                       expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


@pytest.mark.parametrize("text, expected", [
    # A star count with "stars" left out, after a verb of keeping or moving, in a sentence about stars.
    ("Of the 22 councils in the region, seven kept three stars and nine held on to two.",
     [("22", "total"), ("7", "three stars"), ("9", "two stars")]),
    # Any pair of star counts; a grade given "to" a count.
    ("The ratings awarded three stars to 14 councils. Of the 150 councils, 127 got one or two stars.",
     [("14", "three stars"), ("150", "total"), ("127", "one or two stars")]),
])
def test_star_counts_elided_paired_and_given_to(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, "2003-11-20") == expected


def test_a_star_count_with_its_noun_left_out_is_a_grade_not_a_figure() -> None:
    text = ("But the three councils that received only one star for children's services in 2006 - Bristol, Sandwell and "
            "Stoke-on-Trent - all received two under the new ratings. Leicester kept its two stars; Nottingham dropped "
            "to one.")
    assert judgements(text, "2007-11-20") == {"Bristol, City of": "two stars", "Sandwell": "two stars",
                                              "Stoke-on-Trent": "two stars", "Leicester": "two stars",
                                              "Nottingham": "one star"}
    assert categories(text, "2007-11-20") == [("3", "one star")]


@pytest.mark.parametrize("text, published, expected", [
    # A legend that states some of the era's points as the era does leaves the others as the era has them.
    ("Overall grades, 2006 annual performance assessment (4 = outstanding, 1 = inadequate):\nGrade 4: York\n"
     "Grade 3: Barnsley, Calderdale\nGrade 2: Bradford\nGrade 1: Doncaster\n", "2006-12-01",
     {"York": "outstanding", "Barnsley": "good", "Calderdale": "good", "Bradford": "adequate", "Doncaster": "inadequate"}),
    # A grade put in the past past one word or "only": "a one-star council last year", "rated good only a year ago".
    ("Blackpool, a one-star council last year, moved up to two.", "2005-11-30", {"Blackpool": "two stars"}),
    ("Ofsted has cut Haringey's grade. The council, rated good only a year ago, is now inadequate.", "2008-12-17",
     {"Haringey": "inadequate"}),
    # A name its own part of a semicolon list judges does not look past the semicolon.
    ("Good ratings went to Hampshire and Bexley; Lambeth and Sefton were both found adequate.", "2013-04-03",
     {"Hampshire": "good", "Bexley": "good", "Lambeth": "adequate", "Sefton": "adequate"}),
])
def test_partial_legends_past_grades_and_semicolon_parts(text: str, published: str, expected: dict[str, str]) -> None:
    assert judgements(text, published) == expected


def test_a_whole_a_named_region_has_divides_like_any_other() -> None:
    assert categories("Ten of the South East's 19 councils were judged good.", "2007-11-30") == [
        ("10", "good"), ("19", "total")]


def test_a_fronted_predicate_makes_the_bare_number_after_its_copula_a_count() -> None:
    text = ("Since November 2013, 43 local authorities have been inspected. Rated inadequate were seven, among them "
            "Slough and Norfolk. Twenty-two require improvement and 14 are good.")
    assert categories(text, "2014-10-01") == [("43", "total"), ("7", "inadequate"), ("22", "requires improvement"),
                                              ("14", "good")]


@pytest.mark.parametrize("text, published, expected", [
    # A coordinated clause with no verb of its own gaps the verb and its grade ...
    ("Of the 142 schools inspected, 46% were judged outstanding for leadership, and 36% for help and protection.",
     "2018-12-01", [("142", "total"), ("46", "outstanding"), ("36", "outstanding")]),
    # ... one with a verb of its own does not.
    ("Of the 150 councils, 22 received three stars, and Stockport is one of 71 with two.", "2003-12-01",
     [("150", "total"), ("22", "three stars"), ("71", "")]),
])
def test_a_verbless_coordinated_clause_gaps_the_grade(text: str, published: str,
                                                      expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_moved_down_is_a_decline_as_moved_up_is_an_improvement() -> None:
    assert categories("Star ratings 2005: 20 councils moved up at least one star and six moved down.",
                      "2005-11-30") == [("20", "improved"), ("6", "declined")]


def test_a_count_set_off_by_at_after_a_judged_noun_is_that_nouns() -> None:
    assert categories("Inadequate councils, at six, outnumbered outstanding ones, at four.", "2012-06-01") == [
        ("6", "inadequate"), ("4", "outstanding")]


@pytest.mark.parametrize("text, published, expected", [
    # "failed every inspection" is the bottom of the page's scale.
    ("The city and Doncaster are now the only two councils to have failed every inspection since 2009.", "2019-11-01",
     [("2", "inadequate")]),
    # "..., that is 36 per cent" restates the statistic of the sentence before.
    ("The number of local authorities judged good or outstanding rose to 55, up from 43. Of the 152 local "
     "authorities with a current judgement, that is 36 per cent.", "2018-11-01",
     [("55", "good or outstanding"), ("43", "good or outstanding"), ("152", "total"), ("36", "good or outstanding")]),
])
def test_failed_inspections_and_that_is_n_per_cent(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text, published) == expected


def test_below_good_is_the_grades_under_it() -> None:
    assert categories("Ofsted has rated almost 80 per cent of services inspected since 2013 below Good.",
                      "2016-10-01") == [("80", "requires improvement or inadequate")]


@pytest.mark.parametrize("text", [
    "York is the first council to have moved from a rating below Good to Outstanding in all areas.",
    "York has moved from a rating of requires improvement to outstanding.",
    "York moved from an overall grade of inadequate to outstanding.",
    "York moves up out of 'inadequate' Ofsted rating and is now outstanding.",
])
def test_the_grade_a_rating_came_from_is_not_its_judgement(text: str) -> None:
    assert judgements(text, "2025-04-17") == {"York": "outstanding"}


@pytest.mark.parametrize("text, expected", [
    # A grade modifying a judgement noun whose complement names later councils is theirs, not the subject's ...
    ("Tower Hamlets' accolade comes amid a flurry of 'outstanding' ratings released today for children's services "
     "spanning the country, in Kensington & Chelsea, Westminster and North Tyneside.",
     {"Tower Hamlets": "", "Kensington and Chelsea": "outstanding", "Westminster": "outstanding",
      "North Tyneside": "outstanding"}),
    # ... not a grade its subject received, followed by another clause.
    ("Leeds received outstanding ratings for its children's services in 2019 and Hull was judged good.",
     {"Leeds": "outstanding", "Kingston upon Hull, City of": "good"}),
])
def test_a_grade_of_ratings_for_later_councils_is_theirs(text: str, expected: dict[str, str]) -> None:
    assert judgements(text, "2025-01-13") == expected


@pytest.mark.parametrize("text, expected", [
    # A grade opening a quotation that goes on past it with a noun is quoted praise, not the council's judgement ...
    ("Middlesbrough Council received its report. The council's mayor is praised for 'good oversight and knowledge "
     "of key issues'.", {"Middlesbrough": ""}),
    # ... but a quoted grade alone, or one the quotation closes after, is.
    ("Middlesbrough Council received its report. The council was rated 'good' overall.", {"Middlesbrough": "good"}),
    ("Middlesbrough Council received its report. The council was rated 'good overall'.", {"Middlesbrough": "good"}),
])
def test_a_quotation_a_grade_opens_is_praise(text: str, expected: dict[str, str]) -> None:
    assert judgements(text, "2016-01-01") == expected


def test_childrens_services_as_a_prepositions_object_is_not_the_pages_council() -> None:
    # A page about one council takes what it says of "children's services" as the council's, not what it says of
    # children's services in general ("a rise in councils failing to keep children safe in reports on children's
    # services in every local authority").
    text = ("Inspectors are set to reveal a rise in the number of councils failing to keep children safe in reports on "
            "children's services in every local authority. The case in Haringey is under scrutiny.")
    assert judgements(text, "2008-12-17") == {"Haringey": ""}
    assert judgements("The case in Haringey is under scrutiny. Ofsted found that children's services were inadequate.",
                      "2008-12-17") == {"Haringey": "inadequate"}
