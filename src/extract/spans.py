"""The span layer: what figures and authorities both read, found once per page.

After cleaning, a `Layer` over the clean text answers, per sentence and cached:
the judgement phrases (era decided once per document, by the cleaner), the
clauses, which judgements are denied, attributive ("good practice") or a
starting point ("from inadequate"), and whether a sentence opens a list. The
noun phrase a number quantifies is read here too, by word class, not from a
list of topic nouns.

`attribute` is the one place a judgement is tied to something in a sentence:
a figure's category and an authority's judgement both come from it, so one
sentence never gives them different answers. Its grammar is rules/grammar.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import regex

from . import numbers, prefilter, rules, scales
from .model import CleanDoc

_QUOTES = "\"'‘’“”"
# One word of a noun phrase: letters (with inner apostrophes, hyphens, dots), optionally quoted.
_WORD = regex.compile(r"[ \t]+[\"'‘’“”]?(?P<w>[^\W\d_](?:[\w'’.-]*[\w'’])?)[\"'‘’“”]?")
_FIRST_WORD = regex.compile(r"[ \t]*[\"'‘’“”]?(?P<w>[^\W\d_](?:[\w'’.-]*[\w'’])?)[\"'‘’“”]?")
_ACRONYM_GLOSS = regex.compile(r"[ \t]+\((?-i:[A-Z][A-Za-z]{1,7})\)")  # "Early Years Register (EYR) inspections"
_TO = regex.compile(r"\s+to\s+(?:be\s+)?[\"'‘“]?")
_AFTER_WORD = regex.compile(r"[\s\"'‘’“”]*(?P<w>[^\W\d_][\w'’-]*)?")


@dataclass(frozen=True)
class Grammar:
    """rules/grammar.yaml, compiled."""

    closed: frozenset[str]
    degree: frozenset[str]  # "most", "least": a superlative's first word
    singular_subjects: frozenset[str]  # "it", "who": an -s word after one is a verb
    verbs: frozenset[str]  # auxiliaries and common verbs: a bare number before one heads a clause
    plural: frozenset[str]
    not_plural: frozenset[str]
    compounds: regex.Pattern[str]
    clause_break: regex.Pattern[str]
    negation: regex.Pattern[str]
    excluded: regex.Pattern[str]  # "unlike Leeds", "neither Leeds nor": a name set apart from its clause's judgement
    source: regex.Pattern[str]
    quantity_change: regex.Pattern[str]
    change_subject: regex.Pattern[str]
    activity: regex.Pattern[str]
    aspiration: regex.Pattern[str]
    aspiration_words: frozenset[str] | None  # one of these is in every aspiration (prefilter.required)
    scale_range: regex.Pattern[str]
    past: regex.Pattern[str]
    fronted_year: regex.Pattern[str]  # a year fronted before its sentence's clause ("In 2006, the council ...")
    idiom_nouns: frozenset[str]
    list_opener: regex.Pattern[str]
    group_subject: regex.Pattern[str]
    council_subject: regex.Pattern[str]
    legend: regex.Pattern[str]
    gloss: regex.Pattern[str]
    legend_item: regex.Pattern[str]
    grade_point: regex.Pattern[str]
    points: dict[str, int]  # number words and their values, for grade points
    given_to_other: regex.Pattern[str]
    grade_place: regex.Pattern[str]
    grade_label: regex.Pattern[str]
    scale_list_gap: regex.Pattern[str]
    respectively: regex.Pattern[str]
    label_lead: regex.Pattern[str]
    bracketed: regex.Pattern[str]  # from a judgement to a target in brackets right after it
    aside: regex.Pattern[str]  # a relative or participle clause set off by a comma
    fronted: regex.Pattern[str]  # from a semicolon to a judgement that opens the clause after it
    graded_for: regex.Pattern[str]  # from a grade modifying a judgement noun to a later name its complement holds
    coordinated: regex.Pattern[str]
    anaphora: regex.Pattern[str]
    subject: regex.Pattern[str]
    continues: regex.Pattern[str]
    no_judgement: tuple[tuple[str, regex.Pattern[str]], ...]
    # One of these is in every match (prefilter.required): where none is, the pattern is not run.
    source_words: frozenset[str] | None = None
    given_words: frozenset[str] | None = None


@lru_cache(maxsize=8)
def grammar(directory: Path | None = None) -> Grammar:
    rf = rules.load("grammar", directory)
    d = rules.strip_lines(rf.data)
    # Number words close a phrase too ("three zero stars": "zero" is not part of what three counts).
    nums = numbers.grammar(directory)
    closed = frozenset(str(w).lower() for ws in d["closed_classes"].values() for w in ws) | {
        w.lower() for w in (*nums.words, *nums.scales)}
    comps = sorted({str(c) for c in d["compound_modifiers"]}, key=lambda c: (-len(c), c))
    cc = d["closed_classes"]
    words = "(?:" + numbers.alternation(nums.words) + ")"
    g = Grammar(
        closed=closed,
        degree=frozenset(str(w).lower() for w in cc["degree"]),
        singular_subjects=frozenset(str(w).lower() for w in cc["singular_subjects"]),
        verbs=frozenset(str(w).lower() for w in (*cc["auxiliaries"], *cc["verbs"])),
        plural=frozenset(str(w).lower() for w in d["plural_nouns"]),
        not_plural=frozenset(str(w).lower() for w in d["not_plural"]),
        compounds=rules.compile_pattern(
            r"[ \t]*(?P<w>" + "|".join(regex.escape(c).replace(r"\ ", r"[\s-]+") for c in comps) + r")\b", regex.I
        ),
        clause_break=rules.compile_pattern(d["clause_break_pattern"]),
        negation=rules.compile_pattern(d["negation_pattern"], regex.REVERSE),
        excluded=rules.compile_pattern(d["excluded_pattern"], regex.REVERSE),
        source=rules.compile_pattern(d["source_pattern"], regex.REVERSE),
        quantity_change=rules.compile_pattern(d["quantity_change_pattern"].replace("{number}", words)),
        change_subject=rules.compile_pattern(d["change_subject_pattern"]),
        activity=rules.compile_pattern(d["activity_pattern"], regex.REVERSE),
        aspiration=rules.compile_pattern(d["aspiration_pattern"], regex.REVERSE),
        aspiration_words=frozenset(w) if (w := prefilter.required(d["aspiration_pattern"])) else None,
        scale_range=rules.compile_pattern(d["scale_range_pattern"], regex.REVERSE),
        past=rules.compile_pattern(d["past_pattern"]),
        fronted_year=rules.compile_pattern(d["fronted_year_pattern"]),
        idiom_nouns=frozenset(str(w).lower() for w in d["idiom_nouns"]),
        list_opener=rules.compile_pattern(d["list_opener_pattern"]),
        given_to_other=rules.compile_pattern(d["given_to_other_pattern"]),
        grade_place=rules.compile_pattern(d["grade_place_pattern"]),
        grade_label=rules.compile_pattern(d["grade_label_pattern"]),
        scale_list_gap=rules.compile_pattern(d["scale_list_gap_pattern"]),
        respectively=rules.compile_pattern(d["respectively_pattern"]),
        label_lead=rules.compile_pattern(d["label_lead_pattern"]),
        bracketed=rules.compile_pattern(d["bracketed_pattern"]),
        aside=rules.compile_pattern(d["aside_pattern"]),
        fronted=rules.compile_pattern(d["fronted_pattern"]),
        graded_for=rules.compile_pattern(d["graded_for_pattern"]),
        coordinated=rules.compile_pattern(d["coordinated_pattern"]),
        council_subject=rules.compile_pattern(d["council_subject_pattern"]),
        legend=rules.compile_pattern(d["legend_pattern"].replace("{number}", words)),
        gloss=rules.compile_pattern(d["gloss_pattern"]),
        legend_item=rules.compile_pattern(d["legend_item_pattern"].replace("{number}", words)),
        grade_point=rules.compile_pattern(d["grade_point_pattern"].replace("{number}", words)),
        points={w.lower(): v for w, v in nums.words.items()},
        group_subject=rules.compile_pattern(d["group_subject_pattern"].replace("{number}", f"(?:{words}|\\d+)")),
        anaphora=rules.compile_pattern(d["anaphora_pattern"]),
        subject=rules.compile_pattern(d["subject_pattern"]),
        continues=rules.compile_pattern(d["list_continuation_pattern"]),
        no_judgement=tuple((r["id"], rules.compile_pattern(r["pattern"])) for r in d["no_judgement"]),
        source_words=frozenset(w) if (w := prefilter.required(d["source_pattern"])) else None,
        given_words=frozenset(w) if (w := prefilter.required(d["given_to_other_pattern"])) else None,
    )
    for p in [g.clause_break, g.legend, g.grade_point, *(p for _id, p in g.no_judgement)]:
        prefilter.placed(p)  # compiled now, with the rules (kept across runs)
    for p in [g.negation, g.source, g.aspiration]:
        prefilter.begins(p)  # likewise
    prefilter._exists_parts(g.anaphora)  # likewise
    return g


# --- Noun phrases ----------------------------------------------------------------


def looks_plural(g: Grammar, word: str) -> bool:
    """A plural noun by its form: an -s ending (not -ss, -us, -is, a possessive) or an irregular plural."""
    w = word.lower().rstrip(".")
    if w in g.plural:
        return True
    if w in g.not_plural or w in g.closed or len(w) < 3 or not w.endswith("s"):
        return False
    return not (w.endswith(("ss", "us", "is", "'s", "’s")) or w.isupper())


def noun_phrase(g: Grammar, text: str, pos: int, *, singular: bool = False, at_word: bool = False,
                participle: bool = True, mass: bool = False, limit: int = 8) -> tuple[int, int] | None:
    """The noun phrase a number ending at `pos` quantifies: (start, end) or None.

    Words run until a closed-class word, an adverb in -ly, or punctuation.
    A plural count's head is the first plural noun of the run (a plural noun
    right after it joins it: "children's homes inspections"), so a verb after
    the head ("councils face ...", "councils inspected ...") is never taken
    in. After "one", the head is the last word before a verb form or the end.
    `at_word`: `pos` is where the first word begins (no space before it).
    `participle=False`: a first word in -ed/-ing is a verb ("... and 40
    offering services"), as where the sentence already named what is counted.
    `mass`: with no plural head, the whole run (less participles after it) is a
    mass noun a share is of ("58% of workplace learning").
    """
    words: list[tuple[int, int, str]] = []
    p = pos
    while len(words) < limit:
        m = g.compounds.match(text, p) or (_FIRST_WORD if at_word and not words else _WORD).match(text, p)
        if m is None:
            break
        w = m.group("w")
        lw = w.lower()
        if lw in ("and", "or") and words and not singular and not any(looks_plural(g, x[2]) for x in words):
            p = m.end()  # "150 single tier and county councils": coordinated modifiers of one plural head
            continue
        if lw in g.closed:
            nxt = _WORD.match(text, m.end()) if not words and lw in g.degree else None
            if nxt is None or nxt.group("w").lower() in g.closed:
                break  # ... but "the most affluent boroughs": a superlative modifier
        if lw.endswith("ly") and lw not in g.plural and len(lw) > 4:
            # "80 randomly selected case files", "3,600 early years inspections", "10 family centres": an -ly word
            # with more of the phrase after it stays; one before a closed-class word or the end is an adverb.
            nxt = _WORD.match(text, m.end())
            if nxt is None or nxt.group("w").lower() in g.closed:
                break
        words.append((m.start("w"), m.end("w"), lw))
        p = m.end()
        if w[0].isupper() and (gloss := _ACRONYM_GLOSS.match(text, p)):
            p = gloss.end()  # a name's acronym in brackets is part of the phrase, not its end
    if not words or (words[0][2].endswith(("ed", "ing")) and (not participle or len(words) == 1)
                     and not _adjectival(g, words)):
        return None  # "40 offering services", "68 rated": a verb, the number is a clause's subject
    if singular:
        end = 0
        for i, (_s, _e, lw) in enumerate(words):
            if i and lw.endswith(("ed", "ing")):
                break
            if looks_plural(g, lw):
                return None  # "1 Key findings": not one of anything
            end = i
            if _possessive_plural(lw):
                break
        return words[0][0], words[end][1] - (1 if _possessive_plural(words[end][2]) else 0)
    for i, (_s, e, lw) in enumerate(words):
        if _possessive_plural(lw):
            return words[0][0], e - 1  # "152 local authorities' services": the authorities are counted
        if looks_plural(g, lw) and not _inside_name(text, words, i):
            j = i
            while j + 1 < len(words) and looks_plural(g, words[j + 1][2]):
                j += 1
            return words[0][0], words[j][1]
    if mass and words[0][2] == text[words[0][0]:words[0][1]]:  # lower case: not a name ("a quarter of London")
        while len(words) > 1 and words[-1][2].endswith("ed"):
            words.pop()  # "71% of the provision inspected"
        return words[0][0], words[-1][1]
    return None


def _inside_name(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
    """A capitalised plural-looking word that a capitalised noun follows is inside a name ("Early Years Register
    inspections"), not the head; a participle or plural after it ("Local Authorities Rated Good") leaves it one."""
    if i + 1 >= len(words) or not text[words[i][0]].isupper():
        return False
    s, _e, nxt = words[i + 1]
    return text[s].isupper() and not nxt.endswith(("ed", "ing", "s"))


def _adjectival(g: Grammar, words: list[tuple[int, int, str]]) -> bool:
    """A first word in -ed that modifies the plural noun after it, which ends the phrase ("65 focused visits to
    ..."): an adjective, not a verb with its object ("40 offering services" is in -ing)."""
    return (len(words) == 2 and words[0][2].endswith("ed") and words[0][2] not in g.verbs
            and looks_plural(g, words[1][2]))


def _possessive_plural(word: str) -> bool:
    return word.endswith(("s'", "s’"))


# --- Judgements in context ------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A judgement phrase of a sentence, in text offsets, with how it is used."""

    start: int
    end: int
    category: str
    rule: str
    negated: bool  # "not rated good"
    attributive: bool  # "good practice": praise in passing, no judgement
    source: bool  # "from inadequate (to good)", "inadequate in 2016": where something was, not is
    origin: bool  # of those, one it came from ("from inadequate", "previously rated", "since 2018 when ...")
    change: bool  # improved / declined
    quantity: bool  # a change of a number ("rose from 345 to 368"), not of what is counted


_CHANGES = frozenset({"improved", "declined"})  # a Layer's change categories unless given


class Layer:
    """One page's spans, computed lazily and cached per sentence."""

    def __init__(self, doc: CleanDoc, directory: Path | None = None, change: frozenset[str] = frozenset()):
        self.doc, self.text, self.dir = doc, doc.text, directory
        # The era is decided once per page (by the cleaner); a bare CleanDoc gets the same decision here.
        self.era = doc.era or scales.page_era(doc.text, doc.published, doc.date_source, directory)
        self.g = grammar(directory)
        self.change = change or _CHANGES
        self._phrases: dict[tuple[int, int], list[Phrase]] = {}
        self._breaks: dict[tuple[int, int], list[int]] = {}
        self._unjudged: dict[tuple[int, int], bool] = {}  # `no_judgement` per sentence (asked again by list intros)
        self._back: dict[tuple[int, int], bool] = {}  # `refers_back` per sentence (asked once per figure)
        self._legend: dict[int, str] | None = None
        self._legend_stated = False  # whether the page states its legend (else the era's points, if any)
        self._tops: dict[str, str] | None = None
        self._rating: bool | None = None
        self._page_scale: tuple[str, regex.Pattern[str] | None] = ("", None)
        self._low = prefilter.lowered(self.text)

    def placed(self, p: Phrase, start: int) -> bool:
        """Whether the target at `start` is the place of judgement `p` ("good in 65", "three stars to 14"); a
        change's "to" is where it went ("fell to 20"), not whom it was given to."""
        m = self.g.grade_place.fullmatch(self.text, p.end, start)
        return m is not None and not (p.change and m.group("to"))

    def tops(self) -> dict[str, str]:
        """The usual top grades this page's scale reaches beyond ("four-star" on a CPA page): usual -> its top."""
        if self._tops is None:
            self._tops = {top: new for pattern, top, new in scales.load(self.dir).top_beyond if pattern.search(self.text)}
        return self._tops

    def legend(self) -> dict[int, str]:
        """The page's grade points and their words, from a legend it states ("four means very good, three good")."""
        if self._legend is None:
            g, self._legend, self._legend_stated = self.g, {}, False
            era = scales.load(self.dir).points.get(self.era, {})
            for m in prefilter.finditer_placed(g.legend, self.text, self._low):
                items = [(m.group("n"), m.group("label"))]
                items += [(i.group("n"), i.group("label")) for i in g.legend_item.finditer(m.group("rest"))]
                found = {self._point(n): " ".join(label.lower().split()) for n, label in items}
                if len(found) >= 2 and all(k is not None and scales.find(v, self.era, self.dir) for k, v in found.items()):
                    # A legend that states some of the era's points as the era does ("4 = outstanding, 1 =
                    # inadequate") leaves the others as the era has them.
                    same = era and all(era.get(k) == v for k, v in found.items())  # type: ignore[call-overload]
                    self._legend, self._legend_stated = ({**era, **found} if same else found), True  # type: ignore[assignment]
                    break
            else:
                self._legend = dict(era)
        return self._legend

    def _aspiration(self, lo: int, hi: int) -> bool:
        """Whether an aspiration ends at `hi` ("to ensure that children receive ..."). The reverse search costs ~0.1 ms:
        it is run only where one of the words every aspiration holds is in the window."""
        words, low = self.g.aspiration_words, self._low
        if words is not None and low is not None and _any_of(words).search(low, lo, hi) is None:
            return False
        return self._can(self.g.aspiration, lo, hi) and self.g.aspiration.search(self.text, lo, hi) is not None

    def _holds(self, words: frozenset[str] | None, lo: int, hi: int) -> bool:
        """Whether [lo, hi) may hold a match of a pattern one of whose `words` every match holds: one of them is
        in it (a substring search of the lowered page, far cheaper than the pattern's search)."""
        low = self._low
        return words is None or low is None or _any_of(words).search(low, lo, hi) is not None

    def _can(self, p: regex.Pattern[str], lo: int, hi: int, sliced: bool = False) -> bool:
        """Whether a match of `p` may begin in [lo, hi) (of `text[lo:hi]`, `sliced`): one of its prefixes begins
        there (prefilter.begins: one `re` scan of the lowered page, far cheaper than the pattern's search)."""
        where = prefilter.begins(p) if self._low is not None else None
        if where is None:
            return True
        return (where.search(self._low[lo:hi]) if sliced else where.search(self._low, lo, hi)) is not None

    def _point(self, word: str) -> int | None:
        return int(word) if word.isdigit() else self.g.points.get(word.lower())

    def scale_of(self, words: str, low: str | None = None) -> str:
        """The scale a sentence (or a table's label) speaks: a framework it names, else a scale its page speaks
        beside its era (`scales.page_scale`: the CPA's), else the page's era, or on an annual-rating page that uses
        none of the rating's words, the inspections' scale beside it."""
        if self._rating is None:
            self._rating = scales.rating_page(self.text, self.era, self.dir)
            self._page_scale = scales.page_scale(self.text, self.era, self.dir, self._low)
        named = scales.framework_era(words, self.era, self.dir, low)
        if named:
            return named
        scale, keep = self._page_scale
        if scale and keep is not None and not keep.search(words):
            return scale
        return scales.sentence_scale(words, self.era, self.dir, self._rating)

    def phrases(self, sent: tuple[int, int]) -> list[Phrase]:
        if sent not in self._phrases:
            s, e = sent
            text, g = self.text, self.g
            out = []
            low = self._low[s:e] if self._low is not None else None  # the sentence's `lowered`, as a slice
            for j in scales.find(text[s:e], None, self.dir, low, scale=lambda: self.scale_of(text[s:e], low)):
                a, b = j.start + s, j.end + s
                lead = text[max(s, a - 60):a]
                nxt = _AFTER_WORD.match(text, b, e)
                word = (nxt.group("w") or "").lower() if nxt else ""
                quoted_after = b < e and text[b] in _QUOTES
                attributive = not quoted_after and text[b:b + 1].isspace() and word in g.idiom_nouns
                if not attributive and a > s and text[a - 1] in _QUOTES and not quoted_after and word and \
                        text[b:b + 1].isspace() and word[0].islower() and word.rstrip("'’") not in g.closed:
                    attributive = True  # a quotation it opens goes on: "'good oversight and knowledge of key issues'"
                change = j.category in self.change
                if change and text[a:b].lower().endswith("ing") and g.activity.search(lead):
                    attributive = True  # "its work in improving outcomes"
                # "rated from zero to three stars" names the scale's range; "from one to two stars" is a move.
                attributive = attributive or (j.category in scales.top_labels(self.dir)
                                              and g.scale_range.search(lead) is not None)
                if not attributive and self._aspiration(max(s, a - 120), a):
                    attributive = True  # "to ensure that children receive an outstanding service"
                out.append(Phrase(
                    a, b, j.category, j.rule,
                    negated=self._can(g.negation, max(s, a - 60), a, sliced=True) and g.negation.search(lead) is not None,
                    attributive=attributive,
                    source=(origin := self._holds(g.source_words, max(s, a - 60), a)
                            and self._can(g.source, max(s, a - 60), a, sliced=True) and g.source.search(lead) is not None)
                    or g.past.match(text, b, e) is not None,
                    origin=origin,
                    change=change,
                    quantity=change and g.quantity_change.match(text, b, e) is not None,
                ))
            # "one star, for 'inadequate'": a gloss is the same judgement, in the first's words.
            out = [p for i, p in enumerate(out) if not (i and g.gloss.fullmatch(text, out[i - 1].end, p.start))]
            out = self._scale_named(out)
            for i in range(len(out) - 2, -1, -1):  # "'good' and 'excellent' in 2008": both in the past
                if out[i + 1].source and not out[i].source and g.coordinated.fullmatch(text, out[i].end, out[i + 1].start):
                    out[i] = replace(out[i], source=True)
            if any(p.rule == "scale.top-grade" for p in out) and self.tops():
                out = [replace(p, category=self.tops().get(p.category, p.category)) if p.rule == "scale.top-grade" else p
                       for p in out]
            # A legend matters only to a sentence naming a top or bottom grade or a grade point.
            pointed = any(p.rule in ("scale.top-grade", "scale.bottom-grade") for p in out) or (
                prefilter.search_placed(self.g.grade_point, text, self._low, s, e) is not None)
            if pointed and self.legend() and not self._legend_stated and (
                    nw := scales.load(self.dir).points_not_with) is not None and nw.search(text, s, e):
                pointed = False  # "scored three ... the overall CPA score": another scored scale, not the era's points
            self._phrases[sent] = self._with_legend(sent, out) if pointed and self.legend() else out
        return self._phrases[sent]

    def _scale_named(self, out: list[Phrase]) -> list[Phrase]:
        """A list of three or more different grades with nothing but list punctuation between them names the scale
        ("four levels - Outstanding, Good, Requires Improvement and Inadequate"): none of them is a judgement."""
        if len(out) < 3:
            return out
        runs = _list_runs(self.g, self.text, [(p.start, p.end) for p in out])
        named = {i for run in runs if len({out[i].category for i in run}) >= 3
                 and not self.g.respectively.match(self.text, out[run[-1]].end) for i in run}
        return [replace(p, attributive=True) if i in named else p for i, p in enumerate(out)]

    def _with_legend(self, sent: tuple[int, int], out: list[Phrase]) -> list[Phrase]:
        """On a page with a legend: its top and bottom grades, and grade points named ("gained a three")."""
        legend = self.legend()
        top, bottom = legend[max(legend)], legend[min(legend)]
        ends = {"scale.top-grade": top, "scale.bottom-grade": bottom}
        out = [replace(p, category=ends[p.rule]) if p.rule in ends else p for p in out]
        for m in self.g.grade_point.finditer(self.text, sent[0], sent[1]):
            label = legend.get(self._point(m.group("n")) or -1)
            if label and not any(p.start < m.end() and m.start() < p.end for p in out):
                out.append(Phrase(m.start(), m.end(), label, "scale.legend-point", negated=False, attributive=False,
                                  source=False, origin=False, change=False, quantity=False))
        return sorted(out, key=lambda p: p.start)

    def clause(self, sent: tuple[int, int], start: int, end: int) -> tuple[int, int]:
        """The clause of `sent` holding [start, end): between the clause breaks around it."""
        if sent not in self._breaks:
            s, e = sent
            self._breaks[sent] = [m.start() for m in prefilter.finditer_placed(self.g.clause_break, self.text, self._low, s, e)] + [e]
        lo, hi = sent[0], sent[1]
        for b in self._breaks[sent]:
            if b <= start:
                lo = b
            elif b >= end:
                hi = b
                break
        return lo, hi

    def phrase_end(self, sent: tuple[int, int], start: int) -> int | None:
        """The least end of a usable judgement phrase of the sentence at or after `start`: one lies in
        [start, end) exactly when this is at most `end` (one pass answers every `end`)."""
        return min((p.end for p in self.phrases(sent) if start <= p.start and not p.attributive), default=None)

    def no_judgement(self, sent: tuple[int, int]) -> bool:
        if sent not in self._unjudged:
            s, e = sent
            self._unjudged[sent] = any(prefilter.search_placed(p, self.text, self._low, s, e) for _, p in self.g.no_judgement)
        return self._unjudged[sent]

    def verbless(self, start: int, end: int) -> bool:
        """Whether no word in [start, end) is a verb of the grammar's lists or a past participle (a gapped clause:
        "..., and 36% for help and protection")."""
        words = (m.group("w").lower() for m in _WORD.finditer(self.text, start, end))
        return not any(w in self.g.verbs or w.endswith("ed") for w in words)

    def verb_at(self, pos: int) -> bool:
        """Whether the word after `pos` is a verb of the grammar's lists ("seven saw a drop")."""
        m = _WORD.match(self.text, pos)
        return m is not None and m.group("w").lower() in self.g.verbs

    def refers_back(self, sent: tuple[int, int]) -> bool:
        """Whether the sentence speaks of a judgement named before it ("this category")."""
        if sent not in self._back:
            self._back[sent] = prefilter.exists(self.g.anaphora, self.text, sent[0], sent[1])
        return self._back[sent]

    def opens_list(self, sent: tuple[int, int]) -> bool:
        return self.g.list_opener.match(self.text, sent[0], sent[1]) is not None


@lru_cache(maxsize=64)
def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    """A stdlib pattern finding any of `words` (literal strings): one scan, not one `find` per word."""
    return re.compile("|".join(map(re.escape, sorted(words))))


def layer(doc: CleanDoc, directory: Path | None = None, change: frozenset[str] = frozenset()) -> Layer:
    """The page's `Layer`, shared by the stages that read the same page one after another (figures, then
    authorities): a sentence's phrases are worked out once. Its caches depend on the page and rules alone."""
    if _last and _last[0].doc is doc and _last[0].dir == directory and _last[0].change == (change or _CHANGES):
        return _last[0]
    _last[:] = [Layer(doc, directory, change)]
    return _last[0]


_last: list[Layer] = []  # the last page's


def attribute(layer: Layer, sent: tuple[int, int], start: int, end: int, *,
              lo: int | None = None, hi: int | None = None, own: tuple[int, int] | None = None,
              changes: bool = True, origins: bool = True) -> tuple[str, str, int]:
    """(category, rule id, end of the phrase) of the judgement `[start, end)` takes in its sentence.

    The search stays in the target's clause, narrowed to `[lo, hi)` when the
    caller knows where other targets begin (the next figure). A judgement
    after the target comes first ("12 councils were rated good", "Leeds is
    inadequate"), else the nearest before it ("rated outstanding - Hartlepool
    and Wigan", "inadequate at Bury and Dudley"). Denied judgements give
    blank; praise in passing ("good practice") and starting points
    ("from inadequate") are passed over. `own` is the target's own phrase,
    where a judgement word is always its category ("24 inadequate LAs").
    `changes=False`: "improved"/"declined" are not judgements of the target.
    A judgement of the past ("inadequate in 2015") is taken only when its
    clause states no other; `origins=False`: nor is one the target came from
    ("up from requires improvement", "since 2018 when services were found
    to ...") then.
    """
    if not layer.phrases(sent):
        return "", "", -1  # (what the end gives a sentence without judgements, its clause breaks not looked for)
    cs, ce = layer.clause(sent, start, end)
    lo = cs if lo is None else max(lo, cs)
    hi = ce if hi is None else min(hi, ce)
    usable = []
    tail = own[1] if own is not None else end
    for p in layer.phrases(sent):
        inside = own is not None and own[0] <= p.start and p.end <= own[1]
        # A change by an amount ("went down from three to two") is a statistic's, unless the target is what moved.
        if (p.attributive and not inside) or (p.change and not changes) or (
                p.quantity and not (changes and tail <= p.start and layer.g.change_subject.fullmatch(layer.text, tail, p.start))):
            continue
        usable.append(p)
    placed = [p for p in usable if lo <= p.start and p.end <= start and not p.source
              and layer.placed(p, start)]
    if placed:  # "judged excellent in 28 councils, good in 65": the grade whose place the target is
        p = placed[-1]
        return ("", "judg.negated", p.end) if p.negated else (p.category, "judg.place", p.end)
    if label := labelled(layer, sent, start):  # "good, 54 (36%); inadequate, 29"
        return ("", "judg.negated", label.end) if label.negated else (label.category, "judg.label", label.end)
    bracketed = [p for p in usable if lo <= p.start and p.end <= start and not p.source
                 and layer.g.bracketed.fullmatch(layer.text, p.end, start)]
    if bracketed:  # "four are rated inadequate (Knowsley, Tameside, ...), 11 require improvement"
        p = bracketed[-1]  # (the target is set off after what was judged, as a place is: "judg.place")
        return ("", "judg.negated", p.end) if p.negated else (p.category, "judg.place", p.end)
    after = [p for p in usable if end <= p.start < hi and not (layer._holds(layer.g.given_words, end, p.start)
                                                               and layer.g.given_to_other.search(layer.text, end, p.start))
             and not _fronted(layer, end, p.start)]
    # "two thirds of inadequate local authorities improve": the group's own grade gives way to its change.
    if own is not None and changes and after and after[0].end <= own[1] and not after[0].change:
        after = [p for p in after if p.change and p.start >= own[1]][:1] or after
    # "improved by one grade to good": a change by an amount gives way to any state its clause reaches.
    if any(p.quantity for p in after) and any(not p.change and not p.source for p in after):
        after = [p for p in after if not p.quantity]
    # "improved to good": the state reached, not the change.
    after = [p for i, p in enumerate(after)
             if not (p.change and i + 1 < len(after) and _TO.fullmatch(layer.text, p.end, after[i + 1].start))]
    # "Good ratings went to Hampshire and Bexley; Lambeth ... were all found adequate": a target its own part of a
    # semicolon list judges before it does not reach past the semicolon.
    semi = layer.text.find(";", end, hi)
    if semi >= 0 and after and after[-1].start > semi:
        part = max(lo, layer.text.rfind(";", lo, start) + 1)
        if any(part <= p.start and p.end <= start and not p.source and not p.change for p in usable):
            after = [p for p in after if p.start < semi]
    later = [p for p in after if not p.source] or [p for p in after if origins or not p.origin]
    # "escaped red flags, despite being rated poor": a denied judgement gives way to a stated one after it.
    later = [p for p in later if not p.negated] or later[:1]
    # "serving most children well with promising prospects, earning two stars": a part of an overall grade gives
    # way to the overall grade its clause goes on to state.
    if later and scales.is_part(later[0].category, layer.dir):
        later = [p for p in later if not p.change and not scales.is_part(p.category, layer.dir)][:1] or later
    if later:
        p = later[0]
        return ("", "judg.negated", p.end) if p.negated else (p.category, "judg.after", p.end)
    before = [p for p in usable if lo <= p.start and p.end <= start and not aside(layer, sent[0], p.start, p.end, start)
              and not (p.change and _BY_AMOUNT.fullmatch(layer.text, p.end, start))]
    before = [p for p in before if not p.source] or [p for p in before if origins or not p.origin]
    if before:
        states = [p for p in before if not p.change]
        p = (states or before)[-1]
        return ("", "judg.negated", p.end) if p.negated else (p.category, "judg.before", p.end)
    return "", "", -1


_IDENTITY = regex.compile(r",\s*(?:were|was|are|is|include[sd]?|included)\s", regex.I)
# A change's amount ("had improved its performance by 10 per cent"): how far it moved, not what it judges.
_BY_AMOUNT = regex.compile(r"[^,;.]{0,40}?\bby\s+(?:(?:about|around|nearly|almost|over|just|some|more\s+than)\s+)?$", regex.I)


def aside(layer: Layer, lo: int, s: int, e: int, start: int) -> bool:
    """Whether `[s, e)` lies in a relative or participle clause set off by commas that closes before `start`: a
    judgement or a figure there describes what the clause hangs on, not the target ("The council, which fell from
    two stars to one, had improved its score by 10 per cent"; "Oxfordshire, rated good by Ofsted, received 5,412
    referrals")."""
    opened = layer.g.aside.search(layer.text, lo, s)
    # Not when the target is what the clause's head is ("The other councils, which received one star, were Surrey,
    # Doncaster and Milton Keynes").
    return opened is not None and "," in layer.text[e:start] and not _IDENTITY.search(layer.text, e, start)


def _fronted(layer: Layer, end: int, start: int) -> bool:
    """Whether the judgement at `start` opens a clause after a semicolon past `end` ("...; rated good was C")."""
    semi = layer.text.rfind(";", end, start)
    return semi >= 0 and layer.g.fronted.fullmatch(layer.text, semi, start) is not None


def labelled(layer: Layer, sent: tuple[int, int], start: int) -> Phrase | None:
    """The judgement that labels the number at `start` as a key labels its value ("Good: 54", "; good, 54 (36%)"):
    it opens its sentence or list item, and only a colon, comma or dash stands between them; or the number is
    bracketed right after it ("requires improvement (41) than good (35)")."""
    g, text = layer.g, layer.text
    for p in layer.phrases(sent):
        if p.end <= start and g.grade_label.fullmatch(text, p.end, start) and not p.source and (
                ("(" in text[p.end:start] and ")" in text[start:start + 16]) or not text[sent[0]:p.start].strip()
                or g.label_lead.search(text, max(sent[0], p.start - 12), p.start)):
            return p
    return None


def respectively(layer: Layer, sent: tuple[int, int], targets: list[tuple[int, int]]) -> dict[int, tuple[str, str]]:
    """ "Kent and Surrey were judged good and inadequate respectively", "serving most children well and serving some
    children well were 38% and 49% respectively": with "respectively" right after a list of grades (or of targets),
    and as many targets (two or more) before it (or grades before them), the n-th target takes the n-th grade:
    {index of the target: (category, rule)}; else {}."""
    g, text = layer.g, layer.text
    if len(targets) < 2 or g.respectively.search(text, sent[0], sent[1]) is None:
        return {}  # the common case, before any list is read
    ps = layer.phrases(sent)
    grade_runs = _list_runs(g, text, [(p.start, p.end) for p in ps])
    target_runs = _list_runs(g, text, targets)

    def run_to(runs: list[list[int]], last: int) -> list[int]:  # the list an item ends, up to the item
        run = next(r for r in runs if last in r)
        return run[:run.index(last) + 1]

    for m in g.respectively.finditer(text, sent[0], sent[1]):
        if (last := next((i for i, p in enumerate(ps) if p.end == m.start()), None)) is not None:
            grades = [ps[i] for i in run_to(grade_runs, last)]
            chosen = [i for i, t in enumerate(targets) if t[1] <= grades[0].start]
        elif (last := next((i for i, t in enumerate(targets) if t[1] == m.start()), None)) is not None:
            chosen = run_to(target_runs, last)
            before = [i for i, p in enumerate(ps) if p.end <= targets[chosen[0]][0]]
            grades = [ps[i] for i in run_to(grade_runs, before[-1])] if before else []
        else:
            continue
        if len(grades) >= 2 and len(chosen) == len(grades):
            return {i: ("", "judg.negated") if p.negated else (p.category, "judg.respectively")
                    for i, p in zip(chosen, grades, strict=True)}
    return {}


def _list_runs(g: Grammar, text: str, items: list[tuple[int, int]]) -> list[list[int]]:
    """Consecutive items (spans, in text order) with nothing but list punctuation between them, as runs of indexes."""
    runs: list[list[int]] = []
    for i, (start, _end) in enumerate(items):
        if runs and g.scale_list_gap.fullmatch(text, items[i - 1][1], start):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def sentence_judgement(layer: Layer, sent: tuple[int, int]) -> tuple[str, str]:
    """The judgement a whole sentence states, for a list that follows it: its
    last usable phrase that is a state, not a change."""
    ps = [p for p in layer.phrases(sent) if not p.attributive and not p.source and not p.change]
    if not ps or layer.no_judgement(sent):
        return "", ""
    p = ps[-1]
    return ("", "judg.negated") if p.negated else (p.category, "judg.list-after")
