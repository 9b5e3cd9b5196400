"""Judgement vocabulary: phrases of Ofsted's grading scales, normalised by era.

Shared by figures (their `category`) and authorities (their `judgement`), so
both speak the same labels. The vocabulary is rules/scales.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from . import prefilter, rules


@dataclass(frozen=True)
class Term:
    id: str
    pattern: regex.Pattern[str]
    category: dict[str, str]


@dataclass(frozen=True)
class Judgement:
    """A judgement phrase found in text: span, normalised label, rule id."""

    start: int
    end: int
    category: str
    rule: str


_Alt = tuple[regex.Pattern[str], tuple[tuple[int, int], ...]]  # an alternation of terms; (group index, term index)


@dataclass(frozen=True)
class Scales:
    eras: tuple[tuple[str, str, str], ...]  # (id, from, to) ISO dates
    default_era: str
    terms: tuple[Term, ...]
    stars: dict[str, str]
    points: dict[str, dict[int, str]]  # era id -> grade point -> category
    top_beyond: tuple[tuple[regex.Pattern[str], str, str], ...]  # (a further grade named, the usual top, the new top)
    combined: regex.Pattern[str]  # one alternation of every term, named groups t0..tn
    markers: tuple[tuple[str, regex.Pattern[str]], ...]  # era id -> marker words
    frameworks: tuple[tuple[str, frozenset[str], regex.Pattern[str]], ...]  # (scale id, page eras it applies in, names)
    literal_scale: str  # the four-point scale a sentence on a `literal_within` page speaks without the era's own words
    literal_within: str
    starts: re.Pattern[str] | None  # where in the lowered text a term can begin (None: try everywhere)
    term_groups: tuple[tuple[int, str], ...]  # (index in `Match.groups()`, name) of the t.. groups, in `groupdict` order
    # By the first (lowered) character at a start: the alternation of only the terms that can begin with it, in
    # file order, and its (group index, term index) pairs. At a position only those terms can match, so the first
    # of them to match is the one the whole alternation finds.
    by_first: dict[str, _Alt]
    parts: regex.Pattern[str] | None  # labels that are one part of an overall grade ("serving most children well")
    points_not_with: regex.Pattern[str] | None = None  # a sentence naming another scored scale reads no era points
    # The one string several terms need in a text ("star", in a look-behind or in the match: `prefilter.needed`),
    # and `starts` and `by_first` of the other terms, for a sentence without it: fewer places, shorter alternations.
    gate: str = ""
    ungated: tuple[re.Pattern[str], dict[str, _Alt]] | None = None
    # (scale id, page eras it applies in, the page names it, its own grade words, a sentence's words that keep the era)
    page_scales: tuple[tuple[str, frozenset[str], regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]], ...] = ()


@lru_cache(maxsize=8)
def load(directory: Path | None = None) -> Scales:
    rf = rules.load("scales", directory)
    data = rf.data
    eras = tuple((e["id"], str(e["from"]), str(e["to"])) for e in data["eras"])
    terms = []
    for r in data["rules"]:
        rules.require(r, rf.path, {"id": str, "pattern": str, "category": dict})
        cat = {k: v for k, v in r["category"].items() if k != "__line__"}
        terms.append(Term(r["id"], rules.compile_pattern(r["pattern"], regex.I), cat))
    # Terms are tried in file order at each position, which is what a single
    # alternation does; group names tell which term fired.
    combined = rules.compile_pattern(
        "|".join(f"(?P<t{i}>{t.pattern.pattern})" for i, t in enumerate(terms)), regex.I
    )
    stars = {str(k): v for k, v in data["stars"].items() if k != "__line__"}
    points = {str(e): {int(k): str(v) for k, v in p.items() if k != "__line__"}
              for e, p in (data.get("points") or {}).items() if e != "__line__"}
    markers = tuple(
        (k, rules.compile_pattern(v, regex.I)) for k, v in data.get("era_markers", {}).items() if k != "__line__"
    )
    frameworks = tuple(
        (str(f["scale"]), frozenset(str(e) for e in f.get("within") or ()), rules.compile_pattern(f["pattern"], regex.I))
        for f in data.get("framework_markers") or []
    )
    starts, by_first = _dispatch(terms, range(len(terms)))
    groups = tuple((i - 1, k) for k, i in combined.groupindex.items() if k.startswith("t"))
    # The string the most terms need in a sentence ("star"); without it, the dispatch of the other terms.
    needs = [prefilter.needed(t.pattern.pattern) for t in terms]
    counts = Counter(next(iter(n)) for n in needs if n is not None and len(n) == 1)
    gate = min(counts, key=lambda k: (-counts[k], k)) if counts and max(counts.values()) >= _GATED_MIN else ""
    ungated = None
    if gate and starts is not None:
        rest_starts, rest_first = _dispatch(terms, [i for i, n in enumerate(needs) if n != {gate}])
        ungated = (rest_starts, rest_first) if rest_starts is not None else None
    lit = data.get("literal_scale") or {}
    top_beyond = tuple((rules.compile_pattern(t["pattern"], regex.I), str(t["top"]), str(t["becomes"]))
                       for t in data.get("top_beyond") or [])
    parts = rules.compile_pattern(data["part_labels"], regex.I) if data.get("part_labels") else None
    not_with = rules.compile_pattern(data["points_not_with"], regex.I) if data.get("points_not_with") else None
    for p in [*(p for _eid, p in markers), *(p for _sid, _within, p in frameworks)]:
        prefilter.alternation(p)  # compiled now, with the rules (kept across runs)
    page_scales = tuple(
        (str(f["scale"]), frozenset(str(e) for e in f.get("within") or ()), *(rules.compile_pattern(f[k], regex.I)
                                                                              for k in ("page", "words", "not_with")))
        for f in data.get("page_scales") or []
    )
    return Scales(eras, data["default_era"], tuple(terms), stars, points, top_beyond, combined, markers, frameworks,
                  str(lit.get("scale", "")), str(lit.get("within", "")), starts, groups, by_first, parts, not_with,
                  gate if ungated is not None else "", ungated, page_scales)


_GATED_MIN = 3  # terms that need one string before a dispatch without them pays for itself


def _dispatch(terms: list[Term], idx: Iterable[int]) -> tuple[re.Pattern[str] | None, dict[str, _Alt]]:
    """`Scales.starts` and `Scales.by_first` of the terms `idx` (in file order); (None, {}) when a term's
    start cannot be read, or there is no term."""
    prefixes: set[str] = set()
    firsts: dict[str, list[int]] = {}
    for i in idx:
        found = prefilter.starts(terms[i].pattern.pattern, spaces=True)  # "a\s": not every word in a-
        if found is not None and any(f.removeprefix(prefilter.WORD_START)[:1] in (prefilter.SPACE, prefilter.SPACES)
                                     for f in found):
            found = prefilter.starts(terms[i].pattern.pattern)  # a term may begin with a space: plain prefixes
        if found is None:
            return None, {}
        prefixes |= found
        for ch in sorted({f.removeprefix(prefilter.WORD_START)[:1] for f in found}):
            firsts.setdefault(ch, []).append(i)
    by_first = {}
    for ch, chosen in firsts.items():
        # Only ever matched at a position: with one term ("four stars") `regex` would otherwise search the rest of
        # the page for its required string before every match (quadratic on a page of numbers).
        alt = rules.compile_pattern("|".join(f"(?P<t{i}>{terms[i].pattern.pattern})" for i in chosen), regex.I,
                                    match_at=True)
        by_first[ch] = (alt, tuple((alt.groupindex[f"t{i}"] - 1, i) for i in chosen))
    return (prefilter.finder(prefixes) if prefixes else None), by_first


@lru_cache(maxsize=1024)
def era(date: str | None, directory: Path | None = None) -> str:
    """The scale era of an ISO date (possibly partial) or an era id; the default if unknown."""
    sc = load(directory)
    if not date:
        return sc.default_era
    if any(date == e[0] for e in sc.eras) or any(date == f[0] for f in sc.frameworks) or date == sc.literal_scale or any(
            date == f[0] for f in sc.page_scales):
        return date
    return next(iter(_eras_on(date, sc)), sc.default_era)


def _eras_on(date: str, sc: Scales) -> list[str]:
    """The eras whose span holds an ISO date (possibly partial), in file order: two where frameworks overlapped."""
    d = (date + "-01-01")[:10] if len(date) < 10 else date[:10]
    return [eid for eid, start, end in sc.eras if start <= d <= end]


def guess_era(text: str, directory: Path | None = None) -> str:
    """The era of an undated page: the one whose framework its opening names
    most ("annual performance assessments"), else whose marker words it uses
    most; ties and nothing found give the default era."""
    sc = load(directory)
    return _marked_era(text, sc) or sc.default_era


def _marked_era(text: str, sc: Scales) -> str:
    """The era whose framework the page's opening names most, else whose marker words it uses most; "" if none
    or a tie."""
    head = text[:6000]
    for named in ([(sid, p) for sid, within, p in sc.frameworks if not within], sc.markers):
        counted = [(len(prefilter.finditer(p, head)), k) for k, p in named]  # (the markers only if needed)
        best = max(counted, default=(0, ""))
        if best[0] and sum(1 for c, _ in counted if c == best[0]) == 1:
            return best[1]
    return ""


def page_era(text: str, published: str, source: str, directory: Path | None = None) -> str:
    """The era of a page: its date's, else its words' (`guess_era`); on a date when two eras' frameworks ran side
    by side, the one its words mark. A date that only bounds the page gives way to
    the era its words mark on the bound's side: a year its text states (`text-year`: the page is no older) to a
    later era ("requires improvement" on a page whose latest year is 2012), the capture date (`captured`: the page
    is no newer) to an earlier one."""
    if not published:
        return guess_era(text, directory)
    dated = era(published, directory)
    sc = load(directory)
    live = _eras_on(published, sc)
    if len(live) > 1:  # a date when two frameworks ran side by side: the one the page's words mark, else the first
        marked = _marked_era(text, sc)
        return marked if marked in live else live[0]
    if source not in ("text-year", "captured"):
        return dated
    order = [e[0] for e in sc.eras]
    marked = _marked_era(text, sc)
    if marked in order and dated in order and (order.index(marked) - order.index(dated)) * (
            1 if source == "text-year" else -1) > 0:
        return marked
    return dated


def framework_era(text: str, page_era: str, directory: Path | None = None, low: str | None = None) -> str:
    """The scale of the one inspection framework a sentence names ("last year's APA"), else "". `low`: as for `find`."""
    low = prefilter.lowered(text) if low is None else low
    found = [(sid, bool(within)) for sid, within, p in load(directory).frameworks
             if (not within or page_era in within) and _may_hold(p, low) and prefilter.search(p, text)]
    named = {sid for sid, _ in found}
    if len(named) > 1:  # a framework named outright beats a scale limited to some pages' eras
        named = {sid for sid, limited in found if not limited}
    return named.pop() if len(named) == 1 else ""


def _may_hold(p: regex.Pattern[str], low: str | None) -> bool:
    """Whether a text whose `lowered` form is `low` may hold a match of `p`: one of the strings every match holds
    is in it (a substring test, far cheaper than the pattern's search); True where that cannot be shown."""
    words = _required(p)
    return low is None or words is None or any(w in low for w in words)


@lru_cache(maxsize=256)
def _required(p: regex.Pattern[str]) -> tuple[str, ...] | None:
    found = prefilter.required(p.pattern)
    return tuple(sorted(found)) if found else None


_INSPECTION_WORDS = r"\binspect(?:ed|ions?)\b|\bsafeguarding\b|\bsafe\b"  # keeping children safe: the inspections' domain
_FOUR_POINT = regex.compile(r"(?i)\b(?:outstanding|good|adequate|inadequate)\b|" + _INSPECTION_WORDS)
# On a page that uses the rating's own words, "good" and "adequate" name the rating's grades too ("93 'good'"): only
# the inspections' other words mark their scale there.
_FOUR_POINT_ONLY = regex.compile(r"(?i)\b(?:outstanding|inadequate)\b|" + _INSPECTION_WORDS)


def _own_words(sc: Scales, era_id: str, text: str) -> bool:
    """Whether `text` uses the marker words of era `era_id` (its own scale's words)."""
    own = next((p for eid, p in sc.markers if eid == era_id), None)
    return own is not None and prefilter.search(own, text) is not None


def page_scale(text: str, page_era: str, directory: Path | None = None,
               low: str | None = None) -> tuple[str, regex.Pattern[str] | None]:
    """The scale a page speaks outside its era's words (`page_scales`): a page naming the CPA and using "fair" or
    "weak" speaks the CPA's scale; with the pattern of the words that keep a sentence in the page's era. `low`:
    `prefilter.lowered(text)`, if the caller has it (a page without the strings its names need is not searched)."""
    for sid, within, page, words, not_with in load(directory).page_scales:
        if (not within or page_era in within) and _may_hold(page, low) and page.search(text) and words.search(text):
            return sid, not_with
    return "", None


def rating_page(text: str, page_era: str, directory: Path | None = None) -> bool:
    """Whether a page of the annual-rating era uses the rating's own words anywhere ("excellent", "performs well")."""
    sc = load(directory)
    return page_era == sc.literal_within and _own_words(sc, page_era, text)


def sentence_scale(text: str, page_era: str, directory: Path | None = None, rating: bool = False) -> str:
    """The scale of a sentence that names no framework: its page's era, except that on an
    annual-rating page (2009-12) a sentence without the rating's own words ("performs
    well", "excellent", "poor") but with a four-point word or an inspection speaks
    the scale of the inspections that ran beside the rating, in its own words
    ("judged inadequate in safeguarding", "18 inspected received the lowest mark"). `rating`: the page
    uses the rating's words elsewhere (`rating_page`)."""
    sc = load(directory)
    if page_era != sc.literal_within or not (_FOUR_POINT_ONLY if rating else _FOUR_POINT).search(text):
        return page_era  # ("the highest rating" is the page's own scale's top)
    return page_era if _own_words(sc, page_era, text) else sc.literal_scale


def _label(term: Term, match: regex.Match[str], era_id: str, sc: Scales) -> str:
    """A label template filled from the term's named groups: a star count's number word picks its label ("two
    stars"); any other group is the page's words, lower case ("serving most children well")."""
    label = term.category.get(era_id, term.category.get("default", ""))
    if "{n}" in label:
        return sc.stars.get((match.group("n") or "").lower(), "")
    return label.format_map({k: " ".join(v.lower().split()) for k, v in match.groupdict().items() if v})


def find(text: str, date: str | None = None, directory: Path | None = None, low: str | None = None,
         scale: Callable[[], str] | None = None) -> list[Judgement]:
    """Every judgement phrase in `text`, left to right, longest-first per position.

    `date` is the page's ISO date or its era id (`CleanDoc.era`). `low`: `prefilter.lowered(text)`, if the caller
    has it (a sentence's slice of its lowered page). `scale`: gives the era id in place of `date`, asked only once
    a phrase is found (a sentence's scale costs more than most sentences' search, which finds none)."""
    sc = load(directory)
    era_id = era(date, directory) if scale is None else ""
    out = []
    for m, which in _matches(text, sc, low):
        if scale is not None:
            era_id, scale = era(scale(), directory), None
        gs = m.groups()
        term = sc.terms[next(t for i, t in which if gs[i] is not None)]
        label = term.category.get(era_id, term.category.get("default", ""))
        if "{" in label:  # only templates read their own groups
            label = _label(term, term.pattern.match(m.group(0)) or m, era_id, sc)
        if label:
            out.append(Judgement(m.start(), m.end(), label, term.id))
    return out


def grade_at(text: str, pos: int, directory: Path | None = None, low: str | None = None) -> regex.Match[str] | None:
    """A judgement phrase beginning exactly at `pos` ("good or outstanding childcare"), else None: what
    `combined.match(text, pos)` finds, trying only the terms that can begin with the character there. `low`:
    `prefilter.lowered(text)`, if the caller has it: then no term is tried where none of their prefixes begins."""
    sc = load(directory)
    ch = text[pos:pos + 1]
    if sc.starts is None or not ch.isascii():
        return sc.combined.match(text, pos)
    if low is not None and sc.starts.match(low, pos) is None:
        return None
    entry = sc.by_first.get(ch.lower())
    return entry[0].match(text, pos) if entry is not None else None


def _matches(text: str, sc: Scales, low: str | None = None) -> Iterator[tuple[regex.Match[str], tuple[tuple[int, int], ...]]]:
    """What `sc.combined.finditer(text)` yields (with which group is which term), trying only where a term can
    begin (a few places a sentence instead of every character), and there only the terms that can begin there."""
    low = (prefilter.lowered(text) if low is None else low) if sc.starts is not None else None
    if low is None or sc.starts is None:
        which = tuple((i, int(k[1:])) for i, k in sc.term_groups)
        for m in sc.combined.finditer(text):
            yield m, which
        return
    starts, by_first = sc.starts, sc.by_first
    if sc.ungated is not None and sc.gate not in low:
        starts, by_first = sc.ungated  # (the terms that need the gate cannot match)
    end = 0
    for c in starts.finditer(low):
        p = c.start()
        if p >= end:
            alt, which = by_first[low[p]]
            m = alt.match(text, p)
            if m:
                yield m, which
                end = m.end()


@lru_cache(maxsize=8)
def top_labels(directory: Path | None = None) -> frozenset[str]:
    """The top grade's label in every era, and the further tops pages may reach ("four stars")."""
    sc = load(directory)
    tops = {v for t in sc.terms if t.id == "scale.top-grade" for v in t.category.values() if v}
    return frozenset(tops | {new for _p, _top, new in sc.top_beyond})


def is_part(label: str, directory: Path | None = None) -> bool:
    """Whether a label is one part of an overall grade, which a grade stated for the same council overrides."""
    parts = load(directory).parts
    return bool(label) and parts is not None and parts.match(label) is not None


def normalise(phrase: str, date: str | None = None, directory: Path | None = None) -> str:
    """The category of a phrase such as "performing excellently"; "" if none."""
    found = find(phrase, date, directory)
    return found[0].category if found else ""
