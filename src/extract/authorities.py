"""Authority names in a page's clean text, linked to the register, with their judgements.

`extract(doc)` returns one `Mention` per name in the text, in order of start.
Three passes, cheapest first:

1. scan: one compiled regex (a character trie of every register name and alias and
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
import re._constants as _sre
import re._parser as _sre_parse
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher

from . import link, nlp, rules, scales, spans
from .model import CleanDoc, Mention

_CONNECTORS = frozenset({"and", "&", "of", "upon", "on", "under", "with", "the", "le", "in", "-"})
_TITLE_WORDS = regex.compile(r"(?i)\b(?:council|borough|corporation|MBC)\b|^(?:city|county|royal)\s+of\b")
_WORD = regex.compile(r"[^\W\d_][\w'.]*")
_QUOTES = " \t\"'‘’“”"
_LIST_FILLER = frozenset({"and", "or", "the", "council", "councils", "&"})
_PAREN = regex.compile(r"\([^()]*\)?")
_LIST_BOUNDARY = regex.compile(r"(?:^|[,;:()•]|\band\b|&)\s*$", regex.REVERSE)
_SCAN_WORD = regex.compile(r"[^\s\-]+")
# `$`-anchored patterns that only answer yes/no are searched right to left
# (regex.REVERSE): the same answer without trying every start in the window.
_PREV_WORD = regex.compile(r"([^\W\d_][\w'-]*)[ \t]+$", regex.REVERSE)
_RUN = regex.compile(
    r"[A-Z][\w'.]*(?:(?:(?:\s+|\s*-\s*)(?:and|&|of|upon|on|under|with|the|le|in)){0,2}(?:\s+|\s*-\s*)[A-Z][\w'.]*)*"
)
_CAP_WORD = regex.compile(r"(?<![\w'])[A-Z][\w'.]*")
_AND = regex.compile(r"\s+(?:and|&)\s+")
_PUNCT = regex.compile(r"[,;:(–—]")
_LIST_BOUNDARY_AFTER = regex.compile(r"^\s*(?:$|[,;:().]|and\b|&)")


@dataclass(frozen=True)
class _Context:
    id: str
    names: frozenset[str]  # link.key()s the rule is limited to; empty = every name
    before: regex.Pattern[str] | None
    after: regex.Pattern[str] | None
    before_words: frozenset[str]


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
    codes: dict[str, link.Authority]  # gss code -> its first register row
    before_anywhere: regex.Pattern[str] | None  # the before-gate without its `$` (see _unanchored)
    suffix_space: bool  # every suffix match begins with whitespace
    ambiguous: dict[str, tuple[str, tuple[tuple[str, regex.Pattern[str]], ...]]]  # key -> (rule id, candidates)
    fuzzy_threshold: float
    fuzzy_min_length: int
    fuzzy_list_min: int
    fuzzy_keys: tuple[str, ...]
    fuzzy_by_length: dict[int, tuple[str, ...]]  # _fuzzy_choices, filled as lengths come up
    skip: tuple[tuple[str, regex.Pattern[str]], ...]
    heading: regex.Pattern[str]  # a line that heads a list of names with its judgement


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


_AND_TOKEN, _DOT_TOKEN, _SEP_TOKEN = "\x00and", "\x00dot", "\x00sep"
_TOKEN_REGEX = {_AND_TOKEN: "(?:and|AND|&)", _DOT_TOKEN: r"\.?", _SEP_TOKEN: r"[\s\-]+"}


def _scan_tokens(form: str) -> list[str]:
    """A form as trie tokens: its characters, word separators, "and"/"&", the optional dot of "St."."""
    out: list[str] = []
    for i, w in enumerate(_SCAN_WORD.findall(form)):
        if i:
            out.append(_SEP_TOKEN)
        if w in ("and", "AND", "&"):
            out.append(_AND_TOKEN)
        elif w.rstrip(".") in ("St", "ST"):
            out.extend([*w.rstrip("."), _DOT_TOKEN])
        else:
            out.extend(w)
    return out


def _scan_regex(forms: Iterable[str]) -> re.Pattern[str]:
    """One case-sensitive alternation over every form as written and in capitals.

    The alternation is a character trie: at every position stdlib `re` tries at
    most one branch per distinct next character (a word-level trie tried some
    600 first words at every capital), and the whole pattern starts with a
    literal, so `re` skips ahead by first character. Lower-case mentions are
    not wanted anyway ("reading", "bury").
    """
    trie: dict[str, Any] = {}
    for f in forms:
        for v in (f, f.upper()):
            node = trie
            for t in _scan_tokens(v):
                node = node.setdefault(t, {})
            node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = []
        for t in sorted(t for t in node if t):
            child = node[t]
            tr = _TOKEN_REGEX.get(t) or re.escape(t)
            rest = emit(child) if any(child) else ""
            if not rest:
                alts.append(tr)
            elif "" in child:
                alts.append(f"{tr}(?:{rest})?")  # greedy: the longer form first
            else:
                alts.append(tr + rest)
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(emit(trie) + r"\b")


def _is_spaces(op: Any, av: Any) -> bool:
    """`\\s+` in a parsed pattern."""
    return (
        op is _sre.MAX_REPEAT
        and av[0] == 1
        and av[1] == _sre.MAXREPEAT
        and list(av[2]) == [(_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_SPACE)])]
    )


def _parse(pattern: str) -> list[Any] | None:
    """A rule's regex parsed by stdlib `re` (None if it uses syntax only `regex` knows)."""
    try:
        return list(_sre_parse.parse(regex.sub(r"\(\?<(?=[^\W\d])", "(?P<", pattern)))
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None


