"""Authority names in a page's clean text, linked to the register, with their judgements.

`extract(doc)` returns one `Mention` per name in the text, in order of start.
Three passes, cheapest first:

1. scan: one compiled regex (a word trie of every register name and alias and
   their spelling variants) over the whole text marks the sentences that hold
   a capitalised candidate. Nothing else is looked at; the page is never
   tokenized whole.
2. match: only those sentences go through spaCy's tokenizer and a PhraseMatcher
   over the same forms (token-exact, case-insensitive, longest span wins). The
   context rules of rules/authorities.yaml then drop people, universities and
   other places; council titles around a name join the span; a capitalised run
   that is a typo or variant of a name links by rapidfuzz (`fuzzy`).
3. judge: a judgement phrase found by `extract.scales` (era-aware) attaches to
   names when a judgement rule of rules/authorities.yaml says how (a list
   introduced by "the following ... were judged X:", "A and B were rated X",
   a heading over a list, ...).

The `match` column is the kind of link, then flags, joined by ";":
exact (the register's own name), alias (an alias or a council title around a
name), fuzzy (rapidfuzz; `score` is its 0-100 ratio), ambiguous (a short form
two authorities share that nothing on the page decides: no codes, and
`authority` lists the candidates joined by " | "). Flags: `undated` (the page
has no date: the latest register row was used) and `historic` (the page is
dated after the authority ceased: its last row was used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from . import link, nlp, rules, scales
from .model import CleanDoc, Mention

_CONNECTORS = frozenset({"and", "&", "of", "upon", "on", "under", "with", "the", "le", "in", "-"})
_TITLE_WORDS = regex.compile(r"(?i)\b(?:council|borough|corporation|MBC)\b|^(?:city|county|royal)\s+of\b")
_WORD = regex.compile(r"[^\W\d_][\w'.]*")
_QUOTES = " \t\"'‘’“”"
_LIST_FILLER = frozenset({"and", "or", "the", "council", "councils", "&"})
_PAREN = regex.compile(r"\([^()]*\)?")
_LIST_BOUNDARY = regex.compile(r"(?:^|[,;:()•]|\band\b|&)\s*$")
_SCAN_WORD = regex.compile(r"[^\s\-]+")
_PREV_WORD = regex.compile(r"([^\W\d_][\w'-]*)[ \t]+$")
_RUN = regex.compile(
    r"[A-Z][\w'.]*(?:(?:(?:\s+|\s*-\s*)(?:and|&|of|upon|on|under|with|the|le|in)){0,2}(?:\s+|\s*-\s*)[A-Z][\w'.]*)*"
)
_CAP_WORD = regex.compile(r"(?<![\w'])[A-Z][\w'.]*")
_AND = regex.compile(r"\s+(?:and|&)\s+")
_LIST_BOUNDARY_AFTER = regex.compile(r"^\s*(?:$|[,;:().]|and\b|&)")


@dataclass(frozen=True)
class _Context:
    id: str
    names: frozenset[str]  # link.key()s the rule is limited to; empty = every name
    before: regex.Pattern[str] | None
    after: regex.Pattern[str] | None
    before_words: frozenset[str]


@dataclass(frozen=True)
class _JudgementRule:
    id: str
    scope: str  # before | sentence | list
    lead: regex.Pattern[str] | None
    tail: regex.Pattern[str] | None
    phrase: regex.Pattern[str] | None
    grade: regex.Pattern[str] | None


@dataclass(frozen=True)
class Recogniser:
    """Everything compiled from the register and rules/authorities.yaml, once per process."""

    version: int
    register: link.Register
    scan: re.Pattern[str]
    matcher: PhraseMatcher
    prefix: regex.Pattern[str]
    suffix: regex.Pattern[str]
    common_words: frozenset[str]
    context: tuple[_Context, ...]
    context_gate: tuple[regex.Pattern[str], regex.Pattern[str], frozenset[str]]  # any before / after / limited names
    ambiguous: dict[str, tuple[str, tuple[tuple[str, regex.Pattern[str]], ...]]]  # key -> (rule id, candidates)
    fuzzy_threshold: float
    fuzzy_min_length: int
    fuzzy_list_min: int
    fuzzy_keys: tuple[str, ...]
    skip: tuple[tuple[str, regex.Pattern[str]], ...]
    judgements: tuple[_JudgementRule, ...]
    grades: dict[str, str]
    heading: regex.Pattern[str]
    no_judgement: tuple[tuple[str, regex.Pattern[str]], ...]
    era_hints: tuple[tuple[str, tuple[regex.Pattern[str], ...], str], ...]


def variants(form: str) -> set[str]:
    """Spellings pages use for one form: '&'/'and', hyphens/spaces, 'St'/'St.'."""
    out = {form}
    for _ in range(2):
        for v in list(out):
            out.add(regex.sub(r"\s+&\s+", " and ", v))
            out.add(regex.sub(r"\s+and\s+", " & ", v))
            out.add(regex.sub(r"(?<=\w)-(?=\w)", " ", v))
            out.add(regex.sub(r"\s+(upon|on|under|le)\s+", r"-\1-", v))
            out.add(regex.sub(r"\bSt\.\s", "St ", v))
            out.add(regex.sub(r"\bSt\s", "St. ", v))
            out.add(v.replace(",", ""))
    return out


def _word_regex(w: str) -> str:
    if w in ("and", "AND", "&"):
        return "(?:and|AND|&)"
    if w.rstrip(".") in ("St", "ST"):
        return re.escape(w.rstrip(".")) + r"\.?"
    return re.escape(w)


def _scan_regex(forms: Iterable[str]) -> re.Pattern[str]:
    """One case-sensitive alternation over every form as written and in capitals.

    The alternation is a word trie (shared prefixes factored out) and starts
    with a literal, so stdlib `re` can skip ahead by first character: the scan
    costs well under a millisecond per 50 kB, far less than tokenizing.
    Lower-case mentions are not wanted anyway ("reading", "bury").
    """
    trie: dict[str, Any] = {}
    for f in forms:
        for v in (f, f.upper()):
            node = trie
            for w in _SCAN_WORD.findall(v):
                node = node.setdefault(w, {})
            node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = []
        for w in sorted((w for w in node if w), key=lambda w: (-len(w), w)):
            child = node[w]
            rest = emit(child) if any(c for c in child) else ""
            if not rest:
                alts.append(_word_regex(w))
            elif "" in child:
                alts.append(f"{_word_regex(w)}(?:[\\s\\-]+{rest})?")
            else:
                alts.append(f"{_word_regex(w)}[\\s\\-]+{rest}")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(emit(trie) + r"\b")


def _opt(data: dict[str, Any], name: str, flags: int = 0) -> regex.Pattern[str] | None:
    p = data.get(name)
    return rules.compile_pattern(p, flags) if p else None


@lru_cache(maxsize=8)
def load(directory: Path | None = None) -> Recogniser:
    """Compile the register and rules/authorities.yaml into a Recogniser."""
    rf = rules.load("authorities", directory)
    data = rules.strip_lines(rf.data)
    reg = link.load(directory)
    lang = nlp.blank()

    forms: dict[str, set[str]] = {}
    for f in reg.forms():
        forms.setdefault(link.key(f), set()).update(variants(f))
    amb: dict[str, tuple[str, tuple[tuple[str, regex.Pattern[str]], ...]]] = {}
    for r in rf.data["ambiguous"]["rules"]:
        rules.require(r, rf.path, {"id": str, "form": str, "candidates": list})
        r = rules.strip_lines(r)
        k = link.key(r["form"])
        amb[k] = (r["id"], tuple((c["gss"], rules.compile_pattern(c["context_pattern"])) for c in r["candidates"]))
        forms.setdefault(k, set()).update(variants(r["form"]))

    matcher = PhraseMatcher(lang.vocab, attr="LOWER")
    for k, vs in forms.items():
        matcher.add(k, list(lang.tokenizer.pipe(sorted(vs))))
    scan = _scan_regex(v for vs in forms.values() for v in vs)

    ctx = []
    for r in rf.data["context"]["rules"]:
        rules.require(r, rf.path, {"id": str})
        words = data.get(r["before_word_in"], []) if r.get("before_word_in") else []
        ctx.append(
            _Context(
                r["id"],
                frozenset(link.key(n) for n in r.get("names", [])),
                _opt(r, "before_pattern"),
                _opt(r, "after_pattern"),
                frozenset(words),
            )
        )
    judg = []
    for r in rf.data["judgements"]["rules"]:
        rules.require(r, rf.path, {"id": str, "scope": str})
        judg.append(
            _JudgementRule(
                r["id"],
                r["scope"],
                _opt(r, "lead_pattern", regex.I),
                _opt(r, "tail_pattern", regex.I),
                _opt(r, "phrase_pattern", regex.I),
                _opt(r, "grade_pattern", regex.I),
            )
        )
    # One search for all unrestricted before-patterns and one for after-patterns
    # decide whether any rule can apply; only then are the rules tried one by one.
    free = [c for c in ctx if not c.names and not c.before_words]
    gate = (
        rules.compile_pattern("|".join(f"(?:{c.before.pattern})" for c in free if c.before is not None) or "(?!)"),
        rules.compile_pattern("|".join(f"(?:{c.after.pattern})" for c in free if c.after is not None) or "(?!)"),
        frozenset(n for c in ctx for n in c.names),
    )
    fz = data["fuzzy"]
    jd = data["judgements"]
    return Recogniser(
        version=rf.version,
        register=reg,
        scan=scan,
        matcher=matcher,
        prefix=rules.compile_pattern(data["affixes"]["prefix_pattern"], regex.I),
        suffix=rules.compile_pattern(data["affixes"]["suffix_pattern"], regex.I),
        common_words=frozenset(link.key(w) for w in data.get("common_words", [])),
        context=tuple(ctx),
        context_gate=gate,
        ambiguous=amb,
        fuzzy_threshold=float(fz["threshold"]),
        fuzzy_min_length=int(fz["min_length"]),
        fuzzy_list_min=int(fz["list_min"]),
        fuzzy_keys=tuple(forms),
        skip=tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I)) for r in data["skip"]["rules"]),
        judgements=tuple(judg),
        grades={str(k).lower(): str(v) for k, v in jd["grades"].items()},
        heading=rules.compile_pattern(jd["heading_pattern"], regex.I),
        no_judgement=tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I)) for r in jd["none"]["rules"]),
        era_hints=tuple(
            (r["id"], tuple(rules.compile_pattern(p, regex.I) for p in r["pattern"]), str(r["date"]))
            for r in data["era_hints"]["rules"]
        ),
    )


@dataclass
class _Hit:
    """One recognised name while the page is being read."""

    start: int
    end: int
    sentence: int  # index into doc.sentences (or -1 for a span outside them)
    key: str  # link.key of the matched form
    match: str = ""  # exact | alias | fuzzy | ambiguous
    score: str = "100"
    rule: str = ""
    authority: link.Authority | None = None
    flags: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # gss codes, for an ambiguous form
    judgement: str = ""
    judgement_rule: str = ""


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    hits: list[_Hit] = field(default_factory=list)
    tokens: Doc | None = None


def _sentence_index(doc: CleanDoc, pos: int) -> int:
    lo, hi = 0, len(doc.sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = doc.sentences[mid]
        if pos < s:
            hi = mid - 1
        elif pos >= e:
            lo = mid + 1
        else:
            return mid
    return -1


def _line_span(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _well_cased(surface: str) -> bool:
    """Every name word capitalised ("Kingston upon Thames"), or the whole span in capitals."""
    if surface.isupper():
        return True
    return all(w[0].isupper() for w in _WORD.findall(surface) if w.lower() not in _CONNECTORS)


def _rejected(rec: Recogniser, text: str, s_start: int, s_end: int, start: int, end: int, k: str) -> str:
    """Id of the context rule that says this name is not an authority, or ""."""
    before = text[max(s_start, start - 60) : start]
    after = text[end : min(s_end, end + 60)]
    any_before, any_after, limited = rec.context_gate
    prev = _PREV_WORD.search(before[-30:])
    if not (
        k in limited
        or (prev and prev.group(1)[:1].isupper())
        or any_before.search(before)
        or any_after.search(after)
    ):
        return ""
    for c in rec.context:
        if c.names and k not in c.names:
            continue
        if c.before_words:
            if prev and prev.group(1) in c.before_words:
                return c.id
            continue
        if c.before is not None and not c.before.search(before):
            continue
        if c.after is not None and not c.after.search(after):
            continue
        if c.before is None and c.after is None:
            continue
        return c.id
    return ""


def _date_for_scales(rec: Recogniser, doc: CleanDoc) -> str:
    if doc.published:
        return doc.published
    for _rid, pats, date in rec.era_hints:
        if all(p.search(doc.text) for p in pats):
            return date
    return ""


def _recognise(rec: Recogniser, doc: CleanDoc, sent: _Sentence) -> tuple[list[_Hit], list[tuple[int, int]]]:
    """Names in one candidate sentence (phrase matches, context, council titles), and the spans rejected."""
    text = doc.text
    lang = nlp.blank()
    sent.tokens = lang.make_doc(sent.text)
    spans = filter_spans(rec.matcher(sent.tokens, as_spans=True))
    hits: list[_Hit] = []
    rejected: list[tuple[int, int]] = []
    for sp in spans:
        start, end = sent.start + sp.start_char, sent.start + sp.end_char
        surface = text[start:end]
        k = rec.matcher.vocab.strings[sp.label]
        if not _well_cased(surface):
            continue
        lead = text[max(sent.start, start - 40) : start]
        pre = rec.prefix.search(lead) if lead.rstrip()[-2:].lower() == "of" else None
        suf = rec.suffix.match(text[end : min(sent.end, end + 40)])
        titled = bool(pre or suf or (" " in surface and _TITLE_WORDS.search(surface)))
        if not titled:
            if _rejected(rec, text, sent.start, sent.end, start, end, k) or (surface.isupper() and k in rec.common_words):
                rejected.append((start, end))
                continue
        if pre:
            start -= len(pre.group(0))
        if suf:
            end += len(suf.group(0))
        hit = _Hit(start, end, sent.index, k)
        if k in rec.ambiguous:
            rid, cands = rec.ambiguous[k]
            hit.match, hit.score, hit.rule = "ambiguous", "", rid
            hit.candidates = tuple(g for g, _ in cands)
            decided = [g for g, p in cands if p.search(sent.text)]
            if len(decided) == 1:
                _decide(rec, hit, decided[0], doc.published, f"{rid}.context")
        else:
            picked = link.choose(rec.register.index.get(k, ()), doc.published)
            if picked is None:
                continue  # the name was not an authority yet on the page's date (a town)
            row, flags = picked
            exact = not (pre or suf) and link._light(surface) == link._light(row.name)
            hit.authority, hit.flags = row, flags
            hit.match = "exact" if exact else "alias"
            hit.rule = "auth.exact" if exact else ("auth.title" if (pre or suf) else "auth.alias")
        hits.append(hit)
    return hits, rejected


def _decide(rec: Recogniser, hit: _Hit, gss: str, date: str, rule: str) -> None:
    """Settle an ambiguous hit on one candidate, dated like any other name."""
    row = rec.register.by_code(gss)
    if row is None:
        return
    rows = tuple(a for a in rec.register.rows if a.name == row.name)
    picked = link.choose(rows, date) or (row, ())
    hit.authority, hit.flags = picked
    hit.match, hit.score, hit.rule = "alias", "100", rule


def _fuzzy(rec: Recogniser, doc: CleanDoc, sent: _Sentence, rejected: list[tuple[int, int]]) -> None:
    """Replace or add hits where a capitalised run reads better as one (misspelt) name."""
    in_list = len(sent.hits) >= rec.fuzzy_list_min
    for run in _RUN.finditer(doc.text, sent.start, sent.end):
        a, b = run.span()
        if any(x < b and a < y for x, y in rejected):
            continue
        # The whole run first, then its parts between "and"s ("X and Y" may be two names).
        cut = [a] + [x for m in _AND.finditer(doc.text, a, b) for x in (m.start(), m.end())] + [b]
        pieces = [(a, b)] + ([(cut[i], cut[i + 1]) for i in range(0, len(cut), 2)] if len(cut) > 2 else [])
        for ps, pe in pieces:
            over = [h for h in sent.hits if h.start < pe and ps < h.end]
            if any(h.start <= ps and pe <= h.end for h in over):
                continue  # already one recognised name (or inside one)
            if over:
                covered = all(
                    any(h.start <= w.start() < h.end for h in over)
                    for w in _CAP_WORD.finditer(doc.text, ps, pe)
                    if w.group(0).lower() not in _CONNECTORS
                )
                if covered and not any("historic" in h.flags for h in over):
                    continue
            elif not (
                in_list
                and _LIST_BOUNDARY.search(doc.text[sent.start : ps])
                and _LIST_BOUNDARY_AFTER.match(doc.text[pe : sent.end])
            ):
                continue
            k = link.key(doc.text[ps:pe])
            if len(k) < rec.fuzzy_min_length:
                continue
            best = process.extractOne(k, rec.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=rec.fuzzy_threshold)
            if best is None or best[0] in rec.ambiguous:
                continue
            picked = link.choose(rec.register.index.get(best[0], ()), doc.published)
            if picked is None:
                continue
            sent.hits = [h for h in sent.hits if h not in over]
            sent.hits.append(_Hit(ps, pe, sent.index, best[0], "fuzzy", str(round(best[1])), "auth.fuzzy", *picked))
            sent.hits.sort(key=lambda h: h.start)
            break  # the whole run won; its parts are not tried


@dataclass(frozen=True)
class _Anchor:
    start: int  # offsets within the sentence
    end: int
    category: str
    rule: str
    scope: str


def _anchors(rec: Recogniser, text: str, date: str) -> list[_Anchor]:
    """Judgement phrases of one sentence that a judgement rule ties to authorities."""
    out = []
    for j in scales.find(text, date):
        phrase = text[j.start : j.end]
        lead = text[max(0, j.start - 200) : j.start].rstrip(_QUOTES) + " "
        tail = text[j.end :].lstrip(_QUOTES)
        for r in rec.judgements:
            if r.grade is not None:
                continue
            if r.phrase is not None and not r.phrase.search(phrase):
                continue
            if r.lead is not None and not r.lead.search(lead):
                continue
            if r.tail is not None and not r.tail.search(tail):
                continue
            out.append(_Anchor(j.start, j.end, j.category, r.id, r.scope))
            break
    for r in rec.judgements:
        if r.grade is None:
            continue
        for m in r.grade.finditer(text):
            word = rec.grades.get(m.group("grade").lower(), "")
            category = scales.normalise(word, date) if word else ""
            if category:
                out.append(_Anchor(m.start(), m.end(), category, r.id, r.scope))
    return sorted(out, key=lambda a: a.start)


def _list_like(sent: _Sentence) -> bool:
    """A sentence that is (almost) nothing but names: a list line or list paragraph."""
    if not sent.hits:
        return False
    rest = list(sent.text)
    for h in sent.hits:
        for i in range(h.start - sent.start, h.end - sent.start):
            rest[i] = " "
    leftover = [w for w in _WORD.findall(_PAREN.sub(" ", "".join(rest))) if w.lower() not in _LIST_FILLER]
    return len(leftover) <= max(1, len(sent.hits) // 4)


def _intro(rec: Recogniser, text: str, date: str) -> tuple[str, str] | None:
    """(category, rule) if a sentence heads a list: a judgement heading or 'the following ... X:'."""
    if any(p.search(text) for _, p in rec.no_judgement):
        return None
    m = rec.heading.match(text) if len(text) <= 90 else None
    if m:
        j = m.group("j").strip(_QUOTES)
        found = scales.find(j, date)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(j):
            return found[0].category, "judg.heading"
    anchors = [a for a in _anchors(rec, text, date) if a.scope == "list"]
    if anchors and not text[anchors[-1].end :].strip(_QUOTES + ":–—-. "):
        return anchors[-1].category, anchors[-1].rule
    return None


def _judge(rec: Recogniser, doc: CleanDoc, sents: list[_Sentence], date: str) -> None:
    by_index = {s.index: s for s in sents}
    carried: dict[int, tuple[str, str] | None] = {}
    for sent in sents:
        if not sent.hits or any(p.search(sent.text) for _, p in rec.no_judgement):
            continue
        prev_end = 0
        for a in _anchors(rec, sent.text, date):
            for h in sent.hits:
                if h.judgement:
                    continue
                hs, he = h.start - sent.start, h.end - sent.start
                if (
                    (a.scope == "before" and prev_end <= hs and he <= a.start)
                    or a.scope == "sentence"
                    or (a.scope == "list" and hs >= a.end)
                ):
                    h.judgement, h.judgement_rule = a.category, a.rule
            prev_end = a.end
        if sent.index < 0 or not _list_like(sent):
            continue
        # A list line takes the judgement of the heading or introduction above
        # it; consecutive list lines share the one found for the first.
        above = by_index.get(sent.index - 1)
        if above is not None and above.hits:
            intro = carried.get(above.index) if _list_like(above) else None
        elif sent.index > 0:
            s, e = doc.sentences[sent.index - 1]
            intro = _intro(rec, doc.text[s:e], date)
        else:
            intro = None
        carried[sent.index] = intro
        if intro:
            for h in sent.hits:
                if not h.judgement:
                    h.judgement, h.judgement_rule = intro


def _settle_ambiguous(rec: Recogniser, hits: list[_Hit], date: str) -> None:
    """An undecided short form takes the one candidate the page names in full."""
    named = {h.authority.gss_code for h in hits if h.authority is not None}
    for h in hits:
        if h.match == "ambiguous" and h.authority is None:
            found = [g for g in h.candidates if g in named]
            if len(found) == 1:
                _decide(rec, h, found[0], date, f"{h.rule}.page")


def extract(doc: CleanDoc, directory: Path | None = None) -> list[Mention]:
    """Every authority named in `doc`'s clean text, as authorities.csv rows in order of start."""
    rec = load(directory)
    text = doc.text
    sents: dict[tuple[int, int], _Sentence] = {}
    for m in rec.scan.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue  # inside a longer word
        idx = _sentence_index(doc, m.start())
        span = doc.sentences[idx] if idx >= 0 else _line_span(text, m.start())
        if span not in sents:
            sents[span] = _Sentence(idx, span[0], span[1], text[span[0] : span[1]])
    ordered = sorted(sents.values(), key=lambda s: s.start)
    kept = []
    for sent in ordered:
        if any(p.search(sent.text) for _, p in rec.skip):
            continue
        sent.hits, rejected = _recognise(rec, doc, sent)
        _fuzzy(rec, doc, sent, rejected)
        if sent.hits:
            kept.append(sent)
    hits = [h for s in kept for h in s.hits]
    if not hits:
        return []
    _settle_ambiguous(rec, hits, doc.published)
    _judge(rec, doc, kept, _date_for_scales(rec, doc))
    hits.sort(key=lambda h: (h.start, h.end))
    return [_row(rec, doc, i, h) for i, h in enumerate(hits, 1)]


def _row(rec: Recogniser, doc: CleanDoc, n: int, h: _Hit) -> Mention:
    a = h.authority
    rs, re_ = doc.raw_span(h.start, h.end)
    ss, se = doc.sentence_at(h.start)
    if ss == se:
        ss, se = _line_span(doc.text, h.start)
    if a is None:
        names = [r.name for g in h.candidates if (r := rec.register.by_code(g))]
        authority, gss, dfe = " | ".join(names), "", ""
    else:
        authority, gss, dfe = a.name, a.gss_code, a.dfe_la_code
    return Mention(
        doc_id=doc.doc_id,
        mention_id=f"A{n:03d}",
        mention=doc.text[h.start : h.end],
        authority=authority,
        gss_code=gss,
        dfe_la_code=dfe,
        match=";".join((h.match, *h.flags)),
        score=h.score,
        judgement=h.judgement,
        sentence=doc.text[ss:se].strip(),
        start=h.start,
        end=h.end,
        raw_start=rs,
        raw_end=re_,
        rule=h.rule + (f"+{h.judgement_rule}" if h.judgement_rule else ""),
    )
