"""Consistency checks over one page's figures.

A page that states "10 outstanding; 97 good; 28 adequate; 4 inadequate" of
"139 authorities" can be checked against itself: the parts add up to the base,
a combined grade ("107 good or better") equals its parts, percentages of one
breakdown add up to about 100, and a count agrees with its stated percentage
or proportion of the base. Every finding, agreeing or not, is a `Check` row
naming the figures it compared, so a reader can see what was verified.

Breakdowns are found from the figures' positions and categories, never from
one page's wording: figures of one sentence, carried into the next sentence of
the paragraph when it adds a grade not seen yet, or the rows of a table (short
lines in a run). Which grades make a scale, the tolerances and the severities
are data in rules/checks.yaml.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import regex

from . import rules
from .model import Check, CleanDoc, Figure

_KINDS = ("count", "percentage", "proportion")


@dataclass(frozen=True)
class _Scale:
    id: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class CheckRules:
    version: int
    scales: tuple[_Scale, ...]
    combined: dict[str, tuple[str, ...]]
    totals: frozenset[str]
    population_measure: regex.Pattern[str]
    population_min: float
    population_max: float
    row_max_chars: int
    max_label_lines: int
    label_max_chars: int
    pair_max_gap: int
    at_least: regex.Pattern[str]
    at_most: regex.Pattern[str]
    rules: dict[str, dict[str, Any]]

    def severity(self, rule: str, key: str) -> str:
        return str(self.rules[rule][key])

    @cached_property
    def grades(self) -> frozenset[str]:
        return frozenset(p for s in self.scales for p in s.parts) | frozenset(self.combined)


_DIGIT = regex.compile(r"\d")
MAX_MESSAGE = 2_000  # characters of a check's message
_RULE_IDS = ("check.parts-total", "check.combined-parts", "check.percent-sum", "check.count-percent",
             "check.proportion-count")


@lru_cache(maxsize=8)
def load_rules(directory: Path | None = None) -> CheckRules:
    rf = rules.load("checks", directory)
    d = rf.data
    by_id = {r["id"]: r for r in d["rules"]}
    missing = [rid for rid in _RULE_IDS if rid not in by_id]
    if missing:
        raise rules.RuleError(rf.path, [(0, f"missing rule {rid!r}") for rid in missing])
    for s in d["scales"]:
        rules.require(s, rf.path, {"id": str, "parts": list})
    empty = [k for k, v in d["combined"].items() if k != "__line__" and not v]
    if empty:  # `check` relies on it: a lone figure is never checked
        raise rules.RuleError(rf.path, [(d.get("__line__", 1), f"combined categories without parts: {empty}")])
    pop, grp, q = d["population"], d["grouping"], d["qualifiers"]
    return CheckRules(
        version=rf.version,
        scales=tuple(_Scale(s["id"], tuple(s["parts"])) for s in d["scales"]),
        combined={k: tuple(v) for k, v in d["combined"].items() if k != "__line__"},
        totals=frozenset(d["total_categories"]),
        population_measure=rules.compile_pattern(pop["measure_pattern"], regex.I),
        population_min=float(pop["min"]),
        population_max=float(pop["max"]),
        row_max_chars=int(grp["row_max_chars"]),
        max_label_lines=int(grp["max_label_lines"]),
        label_max_chars=int(grp["label_max_chars"]),
        pair_max_gap=int(grp["pair_max_gap_chars"]),
        at_least=rules.compile_pattern(q["at_least_pattern"], regex.I),
        at_most=rules.compile_pattern(q["at_most_pattern"], regex.I),
        rules={rid: rules.strip_lines(r) for rid, r in by_id.items()},
    )


# --- figures as numbers -------------------------------------------------------


@dataclass(frozen=True)
class _Fig:
    """A figure with its number, sentence and the label a person knows it by."""

    f: Figure
    value: float
    decimals: int
    sentence: int  # index into doc.sentences
    label: str  # category, or the table row's own words when it has none

    @property
    def id(self) -> str:
        return self.f.figure_id

    @property
    def kind(self) -> str:
        return self.f.kind

    @property
    def category(self) -> str:
        return self.f.category


def _number(value: str) -> tuple[float, int] | None:
    try:
        x = float(value)
    except ValueError:
        return None
    if x != x or x in (float("inf"), float("-inf")):
        return None
    decimals = len(value.split(".", 1)[1]) if "." in value else 0
    return x, decimals


def _fmt(x: float, decimals: int = 1) -> str:
    """A number as a person writes it: 152, 46.7, 66.67."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")


