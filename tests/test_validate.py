"""Consistency checks (extract.validate) on real sentences from the seeds.

The figures here are built by hand in the shape the figures stage writes
(kind, value string, category label, measure, denominator, clean offsets), so
each check is tested on its own whatever the extractor finds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import clean, rules, validate
from extract.model import Figure, RawDoc, Source

ROOT = Path(__file__).resolve().parents[1]


def doc(text: str):
    raw = RawDoc("t", "t.txt", "txt", "", text, Source("t"))
    return clean.clean(raw)


class Figs:
    """Builds Figure rows by finding their evidence in the clean text, left to right."""

    def __init__(self, cd):
        self.cd = cd
        self.rows: list[Figure] = []
        self.cursor = 0

    def add(self, evidence: str, kind: str, value: str, category: str = "", measure: str = "",
            denominator: str = "", qualifier: str = "", approx: int = 0) -> Figure:
        start = self.cd.text.index(evidence, self.cursor)
        end = start + len(evidence)
        self.cursor = end
        s, e = self.cd.sentence_at(start)
        rs, re_ = self.cd.raw_span(start, end)
        f = Figure("t", f"F{len(self.rows) + 1:03d}", kind, value, approx, qualifier, denominator, measure,
                   category, "", evidence, self.cd.text[s:e], start, end, rs, re_, "test")
        self.rows.append(f)
        return f

    def check(self):
        return validate.check(self.cd, self.rows)


TABLE_2011 = """The following table provides a breakdown of the number of authorities achieving each grade:

Children's services assessments 2011 Number Percentag
Performs excellently 28 18%
Performs well 71 41%
Performs adequately 33 22%
Performs poorly 15 10%
Judgements to be finalised 5 3%
Total 15 100%