def _leading_space(items: list[Any]) -> bool:
    """Every match of the parsed `items` begins with a whitespace character."""
    if not items:
        return False
    op, av = items[0]
    if op is _sre.AT:
        return _leading_space(items[1:])
    if _is_spaces(op, av) or (op is _sre.IN and av == [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]):
        return True
    if op is _sre.LITERAL:
        return chr(av).isspace()
    if op is _sre.SUBPATTERN:
        return _leading_space([*av[-1], *items[1:]])
    if op is _sre.BRANCH:
        return all(_leading_space([*alt, *items[1:]]) for alt in av[1])
    return False


def _context_free(items: list[Any]) -> bool:
    """No lookaround, backreference or anchor but `\\b`/`\\B` in the parsed `items`."""
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.GROUPREF, _sre.GROUPREF_EXISTS):
            return False
        if op is _sre.AT and av not in (_sre.AT_BOUNDARY, _sre.AT_NON_BOUNDARY):
            return False
        if op is _sre.SUBPATTERN and not _context_free(list(av[-1])):
            return False
        if op is _sre.BRANCH and not all(_context_free(list(alt)) for alt in av[1]):
            return False
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and not _context_free(list(av[2])):
            return False
    return True


def _unanchored(patterns: list[str]) -> regex.Pattern[str] | None:
    """One search for `patterns` (each "...$", matched against the text before a name) anywhere in a sentence.

    If P$ matches the window before a name, P matches in the sentence there too:
    the window is the sentence's own text, and P has no lookaround or anchor to
    see that the sentence goes on. So a sentence where this finds nothing needs
    no window searched, except where a cut window begins inside a word (a `\\b`
    that holds only at the cut); `_rejected` checks that case itself. None if a
    pattern is not of that form.
    """
    out = []
    for p in patterns:
        items = _parse(p)
        if not p.endswith("$") or p.endswith("\\$") or items is None or items[-1] != (_sre.AT, _sre.AT_END):
            return None
        if not items[:-1] or items[-2][0] is _sre.AT or not _context_free(items[:-1]):
            return None
        out.append(f"(?:{p[:-1]})")
    return rules.compile_pattern("|".join(out) or "(?!)")


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
    # One search for all unrestricted before-patterns and one for after-patterns
    # decide whether any rule can apply; only then are the rules tried one by one.
    # The before-gate only answers yes/no, so it is searched right to left.
    free = [c for c in ctx if not c.names and not c.before_words]
    gate = (
        rules.compile_pattern(
            "|".join(f"(?:{c.before.pattern})" for c in free if c.before is not None) or "(?!)", regex.REVERSE
        ),
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
        codes={a.gss_code: a for a in reversed(reg.rows)},  # the first row of a code wins
        before_anywhere=_unanchored([c.before.pattern for c in free if c.before is not None]),
        suffix_space=_leading_space(_parse(data["affixes"]["suffix_pattern"]) or []),
        ambiguous=amb,
        fuzzy_threshold=float(fz["threshold"]),
        fuzzy_min_length=int(fz["min_length"]),
        fuzzy_list_min=int(fz["list_min"]),
        fuzzy_keys=tuple(forms),
        fuzzy_by_length={},
        skip=tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I)) for r in data["skip"]["rules"]),
        heading=rules.compile_pattern(jd["heading_pattern"], regex.I),
    )