def _pct(f: _Fig) -> str:
    return f"{f.f.value}%"


# --- grouping -----------------------------------------------------------------


@dataclass
class _Group:
    """Figures of one breakdown candidate, in page order."""

    figs: list[_Fig] = field(default_factory=list)
    table: bool = False
    sentences: list[int] = field(default_factory=list)


def _prepare(doc: CleanDoc, figures: Iterable[Figure], cr: CheckRules) -> list[_Fig]:
    starts = [s for s, _ in doc.sentences]
    out = []
    for f in sorted(figures, key=lambda f: (f.start, f.end, f.figure_id)):
        if f.kind not in _KINDS:
            continue
        num = _number(f.value)
        if num is None:
            continue
        i = max(0, bisect.bisect_right(starts, f.start) - 1)
        label = f.category
        if not label and starts:
            s, _ = doc.sentences[i]
            label = _DIGIT.split(doc.text[s : f.start], maxsplit=1)[0].strip(" \t:;,.-–•|(").strip()
            label = label if len(label) <= cr.label_max_chars else ""
        out.append(_Fig(f, num[0], num[1], i, label))
    return out


def _is_row(doc: CleanDoc, i: int, cr: CheckRules) -> bool:
    s, e = doc.sentences[i]
    return e - s <= cr.row_max_chars


def _table_gap(doc: CleanDoc, a: int, b: int, cr: CheckRules) -> bool:
    """Are sentences a < b consecutive rows of a table: only short label lines between?"""
    between = doc.text[doc.sentences[a][1] : doc.sentences[b][0]]
    if "\n\n" in between or "\n" not in between:
        return False
    lines = [ln.strip() for ln in between.split("\n") if ln.strip()]
    return len(lines) <= cr.max_label_lines and all(len(ln) <= cr.label_max_chars for ln in lines)


def _groups(doc: CleanDoc, figs: list[_Fig], cr: CheckRules) -> list[_Group]:
    by_sentence: dict[int, list[_Fig]] = {}
    for f in figs:
        by_sentence.setdefault(f.sentence, []).append(f)
    grades = cr.grades
    groups: list[_Group] = []
    cur: _Group | None = None
    for i in sorted(by_sentence):
        row = by_sentence[i]
        if cur is not None:
            prev = cur.sentences[-1]
            between = doc.text[doc.sentences[prev][1] : doc.sentences[i][0]]
            if _is_row(doc, prev, cr) and _is_row(doc, i, cr) and _table_gap(doc, prev, i, cr):
                cur.table = True
                cur.figs.extend(row)
                cur.sentences.append(i)
                continue
            seen = {f.category for f in cur.figs}
            new = {f.category for f in row if f.category in grades} - seen
            has_total = any(f.category in cr.totals for f in row)
            stated = any(f.category in cr.totals for f in cur.figs)  # "Of the 65 LAs ...": the list goes on
            if (not cur.table and "\n" not in between and i == prev + 1 and new and not has_total
                    and seen & grades and (stated or _same_scale(seen | new, cr))):
                cur.figs.extend(row)
                cur.sentences.append(i)
                continue
        cur = _Group(list(row), False, [i])
        groups.append(cur)
    return groups