The annual assessment looks at the performance of children's services in each of the 152 local authorities.
"""


def table_2011():
    cd = doc(TABLE_2011)
    fs = Figs(cd)
    for label, n, p in [("performs excellently", "28", "18"), ("performs well", "71", "41"),
                        ("performs adequately", "33", "22"), ("performs poorly", "15", "10"),
                        ("", "5", "3"), ("total", "15", "100")]:
        fs.add(n, "count", n, label)
        fs.add(p + "%", "percentage", p, label)
    fs.add("152", "count", "152", "", "local authorities")
    return fs


def by_rule(checks, rule):
    return [c for c in checks if c.check == rule]


def test_rules_file_loads_with_version():
    rf = rules.load("checks")
    assert isinstance(rf.version, int)
    cr = validate.load_rules()
    assert {s.id for s in cr.scales} >= {"csa", "sif", "apa"}


def test_parts_against_stated_total_2011_table():
    checks = table_2011().check()
    [row] = by_rule(checks, "check.parts-total")
    assert row.severity == "error"
    assert "add up to 152" in row.message and "stated total is 15" in row.message
    assert "Judgements to be finalised (5)" in row.message
    assert row.refs.split(";") == ["F001", "F003", "F005", "F007", "F009", "F011"]


def test_percentages_of_one_breakdown_sum_to_about_100():
    checks = table_2011().check()
    [row] = by_rule(checks, "check.percent-sum")
    assert row.severity == "warning"
    assert "add up to 94%" in row.message
    assert row.refs.split(";") == ["F002", "F004", "F006", "F008", "F010"]


def test_count_against_its_percentage_of_the_base():
    checks = table_2011().check()
    rows = by_rule(checks, "check.count-percent")
    bad = [r for r in rows if r.severity != "info"]
    [row] = bad
    assert row.severity == "error"  # 5.7 points off
    assert "71 of 152" in row.message and "46.7%" in row.message and "41%" in row.message
    assert row.refs.startswith("F003;F004")
    [ok] = [r for r in rows if r.severity == "info"]
    assert ok.message.startswith("4 counts agree") and "28 is 18.4% (stated 18%)" in ok.message


NARROWING = (
    "However, the overall picture is an improving one, with children's services in 107 out of the 139 authorities "
    "covered by this report making a good or excellent contribution towards delivering better outcomes for children "
    "and young people: 10 councils were rated as outstanding; 97 good; 28 adequate; 4 inadequate\n"
)


def test_parts_agree_with_out_of_total_and_combined_grade():
    fs = Figs(doc(NARROWING))
    fs.add("107", "count", "107", "good or outstanding", "authorities", denominator="139")
    fs.add("10", "count", "10", "outstanding", "councils")
    fs.add("97", "count", "97", "good", "councils")
    fs.add("28", "count", "28", "adequate", "councils")
    fs.add("4", "count", "4", "inadequate", "councils")
    checks = fs.check()
    assert [c.check_id for c in checks] == [f"C{i:03d}" for i in range(1, len(checks) + 1)]
    [combined] = by_rule(checks, "check.combined-parts")
    assert combined.severity == "info"
    assert "outstanding (10) + good (97) = 107" in combined.message
    assert combined.refs == "F001;F002;F003"
    [parts] = by_rule(checks, "check.parts-total")
    assert parts.severity == "info"
    assert "add up to 139" in parts.message and "139 stated" in parts.message
    assert parts.refs == "F002;F003;F004;F005;F001"


def test_combined_grade_that_disagrees_is_an_error():
    fs = Figs(doc(NARROWING.replace("97 good", "98 good")))
    fs.add("107", "count", "107", "good or outstanding", "authorities", denominator="139")
    fs.add("10", "count", "10", "outstanding", "councils")
    fs.add("98", "count", "98", "good", "councils")
    fs.add("28", "count", "28", "adequate", "councils")
    fs.add("4", "count", "4", "inadequate", "councils")
    checks = fs.check()
    [combined] = by_rule(checks, "check.combined-parts")
    assert combined.severity == "error" and "add up to 108" in combined.message
    [parts] = by_rule(checks, "check.parts-total")
    assert parts.severity == "error" and "add up to 140" in parts.message


RATING_2009 = (
    "Ofsted today publishes the outcomes of the new annual children's services ratings which look at performance "
    "in 152 local authorities in England for 2009.\n\n"
    "The performance ratings for 2009 show that over two thirds (103) of councils are providing excellent or good "
    "services for children and young people, with 40 offering services that are performing adequately. Nine "
    "councils are performing poorly overall, due mainly to weaknesses in safeguarding children.\n"
)


def rating_2009():
    fs = Figs(doc(RATING_2009))
    fs.add("152", "count", "152", "", "local authorities")
    fs.add("two thirds", "proportion", "66.67", "performs excellently or well", "councils", qualifier="over", approx=1)
    fs.add("103", "count", "103", "performs excellently or well", "councils")
    fs.add("40", "count", "40", "performs adequately", "councils")
    fs.add("Nine", "count", "9", "performs poorly", "councils")
    return fs


def test_proportion_against_count_of_population():
    checks = rating_2009().check()
    [row] = by_rule(checks, "check.proportion-count")
    assert row.severity == "info"
    assert "103 of 152" in row.message and "67.8%" in row.message and "over two thirds" in row.message
    assert row.refs == "F002;F003;F001"


def test_list_carried_into_next_sentence_adds_up_to_population():
    checks = rating_2009().check()
    [row] = by_rule(checks, "check.parts-total")
    assert row.severity == "info"
    assert "add up to 152" in row.message and "the page's 152 local authorities" in row.message


def test_proportion_on_wrong_side_of_its_qualifier():
    fs = Figs(doc("Of the 152 councils, over two thirds (99) are providing excellent or good services.\n"))
    fs.add("152", "count", "152", "total", "councils")
    fs.add("two thirds", "proportion", "66.67", "performs excellently or well", "councils", qualifier="over", approx=1)
    fs.add("99", "count", "99", "performs excellently or well", "councils")
    [row] = fs.check()
    assert row.check == "check.proportion-count"
    assert row.severity == "warning" and "65.1%" in row.message and "at least" in row.message


def test_disagreement_with_the_page_population_is_not_reported():
    """A percentage may be of a subset ("12 LAs (18%) of the 65 re-inspected"): against the
    page's population only agreement is worth a row."""
    fs = Figs(doc(RATING_2009.replace("(103)", "(99)")))
    fs.add("152", "count", "152", "", "local authorities")
    fs.add("two thirds", "proportion", "66.67", "performs excellently or well", "councils", qualifier="over", approx=1)
    fs.add("99", "count", "99", "performs excellently or well", "councils")
    assert fs.check() == []