@dataclass(slots=True)
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


@dataclass(slots=True)
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    hits: list[_Hit] = field(default_factory=list)
    before_possible: bool | None = None  # can a before-gate pattern match in it at all (computed when needed)
    list_like: bool | None = None  # _list_like, once the hits are final


def _line_span(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _well_cased(surface: str) -> bool:
    """Every name word capitalised ("Kingston upon Thames"), or the whole span in capitals."""
    if surface[:1].isupper() and surface.isalpha():
        return True  # one word (the common case), so _WORD finds just it
    if surface.isupper():
        return True
    return all(w[0].isupper() for w in _WORD.findall(surface) if w.lower() not in _CONNECTORS)


def _prev_word(window: str) -> str | None:
    """The word just before the name (_PREV_WORD over the last 30 characters), without a search where none can be."""
    w = window[-30:]
    if not w or w[-1] not in " \t":
        return None
    c = w.rstrip(" \t")[-1:]
    if not c or (c.isascii() and not (c.isalnum() or c in "_'-")):
        return None  # the word would have to end with c
    m = _PREV_WORD.search(w)
    return m.group(1) if m else None


def _wordish(c: str) -> bool:
    """c may be a word character (to \\b); only ASCII is ruled out."""
    return not c.isascii() or c.isalnum() or c == "_"


def _rejected(rec: Recogniser, text: str, sent: _Sentence, start: int, end: int, k: str) -> str:
    """Id of the context rule that says this name is not an authority, or ""."""
    s_start, s_end = sent.start, sent.end
    ws = max(s_start, start - 60)
    before = text[ws:start]
    any_before, any_after, limited = rec.context_gate
    prev = _prev_word(before)
    if not (k in limited or (prev and prev[:1].isupper())):
        if sent.before_possible is None:
            sent.before_possible = rec.before_anywhere is None or bool(rec.before_anywhere.search(sent.text))
        # A window cut inside a word can match at the cut alone, where \b holds only because the window starts.
        cut = (
            ws > s_start
            and _wordish(text[ws - 1])
            and rec.before_anywhere is not None
            and rec.before_anywhere.match(before) is not None
        )
        if not ((sent.before_possible or cut) and any_before.search(before)):
            if not any_after.search(text[end : min(s_end, end + 60)]):
                return ""
    after = text[end : min(s_end, end + 60)]
    for c in rec.context:
        if c.names and k not in c.names:
            continue
        if c.before_words:
            if prev and prev in c.before_words:
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


def _phrase_matches(rec: Recogniser, sent: _Sentence) -> list[tuple[str, int, int]]:
    """The PhraseMatcher's names in one sentence: (key, start char, end char), filtered like
    spacy.util.filter_spans (longest first, then earliest; no token in two)."""
    tokens = nlp.blank().make_doc(sent.text)
    found = sorted(rec.matcher(tokens), key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
    seen: set[int] = set()
    kept = []
    for label, ts, te in found:
        if ts not in seen and te - 1 not in seen:
            kept.append((label, ts, te))
            seen.update(range(ts, te))
    kept.sort(key=lambda m: m[1])
    strings = rec.matcher.vocab.strings
    out = []
    for label, ts, te in kept:
        last = tokens[te - 1]
        out.append((strings[label], tokens[ts].idx, last.idx + len(last)))
    return out


def _recognise(
    rec: Recogniser, doc: CleanDoc, sent: _Sentence, chosen: dict[str, tuple[link.Authority, tuple[str, ...]] | None]
) -> tuple[list[_Hit], list[tuple[int, int]]]:
    """Names in one candidate sentence (phrase matches, context, council titles), and the spans rejected.

    `chosen` remembers, for the page, the register row each name key resolved to."""
    text = doc.text
    s_start, s_end = sent.start, sent.end
    hits: list[_Hit] = []
    rejected: list[tuple[int, int]] = []
    for k, s, e in _phrase_matches(rec, sent):
        start, end = s_start + s, s_start + e
        surface = text[start:end]
        if not _well_cased(surface):
            continue
        tail = text[max(s_start, start - 6) : start].rstrip()
        if len(tail) < 2 and start - 6 > s_start:
            tail = text[max(s_start, start - 40) : start].rstrip()  # a long run of spaces: look further, as before
        pre = rec.prefix.search(text[max(s_start, start - 40) : start]) if tail[-2:].lower() == "of" else None
        if rec.suffix_space and (end >= s_end or not text[end].isspace()):
            suf = None  # a council title after the name starts with a space
        else:
            suf = rec.suffix.match(text[end : min(s_end, end + 40)])
        titled = bool(pre or suf or (" " in surface and _TITLE_WORDS.search(surface)))
        if not titled:
            if _rejected(rec, text, sent, start, end, k) or (surface.isupper() and k in rec.common_words):
                rejected.append((start, end))
                continue
        if pre:
            start -= len(pre.group(0))
        if suf:
            end += len(suf.group(0))
        if k in rec.ambiguous:
            hit = _Hit(start, end, sent.index, k)
            rid, cands = rec.ambiguous[k]
            hit.match, hit.score, hit.rule = "ambiguous", "", rid
            hit.candidates = tuple(g for g, _ in cands)
            decided = [g for g, p in cands if p.search(sent.text)]
            if len(decided) == 1:
                _decide(rec, hit, decided[0], doc.published, f"{rid}.context")
        else:
            if k not in chosen:
                chosen[k] = link.choose(rec.register.index.get(k, ()), doc.published)
            picked = chosen[k]
            if picked is None:
                continue  # the name was not an authority yet on the page's date (a town)
            row, flags = picked
            if not (pre or suf) and link._light(surface) == link._light(row.name):
                hit = _Hit(start, end, sent.index, k, "exact", "100", "auth.exact", row, flags)
            else:
                hit = _Hit(start, end, sent.index, k, "alias", "100", "auth.title" if (pre or suf) else "auth.alias", row, flags)
        hits.append(hit)
    return hits, rejected


def _decide(rec: Recogniser, hit: _Hit, gss: str, date: str, rule: str) -> None:
    """Settle an ambiguous hit on one candidate, dated like any other name."""
    row = rec.codes.get(gss)
    if row is None:
        return
    rows = tuple(a for a in rec.register.rows if a.name == row.name)
    picked = link.choose(rows, date) or (row, ())
    hit.authority, hit.flags = picked
    hit.match, hit.score, hit.rule = "alias", "100", rule


def _bounds(hits: list[_Hit]) -> tuple[list[int], list[int]]:
    """Starts and ends of hits in order, for bisecting; both empty if hits overlap (then pieces scan them all)."""
    starts = [h.start for h in hits]
    ends = [h.end for h in hits]
    if any(ends[i] > starts[i + 1] for i in range(len(hits) - 1)):
        return [], []
    return starts, ends


def _overlapping(hits: list[_Hit], starts: list[int], ends: list[int], ps: int, pe: int) -> list[_Hit]:
    """The hits that share a character with [ps, pe)."""
    if not starts and hits:
        return [h for h in hits if h.start < pe and ps < h.end]
    return hits[bisect_right(ends, ps) : bisect_left(starts, pe)]


def _fuzzy_choices(rec: Recogniser, n: int) -> tuple[str, ...]:
    """The keys a key of length `n` can reach the fuzzy threshold with, in their order.

    fuzz.ratio is 100 * (1 - distance / (n + m)) and the distance is at least
    |n - m|, so a key whose length is too far off cannot score enough; leaving
    it out changes neither the best key nor its score, only the work.
    """
    got = rec.fuzzy_by_length.get(n)
    if got is None:
        slack = 1 - rec.fuzzy_threshold / 100
        got = tuple(k for k in rec.fuzzy_keys if abs(n - len(k)) <= slack * (n + len(k)) + 1e-9)
        rec.fuzzy_by_length[n] = got
    return got


def _fuzzy(rec: Recogniser, doc: CleanDoc, sent: _Sentence, rejected: list[tuple[int, int]]) -> None:
    """Replace or add hits where a capitalised run reads better as one (misspelt) name."""
    text = doc.text
    in_list = len(sent.hits) >= rec.fuzzy_list_min
    starts, ends = _bounds(sent.hits)
    exact = {(h.start, h.end) for h in sent.hits}
    runs = [sp for sp in (m.span() for m in _RUN.finditer(text, sent.start, sent.end)) if sp not in exact]
    for a, b in runs:
        if rejected and any(x < b and a < y for x, y in rejected):
            continue
        i = bisect_right(ends, a)
        if i < len(starts) and starts[i] <= a and b <= ends[i]:
            continue  # the run is (inside) one recognised name; so is every part of it
        # The whole run first, then its parts between "and"s ("X and Y" may be two names).
        cut = [a] + [x for m in _AND.finditer(text, a, b) for x in (m.start(), m.end())] + [b]
        pieces = [(a, b)] + ([(cut[i], cut[i + 1]) for i in range(0, len(cut), 2)] if len(cut) > 2 else [])
        for ps, pe in pieces:
            over = _overlapping(sent.hits, starts, ends, ps, pe)
            if any(h.start <= ps and pe <= h.end for h in over):
                continue  # already one recognised name (or inside one)
            if over:
                covered = all(
                    any(h.start <= w.start() < h.end for h in over)
                    for w in _CAP_WORD.finditer(text, ps, pe)
                    if w.group(0).lower() not in _CONNECTORS
                )
                if covered and not any("historic" in h.flags for h in over):
                    continue
            elif not (
                in_list
                and _LIST_BOUNDARY.search(text[sent.start : ps])
                and _LIST_BOUNDARY_AFTER.match(text[pe : sent.end])
            ):
                continue
            k = link.key(text[ps:pe])
            if len(k) < rec.fuzzy_min_length:
                continue
            best = process.extractOne(k, _fuzzy_choices(rec, len(k)), scorer=fuzz.ratio, score_cutoff=rec.fuzzy_threshold)
            if best is None or best[0] in rec.ambiguous:
                continue
            picked = link.choose(rec.register.index.get(best[0], ()), doc.published)
            if picked is None:
                continue
            gone = {id(h) for h in over}
            sent.hits = [h for h in sent.hits if id(h) not in gone]
            sent.hits.append(_Hit(ps, pe, sent.index, best[0], "fuzzy", str(round(best[1])), "auth.fuzzy", *picked))
            sent.hits.sort(key=lambda h: h.start)
            starts, ends = _bounds(sent.hits)
            break  # the whole run won; its parts are not tried


def _list_like(sent: _Sentence) -> bool:
    """A sentence that is (almost) nothing but names: a list line or list paragraph."""
    if sent.list_like is None:
        sent.list_like = _count_list_like(sent)
    return sent.list_like


def _count_list_like(sent: _Sentence) -> bool:
    if not sent.hits:
        return False
    parts = []
    pos = 0
    for h in sent.hits:
        hs, he = h.start - sent.start, h.end - sent.start
        parts.append(sent.text[pos:hs])
        parts.append(" " * (he - hs))
        pos = he
    parts.append(sent.text[pos:])
    leftover = [w for w in _WORD.findall(_PAREN.sub(" ", "".join(parts))) if w.lower() not in _LIST_FILLER]
    return len(leftover) <= max(1, len(sent.hits) // 4)


def _intro(rec: Recogniser, layer: spans.Layer, span: tuple[int, int]) -> tuple[str, str] | None:
    """(category, rule) if a sentence heads a list: a judgement heading ("Inadequate:",
    "Councils rated good") or a sentence ending in a colon or dash after its judgement."""
    text = layer.text[span[0]:span[1]]
    if layer.no_judgement(span):
        return None
    m = rec.heading.match(text) if len(text) <= 90 else None
    if m:
        j = m.group("j").strip(_QUOTES)
        found = scales.find(j, layer.era)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(j):
            return found[0].category, "judg.heading"
    if text.rstrip().endswith((":", "-", "–", "—")):
        category, rule = spans.sentence_judgement(layer, span)
        if category:
            return category, "judg.list-intro"
    return None


def _judge(rec: Recogniser, doc: CleanDoc, sents: list[_Sentence], layer: spans.Layer) -> None:
    """Each name takes the judgement its clause gives it (spans.attribute, as
    figures do); a list sentence ("They are ...", a line of names) takes the
    judgement of the sentence or heading before it."""
    by_index = {s.index: s for s in sents}
    carried: dict[int, tuple[str, str] | None] = {}
    for sent in sents:
        span = (sent.start, sent.end)
        if not sent.hits or layer.no_judgement(span):
            continue
        # A judgement taken from after one name ends the reach of the next name's look back
        # ("Surrey was judged good, unlike Kent, ..."); the next name with a judgement between
        # ends the reach forward ("Kent was rated inadequate in 2014 and Surrey was judged good").
        taken = sent.start
        for i, h in enumerate(sent.hits):
            hi = next((o.start for o in sent.hits[i + 1:] if layer.has_phrase(span, h.end, o.start)), None)
            lo = taken if _PUNCT.search(layer.text, taken, h.start) else None
            category, rule, used = spans.attribute(layer, span, h.start, h.end, lo=lo, hi=hi, changes=False)
            if rule == "judg.after":
                taken = max(taken, used)
            elif rule == "judg.before":
                taken = sent.start  # the rest of its list looks back to the same phrase
            if category:
                h.judgement, h.judgement_rule = category, rule
        if sent.index < 0:
            continue
        if sent.index > 0 and layer.refers_back(span) and not any(h.judgement for h in sent.hits):
            # "Five areas were in this category: A, B, ..." takes the sentence before's judgement.
            category, rule = spans.sentence_judgement(layer, doc.sentences[sent.index - 1])
            for h in sent.hits:
                h.judgement, h.judgement_rule = category, rule and "judg.anaphora"
        listing = _list_like(sent)
        if not listing and not layer.opens_list(span):
            continue
        # A list takes the judgement of the heading or sentence above it;
        # consecutive list lines share the one found for the first.
        above = by_index.get(sent.index - 1)
        if listing and above is not None and above.hits and _list_like(above):
            intro = carried.get(above.index)
        elif sent.index > 0:
            prev = doc.sentences[sent.index - 1]
            intro = _intro(rec, layer, prev)
            if intro is None and layer.opens_list(span):
                category, rule = spans.sentence_judgement(layer, prev)
                intro = (category, rule) if category else None
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
    last = (0, 0)
    for m in rec.scan.finditer(text):
        pos = m.start()
        if pos < last[1] and pos >= last[0]:
            continue  # the sentence is marked already
        if pos and text[pos - 1].isalnum():
            continue  # inside a longer word
        idx = doc.sentence_index(pos)
        span = doc.sentences[idx] if idx >= 0 else _line_span(text, pos)
        last = span
        if span not in sents:
            sents[span] = _Sentence(idx, span[0], span[1], text[span[0] : span[1]])
    ordered = sorted(sents.values(), key=lambda s: s.start)
    kept = []
    chosen: dict[str, tuple[link.Authority, tuple[str, ...]] | None] = {}
    for sent in ordered:
        if any(p.search(sent.text) for _, p in rec.skip):
            continue
        sent.hits, rejected = _recognise(rec, doc, sent, chosen)
        _fuzzy(rec, doc, sent, rejected)
        if sent.hits:
            kept.append(sent)
    if not kept:
        return []
    hits = [h for s in kept for h in s.hits]
    _settle_ambiguous(rec, hits, doc.published)
    _judge(rec, doc, kept, spans.Layer(doc, directory))
    rows: list[tuple[int, int, _Hit, str]] = []
    for s in kept:
        quote = s.text.strip() if s.index >= 0 else ""
        for h in s.hits:
            if s.index < 0:  # a line outside the sentences: the span around the name, as _row always did
                ss, se = doc.sentence_at(h.start)
                if ss == se:
                    ss, se = _line_span(text, h.start)
                quote = text[ss:se].strip()
            rows.append((h.start, h.end, h, quote))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [_row(rec, doc, i, h, quote) for i, (_s, _e, h, quote) in enumerate(rows, 1)]


def _row(rec: Recogniser, doc: CleanDoc, n: int, h: _Hit, sentence: str) -> Mention:
    a = h.authority
    rs, re_ = doc.raw_span(h.start, h.end)
    if a is None:
        names = [r.name for g in h.candidates if (r := rec.codes.get(g))]
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
        sentence=sentence,
        start=h.start,
        end=h.end,
        raw_start=rs,
        raw_end=re_,
        rule=h.rule + (f"+{h.judgement_rule}" if h.judgement_rule else ""),
    )