def _constituents(category: str, cr: CheckRules) -> tuple[str, ...]:
    return cr.combined.get(category, (category,))


def _same_scale(categories: set[str], cr: CheckRules) -> _Scale | None:
    graded = {c for cat in categories for c in _constituents(cat, cr) if cat in cr.grades}
    if not graded:
        return None
    return next((s for s in cr.scales if graded <= set(s.parts)), None)


def _columns(figs: list[_Fig], table: bool) -> list[list[_Fig]]:
    """Split one kind's figures into columns: a table lists each grade once per
    column ("1 (1) / 0 (0) / 1 (1)" under "Outstanding"). In prose a repeated
    grade means a comparison ("60%, compared with 53%"), not a breakdown."""
    if not table:
        keys = [f.label or f.id for f in figs]
        return [figs] if len(set(keys)) == len(keys) else []
    cols: list[list[_Fig]] = []
    # A figure goes to the first column without its label; the columns holding
    # a label are always the first ones, so that column is the label's count.
    seen: dict[str, int] = {}
    for f in figs:
        key = f.label or f.id
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k == len(cols):
            cols.append([f])
        else:
            cols[k].append(f)
    return cols


# --- the base of a breakdown ----------------------------------------------------


@dataclass(frozen=True)
class _Base:
    value: float
    source: str  # words for the message: "the stated total", ...
    stated: bool  # from this breakdown's own figures (total, denominator, complete parts), not the population
    refs: tuple[str, ...] = ()
    measure: str = ""  # what it counts; a count of something else is not a part of it

    def fits(self, f: _Fig, cr: CheckRules) -> bool:
        m, mine = self.measure.strip().lower(), f.f.measure.strip().lower()
        if not m or not mine or m == mine:
            return True
        return not self.stated and bool(cr.population_measure.match(mine))


def _is_population(f: _Fig, cr: CheckRules) -> bool:
    """A count of all the authorities ("152 local authorities"): the whole, never one of the parts."""
    return (f.kind == "count" and not f.category and bool(cr.population_measure.match(f.f.measure.strip()))
            and cr.population_min <= f.value <= cr.population_max)


def _population(figs: list[_Fig], cr: CheckRules) -> _Base | None:
    """The page's number of local authorities, when it states exactly one."""
    found = {f.value: f for f in figs if _is_population(f, cr)}
    if len(found) != 1:
        return None
    (value, f), = found.items()
    return _Base(value, f"the page's {_fmt(value)} {f.f.measure.strip()}", False, (f.id,), f.f.measure)


def _measures_fit(figs: list[_Fig], cr: CheckRules) -> bool:
    return all(not f.f.measure.strip() or cr.population_measure.match(f.f.measure.strip()) for f in figs)


def _stated_base(group: _Group, column: list[_Fig], cr: CheckRules) -> _Base | None:
    total = next((f for f in column if f.category in cr.totals), None)
    if total is None and group.table:
        return None
    if total is None:
        total = next((f for f in group.figs if f.kind == "count" and f.category in cr.totals), None)
    if total is not None:
        return _Base(total.value, "the stated total", True, (total.id,), total.f.measure)
    denominators = {f.f.denominator for f in group.figs if f.f.denominator}
    if len(denominators) == 1:
        num = _number(denominators.pop())
        if num:
            owner = next(f for f in group.figs if f.f.denominator)
            return _Base(num[0], f"the {_fmt(num[0])} stated", True, (owner.id,), owner.f.measure)
    return None


# --- the checks -----------------------------------------------------------------


class _Out:
    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.rows: list[Check] = []

    def add(self, rule: str, severity: str, message: str, refs: Iterable[str]) -> None:
        ids = list(dict.fromkeys(r for r in refs if r))
        if len(message) > MAX_MESSAGE:  # a table of 16,000 rows lists them all; the refs still name every one
            message = f"{message[:MAX_MESSAGE]}… ({len(message) - MAX_MESSAGE:,} more characters)"
        self.rows.append(Check(self.doc_id, f"C{len(self.rows) + 1:03d}", rule, severity, message, ";".join(ids)))