def test_complete_breakdown_is_its_own_base_when_page_states_none():
    fs = rating_2009()
    fs.rows = fs.rows[1:]  # no "152 local authorities"
    [row] = fs.check()
    assert row.check == "check.proportion-count" and "103 of 152 (the sum of the parts)" in row.message


def test_no_base_no_check():
    fs = Figs(doc("Services for looked-after children were the strongest, with a third of local authorities (20) "
                  "judged good.\n"))
    fs.add("a third", "proportion", "33.33", "good", "local authorities")
    fs.add("20", "count", "20", "good", "local authorities")
    assert fs.check() == []


CHILDRENS_HOMES = (
    "Of the 545 children's homes inspections in the period 1 October to 31 December 2013, 89 (16%) were judged "
    "outstanding for their Overall effectiveness; 327 (60%) were good, 106 (19%) were adequate and 23 (4%) were "
    "inadequate. 540 children's homes were inspected, which equates to 26% of the 2,067 children's homes active.\n"
)


def test_prose_breakdown_with_percentages_all_agree():
    fs = Figs(doc(CHILDRENS_HOMES))
    fs.add("545", "count", "545", "total", "children's homes inspections")
    for n, p, cat in [("89", "16", "outstanding"), ("327", "60", "good"), ("106", "19", "adequate"),
                      ("23", "4", "inadequate")]:
        fs.add(n, "count", n, cat, "children's homes inspections")
        fs.add(p + "%", "percentage", p, cat, "children's homes inspections")
    fs.add("540", "count", "540", "", "children's homes")
    fs.add("26%", "percentage", "26", "", "children's homes")
    fs.add("2,067", "count", "2067", "total", "children's homes")
    checks = fs.check()
    assert {c.severity for c in checks} == {"info"}
    [parts] = by_rule(checks, "check.parts-total")
    assert "add up to 545, which is the stated total" in parts.message
    [pct] = by_rule(checks, "check.percent-sum")
    assert "add up to 99%" in pct.message
    [pairs] = by_rule(checks, "check.count-percent")
    assert pairs.message.startswith("4 counts agree") and "of 545, the stated total" in pairs.message
    # 540 and 26% of 2,067 are a different breakdown (the next sentence), not parts of 545
    assert "F010" not in parts.refs


SIF_2015 = (
    "Of the 59 local authority children's social care services inspected by Ofsted between November 2013, when the "
    "SIF was introduced, and 30 June 2015, 23.7 per cent (14) were graded \"inadequate\" and 52.5 per cent (31) were "
    "graded \"requires improvement\".\n"
)


def test_percentage_with_decimals_before_its_count():
    fs = Figs(doc(SIF_2015))
    m = "local authority children's social care services"
    fs.add("59", "count", "59", "total", m)
    fs.add("23.7 per cent", "percentage", "23.7", "inadequate", m)
    fs.add("14", "count", "14", "inadequate", m)
    fs.add("52.5 per cent", "percentage", "52.5", "requires improvement", m)
    fs.add("31", "count", "31", "requires improvement", m)
    checks = fs.check()
    [row] = checks  # two grades of four: no sum to check, only the pairs
    assert row.check == "check.count-percent" and row.severity == "info"
    assert "14 is 23.7% (stated 23.7%)" in row.message and "31 is 52.5% (stated 52.5%)" in row.message


