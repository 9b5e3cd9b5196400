"""Counts, percentages and proportions in a page's clean text.

The number reader finds every number in one regex pass; the not-figure rules
(years, dates, phone numbers, ages, grade points...) remove what is not a
statistic; tables are read line by line; every other number is judged within
its sentence: a count needs a measure (the noun phrase it quantifies, read by
word class in the span layer, or one it shares by ellipsis with the figure
before it), and each figure takes its category from `spans.attribute`, the
judgement attribution authorities use too. Patterns are in rules/figures.yaml
(topic words there only normalise a measure or reject a number), the grammar in
rules/grammar.yaml; nothing here runs per character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import regex

from . import numbers, prefilter, rules, scales, spans
from .model import CleanDoc, Figure, Rejected
from .numbers import Number

# Ids of the rules (listed under `produces` in rules/figures.yaml) that make rows.
COUNT_NOUN, COUNT_OF, COUNT_PAREN, COUNT_THERE = "count.noun", "count.of", "count.paren", "count.there"
COUNT_ELLIPSIS, COUNT_COMPARE, COUNT_ANAPHOR = "count.ellipsis", "count.compare", "count.anaphor"
COUNT_CHANGE, COUNT_PARTITIVE, COUNT_NAMED = "count.change", "count.partitive", "count.named"
COUNT_PAIR = "count.pair"
PERCENTAGE, PROPORTION, TABLE_ROW, TABLE_CELLS = "share.percentage", "share.proportion", "table.row", "table.cells"
RULE_IDS = (COUNT_NOUN, COUNT_OF, COUNT_PAREN, COUNT_THERE, COUNT_ELLIPSIS, COUNT_COMPARE, COUNT_CHANGE, COUNT_ANAPHOR,
            COUNT_PARTITIVE, COUNT_PAIR,
            PERCENTAGE, PROPORTION, TABLE_ROW, TABLE_CELLS)
TOTAL = "total"
_NF_CONTEXT = 60  # characters either side of a number that a not-figure pattern may span
_WORD_CACHE = 50_000  # words whose not-figure rules are remembered


@dataclass(frozen=True)
class FigureRules:
    not_figures: tuple[tuple[str, regex.Pattern[str]], ...]
    nf_always: tuple[int, ...]  # not-figure rules without keywords: run in every window
    nf_by_keyword: dict[str, tuple[int, ...]]  # a keyword -> the rules that list it
    nf_by_word: dict[str, frozenset[int]]  # a cache: lower-case word -> the rules its keywords let run
    nf_starts: tuple[re.Pattern[str] | None, ...]  # per rule: where in the lowered text a match can begin
    np: regex.Pattern[str]  # a measure noun phrase (plural head)
    np_any: regex.Pattern[str]  # the same, singular heads too
    skip: regex.Pattern[str]  # words between a number and its noun phrase that are not part of it
    descriptive: frozenset[str]  # heads that count parts of an argument, not things in the world
    wholes: frozenset[str]  # heads that name the whole of what the sentence counts ("17% of the total")
    people: frozenset[str]  # heads no inspection grade rates ("children", "social workers")
    cast: frozenset[str]  # kin and age nouns: up to `cast_max` of them are a story's people, not a statistic
    cast_max: int
    canon: regex.Pattern[str]  # surface forms whose label differs ("LAs")
    labels: dict[str, str]
    p: dict[str, _Single]  # the named single patterns
    change: frozenset[str]
    table_context: int
    starts: dict[str, re.Pattern[str]]  # pattern name -> where in the lowered text a match can begin, where known


def _strs(v: Any) -> list[str]:
    return [str(x) for x in (v if isinstance(v, list) else [v])]


class _Single:
    """A named single pattern: matched at a place in its `match_at` form (rules.compile_pattern), searched in its
    plain form, which `regex` searches two to six times faster (it skips to a string every match holds, or to a
    first character, which the never-matching alternative hides). Both find the same matches, with the same groups."""

    __slots__ = ("pattern", "flags", "groupindex", "match", "fullmatch", "search", "finditer")

    def __init__(self, at: regex.Pattern[str], plain: regex.Pattern[str]):
        self.pattern, self.flags, self.groupindex = at.pattern, at.flags, at.groupindex
        self.match, self.fullmatch = at.match, at.fullmatch
        self.search, self.finditer = plain.search, plain.finditer


@lru_cache(maxsize=8)
def load(directory: Path | None = None) -> FigureRules:
    rf = rules.load("figures", directory)
    d = rf.data
    missing = [rid for rid in RULE_IDS if rid not in {r.get("id") for r in d.get("produces") or []}]
    if missing:
        raise rules.RuleError(rf.path, [(d.get("__line__", 1), f"`produces` lacks rule ids {missing}")])
    g = numbers.grammar(directory)
    vocab = list(g.words) + list(g.scales)
    first = "".join(sorted({w[0] for w in vocab}))
    # The guard lets the engine skip a position on one character test.
    num = rf"(?=[0-9{first}{first.upper()}])(?:\d[\d,]*(?:\.\d+)?|{numbers.alternation(vocab)})"
    labels: dict[str, str] = {}
    heads, singular = [], []
    for key, out in (("heads", heads), ("singular_heads", singular)):
        for label, forms in rules.strip_lines(d[key]).items():
            for f in _strs(forms):
                out.append(f)
                labels[" ".join(f.lower().split())] = label
    # A head can modify another head ("children's homes inspections").
    mods = numbers.alternation(_strs(d["modifiers"]) + heads)
    tail = r"(?!['’]?\w|-\w)"

    def np(hs: list[str]) -> str:
        h = numbers.alternation(hs)
        return rf"(?:(?:{mods})[\s-]+){{0,5}}(?:{h}){tail}(?:\s+(?:and|or)\s+(?:(?:{mods})[\s-]+){{0,3}}(?:{h}){tail})?"

    skip = d["skip_pattern"]
    single = {k: _Single(rules.compile_pattern(str(v).replace("{NUM}", num), match_at=True),
                         rules.compile_pattern(str(v).replace("{NUM}", num)))
              for k, v in d.items() if k.endswith("_pattern") and k != "skip_pattern"}
    nf = tuple(
        (r["id"], rules.compile_pattern(str(r["pattern"]).replace("{NUM}", num))) for r in d["rules"]
    )
    # Where a match of each not-figure rule can begin, for `_not_figures` to try
    # the rule there alone. For the analysis `{NUM}` stands for what every
    # number begins with (an ASCII digit, by its guard, or a number word).
    num_starts = rf"(?:[0-9]|{numbers.alternation(vocab)})\w"
    finders = []
    for r in d["rules"]:
        found = prefilter.starts(str(r["pattern"]).replace("{NUM}", num_starts), spaces=True)
        # A rule that may begin with a space would be tried at too many places: it stays a `finditer`.
        useful = found is not None and not any(f.lstrip("\x00")[:1].isspace() or f.lstrip("\x00")[:1] in (
            prefilter.SPACE, prefilter.SPACES) for f in found)
        finders.append(prefilter.finder(found) if found and useful else None)
    kws = [[str(k).lower() for k in r.get("keywords") or []] for r in d["rules"]]
    spaced = [k for ks in kws for k in ks if len(k.split()) != 1]
    if spaced:
        raise rules.RuleError(rf.path, [(d.get("__line__", 1), f"not-figure keywords must be one word: {spaced}")])
    by_kw = {k: tuple(i for i, ks in enumerate(kws) if k in ks) for k in sorted({k for ks in kws for k in ks})}
    np_plural = rules.compile_pattern(rf"\b(?P<np>{np(heads)})", regex.I)
    np_any = rules.compile_pattern(rf"\b(?P<np>{np(singular + heads)})", regex.I)
    starts = {}
    for name, pat in [("np", np_plural), ("np_any", np_any), *single.items()]:
        found = prefilter.starts(pat.pattern)
        if found:
            starts[name] = prefilter.finder(found)
    return FigureRules(
        not_figures=nf,
        nf_always=tuple(i for i, ks in enumerate(kws) if not ks),
        nf_by_keyword=by_kw,
        nf_by_word={},
        nf_starts=tuple(finders),
        np=np_plural,
        np_any=np_any,
        skip=rules.compile_pattern(rf"[ \t]+{skip}", regex.I),
        descriptive=frozenset(w.lower() for w in _strs(d["descriptive_heads"])),
        wholes=frozenset(w.lower() for w in _strs(d["whole_heads"])),
        people=frozenset(w.lower() for w in _strs(d["person_heads"])),
        cast=frozenset(w.lower() for w in _strs(d["cast_heads"])),
        cast_max=int(d["cast_max"]),
        canon=rules.compile_pattern(rf"\b(?:{numbers.alternation(list(labels))})\b", regex.I),
        labels=labels,
        p=single,
        change=frozenset(_strs(d["change_categories"])),
        table_context=int(d["table_context_chars"]),
        starts=starts,
    )


@dataclass(eq=False)  # identity: `cs.index(c)` must not compare whole candidates field by field
class _Cand:
    """A number under judgement within its sentence."""

    n: Number
    sent: tuple[int, int]
    measure: str = ""
    rule: str = ""
    category: str | None = None
    period: str = ""
    denominator: str = ""
    host: _Cand | None = None  # the share a bracketed count belongs to
    children: list[_Cand] = field(default_factory=list)  # bracketed / denominator numbers
    is_denominator: bool = False
    accepted: bool = False
    own: tuple[int, int] | None = None  # the noun phrase the number quantifies, with the words before it
    restates: _Cand | None = None  # the share a bare share restates ("it was 36%"): its measure and category
    clause_start: int | None = None  # where a gapped figure's own verb phrase begins (", stayed unchanged in 53")
    whole_group: bool = False  # "all 10 must ...": the whole of a group, a total unless a judged count names it


_COORDINATION = regex.compile(r"(\s+(?:and|or)\s+)")
_COORDINATED = regex.compile(r"[ \t]+(?:and|or)[ \t]+(?=[^\W\d_])")
_ASCII_DIGIT = re.compile("[0-9]")  # what `str.isdigit` holds for in ASCII text
_OR = regex.compile(r"\s+or\s+")
_PLURAL_WORD = regex.compile(r"(?<![\w'’-])[^\W\d_][\w'’-]*[sS](?![\w'’-])|\b(?:children|people|staff)\b", regex.I)
_WORD_BEFORE = regex.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*)[ \t]+$")
_OF_AFTER = regex.compile(r"\s+of\b", regex.I)
_ONE_OF = regex.compile(r"\bone\s+of\s+(?:the\s+)?$", regex.I)  # "one of the 80 councils judged ..."
# A finite verb not in a relative clause ("that are rated", "which was judged" are the group's own).
_FINITE = regex.compile(r"(?<!\b(?:that|which|who)\s+(?:\w+\s+)?)\b(?:is|are|was|were|has|have|had|will|would)\b", regex.I)
_OPENERS = " \t\n\"'‘“(•*–-"  # what may stand before a sentence's first word
_ACRONYM = regex.compile(r"[A-Z]{2,}s?")
_ANY_WORD = regex.compile(r"[^\W\d_][\w'’-]*")
_MAGNITUDE = regex.compile(r".*[^\d.,\s]")  # a number with a word in it ("2.5 million", "1.5m")
_SECOND_WORD = regex.compile(r"(\w+)\s+[\"'‘“]?")
_APPOSED_END = regex.compile(r"[ \t]*,(?=\s+(?:of|out\s+of)\b)")
_APPOSED_CLOSE = regex.compile(r"[ \t]*(?:,|\s-|[–—])(?=\s)")  # the comma or dash closing an apposed share


def _measure(fr: FigureRules, np: str) -> str:
    """Lower-case label of a measure phrase, its head in its rules' spelling;
    an abbreviation keeps its capitals ("LAs", "JARs": as the page says it)."""
    parts = []
    for part in _COORDINATION.split(np):
        last = None
        for m in fr.canon.finditer(part):
            last = m
        if last is not None and last.end() == len(part):
            part = part[:last.start()] + fr.labels.get(" ".join(last.group(0).lower().split()), last.group(0))
        parts.append(part)
    return " ".join(w if _ACRONYM.fullmatch(w) else w.lower() for w in "".join(parts).split())


def _spans_overlap(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect_right(starts, e - 1) - 1
    # Spans are merged and sorted, so only the last one starting before `e` can overlap.
    return i >= 0 and spans[i][1] > s


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class _Page:
    """Everything one document's extraction needs, computed once."""

    def __init__(self, doc: CleanDoc, fr: FigureRules, directory: Path | None):
        self.doc, self.fr, self.text, self.dir = doc, fr, doc.text, directory
        self.layer = spans.layer(doc, directory, fr.change)
        self.era = self.layer.era
        self.low = prefilter.lowered(doc.text)  # None: no prefilter on this page
        self._categories: dict[str, str] = {}  # table label -> category

    def np_after(self, pos: int, singular: bool = False, participle: bool = True,
                 mass: bool = False, parts: bool = False) -> tuple[str, int] | None:
        """(phrase, end) of the noun phrase quantified by a number ending at
        `pos`, past words that are not part of it ("152 English authorities"),
        and with a coordinated phrase ("managers and social workers"). `parts`: a ratio's, which may count the parts
        of an assessment ("three of the four categories")."""
        text, g, fr = self.text, self.layer.g, self.fr
        m = fr.skip.match(text, pos)
        if m is None or scales.grade_at(text, m.end(), self.dir, self.low):
            return None  # "34 requires improvement", "97 good": a judgement, not what is counted
        found = spans.noun_phrase(g, text, m.end(), singular=singular, at_word=True, participle=participle, mass=mass)
        if found is None:
            return None
        if (w := _SECOND_WORD.match(text, found[0])) and w.group(1).lower().endswith("ing") \
                and scales.grade_at(text, w.end(), self.dir, self.low):
            return None  # "28 providing excellent services": a verb and its object
        s, e = found
        if not singular and (c := _COORDINATED.match(text, e)) is not None:
            more = spans.noun_phrase(g, text, c.end(), at_word=True, mass=mass)
            if more is not None:
                e = more[1]
        # A measure the vocabulary names at more length ("children in need") is read whole.
        if (v := fr.canon.match(text, s)) is not None and v.end() > e:
            e = v.end()
        if not parts and _descriptive(fr, text[s:e]):
            return None
        return text[s:e], e

    def category_of(self, label: str) -> str:
        if label not in self._categories:
            if self.fr.p["total_label_pattern"].match(label):
                self._categories[label] = TOTAL
            else:
                found = scales.find(label, self.layer.scale_of(label), self.dir)
                self._categories[label] = found[0].category if found else ""
        return self._categories[label]

    def finditer(self, name: str, pos: int, endpos: int) -> Iterator[regex.Match[str]]:
        """What `finditer` of the named pattern yields, trying the pattern only
        where a match can begin."""
        fr = self.fr
        pattern = fr.np if name == "np" else fr.np_any if name == "np_any" else fr.p[name]
        starts = fr.starts.get(name) if self.low is not None else None
        if starts is None:
            yield from pattern.finditer(self.text, pos, endpos)
            return
        end, match, text = pos, pattern.match, self.text
        for c in starts.finditer(self.low, pos, endpos):
            at = c.start()
            if at >= end and (m := match(text, at, endpos)) is not None:
                end = m.end()
                yield m

    def nearest_np(self, start: int, end: int) -> str:
        last = None
        for m in self.finditer("np", start, end):
            last = m
        return _measure(self.fr, last.group("np")) if last else ""

    def subject_np(self, start: int, end: int) -> str:
        """The nearest measure (singular or plural) that is not the object of
        a preposition; else the nearest measure at all."""
        last = None
        for m in self.finditer("np_any", start, end):
            if not self.fr.p["object_pattern"].search(self.text, max(start, m.start() - 12), m.start()):
                last = m
        if last is not None:
            return _measure(self.fr, last.group("np"))
        return self.nearest_np(start, end) or self.plural_np(start, end)

    def plural_np(self, start: int, end: int) -> str:
        """By word class, not vocabulary: the last plural noun phrase before `end`
        that is not the object of a preposition ("Councils in the north east saw
        ... while 12 were ..."): its head the plural noun, with the words before it."""
        text, g = self.text, self.layer.g
        best = None
        words = _ANY_WORD.findall(text, start, end)
        titled = sum(w[0].isupper() for w in words) * 2 > len(words)  # a headline in title case
        for m in _PLURAL_WORD.finditer(text, start, end):
            w = m.group(0).lower()
            if w in g.closed or not spans.looks_plural(g, w) or w in self.fr.descriptive:
                continue
            if (p := _WORD_BEFORE.search(text, start, m.start())) is not None and p.group(1).lower() in g.singular_subjects:
                continue  # "It represents", "who cares": after a singular subject pronoun, a verb
            if m.group(0)[0].isupper() and not titled and not _ACRONYM.fullmatch(m.group(0)) and (
                    text[start:m.start()].strip(_OPENERS) or regex.search(rf"\b{regex.escape(w)}\b", text) is None):
                continue  # "Tower Hamlets", "Kensington and Chelsea Hospitals": a name, not what is counted
                # (a sentence's first word is capitalised whatever it is: "Councils performing excellently: 16",
                # where the page writes "councils" elsewhere too; "Leeds was among the 11" never "leeds")
            s = m.start()
            while (p := _WORD_BEFORE.search(text, start, s)) is not None and not _ends_modifiers(g, p.group(1)):
                s = p.start(1)
            if self.fr.p["object_pattern"].search(text, max(start, s - 12), s) is None:
                best = (s, m.end())
        return _measure(self.fr, text[best[0]:best[1]]) if best else ""