def _list(parts: list[_Fig], unit: str = "") -> str:
    items = [f"{p.label or 'unlabelled'} ({p.f.value}{unit})" for p in parts]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check(doc: CleanDoc, figures: list[Figure], directory: Path | None = None) -> list[Check]:
    """Every consistency finding over one page's figures, in page order."""
    cr = load_rules(directory)
    figs = _prepare(doc, figures, cr)
    population = _population(figs, cr)
    out = _Out(doc.doc_id)
    # A lone figure is checked against nothing: every check compares two figures or more (a sum of parts, a pair, a
    # combined grade and its parts; a combined grade has parts, see load_rules), so its group is not worked through.
    for group in _groups(doc, figs, cr):
        if len(group.figs) > 1:
            _check_group(doc.text, group, population, cr, out)
    return out.rows


@dataclass
class _Breakdown:
    """One column of counts (or percentages) over one scale."""

    parts: list[_Fig]
    combined: list[tuple[_Fig, list[_Fig]]]
    complete: bool


def _breakdown(column: list[_Fig], group: _Group, cr: CheckRules) -> _Breakdown | None:
    grades = cr.grades
    graded = [f for f in column if f.category in grades]
    if not graded:
        return None
    scale = _same_scale({f.category for f in graded}, cr)
    if scale is None:
        return None
    if group.table:  # uncategorised rows of the same shape are parts too ("Judgements to be finalised")
        others = [f for f in column if not f.category and f.label and f.label.lower() not in cr.totals
                  and not _is_population(f, cr)]
    else:
        others = []
    plain = {f.category: f for f in graded if f.category not in cr.combined}
    combined: list[tuple[_Fig, list[_Fig]]] = []
    parts = list(plain.values())
    covered = set(plain)
    for f in graded:
        if f.category not in cr.combined:
            continue
        cons = cr.combined[f.category]
        if all(c in plain for c in cons):
            combined.append((f, [plain[c] for c in cons]))
        elif covered & set(cons):
            return None  # "good or outstanding" beside "good" alone: overlapping parts
        else:
            parts.append(f)
            covered |= set(cons)
    parts = sorted(parts + others, key=lambda f: f.f.start)
    return _Breakdown(parts, combined, covered >= set(scale.parts))


def _check_group(text: str, group: _Group, population: _Base | None, cr: CheckRules, out: _Out) -> None:
    counts = [f for f in group.figs if f.kind == "count"]
    pcts = [f for f in group.figs if f.kind == "percentage"]
    bases: dict[str, _Base] = {}  # count figure id -> base for its percentage
    for column in _columns(counts, group.table):
        base = _stated_base(group, column, cr)
        bd = _breakdown(column, group, cr)
        if base is None and population is not None and _measures_fit(column, cr):
            base = population
        if bd is not None:
            for whole, cons in bd.combined:
                _combined(whole, cons, cr, out)
            base = _parts_total(bd, base, cr, out)
        if base is not None:
            for f in column:
                if base.fits(f, cr):
                    bases[f.id] = base
    for column in _columns(pcts, group.table):
        bd = _breakdown(column, group, cr)
        if bd is not None:
            _percent_sum(bd, cr, out)
    _pairs(text, group, bases, population, cr, out)


def _combined(whole: _Fig, cons: list[_Fig], cr: CheckRules, out: _Out) -> None:
    rid = "check.combined-parts"
    total = sum(c.value for c in cons)
    expr = " + ".join(f"{c.label} ({c.f.value})" for c in cons)
    if abs(total - whole.value) < 1e-9:
        msg = f"The {whole.label} count ({whole.f.value}) equals its parts: {expr} = {_fmt(total)}."
        out.add(rid, cr.severity(rid, "severity_agree"), msg, [whole.id, *(c.id for c in cons)])
    else:
        msg = f"The {whole.label} count is {whole.f.value}, but its parts {expr} add up to {_fmt(total)}."
        out.add(rid, cr.severity(rid, "severity_disagree"), msg, [whole.id, *(c.id for c in cons)])