def test_incomplete_breakdown_over_its_total_is_an_error():
    fs = Figs(doc(SIF_2015.replace("(14)", "(44)")))
    m = "local authority children's social care services"
    fs.add("59", "count", "59", "total", m)
    fs.add("23.7 per cent", "percentage", "23.7", "inadequate", m)
    fs.add("44", "count", "44", "inadequate", m)
    fs.add("52.5 per cent", "percentage", "52.5", "requires improvement", m)
    fs.add("31", "count", "31", "requires improvement", m)
    checks = fs.check()
    [parts] = by_rule(checks, "check.parts-total")
    assert parts.severity == "error" and "more than the stated total of 59" in parts.message
    [bad] = [c for c in by_rule(checks, "check.count-percent") if c.severity != "info"]
    assert "44 of 59" in bad.message and "74.6%" in bad.message


COLUMNS_2014 = """Ofsted Inspections of Local Authority Safeguarding/Child Protection Arrangements, 2009-13
No. (%)

2009 -11
2012-13
Total
Outstanding
1 (1)
0 (0)
1 (1)
Good
24 (28)
7 (10)
31 (20)
Adequate
41 (48)
38 (56)
79 (52)
Inadequate
19 (22)
23 (34)
42 (27)
Total
85 (99)
68 (100)
153 (100)
"""


def test_table_laid_out_in_columns():
    fs = Figs(doc(COLUMNS_2014))
    fs.cursor = fs.cd.text.index("Outstanding")
    rows = [("outstanding", ["1 (1)", "0 (0)", "1 (1)"]), ("good", ["24 (28)", "7 (10)", "31 (20)"]),
            ("adequate", ["41 (48)", "38 (56)", "79 (52)"]), ("inadequate", ["19 (22)", "23 (34)", "42 (27)"]),
            ("total", ["85 (99)", "68 (100)", "153 (100)"])]
    for cat, cells in rows:
        for cell in cells:
            n, p = cell.replace("(", "").replace(")", "").split()
            fs.add(n, "count", n, cat, "inspections")
            fs.add(p, "percentage", p, cat, "inspections")
    checks = fs.check()
    assert {c.severity for c in checks} == {"info"}
    sums = [c.message for c in by_rule(checks, "check.parts-total")]
    assert len(sums) == 3
    assert "add up to 85" in sums[0] and "add up to 68" in sums[1] and "add up to 153" in sums[2]
    pct = [c.message for c in by_rule(checks, "check.percent-sum")]
    assert ["99%" in pct[0], "100%" in pct[1], "100%" in pct[2]] == [True, True, True]


def test_comparison_over_time_is_not_a_breakdown():
    text = ("As at 31 March 2024, 60% of LAs were judged to be good or outstanding at their most recent inspection, "
            "compared with 53% as at 31 March 2022.\n")
    fs = Figs(doc(text))
    fs.add("60%", "percentage", "60", "good or outstanding", "local authorities")
    fs.add("53%", "percentage", "53", "good or outstanding", "local authorities")
    assert fs.check() == []


def test_change_scale_pairs_use_the_stated_total():
    text = ("Of the 65 LAs that received more than 1 inspection under the ILACS framework, 26 LAs (40%) improved their "
            "overall effectiveness judgement compared with their first ILACS inspection, and 15 LAs (23%) retained a "
            "good or outstanding judgement. There were 12 LAs (18%) that had a decline in their overall effectiveness.\n")
    fs = Figs(doc(text))
    fs.add("65", "count", "65", "total", "local authorities")
    fs.add("1", "count", "1", "", "inspection")
    for n, p, cat in [("26", "40", "improved"), ("15", "23", "good or outstanding")]:
        fs.add(n, "count", n, cat, "local authorities")
        fs.add(p + "%", "percentage", p, cat, "local authorities")
    checks = fs.check()
    [row] = checks
    assert row.check == "check.count-percent" and row.severity == "info" and "of 65" in row.message