def _ends_modifiers(g: spans.Grammar, word: str) -> bool:
    """A word that cannot modify the plural noun after it: a closed-class word, a verb, an adverb, another plural."""
    w = word.lower()
    return (w in g.closed or w in g.verbs or w.endswith(("ly", "ed")) or spans.looks_plural(g, w))


def extract(doc: CleanDoc, directory: Path | None = None, rejected: list[Rejected] | None = None) -> list[Figure]:
    """Every figure of a page, in text order, numbered F001...

    Given a `rejected` list, every number a rule turned down is appended to it
    with the rule and why (`--explain`)."""
    fr = load(directory)
    text = doc.text
    nums = numbers.scan(text, directory)
    if not nums:
        return []
    page = _Page(doc, fr, directory)
    # Not-figure patterns run only in windows around the numbers, never over the
    # whole page: their cost grows with the numbers, not with the text.
    windows = _merge([(max(0, n.q_start - _NF_CONTEXT), min(len(text), n.end + _NF_CONTEXT)) for n in nums])
    hits = _not_figures(fr, text, page.low, windows)
    blocked = _merge([(s, e) for _, s, e in hits])
    bstarts = [s for s, _ in blocked]
    if rejected is not None:
        for rid, s, e in sorted(hits, key=lambda h: (h[1], h[2], h[0])):
            for n in nums[bisect_left([x.start for x in nums], s):]:
                if n.start >= e:
                    break
                rejected.append(Rejected(doc.doc_id, n.start, n.end, text[n.start:n.end], rid,
                                         f"inside {text[s:e]!r}, which rule {rid} says is not a statistic"))
    nums = [n for n in nums if not _spans_overlap(blocked, bstarts, n.start, n.end)]
    dates = _merge([(s, e) for rid, s, e in hits if rid.startswith("nf.date")])

    table, used = _tables(page, nums)
    cands = [n for n in nums if n.start not in used]
    found = table + _sentences(page, cands, dates, rejected)
    found.sort(key=lambda c: (c.n.start, c.n.end))
    _wholes(page, found)
    _repeats(page, found)
    found = _people(page, found, rejected)
    out = []
    for i, c in enumerate(found, 1):
        s, e = c.sent
        rs, re_ = doc.raw_span(c.n.start, c.n.end)
        out.append(Figure(
            doc_id=doc.doc_id, figure_id=f"F{i:03d}", kind=c.n.kind, value=numbers.format_value(c.n.value),
            approx=int(bool(c.n.qualifier)), qualifier=c.n.qualifier, denominator=c.denominator,
            measure=c.measure, category=c.category or "", period=c.period,
            evidence=text[c.n.start:c.n.end], sentence=text[s:e], start=c.n.start, end=c.n.end,
            raw_start=rs, raw_end=re_, rule=c.rule,
        ))
    return out