def _parts_total(bd: _Breakdown, base: _Base | None, cr: CheckRules, out: _Out) -> _Base | None:
    """Check the parts against the base; return the base their percentages are of."""
    rid = "check.parts-total"
    if len(bd.parts) < 2:
        return base
    total = sum(p.value for p in bd.parts)
    refs = [p.id for p in bd.parts]
    sum_base = _Base(total, "the sum of the parts", True, tuple(refs)) if bd.complete else None
    if base is None:
        return sum_base
    refs += base.refs
    what = f"The counts for {_list(bd.parts)} add up to {_fmt(total)}"
    bad = cr.severity(rid, "severity_stated" if base.stated else "severity_population")
    if bd.complete and abs(total - base.value) < 1e-9:
        out.add(rid, cr.severity(rid, "severity_agree"), f"{what}, which is {base.source}.", refs)
        return base
    if bd.complete:
        out.add(rid, bad, f"{what}, but {base.source} is {_fmt(base.value)}: every grade is listed, so they should be equal.", refs)
        return sum_base if base.stated else base
    if total > base.value + 1e-9:
        out.add(rid, bad, f"{what}, more than {base.source} of {_fmt(base.value)}, although not every grade is listed.", refs)
    return base


def _percent_sum(bd: _Breakdown, cr: CheckRules, out: _Out) -> None:
    rid = "check.percent-sum"
    if len(bd.parts) < 2:
        return
    rule = cr.rules[rid]
    total = sum(p.value for p in bd.parts)
    unit = max(10.0 ** -p.decimals for p in bd.parts)
    tol = max(float(rule["min_tolerance"]) * unit, 0.5 * unit * len(bd.parts))
    what = f"The percentages for {_list(bd.parts, '%')} add up to {_fmt(total)}%"
    refs = [p.id for p in bd.parts]
    if bd.complete and abs(total - 100) <= tol + 1e-9:
        out.add(rid, cr.severity(rid, "severity_agree"), f"{what}, about 100% as rounding allows (±{_fmt(tol, 2)}).", refs)
    elif bd.complete:
        out.add(rid, cr.severity(rid, "severity_disagree"),
                f"{what}, not about 100%: every grade is listed and rounding allows only ±{_fmt(tol, 2)}.", refs)
    elif total > 100 + tol + 1e-9:
        out.add(rid, cr.severity(rid, "severity_disagree"),
                f"{what}, over 100% although not every grade is listed.", refs)


def _adjacent(a: _Fig, b: _Fig, cr: CheckRules, text: str) -> bool:
    if a.sentence != b.sentence or (a.category and b.category and a.category != b.category):
        return False
    gap = text[a.f.end : b.f.start]
    return 0 <= len(gap) <= cr.pair_max_gap and not _DIGIT.search(gap)