def test_unparseable_values_and_unknown_kinds_are_ignored():
    fs = Figs(doc(NARROWING))
    fs.add("107", "count", "a lot", "good or outstanding")
    fs.add("10", "ratio", "10", "outstanding")
    assert fs.check() == []


def test_no_figures_no_checks():
    assert validate.check(doc("Nothing to see here.\n"), []) == []


@pytest.mark.parametrize("rule", ["check.parts-total", "check.combined-parts", "check.percent-sum",
                                  "check.count-percent", "check.proportion-count"])
def test_every_rule_has_severities_in_the_rules_file(rule):
    r = validate.load_rules().rules[rule]
    sev = {v for k, v in r.items() if k.startswith("severity")}
    assert sev and sev <= {"info", "warning", "error"}


# --- end to end on the seeds (figures from the real extractor) ------------------


def seed_checks(doc_id: str):
    from conftest import load_clean
    from extract import figures

    cd = load_clean(doc_id)
    return validate.check(cd, figures.extract(cd))


def test_seed_2011_table_end_to_end():
    checks = seed_checks("002_7b131e19ac9504d4")
    found = {(c.check, c.severity) for c in checks}
    assert ("check.parts-total", "error") in found
    assert ("check.percent-sum", "warning") in found
    assert any("71 of 152" in c.message and c.severity == "error" for c in checks)


def test_seed_narrowing_the_gap_end_to_end():
    checks = seed_checks("003_a86bb42c8a5e3e61")
    assert {(c.check, c.severity) for c in checks} == {("check.combined-parts", "info"), ("check.parts-total", "info")}


# --- linear table columns (issue 10) ------------------------------------------------------------------------------
from types import SimpleNamespace  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _old_columns(figs):
    """The quadratic first-fit the linear version replaced: the oracle."""
    cols = []
    for f in figs:
        key = f.label or f.id
        for col in cols:
            if all((g.label or g.id) != key for g in col):
                col.append(f)
                break
        else:
            cols.append([f])
    return cols


@given(st.lists(st.sampled_from(["", "good", "outstanding", "inadequate"]), max_size=30))
def test_table_columns_are_the_first_fit_columns(labels):
    figs = [SimpleNamespace(label=lab, id=f"F{i:03d}") for i, lab in enumerate(labels)]
    assert validate._columns(figs, True) == _old_columns(figs)


def test_a_lone_figure_is_checked_against_nothing():
    """`check` skips groups of one figure: working them through adds no row (here over every group of the
    development pages, with and without the page's population as a base)."""
    from extract import figures

    cr = validate.load_rules()
    singles = 0
    for path in sorted((ROOT / "raw").glob("*.txt")):
        cd = clean.clean(RawDoc(path.stem, str(path), "txt", "", path.read_text(encoding="utf-8"), Source(path.stem)))
        figs = validate._prepare(cd, figures.extract(cd), cr)
        population = validate._population(figs, cr)
        for group in validate._groups(cd, figs, cr):
            if len(group.figs) != 1:
                continue
            singles += 1
            for base in (population, validate._Base(152.0, "the page's 152 local authorities", False)):
                out = validate._Out("t")
                validate._check_group(cd.text, group, base, cr, out)
                assert out.rows == []
    assert singles > 20


def test_a_combined_category_without_parts_is_refused(tmp_path: Path):
    import shutil

    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "checks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("two or three stars: [three stars, two stars]",
                                                             "two or three stars: []"), encoding="utf-8")
    validate.load_rules.cache_clear()
    with pytest.raises(rules.RuleError, match="without parts"):
        validate.load_rules(tmp_path / "rules")