def _not_figures(fr: FigureRules, text: str, low: str | None,
                 windows: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(rule id, start, end) of every not-figure match, each rule run per window
    as `finditer` would; a rule whose keywords the window lacks cannot match
    there and is not run. A rule whose first characters are known is tried only
    where they occur (on a `lowered` page; else every rule is a plain `finditer`)."""
    rules_ = fr.not_figures
    by_word = fr.nf_by_word
    required = _nf_required(rules_)
    firsts = None  # the keywords by their first character, made at the first word not seen before
    hits = []
    for ws, we in windows:
        if low is None:
            run: Any = range(len(rules_))
        else:
            # No keyword holds a space, so each one found lies in one word of
            # the window: the rules a word lets run are worked out once per word.
            run = set(fr.nf_always)
            for word in low[ws:we].split():
                ids = by_word.get(word)
                if ids is None:
                    if len(by_word) > _WORD_CACHE:
                        by_word.clear()
                    firsts = firsts or _nf_firsts(tuple(fr.nf_by_keyword.items()))
                    ids = by_word[word] = frozenset(i for c in set(word) for k, ks in firsts.get(c, ()) if k in word
                                                    for i in ks)
                run |= ids
            run = sorted(run)
        for i in run:
            rid, p = rules_[i]
            starts = fr.nf_starts[i] if low is not None else None
            if starts is None:
                hits += [(rid, m.start(), m.end()) for m in p.finditer(text, ws, we)]
                continue
            # What `finditer` finds, trying the rule only where a match can begin,
            # and before the last of the strings one of which a match holds.
            last = we
            if (req := required[i]) is not None:
                last = max(low.rfind(s, ws, we) for s in req)
                if last < 0:
                    continue
            end, match = ws, p.match
            for c in starts.finditer(low, ws, we):
                at = c.start()
                if at > last:
                    break
                if at >= end and (m := match(text, at, we)) is not None:
                    end = m.end()
                    hits.append((rid, at, end))
    return hits


@lru_cache(maxsize=8)
def _nf_firsts(by_keyword: tuple[tuple[str, tuple[int, ...]], ...]) -> dict[str, tuple[tuple[str, tuple[int, ...]], ...]]:
    """The not-figure keywords (and their rules) by first character: a word can hold only those that begin with
    one of its characters."""
    out: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for k, ks in by_keyword:
        out.setdefault(k[:1], []).append((k, ks))
    return {c: tuple(v) for c, v in out.items()}


_REQUIRED_MIN = 4  # a rule's required strings are looked for when each is at least this long...
_REQUIRED_MAX = 16  # ...and there are at most this many (else the searches cost more than they spare)


@lru_cache(maxsize=8)
def _nf_required(rules_: tuple[tuple[str, regex.Pattern[str]], ...]) -> tuple[tuple[str, ...] | None, ...]:
    """Per not-figure rule, the strings (in a `lowered` text) one of which each of its matches
    holds (prefilter.required), where they are few and long enough to be worth searching for."""
    out = []
    for _rid, p in rules_:
        req = prefilter.required(p.pattern)
        ok = req is not None and len(req) <= _REQUIRED_MAX and min(map(len, req)) >= _REQUIRED_MIN
        out.append(tuple(sorted(req)) if req is not None and ok else None)
    return tuple(out)


# --- Running text -------------------------------------------------------------------


_MAX_PARTS = 8  # a whole is split into a few grades; looking further only costs time on a page of numbers


def _own_counts(found: list[_Cand]) -> list[_Cand]:
    """The counts that stand for themselves: with a measure, neither a bracketed restatement nor a denominator."""
    return [c for c in found if c.n.kind == "count" and c.host is None and not c.is_denominator and c.measure]


def _wholes(page: _Page, found: list[_Cand]) -> None:
    """A count in no bucket that the judged counts of its measure right after it add up to (two or more, in its
    sentence or the next two) is their total: "reviews of 139 services graded 107 as good, 28 adequate and four
    poor", "APAs for 102 authorities. ... 10 judged excellent and 76 good ... 14 adequate ... two inadequate"."""
    counts = _own_counts(found)
    index = {id(c): page.doc.sentence_index(c.sent[0]) for c in counts}
    for i, c in enumerate(counts):
        if c.category or c.n.qualifier:
            continue
        head, total, parts = c.measure.split()[-1], 0.0, 0
        for o in counts[i + 1:i + 1 + _MAX_PARTS]:
            if index[id(o)] - index[id(c)] > 2 or not o.category or o.category == TOTAL:
                break
            if o.measure.split()[-1] != head and o.sent != c.sent:
                continue  # "In the latest batch of 20 inspections, 12 councils were ..., 5 inadequate and 3 good"
            total, parts = total + o.n.value, parts + 1
            if total >= c.n.value:
                break
        if parts >= 2 and total == c.n.value:
            c.category = TOTAL


def _head(measure: str, closed: frozenset[str]) -> str:
    """The head noun of a measure: its last word before a closed-class word ("children in care" -> "children")."""
    words = measure.lower().split()
    for i, w in enumerate(words):
        if i and w in closed:
            words = words[:i]
            break
    return words[-1] if words else ""


def _people(page: _Page, found: list[_Cand], rejected: list[Rejected] | None) -> list[_Cand]:
    """A grade rates a council, a service or a provider, never the people a figure counts ("looks after 3,000
    children in care"); and a few people named by kin or age are who a story is about ("attacks by two brothers"),
    not a statistic: those figures are dropped (and recorded in `rejected`)."""
    fr, closed = page.fr, page.layer.g.closed
    for c in found:
        if c.category and c.category != TOTAL and _head(c.measure, closed) in fr.people:
            c.category = ""
    cast = [c for c in found if c.n.kind == "count" and c.n.value <= fr.cast_max and _head(c.measure, closed) in fr.cast]
    if cast and rejected is not None:
        rejected.extend(Rejected(page.doc.doc_id, c.n.start, c.n.end, page.text[c.n.start:c.n.end], "count.cast",
                                 f"{c.measure!r}: a few people a story is about, not a statistic") for c in cast)
    return [c for c in found if c not in cast] if cast else found


def _repeats(page: _Page, found: list[_Cand]) -> None:
    """A count in no bucket that states again, within two sentences, the same number of the same thing as a judged
    or total count is that statistic: a headline and its first line ("DCSF intervenes in nine councils" / "... intervening
    in nine councils judged to be inadequate"), and "all N" after a judged count of N. Not for one or two, nor for
    shares ("a quarter ... good", "one quarter ... inadequate"): pages use those for different groups alike."""
    def key(c: _Cand) -> tuple[float, str]:
        return c.n.value, c.measure.split()[-1].lower()
    counts = _own_counts(found)
    named = [c for c in counts if c.category and not c.whole_group]  # not "one of the six": a group, not a total
    judged = [c for c in named if c.category != TOTAL]
    for c in counts:
        if (c.category and not c.whole_group) or c.n.value < 3:
            continue
        k, at = page.doc.sentence_index(c.sent[0]), page.doc.sentence_index
        if c.whole_group:  # "Ten ... were awarded zero stars. ... while all 10 must meet ...": a group counted
            # before it, whatever noun it was counted with
            same = {o.category for o in judged if o.n.value == c.n.value and 0 <= k - at(o.sent[0]) <= 2}
        else:
            same = {o.category for o in named if o is not c and key(o) == key(c) and abs(k - at(o.sent[0])) <= 2}
        if len(same) == 1:
            c.category = same.pop()


def _sentences(page: _Page, nums: list[Number], dates: list[tuple[int, int]],
               rejected: list[Rejected] | None = None) -> list[_Cand]:
    date_ends = {e for _s, e in dates}
    by_sent: dict[tuple[int, int], list[_Cand]] = {}
    for n in nums:
        sent = page.doc.sentence_at(n.start)
        if sent[0] == sent[1]:
            sent = (n.q_start, n.end)
        by_sent.setdefault(sent, []).append(_Cand(n, sent))
    out: list[_Cand] = []
    previous: list[_Cand] = []  # accepted figures of the last two sentences with any
    for sent in sorted(by_sent):
        cs = by_sent[sent]
        # A number that is a star grade's own count ("Nottingham dropped to one", stars left out) is no figure.
        grades = [(p.start, p.end) for p in page.layer.phrases(sent) if p.category.endswith((" star", " stars"))]
        if grades and (inside := [c for c in cs if any(s <= c.n.start and c.n.end <= e for s, e in grades)]):
            if rejected is not None:
                rejected.extend(Rejected(page.doc.doc_id, c.n.start, c.n.end, page.text[c.n.start:c.n.end],
                                         "count.star-grade", "the count of a star grade, not of things")
                                for c in inside)
            cs = [c for c in cs if c not in inside]
            if not cs:
                continue
        _attach(page, cs)
        named_end = None  # where the first figure so far that named its measure ends
        for c in cs:
            _judge(page, c, cs, previous, named=named_end is not None and named_end <= c.n.q_start)
            if c.accepted and c.measure and (named_end is None or c.n.end < named_end):
                named_end = c.n.end
        pairs = _pairs(page, cs, previous)
        _dated_values(page, cs, date_ends, previous)
        acc = [c for c in cs if c.accepted]
        if rejected is not None:
            rejected.extend(_why_not(page, c) for c in cs if not c.accepted)
        for i, c in enumerate(acc):
            _categorise(page, c, i, acc, previous)
            _period(page, c, i, acc, dates)
        for first, second, grades in pairs:  # "outnumbered outstanding by 14 to 4": the groups compared, in order
            first.category, second.category = grades
        # "... were 38% and 49% respectively": the n-th figure of the list takes the n-th grade before it.
        for k, (category, _rule) in spans.respectively(page.layer, sent, [(c.n.q_start, c.n.end) for c in acc]).items():
            acc[k].category = category
        # "reviewed four key areas of the council's work": a framework's parts its clause does not judge; "two
        # previous inspections": a subject's own past events, judged or not.
        fp = page.fr.p
        parts = [c for c in acc if c.n.kind == "count" and (
            (not c.category and fp["unjudged_parts_pattern"].match(c.measure)) or fp["past_events_pattern"].match(c.measure))]
        # "one case where ...", "in one document": the numeral one with no judgement, qualifier or whole names a
        # single thing, not a statistic ("only one case involved ..." counts against the rest).
        ones = [c for c in acc if c.n.kind == "count" and c.n.form == "words" and c.n.value == 1 and not c.category
                and not c.n.qualifier and not c.children and c.host is None and not c.is_denominator
                and not page.fr.p["contrast_before_pattern"].search(page.text, max(0, c.n.start - 12), c.n.start)]
        if parts or ones:
            acc = [c for c in acc if c not in parts and c not in ones]
            if rejected is not None:
                parts_why = "counts {!r}: a framework's unjudged parts or a subject's own past events"
                for group, rule, why in ((parts, "count.descriptive", parts_why),
                                         (ones, "count.one-unjudged", "one {!r} that no judgement counts: a single thing")):
                    rejected.extend(Rejected(page.doc.doc_id, c.n.start, c.n.end, page.text[c.n.start:c.n.end], rule,
                                             why.format(c.measure)) for c in group)
        if acc:
            previous = (previous + acc)[-12:]
        out += acc
    return out


def _dated_values(page: _Page, cs: list[_Cand], date_ends: set[int], previous: list[_Cand]) -> None:
    """A bare count in brackets right after a date (one of `date_ends` before the bracket), after a count in its
    sentence, is that count's value then ("2,145 active children's homes - an increase of 74 homes compared with
    31 March 2016 (2,071)")."""
    text = page.text
    for c in cs:
        if c.accepted or c.n.kind != "count" or text[c.n.end:c.n.end + 1] != ")":
            continue
        opened = text.rfind("(", c.sent[0], c.n.q_start)
        if opened < 0 or text[opened + 1:c.n.q_start].strip() or (
                c.sent[0] + len(text[c.sent[0]:opened].rstrip())) not in date_ends:
            continue
        if any(o.accepted and o.n.kind == "count" for o in cs[:cs.index(c)]) and (
                ante := _antecedent(page, c, cs, previous)):
            c.measure, c.rule, c.accepted = ante, COUNT_COMPARE, True


def _pairs(page: _Page, cs: list[_Cand], previous: list[_Cand]) -> list[tuple[_Cand, _Cand, tuple[str, str]]]:
    """Bare counts paired by "to" or "against" after a clause comparing two judged groups ("inadequate ones
    outnumbered outstanding by 14 to 4"), accepted with the sentence's measure: (first, second, their grades)."""
    p, text, out = page.fr.p, page.text, []
    for a, b in pairwise(cs):
        if a.accepted or b.accepted or a.n.kind != "count" or b.n.kind != "count" or not p[
                "pair_between_pattern"].fullmatch(text, a.n.end, b.n.q_start) or page.np_after(b.n.end):
            continue
        lo = max([o.n.end for o in cs[:cs.index(a)] if o.accepted] + [a.sent[0]])
        if not p["pair_compared_pattern"].search(text, lo, a.n.q_start):
            continue
        grades = [ph for ph in page.layer.phrases(a.sent) if lo <= ph.start and ph.end <= a.n.q_start
                  and not ph.change and not ph.source and not ph.negated]
        ante = _antecedent(page, a, cs, previous)
        if len(grades) < 2 or grades[-2].category == grades[-1].category or not ante:
            continue
        for c in (a, b):
            c.measure, c.rule, c.accepted = ante, COUNT_PAIR, True
        out.append((a, b, (grades[-2].category, grades[-1].category)))
    return out


def _descriptive(fr: FigureRules, phrase: str) -> bool:
    """A noun phrase whose head counts parts of an argument ("four key themes", "one aspect")."""
    head = phrase.rsplit(None, 1)[-1].lower()
    return head in fr.descriptive or head + "s" in fr.descriptive


def _descriptive_after(page: _Page, n: Number) -> str:
    """The noun phrase after a number when it counts parts of an argument ("four key themes"), else ""."""
    m = page.fr.skip.match(page.text, n.end)
    found = spans.noun_phrase(page.layer.g, page.text, m.end(), singular=n.value == 1, at_word=True) if m else None
    phrase = page.text[found[0]:found[1]] if found else ""
    return phrase if phrase and _descriptive(page.fr, phrase) else ""


def _why_not(page: _Page, c: _Cand) -> Rejected:
    """The record of a number that no rule made a figure."""
    n, text = c.n, page.text
    if phrase := _descriptive_after(page, n):
        rule, reason = "count.descriptive", f"counts {phrase!r}: parts of an argument, not things"
    else:
        rule, reason = "count.no-measure", "no noun phrase after it, and nothing before it in its sentence it shares one with"
    return Rejected(page.doc.doc_id, n.start, n.end, text[n.start:n.end], rule, reason)


def _attach(page: _Page, cs: list[_Cand]) -> None:
    """Bracketed counts to their share, denominators to their numerator."""
    p, text = page.fr.p, page.text
    for prev, cur in pairwise(cs):
        between = text[prev.n.end:cur.n.q_start]
        if _ASCII_DIGIT.search(between) if between.isascii() else any(ch.isdigit() for ch in between):
            continue
        if prev.host is not None and _OR.fullmatch(between):
            cur.host = prev.host  # "one quarter (23% or 459)": both stand for the quarter
            prev.host.children.append(cur)
        elif prev.host is None and (p["paren_pattern"].match(between) or (
                (prev.n.kind == "count") != (cur.n.kind == "count") and p["apposed_share_pattern"].match(between))):
            # "10 out of the 23 councils (44%)": the share is the numerator's, not the denominator's.
            owner = next((o for o in cs if prev in o.children), prev) if prev.is_denominator else prev
            cur.host = owner
            owner.children.append(cur)
        elif cur.n.kind == "count" and not cur.n.qualifier and (p["denominator_pattern"].match(between) or (
                # (the noun phrase is read only where the text before the next count ends in "out of")
                prev.n.kind == "count" and p["denominator_after_np_pattern"].search(between)
                and (np := page.np_after(prev.n.end)) is not None
                and p["denominator_after_np_pattern"].match(text, np[1], cur.n.q_start))):
            cur.is_denominator = True
            prev.children.append(cur)
            if prev.n.kind == "count" or prev.n.form in ("digits", "words"):
                prev.denominator = numbers.format_value(cur.n.value)


def _after_children(page: _Page, c: _Cand) -> int:
    """Where the text about `c` resumes after its bracketed count, if any."""
    pos = c.n.end
    for ch in c.children:
        if ch.host is c and (m := _APPOSED_END.match(page.text, ch.n.end)):
            pos = max(pos, m.end())  # "68 per cent, or 102, of ..."
        elif ch.host is c and page.text[c.n.end:ch.n.q_start].strip()[:1] in (",", "-", "–", "—") and (
                m := _APPOSED_CLOSE.match(page.text, ch.n.end)):
            pos = max(pos, m.end())  # "86 - more than half - were deemed ...", "119, or 79 per cent, are ..."
        elif ch.host is c:
            close = page.text.find(")", ch.n.end, ch.n.end + 60)
            pos = close + 1 if close >= 0 else ch.n.end
    return pos


def _antecedent(page: _Page, c: _Cand, cs: list[_Cand], previous: list[_Cand], named: str | None = None) -> str:
    """The measure a number shares by ellipsis: the figure before it in the
    sentence, else a measure noun earlier in the sentence, else the figures of
    the sentences just before. `named`: `_named_measure` of `c`, when the caller has it."""
    for o in reversed(cs[:cs.index(c)]):
        if o.accepted and o.measure:
            return o.measure
    np = (_named_measure(page, c) if named is None else named) or page.subject_np(c.sent[0], c.n.q_start)
    if np:
        return np
    for o in reversed(previous):
        if o.measure:
            return o.measure
    k = page.doc.sentence_index(c.sent[0]) - 1
    if k < 0:
        return ""
    before = page.doc.sentences[k]
    if spans.labelled(page.layer, c.sent, c.n.q_start) is not None:
        # "Ofsted ILACS inspections, January to March 2020 / Outstanding (2): ...": a heading names what the
        # counts its grades label count
        return page.plural_np(*before)
    if c.n.kind != "count":
        # "Most councils achieved one of the top two grades. Ofsted announced that 8 per cent achieved grade 4": a
        # bare share is of what the sentence before, with a quantifier, made its subject
        m = page.fr.p["quantified_subject_pattern"].match(page.text, *before)
    elif c.is_denominator or any(ch.is_denominator for ch in c.children):
        # "Ms Gilbert wrote to all councils ... Last year only four out of 150 were rated inadequate"
        m = page.fr.p["all_before_pattern"].search(page.text, *before)
    else:
        m = None
    return page.plural_np(m.start("np"), m.end("np")) if m else ""


def _judge(page: _Page, c: _Cand, cs: list[_Cand], previous: list[_Cand], named: bool = False) -> None:
    """Decide whether `c` is a figure, and what it measures. `named`: a figure before it named its measure."""
    fr, text, n = page.fr, page.text, c.n
    p = fr.p
    if n.kind != "count":
        c.rule = PERCENTAGE if n.kind == "percentage" else PROPORTION
        c.accepted = True
    explicit, tail = "", n.end
    if n.kind == "count" and n.value != int(n.value) and not _MAGNITUDE.match(text, n.start, n.end):
        return  # a count is whole: "2.2", "19.5" with no "million" after are sections, averages, ratios
    if n.kind == "count" or n.form in ("ratio", "rate"):
        # After a figure that named its measure, "40 offering services" is a clause, not "offering services".
        found = page.np_after(n.end, singular=n.value == 1, participle=not named, parts=n.form == "ratio")
        if found:
            (explicit, tail), c.rule = found, c.rule or COUNT_NOUN
        elif n.kind == "count" and _descriptive_after(page, n):
            return  # "one of the five themes": parts of an argument, whatever the sentence counts
        elif n.kind == "count" and (m := p["shared_noun_pattern"].match(text, n.end)) and \
                page.layer.g.respectively.search(text, c.sent[0], c.sent[1]) and (found := page.np_after(m.end())):
            # "20 and 9 boroughs performed well and adequately respectively": the noun the numbers share
            explicit, c.rule = found[0], COUNT_ELLIPSIS
    if not explicit:
        pos = _after_children(page, c)
        den = next((ch for ch in c.children if ch.is_denominator), None)
        if n.kind == "count" and pos > n.end and den is None and (found := page.np_after(pos, singular=n.value == 1)):
            (explicit, tail), c.rule = found, c.rule or COUNT_NOUN  # "11 (7%) local authorities were outstanding"
        elif den is not None and (found := page.np_after(den.n.end)):
            (explicit, tail), c.rule = found, c.rule or COUNT_OF
        elif den is not None and n.kind == "count" and _descriptive_after(page, den.n):
            return  # "inadequate in three of the four key judgements": parts of an argument, as its whole is
        for at in dict.fromkeys((n.end, pos)):
            m = p["of_pattern"].match(text, at) if not explicit else None
            if m and m.end() > at and (found := page.np_after(m.end() - 1, mass=n.kind != "count")):
                (explicit, tail), c.rule = found, c.rule or COUNT_OF
    if explicit and explicit.rsplit(None, 1)[-1].lower() in fr.wholes and n.kind != "count":
        explicit = ""  # "25 councils, 17% of the total": a share of what its sentence counts
    if explicit:
        c.measure, c.accepted, c.own = _measure(fr, explicit) + _post(page, tail), True, (n.end, tail)
        return
    if c.host is not None and c.host.accepted:
        c.measure, c.rule, c.accepted = c.host.measure, c.rule or COUNT_PAREN, True
        return
    if n.kind != "count":
        named = _named_measure(page, c)
        # A share after a count in its own sentence is about that count ("52,700 children ... - up by 1.1%"),
        # not a restatement of an earlier share.
        before = next((o for o in reversed(cs[:cs.index(c)]) if o.accepted and o.measure), None)
        counted = before is not None and before.n.kind == "count"
        c.restates = None if named or counted else _same_statistic(page, c, cs, previous)
        c.measure = named or (c.restates.measure if c.restates is not None
                              else _antecedent(page, c, cs, previous, named))
        return
    if n.q_start == n.start and p["marker_pattern"].match(text, n.start) and not text[c.sent[0]:n.start].strip():
        return  # a footnote, section or item number: no measure to share
    before = text[max(c.sent[0], n.q_start - 40):n.q_start]
    ante = _antecedent(page, c, cs, previous)
    if p["anaphor_pattern"].match(text, n.end) and ante:
        c.measure, c.rule, c.accepted = ante, COUNT_ANAPHOR, True
    elif p["there_pattern"].search(before) or (ante and p["inverted_pattern"].search(before)):
        c.measure, c.rule, c.accepted = ante, COUNT_THERE, True
    elif ante and p["bare_whole_pattern"].search(before) and any(
            o.accepted and o.n.kind == "count" and o.n.value <= n.value for o in cs[:cs.index(c)]):
        # "1 of 30 local authorities ... out of 151 that had undergone inspection": the whole of a count before it
        c.measure, c.rule, c.accepted = ante, COUNT_OF, True
    elif ante and p["partitive_pattern"].search(before):
        c.measure, c.rule, c.accepted = ante, COUNT_PARTITIVE, True
    elif ante and (p["continuation_pattern"].match(text, n.end) or page.layer.verb_at(n.end)
                   or (c.children and page.layer.verb_at(_after_children(page, c)))
                   or _judgement_follows(page, c) or _placed_after_grade(page, c)):
        c.measure, c.rule, c.accepted = ante + _post(page, n.end), COUNT_ELLIPSIS, True
    elif ante and (m := p["change_pattern"].search(text, max(c.sent[0], n.q_start - 90), n.q_start)) and not \
            p["rate_of_pattern"].search(text, c.sent[0], n.q_start):
        verb = m.start()  # (a wider window: "ranging from 56 serious incidents in the North West to 17")
        heads = [o.own[1] if o.own else o.n.end for o in cs[:cs.index(c)] if o.accepted and o.n.kind == "count"]
        if any(h <= verb and page.layer.g.change_subject.fullmatch(text, h, verb) for h in heads):
            return  # "four of these went down from three to two": the grades a counted group moved between
        c.measure, c.rule, c.accepted = ante, COUNT_CHANGE, True
    elif p["copula_pattern"].search(before) and (named := _named_measure(page, c)):
        c.measure, c.rule, c.accepted = named, COUNT_NAMED, True  # "The number of councils rated inadequate was 22"
    elif p["compare_pattern"].search(before) and any(o.accepted for o in cs[:cs.index(c)]):
        c.measure, c.rule, c.accepted = ante, COUNT_COMPARE, True
    elif ante and p["dated_pattern"].match(text, n.end) and not p["elided_grade_pattern"].search(
            text, max(c.sent[0], n.q_start - 60), n.q_start):
        c.measure, c.rule, c.accepted = ante, COUNT_ELLIPSIS, True
    elif c.is_denominator and any(o.accepted for o in cs if c in o.children):
        c.measure, c.rule, c.accepted = ante, COUNT_OF, True
    elif ante and any(ch.is_denominator for ch in c.children):
        c.measure, c.rule, c.accepted = ante, COUNT_OF, True  # "as were eight of the 43 (19%)"
    elif ante and p["absolute_pattern"].search(before) and p["absolute_tail_pattern"].match(text, n.end):
        c.measure, c.rule, c.accepted = ante, COUNT_ELLIPSIS, True  # "..., with around 300 subject to plans"
    elif ante and p["apposition_pattern"].match(text, n.end):
        c.measure, c.rule, c.accepted = ante, COUNT_ELLIPSIS, True  # "only two, Sandwell and Ealing, ..."
    elif ante and _gapped(page, c, cs):
        c.measure, c.rule, c.accepted = ante, COUNT_ELLIPSIS, True  # "to 33 councils ... and to 39 for ..."
    elif ante and c.children and any(ch.host is c and ch.n.kind != "count" for ch in c.children) and p[
            "clause_end_pattern"].match(text, _after_children(page, c)):
        # "councils ran 393 (19%).": a count and its share in brackets at a clause's end, the noun left out.
        c.measure, c.rule, c.accepted = ante, COUNT_ELLIPSIS, True
    elif ante and p["whole_opener_pattern"].match(text, c.sent[0], n.q_start) and p[
            "final_object_pattern"].search(before) and p["clause_end_pattern"].match(text, n.end):
        # "Of the 18 inspections, urgent issues were identified in nine.": the object a clause ends on, in a
        # sentence that opened on the whole, is a part of it.
        c.measure, c.rule, c.accepted = ante, COUNT_PARTITIVE, True


def _gapped(page: _Page, c: _Cand, cs: list[_Cand]) -> bool:
    """A bare number after "and to", "and in", ", stayed unchanged in" ..., where an earlier figure of its sentence
    followed the same preposition: the clause repeats that figure's construction with its noun left out."""
    text = page.text
    m = page.fr.p["gapped_pattern"].search(text, max(c.sent[0], c.n.q_start - 48), c.n.q_start)
    if m is None:
        return False
    prep = m.group("prep").lower()
    for o in cs[:cs.index(c)]:
        words = text[max(c.sent[0], o.n.q_start - 14):o.n.q_start].lower().split()
        if o.accepted and (words[-1:] == [prep] or words[-2:] == [prep, "the"]):
            if len(m.group(0).split()) > 2:  # words between the comma or conjunction and the preposition
                c.clause_start = m.start()
            return True
    return False


def _named_measure(page: _Page, c: _Cand) -> str:
    """What the sentence names as counted by construction, before or around the number: "The number of councils
    which provide good services has fallen from 78% to 73%" (whatever nouns follow "the number of"); for a share,
    "the proportion of good or outstanding childcare", "child protection investigations rose by 12 per cent" (a
    rate of growth is of its verb's subject) and "a 124% increase in serious cases" (what moved)."""
    text, p = page.text, page.fr.p
    share = c.n.kind != "count"
    if share and (d := p["difference_pattern"].match(text, c.n.end)) and (
            of := p["difference_of_pattern"].match(text, d.end())) and of.end() > d.end():
        if found := page.np_after(of.end() - 1):
            return _measure(page.fr, found[0])
    if share and "by" in text[max(c.sent[0], c.n.q_start - 20):c.n.q_start].lower() and (
            m := p["growth_subject_pattern"].search(text, c.sent[0], c.n.q_start)):  # it ends "... by" the number
        if m.group("np").lower() in _RELATIVE:  # "... core assessments completed, which rose by 5.4%"
            return _relative_antecedent(page, c.sent[0], m.start("np"))
        return _measure(page.fr, m.group("np"))
    # The nearest "the number of X" (or, for a share, "the proportion of X") before the number.
    named = [(m.end(), False) for m in page.finditer("number_of_pattern", c.sent[0], c.n.q_start)]
    if share:
        named += [(m.end(), True) for m in page.finditer("share_of_pattern", c.sent[0], c.n.q_start)]
    for end, of_share in sorted(named, reverse=True):
        grade = scales.grade_at(text, end, page.dir, page.low) if of_share else None  # "of good or outstanding X"
        if found := page.np_after(grade.end() if grade else end - 1, mass=of_share):
            return _measure(page.fr, found[0])
    return ""


_RELATIVE = frozenset({"which", "that", "who"})
_ANTECEDENT_WORD = regex.compile(r"[\w'’()-]+")


def _relative_antecedent(page: _Page, start: int, end: int) -> str:
    """The plural noun a relative pronoun at `end` stands for: the last one before it in its sentence, with the
    words before it that are no closed-class word ("the numbers of core (full) assessments completed, which")."""
    g = page.layer.g
    words = list(_ANTECEDENT_WORD.finditer(page.text, start, end))
    for i in range(len(words) - 1, -1, -1):
        if spans.looks_plural(g, words[i].group()):
            j = i
            while j > 0 and i - j < 3 and words[j - 1].group().lower() not in g.closed \
                    and not spans.looks_plural(g, words[j - 1].group()) and words[j].start() - words[j - 1].end() <= 1:
                j -= 1
            return _measure(page.fr, page.text[words[j].start():words[i].end()])
    return ""


def _same_statistic(page: _Page, c: _Cand, cs: list[_Cand], previous: list[_Cand]) -> _Cand | None:
    """The share a bare share restates at another time or for another group: "it was 36%" after "... increased
    to 46%", "The midlands had 72% and the south 66%" after "81% good or better": the last share before it in its
    sentence or the sentence before, when its subject is a pronoun or its sentence states no judgement."""
    if not (page.fr.p["restated_pattern"].search(page.text, max(c.sent[0], c.n.q_start - 30), c.n.q_start)
            or not page.layer.phrases(c.sent)):
        return None
    k = page.doc.sentence_index(c.sent[0]) - 1
    before = page.doc.sentences[k] if k >= 0 else None
    shares = [o for o in cs[:cs.index(c)] if o.accepted and o.n.kind != "count" and o.measure]
    shares = shares or [o for o in previous if o.sent == before and o.n.kind != "count" and o.measure]
    return shares[-1] if shares else None


def _post(page: _Page, pos: int) -> str:
    """A place that narrows what is counted: "84,000 of these children are in care"."""
    m = page.fr.p["postmodifier_pattern"].match(page.text, pos)
    return " " + " ".join(m.group("post").lower().split()) if m else ""


def _judgement_follows(page: _Page, c: _Cand) -> bool:
    """ "97 good", "93 'good'", "three zero stars", "17 (40%) inadequate", "36 good (24%)", "eight the lowest no star
    rating": a judgement right after (or after its bracketed share)."""
    for pos in dict.fromkeys((c.n.end, _after_children(page, c))):
        lead = page.fr.p["judgement_lead_pattern"].match(page.text, pos)
        if lead is not None and any(j.start == lead.end() for j in page.layer.phrases(c.sent)):
            return True
    return False


def _placed_after_grade(page: _Page, c: _Cand) -> bool:
    """ "judged excellent in 28 councils, good in 65": a bare number that is the place of a judgement before it;
    "good, 54 (36%); inadequate, 29": one a judgement labels."""
    return any(page.layer.placed(j, c.n.q_start) for j in page.layer.phrases(c.sent)
               if j.end <= c.n.q_start) or spans.labelled(page.layer, c.sent, c.n.q_start) is not None


def _categorise(page: _Page, c: _Cand, i: int, acc: list[_Cand], previous: list[_Cand]) -> None:
    """The judgement bucket of accepted figure `acc[i]`: a total, its host's,
    the judgement its clause gives it (spans.attribute, as for authorities),
    else that of the figure before it in the same clause, else after "this
    rating", that of the sentence before."""
    text, p = page.text, page.fr.p
    t = None if c.n.qualifier else p["total_pattern"].search(text[max(c.sent[0], c.n.start - 30):c.n.start])
    if t is not None and t.group("all") and _OF_AFTER.match(text, c.n.end):
        t = None  # "all 15 of the LAs": a part, not the whole
    one_of = t is not None and _ONE_OF.search(text, max(c.sent[0], c.n.q_start - 16), c.n.q_start) is not None
    if t is not None and (t.group("all") or one_of) and not c.is_denominator:
        # "All five were given zero-star ratings": the whole of a group, in the judgement its clause gives it;
        # "one of the 80 councils judged to perform well": the group the pronoun "one" is a member of, likewise.
        # Not past the next figure: "Across all 63 authorities, one-third were rated good" is a total.
        # Nor is a figure it is compared with ("A total of 31 councils, up from 24, now have ...") a next figure.
        nxt = next((o.n.q_start for o in acc[i + 1:] if o not in c.children and o.host is not c
                    and not _compared(page, c.own[1] if c.own else c.n.end, o.n.q_start)), None)
        category, rule, used = spans.attribute(page.layer, c.sent, c.n.q_start, c.n.end, hi=nxt, own=c.own)
        if one_of and _FINITE.search(text, c.own[1] if c.own else c.n.end, max(used, c.n.end)):
            category = ""  # "one of the four centres inspected was inadequate": the judgement is the one's, not the four's
        c.category = category if rule == "judg.after" and category else TOTAL
        c.whole_group = c.category == TOTAL and not (t.group("all") or "").lower().startswith("a total")
        return
    if c.is_denominator or t is not None:
        c.category = TOTAL
        return
    if c.host is not None:
        c.category = c.host.category
        return
    if p["difference_pattern"].match(text, c.n.end):
        c.category = ""  # "a 7% increase in the number of homes": how much a statistic moved
        return
    if c.n.kind != "count" and p["band_pattern"].search(text, max(c.sent[0], c.n.q_start - 24), c.n.q_start):
        c.category = ""  # "rated good, putting it in the top 25% of councils": a rank's band, not the grade's share
        return
    # A group the figure is counted in ("two councils are among only three ...") does not end its clause.
    # Nor does the figure it is compared with ("15 as opposed to 11 - dropped a star"): both share the predicate.
    # Nor do its own apposed counts and their wholes ("Fewer than half of councils - 10 of 23 - were good").
    later = [o for o in acc[i + 1:] if o not in c.children and o.host is not c and o.rule != COUNT_PARTITIVE
             and not any(o in ch.children for ch in c.children if ch.host is c)
             and not _compared(page, c.n.end, o.n.q_start) and not _shares_predicate(page, c, o)]
    seg_end = later[0].n.q_start if later else c.sent[1]
    # "improved for 24 councils and deteriorated for 15": the second judgement governs the next figure.
    governing = [ph.start for ph in page.layer.phrases(c.sent) if later and c.n.end <= ph.start
                 and p["governs_next_pattern"].match(text[ph.end:seg_end])]
    seg_end = governing[0] if governing else seg_end
    # "six monitoring visits to Slough since its services were rated inadequate": a subordinate clause with a
    # subject of its own judges that subject, not what the figure counts.
    if sub := p["subordinate_pattern"].search(text, c.own[1] if c.own else c.n.end, seg_end):
        seg_end = sub.start()
    indep = [o for o in acc[:i] if o.host is None and not o.is_denominator]
    seg_start = max([o.n.end for o in indep] + [c.sent[0]])
    # "rated 'inadequate' earlier this year, prompting the council to invest in 130 new posts": what followed from
    # a judgement is a clause of its own.
    for m in p["consequence_pattern"].finditer(text, seg_start, c.n.q_start):
        seg_start = m.end()
    # ", stayed unchanged in 53": a gapped figure with a verb phrase of its own is judged from there on.
    own_verb = bool(indep) and c.clause_start is not None and c.clause_start >= seg_start
    if own_verb:
        seg_start = c.clause_start
    category, rule, _ = spans.attribute(page.layer, c.sent, c.n.q_start, c.n.end, lo=seg_start, hi=seg_end, own=c.own)
    own_clause = c.rule == COUNT_ELLIPSIS and page.layer.verb_at(c.n.end)
    # The same statistic at another time ("that rose to eight", "down from 78%", "compared with 22%").
    moved = c.rule in (COUNT_CHANGE, COUNT_COMPARE) or p["compare_pattern"].search(
        text, max(c.sent[0], c.n.q_start - 40), c.n.q_start) is not None
    if indep and rule == "judg.before" and own_clause:
        c.category = ""  # "... given zero stars and four face intervention": that judgement was the figure before's
        return
    if indep and rule == "judg.before" and not _OF_AFTER.match(text, c.n.end) and p["circumstance_pattern"].search(
            text, max(seg_start, c.n.q_start - 40), c.n.q_start) and not moved:
        # "nine councils were judged poor in the ratings measuring performance in 152 councils": a figure in a
        # prepositional phrase after another figure's predicate is a circumstance of that clause.
        c.category = ""
        return
    if indep and rule == "judg.before" and not moved and p["rated_whole_pattern"].search(
            text, max(seg_start, c.n.q_start - 40), c.n.q_start):
        # "nine councils were rated poor in the annual ratings of 152 local authorities": the whole the ratings
        # covered, of which the figure before is a part.
        c.category = TOTAL
        return
    if rule:
        c.category = category
        return
    # A coordinated clause the figure begins is not about what came before it, unless the figure is the same
    # statistic at another time ("four were inadequate, but this year that rose to eight").
    # Unless it has no verb of its own: "46% were judged outstanding for leadership, and 36% for help and
    # protection" gaps the verb and its grade.
    lo_, hi_ = page.layer.clause(c.sent, c.n.q_start, c.n.end)
    broken = not moved and lo_ > seg_start and not page.layer.verbless(lo_, hi_)
    broken = broken or own_clause or own_verb  # a bare number with a verb of its own heads its own clause
    for o in reversed([] if broken else indep):
        if o.category and o.category != TOTAL and not spans.aside(page.layer, c.sent[0], o.n.q_start, o.n.end,
                                                                  c.n.q_start):
            c.category = o.category
            return
    if c.restates is not None and c.own is None and c.restates.category not in ("", TOTAL):
        c.category = c.restates.category
        return
    tail = c.own[1] if c.own is not None else c.n.end
    definite = not indep and c.n.kind == "count" and p["definite_group_pattern"].match(
        text, c.sent[0], c.n.q_start) is not None and not p["whole_after_pattern"].match(text, tail)
    if definite or page.layer.refers_back(c.sent):
        # "this category", "the rating", "The 10 authorities were ...": the sentence before's figures, else its
        # judgement, else earlier figures.
        k = page.doc.sentence_index(c.sent[0]) - 1
        before = page.doc.sentences[k] if k >= 0 else None
        if definite and (same := [o for o in previous if o.n.kind == "count" and o.n.value == c.n.value]):
            c.category = same[-1].category  # "Of the 59 ... inspected, ... The 59 inspections involved ...": that count
            return
        near = [o for o in previous if o.sent == before]
        for o in reversed(near):
            if o.category and o.category != TOTAL:
                c.category = o.category
                return
        if before is not None and not near and (said := spans.sentence_judgement(page.layer, before)[0]):
            c.category = said
            return
        for o in reversed([] if near else previous):
            if o.category and o.category != TOTAL:
                c.category = o.category
                return
    # "looked at 10 outcome areas in total", "the 152 LAs in England": the whole population.
    whole = p["whole_after_pattern"].match(text, tail) if c.n.kind == "count" else None
    if whole is not None and (whole.group("sum") or text[max(c.sent[0], c.n.q_start - 4):c.n.q_start].lower() == "the "):
        c.category = TOTAL
        return
    if c.n.kind == "count" and not c.n.qualifier and not _OF_AFTER.match(text, c.n.end) and p[
            "whole_before_pattern"].search(text, max(c.sent[0], c.n.q_start - 30), c.n.q_start):
        c.category = TOTAL
        return
    # "There are 152 departments. Of these three are rated outstanding": the whole the next sentence divides.
    # "visits to 18 local authorities, nine of which were ...": the whole the relative clause after it divides.
    # A share divides it too ("1,100 inspections in the quarter, a fifth of which found ...").
    if c.n.kind == "count" and later and (later[0].n.kind == "count" or p["divided_of_pattern"].match(
            text, later[0].n.end)) and (d := p["divided_after_pattern"].fullmatch(text, tail, later[0].n.q_start)) and (
            d.group("of") or p["divided_of_pattern"].match(text, later[0].n.end)):
        c.category = TOTAL
        return
    if c.n.kind == "count" and (group := _judged_group(page, c, acc[:i], previous)):
        c.category = group
        return
    k = page.doc.sentence_index(c.sent[0]) + 1
    if c.n.kind == "count" and not later and 0 < k < len(page.doc.sentences) and not any(
            ch.is_denominator for ch in c.children) and p["divided_next_pattern"].match(
            text, page.doc.sentences[k][0], page.doc.sentences[k][1]):
        c.category = TOTAL
        return
    c.category = ""


def _shares_predicate(page: _Page, c: _Cand, o: _Cand) -> bool:
    """Whether the next figure `o` is coordinated with `c` before one predicate they share ("18 councils in England
    and four in the North West were rated outstanding"; "one of only 18 ... and one of only four ... to be rated
    Outstanding"), so that `c`'s clause runs on past it."""
    p, text = page.fr.p, page.text
    end = c.own[1] if c.own is not None else c.n.end
    m = p["coordinated_count_pattern"].match(text, end, o.n.q_start)
    if m is None or not page.layer.verbless(end, o.n.q_start):
        return False
    if m.group("one"):
        return p["one_of_before_pattern"].search(text, max(c.sent[0], c.n.q_start - 20), c.n.q_start) is not None
    lo, _ = page.layer.clause(c.sent, c.n.q_start, c.n.end)
    return page.layer.verbless(lo, c.n.q_start)


def _judged_group(page: _Page, c: _Cand, before: list[_Cand], previous: list[_Cand]) -> str:
    """The judgement of a group the page counted and judged before, of which count `c` is a part: its whole ("Of
    the 10, four were ...", "two of the six") is that group's number, or `c` is the rest of it ("The remaining six",
    after the group and another part of it)."""
    p, text = page.fr.p, page.text
    earlier = [o for o in previous + before if o.n.kind == "count"]
    whole = next((ch.n.value for ch in c.children if ch.is_denominator), None)
    if whole is None and (m := p["part_of_group_pattern"].match(text, c.sent[0], c.n.q_start)):
        whole = n.value if (n := numbers.parse(m.group("n"))) is not None else None
    if whole is not None:
        return next((o.category for o in reversed(earlier) if o.n.value == whole and o.category not in ("", TOTAL)), "")
    if p["remaining_pattern"].search(text, max(c.sent[0], c.n.q_start - 20), c.n.q_start):
        for k, g in enumerate(earlier):
            if g.category not in ("", TOTAL) and any(o.n.value + c.n.value == g.n.value for o in earlier[k + 1:]):
                return g.category
    return ""


def _compared(page: _Page, end: int, start: int) -> bool:
    """Whether the text between two figures compares them ("15 as opposed to 11", "36, up from 30")."""
    return 0 <= start - end <= 40 and page.fr.p["compare_pattern"].search(page.text, end, start) is not None


def _period(page: _Page, c: _Cand, i: int, acc: list[_Cand], dates: list[tuple[int, int]]) -> None:
    """The year a figure is about, where its clause states it."""
    text, p = page.text, page.fr.p
    if c.host is not None or c.is_denominator:
        owner = c.host or next((o for o in acc if c in o.children), None)
        if owner is not None and owner.period:
            c.period = owner.period
            return
    starts = [s for s, _ in dates]
    later = [o for o in acc[i + 1:] if o not in c.children and o.host is not c]
    seg_end = later[0].n.q_start if later else c.sent[1]
    for m in page.finditer("period_pattern", c.n.end, seg_end):
        if not _spans_overlap(dates, starts, m.start(), m.end()) and p["period_cue_pattern"].search(
            text[max(c.n.end, m.start() - 20):m.start()]
        ):
            c.period = m.group(0)
            return
    indep = [o for o in acc[:i] if o.host is None and not o.is_denominator]
    seg_start = max([o.n.end for o in indep] + [c.sent[0]])
    last = ""
    for m in page.finditer("period_pattern", seg_start, c.n.q_start):
        if not _spans_overlap(dates, starts, m.start(), m.end()):
            last = m.group(0)
    c.period = last


# --- Tables ---------------------------------------------------------------------------


def _line_at(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _table_measure(page: _Page, start: int) -> str:
    fr = page.fr
    lo = max(0, start - fr.table_context)
    best = ""
    for m in page.finditer("number_of_pattern", lo, start):
        if found := page.np_after(m.end() - 1):
            best = _measure(fr, found[0])
    return best or page.nearest_np(lo, start)


def _header_line(text: str, start: int) -> tuple[int, int] | None:
    """The line heading a table whose first row starts at `start`: the line just above,
    or the one above a blank line (a web table's header row is set apart from its body)."""
    if start == 0:
        return None
    hs, he = _line_at(text, start - 1)
    if not text[hs:he].strip() and hs > 0:
        hs, he = _line_at(text, hs - 1)
    return (hs, he) if text[hs:he].strip() else None


def _table_period(page: _Page, start: int) -> str:
    """The year in the header line just above a table's first row."""
    head = _header_line(page.text, start)
    if head is None:
        return ""
    m = page.fr.p["period_pattern"].search(page.text, *head)
    return m.group(0) if m else ""


def _share_columns(page: _Page, start: int) -> list[int]:
    """Columns a table's header line, just above its first row, heads "%" or "per cent"
    ("No. %": the second column is percentages); [] without such a header."""
    head = _header_line(page.text, start)
    if head is None:
        return []
    heads = page.fr.p["table_header_pattern"].fullmatch(page.text, *head)
    if heads is None:
        return []
    cols = heads.group(0).split()
    return [j for j, h in enumerate(cols) if page.fr.p["share_heading_pattern"].fullmatch(h)]


@dataclass(frozen=True)
class _Column:
    """What a table's column heading says of its cells: a judgement, a year, a total or a share."""

    category: str = ""
    period: str = ""
    share: bool = False


_HEAD_WORD = regex.compile(r"[^\s]+")


def _column_heads(page: _Page, start: int) -> list[_Column]:
    """The column headings of the header line above a table, left to right ("Region Outstanding
    Good Requires improvement Inadequate", "Judgement 2016 2017 2018", "Grade Number %"): each
    judgement, year, total or share heading; words heading nothing a cell holds (the label
    column's "Region") are passed over. [] when the line heads no such column."""
    head = _header_line(page.text, start)
    if head is None or page.text[head[0]:head[1]].rstrip()[-1:] in (".", "!", "?", ":"):
        return []  # a sentence, or a caption leading into the table, heads no columns
    return _heads_in(page, *head)


def _heads_in(page: _Page, hs: int, he: int) -> list[_Column]:
    """The column headings in text[hs:he], left to right (see `_column_heads`)."""
    text, p = page.text, page.fr.p
    found: list[tuple[int, _Column]] = []
    taken: list[tuple[int, int]] = []
    for j in scales.find(text[hs:he], page.era, page.dir):
        found.append((hs + j.start, _Column(category=j.category)))
        taken.append((hs + j.start, hs + j.end))
    for m in p["period_pattern"].finditer(text, hs, he):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append((m.start(), _Column(period=m.group(0))))
            taken.append((m.start(), m.end()))
    words = [m for m in _HEAD_WORD.finditer(text, hs, he) if not any(a < m.end() and m.start() < b for a, b in taken)]
    known = []
    for i, m in enumerate(words):
        if p["share_heading_pattern"].fullmatch(m.group(0)):
            found.append((m.start(), _Column(share=True)))
        elif p["total_label_pattern"].match(m.group(0)) and (
                i + 1 == len(words) or _gap_is_heads(text, m.end(), words[i + 1].start())):
            found.append((m.start(), _Column(category=TOTAL)))  # "Total", not "Overall rating"
        else:
            continue
        known.append(i)
    # Other words between two headings head a column of their own, one a run of them
    # ("Outstanding Good RI Inadequate": "RI" heads the third column, its grade unread).
    if len(found) > 1:
        first, last = min(f[0] for f in found), max(f[0] for f in found)
        for i, m in enumerate(words):
            if i not in known and first < m.start() < last and (
                    i == 0 or i - 1 in known or _gap_is_heads(text, words[i - 1].end(), m.start())):
                found.append((m.start(), _Column()))
    return [c for _, c in sorted(found, key=lambda f: f[0])]


def _gap_is_heads(text: str, end: int, nxt: int) -> bool:
    """Whether the next word of a header line (at `nxt`) is not part of the heading ending at `end`:
    a heading (judgement, year) stands between them."""
    return text[end:nxt].strip() != ""


def _cell_columns(heads: list[_Column], n: int) -> list[_Column] | None:
    """The heading over each of a row's `n` cells: one heading a cell, or one heading a pair
    ("Good" over "14 24%"); None when the headings do not line up with the cells."""
    if not heads:
        return None
    if len(heads) == n:
        return heads
    if 2 * len(heads) == n and not any(h.share for h in heads):
        return [h for h in heads for _ in (0, 1)]
    return None


def _cell_category(row: str, col: _Column | None) -> str:
    """A cell's category: its row label's judgement, else its column's; a "Total" row's cell
    under a judgement counts that judgement ("Total 8 27" under "Outstanding Good")."""
    if col is None or not col.category:
        return row
    if not row or (row == TOTAL and col.category != TOTAL):
        return col.category
    return row


def _stacked(page: _Page, nums: list[Number]) -> tuple[list[_Cand], set[int]]:
    """Figures of a table laid out one cell per line, as a web table whose cells stand on lines of
    their own comes out of the HTML: a header of one heading a line ("Region" / "Outstanding" /
    "Good"), then rows of as many lines, a label then one number a line, rows apart by a blank
    line or not. A row's width is read from its first row; the header is the lines just above it,
    each below the label column's a judgement, year, total or share heading."""
    text = page.text
    by_start = {n.start: n for n in nums}
    # Two lines holding a number and nothing else, or there is no such table: most pages stop here.
    if len(list(zip(range(2), _DIGIT_LINE.finditer(text), strict=False))) < 2 or \
            len(list(zip(range(2), _NUMBER_LINE.finditer(text), strict=False))) < 2:
        return [], set()
    lines = [(s, e) for s, e in _line_spans(text) if text[s:e].strip()]
    numeric = [_cell_numbers(page, s, e, by_start) for s, e in lines]
    out: list[_Cand] = []
    used: set[int] = set()
    i = 1
    while i < len(lines):
        width = _stacked_width(numeric, i)
        cols = _stacked_header(page, lines, numeric, i, width) if width else None
        if cols is None:
            i += 1
            continue
        measure, rows = _table_measure(page, lines[i - len(cols)][0]), []
        while i + width <= len(lines) and _stacked_width(numeric, i) == width:
            rows.append(i)
            i += width
        # As a table of rows: a judgement or a total in a row label or a heading; and more than one cell.
        if (len(rows) < 2 and width < 3) or not (
                any(page.category_of(text[slice(*lines[r])].strip()) for r in rows) or any(c.category for c in cols)):
            continue
        for r in rows:
            label = text[slice(*lines[r])].strip()
            cat = page.category_of(label)
            row_period = m.group(0) if (m := page.fr.p["period_pattern"].fullmatch(label)) else ""
            for j in range(1, width):
                col = cols[j - 1]
                for n in numeric[r + j] or ():
                    if col.share and n.kind == "count":
                        n = Number(n.start, n.end, n.value, "percentage", n.form, "", n.start)
                    out.append(_Cand(n, lines[r + j], measure=measure, rule=TABLE_CELLS,
                                     category=_cell_category(cat, col), period=col.period or row_period,
                                     accepted=True))
                    used.add(n.start)
    return out, used


_NUMBER_LINE = regex.compile(r"(?m)^[ \t]*\d[\d,.]*%?[ \t]*(?:\(\d[\d.]*%?\)[ \t]*)?$")
# How every `_NUMBER_LINE` begins, found by the standard library's engine at a third of the cost: a page with fewer
# than two such lines (most pages) has no stacked table.
_DIGIT_LINE = re.compile(r"(?m)^[ \t]*\d")


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    s = 0
    for e in (m.start() for m in regex.finditer("\n", text)):
        yield s, e
        s = e + 1
    yield s, len(text)


def _cell_numbers(page: _Page, s: int, e: int, by_start: dict[int, Number]) -> tuple[Number, ...] | None:
    """The numbers a line holds as its whole content: one ("24", "18%"), or a count and its share
    in brackets ("24 (28%)", a percentage); else None."""
    text = page.text
    if (m := page.fr.p["table_cells_pattern"].fullmatch(text, s, e)) is not None:
        count, share = by_start.get(m.start("n")), by_start.get(m.start("p"))
        if count is not None and share is not None:
            return count, Number(share.start, share.end, share.value, "percentage", share.form, "", share.start)
    ls = s + len(text[s:e]) - len(text[s:e].lstrip())
    n = by_start.get(ls)
    return (n,) if n is not None and text[n.end:e].strip() in ("", "%") else None


def _stacked_width(numeric: list[tuple[Number, ...] | None], i: int) -> int:
    """The lines of a row starting at line `i`: a label line then at least one number line."""
    if numeric[i] is not None:
        return 0
    j = i + 1
    while j < len(numeric) and numeric[j] is not None:
        j += 1
    return j - i if j - i > 1 else 0


def _stacked_header(page: _Page, lines: list[tuple[int, int]], numeric: list[tuple[Number, ...] | None], i: int,
                    width: int) -> list[_Column] | None:
    """The headings over a stacked table's cells: the `width - 1` lines above its first row (line
    `i`), each one heading, under the label column's heading if it has one; None if they are not."""
    above = i - (width - 1)
    if above < 0 or any(numeric[k] is not None for k in range(above, i)):
        return None
    cols = []
    for s, e in lines[above:i]:
        heads = _heads_in(page, s, e)
        if len(heads) != 1 or len(page.text[s:e].strip()) > 40:
            return None
        cols.append(heads[0])
    return cols


def _row_cells(text: str, start: int, end: int, nums: list[Number], starts: list[int]) -> list[Number | None]:
    """A table row's cells, left to right: the number each holds, or None for an empty cell ("-", "n/a")."""
    cells: list[Number | None] = []
    for tok in _HEAD_WORD.finditer(text, start, end):
        i = bisect_left(starts, tok.start())
        cells.append(nums[i] if i < len(nums) and nums[i].start < tok.end() else None)
    return cells


def _contents(page: _Page, nums: list[Number]) -> set[int]:
    """The page numbers of a table of contents flattened into a line ("Contents Summary of
    findings 3 Areas for improvement 4 ... 56"): after its heading, at least three titles each
    followed by a number, the numbers never going down. They are not figures."""
    p, text = page.fr.p, page.text
    out: set[int] = set()
    starts = [n.start for n in nums]
    for head in page.finditer("table_contents_pattern", 0, len(text)):
        pos, last, run = head.end(), 0.0, []
        for n in nums[bisect_left(starts, head.end()):]:
            if n.value < last or not p["table_contents_title_pattern"].fullmatch(text, pos, n.q_start) \
                    or not any(ch.isalpha() for ch in text[pos:n.q_start]):
                break
            run.append(n.start)
            pos, last = n.end, n.value
        if len(run) >= 3:
            out.update(run)
    return out


def _tables(page: _Page, nums: list[Number]) -> tuple[list[_Cand], set[int]]:
    """Figures of table rows ("Performs well 71 41%") and of cell lines under a
    label line ("Good" / "24 (28)"), and the number starts they used."""
    text, fr = page.text, page.fr
    out, used = _stacked(page, nums)
    used |= _contents(page, nums)
    nums = [n for n in nums if n.start not in used]
    by_start = {n.start: n for n in nums}
    # Both table patterns match a whole line and need a number of `nums` in it:
    # they are tried at the starts of the lines holding one, not over the page.
    starts = [n.start for n in nums]
    lines = sorted({text.rfind("\n", 0, s) + 1 for s in starts})
    row, cell_line = fr.p["table_row_pattern"].match, fr.p["table_cells_pattern"].match
    rows = []
    for ls in lines:
        m = row(text, ls)
        if m is None:
            continue
        label = m.group("label").strip()
        cells = _row_cells(text, m.start("cells"), m.end("cells"), nums, starts)
        if any(cells):
            rows.append((m.start(), m.end(), label, page.category_of(label), cells))
    # A block of adjacent rows is a table if one of its labels is a judgement or total.
    blocks: list[list[Any]] = []
    for r in rows:
        if blocks and text[blocks[-1][-1][1]:r[0]].strip() == "":
            blocks[-1].append(r)
        else:
            blocks.append([r])
    for block in blocks:
        heads = _column_heads(page, block[0][0])
        # A table when a row label is a judgement or a total, or when a header line of at least
        # two headings, one a judgement or a total, stands over every row's cells.
        if not any(r[3] for r in block) and not (
                len(heads) > 1 and any(h.category for h in heads)
                and all(_cell_columns(heads, len(r[4])) for r in block)):
            continue
        measure, period = _table_measure(page, block[0][0]), _table_period(page, block[0][0])
        shares = _share_columns(page, block[0][0])
        for s, e, label, cat, cells in block:
            cols = _cell_columns(heads, len(cells))
            row_period = m.group(0) if (m := fr.p["period_pattern"].fullmatch(label)) else ""
            for j, n in enumerate(cells):
                if n is None:
                    continue  # an empty cell ("-", "n/a") holds its column's place
                col = cols[j] if cols else None
                share = col.share if cols else j in shares and len(cells) == shares[-1] + 1
                if share and n.kind == "count":
                    n = Number(n.start, n.end, n.value, "percentage", n.form, "", n.start)  # under a "%" heading
                c = _Cand(n, (s, e), measure=measure, rule=TABLE_ROW, category=_cell_category(cat, col),
                          period=(col.period if col else "") or row_period or period, accepted=True)
                out.append(c)
                used.add(n.start)
    for m in filter(None, (cell_line(text, ls) for ls in lines)):
        # Walk up over other cell lines to the label line naming the row.
        ls = m.start()
        label_cat = None
        while ls > 0:
            ps, pe = _line_at(text, ls - 1)
            line = text[ps:pe]
            if fr.p["table_cells_pattern"].fullmatch(line):
                ls = ps
                continue
            lm = fr.p["table_label_pattern"].fullmatch(line)
            label_cat = page.category_of(lm.group("label").strip()) if lm else ""
            break
        if not label_cat:
            continue
        top = ls
        while top > 0:  # the start of the whole table: the run of label and cell lines
            ps, pe = _line_at(text, top - 1)
            line = text[ps:pe]
            if line.strip() and (fr.p["table_cells_pattern"].fullmatch(line)
                                 or fr.p["table_label_pattern"].fullmatch(line)):
                top = ps
            else:
                break
        measure = _table_measure(page, top)
        ln = _line_at(text, m.start())
        count, share = by_start.get(m.start("n")), by_start.get(m.start("p"))
        if count is None:
            continue
        c = _Cand(count, ln, measure=measure, rule=TABLE_CELLS, category=label_cat, accepted=True)
        out.append(c)
        used.add(count.start)
        if share is not None:
            pct = Number(share.start, share.end, share.value, "percentage", share.form, "", share.start)
            out.append(_Cand(pct, ln, measure=measure, rule=TABLE_CELLS, category=label_cat, accepted=True))
            used.add(share.start)
    return out, used