def _pairs(text: str, group: _Group, bases: dict[str, _Base], population: _Base | None, cr: CheckRules,
           out: _Out) -> None:
    """A count beside its own percentage or proportion ("89 (16%)", "over two thirds (103)")."""
    agree: list[tuple[_Fig, _Fig, float, _Base]] = []
    used: set[str] = set()
    figs = group.figs
    for a, b in zip(figs, figs[1:], strict=False):
        if a.id in used or b.id in used or {a.kind, b.kind} not in ({"count", "percentage"}, {"count", "proportion"}):
            continue
        if not _adjacent(a, b, cr, text):
            continue
        count, share = (a, b) if a.kind == "count" else (b, a)
        if count.category in cr.totals:
            continue
        base = _pair_base(count, share, bases, group, population, cr)
        if base is None or base.value <= 0:
            continue
        used |= {a.id, b.id}
        actual = 100 * count.value / base.value
        if share.kind == "percentage":
            if not _count_percent(count, share, actual, base, cr, out):
                agree.append((count, share, actual, base))
        else:
            _proportion(count, share, actual, base, cr, out)
    rid = "check.count-percent"
    for key in dict.fromkeys((b.value, b.source) for *_, b in agree):
        these = [a for a in agree if (a[3].value, a[3].source) == key]
        items = ", ".join(f"{c.f.value} is {_fmt(x)}% (stated {_pct(s)})" for c, s, x, _ in these)
        n = len(these)
        msg = (f"{n} count{'s agree' if n > 1 else ' agrees'} with {'their' if n > 1 else 'its'} stated "
               f"percentage{'s' if n > 1 else ''} of {_fmt(key[0])}, {key[1]}, within rounding: {items}.")
        out.add(rid, cr.severity(rid, "severity_agree"), msg,
                [r for c, s, _, b in these for r in (c.id, s.id, *b.refs)])


def _pair_base(count: _Fig, share: _Fig, bases: dict[str, _Base], group: _Group, population: _Base | None,
               cr: CheckRules) -> _Base | None:
    for f in (count, share):
        num = _number(f.f.denominator) if f.f.denominator else None
        if num:
            return _Base(num[0], f"the {_fmt(num[0])} stated", True)
    if count.id in bases:
        return bases[count.id]
    if population is not None and population.fits(count, cr):
        return population
    return None


def _count_percent(count: _Fig, share: _Fig, actual: float, base: _Base, cr: CheckRules, out: _Out) -> bool:
    """Add a row if the percentage disagrees with a stated base; True when it disagrees."""
    rid = "check.count-percent"
    rule = cr.rules[rid]
    unit = 10.0 ** -share.decimals
    off = abs(actual - share.value)
    if off <= unit + 1e-9:
        return False
    if not base.stated:
        return True  # a percentage of a subset, not of the page's population: nothing to say
    severity = cr.severity(rid, "severity_far" if off > float(rule["far_points"]) else "severity_disagree")
    label = f"{count.label}: " if count.label else ""
    msg = (f"{label}{count.f.value} of {_fmt(base.value)} ({base.source}) is {_fmt(actual)}%, "
           f"but the page says {_pct(share)}.")
    out.add(rid, severity, msg, [count.id, share.id, *base.refs])
    return True


def _proportion(count: _Fig, share: _Fig, actual: float, base: _Base, cr: CheckRules, out: _Out) -> None:
    rid = "check.proportion-count"
    rule = cr.rules[rid]
    tol, slack = float(rule["tolerance_points"]), float(rule["side_slack_points"])
    words = f"{share.f.qualifier} {share.f.evidence}".strip() or _pct(share)
    ok = abs(actual - share.value) <= tol + 1e-9
    side = ""
    if cr.at_least.search(share.f.qualifier or ""):
        ok = ok and actual >= share.value - slack
        side = "at least "
    elif cr.at_most.search(share.f.qualifier or ""):
        ok = ok and actual <= share.value + slack
        side = "at most "
    what = f"{count.f.value} of {_fmt(base.value)} ({base.source}) is {_fmt(actual)}%"
    if not ok and not base.stated:
        return  # a proportion of a subset, not of the page's population: nothing to say
    if ok:
        msg = f"{what}, consistent with “{words}” ({side}about {_fmt(share.value, 2)}%)."
        out.add(rid, cr.severity(rid, "severity_agree"), msg, [share.id, count.id, *base.refs])
    else:
        msg = f"{what}, which does not fit “{words}” ({side}about {_fmt(share.value, 2)}%)."
        out.add(rid, cr.severity(rid, "severity_disagree"), msg, [share.id, count.id, *base.refs])
