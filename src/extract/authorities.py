"""Authority names in a page's clean text, linked to the register, with their judgements.

`extract(doc)` returns one `Mention` per name in the text, in order of start.
Three passes, cheapest first:

1. scan: one compiled regex (a character trie of every register name and alias,
   separators and the case of later words left open) over the whole text marks
   the sentences that hold a capitalised candidate. Nothing else is looked at;
   the page is never tokenized whole.
2. match: in those sentences, where the scan found a candidate, words are reduced to a normal form
   (`name_words`: case, hyphens, dots, "&"/"and", lost spaces) and the longest run of words
   that is a register name or alias wins, so spellings are normalised, not
   listed, and a name never links to a shorter one inside it. The context rules
   of rules/authorities.yaml then drop people, universities, other places and
   locators; council titles around a name join the span; a capitalised run
   that is a typo or variant of a name links by rapidfuzz (`fuzzy`).
3. judge: each name takes the judgement its clause gives it through the span
   layer (`spans.attribute`, the same function figures use); a list sentence
   ("They are ...", a line of names) takes that of the heading or sentence
   before it; a page about one council gives it what it says of "the service".

The `match` column is the kind of link, then flags, joined by ";":
exact (the register's own name), alias (an alias or a council title around a
name), fuzzy (rapidfuzz; `score` is its 0-100 ratio), ambiguous (a short form
two authorities share that nothing on the page decides: no codes, and
`authority` lists the candidates joined by " | "). Flags: `undated` (the page
has no date, no era wording and no year: the latest register row was used),
`era-dated` (no date, but its judgement wording dates it to an era: the row of
that period), `year-dated` (no date and no era wording, but the latest year
its text states: the row at that year's end), `historic` (the page is dated after the authority ceased: its
last row) and `before-valid` (the page is dated before the name's first row:
that row, never dropped).

With a `rejected` list, every candidate a rule turned down is recorded there
(`extract run --explain` writes them to rejected.csv).
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz, process

from . import link, rules, scales, spans
from .model import CleanDoc, Mention, Rejected

_CONNECTORS = frozenset({"and", "&", "of", "upon", "on", "under", "with", "the", "le", "in", "-"})
_TITLE_NOUNS = frozenset({"borough", "council", "county", "city", "metropolitan", "district", "royal"})
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
    names: dict[tuple[str, ...], str]  # name_words of every register form -> its link.key
    name_prefixes: frozenset[tuple[str, ...]]  # every leading part of those word tuples
    name_longest: int
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
    fuzzy_report_from: float  # --explain records runs scoring at least this (and under the threshold)
    locator: tuple[str, regex.Pattern[str]] | None  # (rule id, text between two names making the second a locator)
    reasons: dict[str, str]  # rule id -> why it turns a name down (rejected.csv)
    fuzzy_min_length: int
    fuzzy_list_min: int
    fuzzy_keys: tuple[str, ...]
    fuzzy_by_length: dict[int, tuple[str, ...]]  # _fuzzy_choices, filled as lengths come up
    skip: tuple[tuple[str, regex.Pattern[str]], ...]
    heading: regex.Pattern[str]  # a line that heads a list of names with its judgement
    latest_year: int  # the register's last year: a later year in a text is a target ("by 2030"), not its date


_NAME_WORD = regex.compile(r"[^\W\d_]+|&|,")
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
# What may stand between two words of one name: spaces, one hyphen or dash, the dot of "St.".
_GAP = regex.compile(r"[ \t\u00a0]*(?:[-\u2010\u2011\u2013.][ \t\u00a0]*)?")


# Compass points written as one word, and where the second begins.
_COMPASS = {"northeast": 5, "northwest": 5, "southeast": 5, "southwest": 5}


def name_words(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    """The words a name is compared by: (normal form, start, end), from `start` on.

    Case, hyphens, dots and "&"/"and" are normalised away here, so every
    spelling of a register name reduces to the same words ("North-east
    Lincolnshire", "NORTH EAST LINCOLNSHIRE", "St.Helens", "Telford&Wrekin").
    Words glued by a lost space ("andBristol") are split at the capital, and a compass point written as one
    word ("Northeast") in two.
    """
    for m in _NAME_WORD.finditer(text, start, len(text) if end is None else end):
        w, ws = m.group(0), m.start()
        if w == "&":
            yield "and", ws, m.end()
        elif w == ",":
            yield ",", ws, m.end()
        elif (w.istitle() or w.islower() or w.isupper()) and (half := _COMPASS.get(w.casefold())):
            yield w[:half].casefold(), ws, ws + half  # "Northeast Lincolnshire" is "North East Lincolnshire"
            yield w[half:].casefold(), ws + half, m.end()
        elif w.istitle() or w.islower() or w.isupper():
            yield w.casefold(), ws, m.end()
        else:
            cuts = [0, *(c.start() for c in _CAMEL.finditer(w)), len(w)]
            for i in range(len(cuts) - 1):
                yield w[cuts[i] : cuts[i + 1]].casefold(), ws + cuts[i], ws + cuts[i + 1]


def name_tuples(form: str) -> set[tuple[str, ...]]:
    """The word tuples a register form is recognised by (with and without its commas)."""
    words = tuple(w for w, _s, _e in name_words(form))
    return {words, tuple(w for w in words if w != ",")} - {()}


_CI_TOKEN, _AND_TOKEN, _DOT_TOKEN, _SEP_TOKEN = "\x00ci", "\x00and", "\x00dot", "\x00sep"
_TOKEN_REGEX = {_AND_TOKEN: "(?:[Aa]nd|AND|&)", _DOT_TOKEN: r"\.?", _SEP_TOKEN: "[\\s\\-\u2010\u2011\u2013.,]*"}


def _scan_tokens(form: str) -> list[str]:
    """A form as trie tokens: its characters, word separators, "and"/"&", the optional dot of "St.".

    Words after the first may start in either case and connectors may be in any
    case ("Kingston Upon Hull", "North-east Lincolnshire"): this only marks the
    sentences worth reading; `name_words` decides what they name.
    """
    out: list[str] = []
    for i, w in enumerate(_SCAN_WORD.findall(form.replace(",", " "))):
        if i:
            out.append(_SEP_TOKEN)
        if w.lower() in ("and", "&"):
            out.append(_AND_TOKEN)
        elif w.rstrip(".") in ("St", "ST"):
            out.extend([*w.rstrip("."), _DOT_TOKEN])
        elif i and w.lower() in _CONNECTORS:
            out.append(_CI_TOKEN + w.lower())
        elif i:
            out.extend([_CI_TOKEN + w[0].lower(), *w[1:]])
        else:
            out.extend(w)
    return out


def _token_regex(t: str) -> str:
    if t.startswith(_CI_TOKEN):
        word = t[len(_CI_TOKEN) :]
        return "".join(f"[{re.escape(c)}{re.escape(c.upper())}]" if c.upper() != c else re.escape(c) for c in word)
    return _TOKEN_REGEX.get(t) or re.escape(t)


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
            tr = _token_regex(t)
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

    forms: dict[str, set[str]] = {}
    for f in reg.forms():
        forms.setdefault(link.key(f), set()).add(f)
    amb: dict[str, tuple[str, tuple[tuple[str, regex.Pattern[str]], ...]]] = {}
    for r in rf.data["ambiguous"]["rules"]:
        rules.require(r, rf.path, {"id": str, "form": str, "candidates": list})
        r = rules.strip_lines(r)
        k = link.key(r["form"])
        amb[k] = (r["id"], tuple((c["gss"], rules.compile_pattern(c["context_pattern"])) for c in r["candidates"]))
        forms.setdefault(k, set()).add(r["form"])

    names: dict[tuple[str, ...], str] = {}
    for k, vs in sorted(forms.items()):
        for v in sorted(vs):
            for t in name_tuples(v):
                names.setdefault(t, k)
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
        names=names,
        name_prefixes=frozenset(t[:i] for t in names for i in range(1, len(t) + 1)),
        name_longest=max((len(t) for t in names), default=0),
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
        fuzzy_report_from=float(fz.get("report_from", fz["threshold"])),
        locator=(str(data["locator"]["id"]), rules.compile_pattern(data["locator"]["between_pattern"]))
        if data.get("locator")
        else None,
        reasons={str(r["id"]): str(r.get("reason", "")) for r in [*data["context"]["rules"], *data["skip"]["rules"], *([data["locator"]] if data.get("locator") else [])]},
        fuzzy_min_length=int(fz["min_length"]),
        fuzzy_list_min=int(fz["list_min"]),
        fuzzy_keys=tuple(forms),
        fuzzy_by_length={},
        skip=tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I)) for r in data["skip"]["rules"]),
        heading=rules.compile_pattern(jd["heading_pattern"], regex.I),
        latest_year=int(data["dating"]["latest_year"]),
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
    """Every word of the name capitalised ("Kingston upon Thames", "North-east Lincolnshire": a hyphenated
    compound counts by its first part), or the whole span in capitals; the common nouns of a council's title
    before its name may be in lower case ("the London borough of Hackney")."""
    if surface[:1].isupper() and surface.isalpha():
        return True  # one word (the common case)
    if surface.isupper():
        return True
    titled = " of " in surface  # a title before the name: "the London borough of Hackney" (after it, "Kent county
    # council" is read as the name and its title, which the page's date links)
    return all(w[0].isupper() for w in surface.split() if w.lower() not in _CONNECTORS
               and not (titled and w in _TITLE_NOUNS))


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


def _glued(text: str, p: int) -> bool:
    """A capital at `p` after a lower-case word with no space between ("andBristol"): two words that lost
    their space in extraction, unlike a capital inside one name ("McKent")."""
    j = p
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[p].isupper() and text[j:p].islower() and (j == 0 or not text[j - 1].isalnum())


def _name_matches(rec: Recogniser, sent: _Sentence) -> list[tuple[str, int, int]]:
    """Register names in one sentence: (key, start char, end char) within it, longest first from the left.

    Only where the scan regex finds a candidate are words read (`name_words`:
    their normal form); they may be joined by spaces, one hyphen or a dot only,
    and the longest run that is a register name wins, so a name never links to
    a shorter name inside it ("North-east Lincolnshire" is not "Lincolnshire"),
    unless only a shorter one is capitalised as a name ("Birmingham city council"
    is Birmingham, whose lower-case title `_recognise` then reads).
    """
    text = sent.text
    names, prefixes, longest = rec.names, rec.name_prefixes, rec.name_longest
    out = []
    pos = 0
    for m in rec.scan.finditer(text):
        p = m.start()
        if p < pos:
            continue
        if p and text[p - 1].isalnum() and not _glued(text, p):
            continue  # inside a longer word
        words: list[str] = []
        best = cased = None
        prev_end = p
        for w, ws, we in name_words(text, p, min(len(text), p + 120)):
            if words and not _GAP.fullmatch(text, prev_end, ws):
                break
            words.append(w)
            key = tuple(words)
            if key not in prefixes or len(words) > longest:
                break
            if key in names:
                best = (names[key], we)
                if _well_cased(text[p:we]):
                    cased = best
            prev_end = we
        best = cased or best
        if best is not None:
            out.append((best[0], p, best[1]))
            pos = best[1]
    return out


def _recognise(
    rec: Recogniser,
    doc: CleanDoc,
    sent: _Sentence,
    chosen: dict[str, tuple[link.Authority, tuple[str, ...]] | None],
    date: str,
    date_flags: tuple[str, ...],
) -> tuple[list[_Hit], list[tuple[int, int, str, str]]]:
    """Names in one candidate sentence (name matches, context, council titles), and the candidates
    turned down: (start, end, rule, reason).

    `chosen` remembers, for the page, the register row each name key resolved to."""
    text = doc.text
    s_start, s_end = sent.start, sent.end
    hits: list[_Hit] = []
    rejected: list[tuple[int, int, str, str]] = []
    prev_end = -1
    for k, s, e in _name_matches(rec, sent):
        start, end = s_start + s, s_start + e
        surface = text[start:end]
        if not _well_cased(surface):
            rejected.append((start, end, "auth.case", "not capitalised as a name"))
            continue
        if prev_end >= 0 and rec.locator and rec.locator[1].fullmatch(text, prev_end, start):
            # "St Helens in Lancashire": the second name only says where the first is.
            rejected.append((start, end, rec.locator[0], rec.reasons.get(rec.locator[0], "")))
            prev_end = end
            continue
        prev_end = end
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
            rule = _rejected(rec, text, sent, start, end, k)
            if not rule and surface.isupper() and k in rec.common_words:
                rule = "auth.common-word"
            if rule:
                reason = rec.reasons.get(rule, "an ordinary word in capitals, without a council title")
                rejected.append((start, end, rule, reason))
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
                _decide(rec, hit, decided[0], date, date_flags, f"{rid}.context")
        else:
            if k not in chosen:
                chosen[k] = link.choose(rec.register.index.get(k, ()), date)
            picked = chosen[k]
            if picked is None:
                continue
            row, flags = picked[0], picked[1] + date_flags
            if not (pre or suf) and link._light(surface) == link._light(row.name):
                hit = _Hit(start, end, sent.index, k, "exact", "100", "auth.exact", row, flags)
            else:
                hit = _Hit(start, end, sent.index, k, "alias", "100", "auth.title" if (pre or suf) else "auth.alias", row, flags)
        hits.append(hit)
    return hits, rejected


def _decide(rec: Recogniser, hit: _Hit, gss: str, date: str, date_flags: tuple[str, ...], rule: str) -> None:
    """Settle an ambiguous hit on one candidate, dated like any other name."""
    row = rec.codes.get(gss)
    if row is None:
        return
    rows = tuple(a for a in rec.register.rows if a.name == row.name)
    picked = link.choose(rows, date) or (row, ())
    hit.authority, hit.flags = picked[0], picked[1] + date_flags
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


def _fuzzy(
    rec: Recogniser,
    doc: CleanDoc,
    sent: _Sentence,
    rejected: list[tuple[int, int, str, str]],
    date: str,
    date_flags: tuple[str, ...],
    why: list[tuple[int, int, str, str]] | None = None,
) -> None:
    """Replace or add hits where a capitalised run reads better as one (misspelt) name.

    Given `why`, a run that holds no recognised name and whose best register
    name scores under the threshold (but at least `report_from`) is recorded there."""
    text = doc.text
    in_list = len(sent.hits) >= rec.fuzzy_list_min
    starts, ends = _bounds(sent.hits)
    exact = {(h.start, h.end) for h in sent.hits}
    runs = [sp for sp in (m.span() for m in _RUN.finditer(text, sent.start, sent.end)) if sp not in exact]
    for a, b in runs:
        if rejected and any(x < b and a < y for x, y, *_ in rejected):
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
            if best is None and why is not None and not over:  # a name found inside the run stands: nothing turned down
                near = process.extractOne(k, rec.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=rec.fuzzy_report_from)
                if near is not None:
                    why.append((ps, pe, "auth.fuzzy", f"closest register name {near[0]!r} scores {near[1]:.0f} < {rec.fuzzy_threshold:.0f}"))
            if best is None or best[0] in rec.ambiguous:
                continue
            picked = link.choose(rec.register.index.get(best[0], ()), date)
            if picked is None:
                continue
            if over and all(h.authority is not None and h.authority.gss_code == picked[0].gss_code for h in over):
                continue  # the run names what is already recognised in it ("Both Halton Borough Council")
            gone = {id(h) for h in over}
            sent.hits = [h for h in sent.hits if id(h) not in gone]
            sent.hits.append(
                _Hit(ps, pe, sent.index, best[0], "fuzzy", str(round(best[1])), "auth.fuzzy", picked[0], picked[1] + date_flags)
            )
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


_SECTION = regex.compile(r"[^.!?:;,\n]{2,60}")  # a line that is a short heading: no sentence or list punctuation
_SECTION_REACH = 60  # sentences a section heading looks back for the judgement heading above it


def _section_heading(rec: Recogniser, doc: CleanDoc, layer: spans.Layer, index: int,
                     seen: dict[int, tuple[str, str] | None]) -> tuple[str, str] | None:
    """The judgement of the nearest judgement heading above a section heading (a line that is only a name), within
    `_SECTION_REACH` sentences: (category, "judg.section"), else None. `seen`: the page's `_intro` of its sentences
    by index (the sections of a page look back over the same sentences)."""
    for k in range(index - 1, max(-1, index - 1 - _SECTION_REACH), -1):
        found = seen[k] if k in seen else seen.setdefault(k, _intro(rec, layer, doc.sentences[k]))
        if found is not None and found[1] == "judg.heading":
            return found[0], "judg.section"
    return None


def _intro(rec: Recogniser, layer: spans.Layer, span: tuple[int, int]) -> tuple[str, str] | None:
    """(category, rule) if a sentence heads a list: a judgement heading ("Inadequate:",
    "Councils rated good") or a sentence ending in a colon or dash after its judgement."""
    text = layer.text[span[0]:span[1]]
    if layer.no_judgement(span):
        return None
    m = rec.heading.match(text) if len(text) <= 90 else None
    if m:
        j = m.group("j").strip(_QUOTES)
        found = scales.find(j, layer.scale_of(text), layer.dir)  # the scale the heading speaks, as a sentence's
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(j):
            return found[0].category, "judg.heading"
    if text.rstrip().endswith((":", "-", "–", "—")):
        category, rule = spans.sentence_judgement(layer, span)
        if category:
            return category, "judg.list-intro"
    return None


def _adjective(layer: spans.Layer, span: tuple[int, int], start: int) -> spans.Phrase | None:
    """A grade made the name's adjective ("the three-star Kent County Council", "zero-star Haringey"): the name's
    own, wherever the words before it would start a move ("experts from the three-star Kent ...")."""
    return next((p for p in layer.phrases(span) if not p.negated and not p.attributive and not p.change
                 and _ADJECTIVE_JOIN.fullmatch(layer.text, p.end, start)), None)


_LIST_JOIN = regex.compile(r"\s*,\s*(?:and|or)\s+")  # the comma before a list's last item
_RATED_JOIN = regex.compile(r"[\"'’”]?[-‐–][ \t]*rated[ \t]+", regex.I)  # "inadequate-rated Sandwell"
_ADJECTIVE_JOIN = regex.compile(r"[ \t]+|" + _RATED_JOIN.pattern, regex.I)  # "three-star Kent", "inadequate-rated Kent"
# Between two names of one list: a comma or "and"/"or", and a place after a name ("Halton, in the north west, and").
_LIST_GAP = regex.compile(r"(?:\s*,\s*(?:in|of|near)\s+[^,;.:()]{1,40})?\s*,?\s*(?:(?:and|or)\s+)?")

def _judge(rec: Recogniser, doc: CleanDoc, sents: list[_Sentence], layer: spans.Layer) -> None:
    """Each name takes the judgement its clause gives it (spans.attribute, as
    figures do); a list sentence ("They are ...", a line of names) takes the
    judgement of the sentence or heading before it."""
    by_index = {s.index: s for s in sents}
    carried: dict[int, tuple[str, str] | None] = {}
    intros: dict[int, tuple[str, str] | None] = {}  # `_intro` of the page's sentences, for its section headings
    for sent in sents:
        span = (sent.start, sent.end)
        if not sent.hits or layer.no_judgement(span):
            continue
        # A judgement taken from after one name ends the reach of the next name's look back
        # ("Surrey was judged good, unlike Kent, ..."); the next name with a judgement between
        # ends the reach forward ("Kent was rated inadequate in 2014 and Surrey was judged good").
        taken = sent.start
        apart = [h for h in sent.hits if layer.g.excluded.search(layer.text, max(sent.start, h.start - 40), h.start)]
        for i, h in enumerate(sent.hits):
            reach = layer.phrase_end(span, h.end)  # a usable phrase lies in [h.end, x) when reach <= x
            hi = next((o.start for o in sent.hits[i + 1:] if reach is not None and reach <= o.start), None)
            cut = _PUNCT.search(layer.text, taken, h.start) and not layer.g.continues.search(layer.text, taken, h.start)
            lo = taken if cut else None
            category, rule, used = spans.attribute(layer, span, h.start, h.end, lo=lo, hi=hi, changes=False,
                                                  origins=False)
            if not category and (adj := _adjective(layer, span, h.start)) is not None:
                category, rule, used = adj.category, "judg.before", adj.end  # "from the three-star Kent County Council"
            if rule == "judg.after" and any(layer.g.graded_for.fullmatch(layer.text, used, o.start)
                                            for o in sent.hits[i + 1:]):
                # "X comes amid 'outstanding' ratings for services in Y and Z": the grade is the later names'.
                category, rule = "", ""
            elif rule == "judg.after":
                taken = max(taken, used)
            elif rule == "judg.before" and _RATED_JOIN.fullmatch(layer.text, used, h.start):
                taken = h.end  # "Inadequate-rated Sandwell": a grade made one name's adjective is that name's alone
            elif rule in ("judg.before", "judg.place", "judg.label"):
                taken = sent.start  # the rest of its list looks back to the same phrase
            if not category and i and sent.hits[i - 1].judgement and _LIST_JOIN.fullmatch(
                    layer.text, sent.hits[i - 1].end, h.start):
                # "... got three stars: Bexley, Cornwall, and Westminster": the last item of a list is in it.
                category, rule = sent.hits[i - 1].judgement, sent.hits[i - 1].judgement_rule
            if category and h not in apart:
                h.judgement, h.judgement_rule = category, rule
        # "Kent and Surrey were judged good and inadequate respectively": the n-th name takes the n-th grade.
        for k, (category, rule) in spans.respectively(layer, span, [(h.start, h.end) for h in sent.hits]).items():
            sent.hits[k].judgement, sent.hits[k].judgement_rule = category, rule
        # "Both Halton, in the north west, and Hull were given ...": a list's judgement after its last name is
        # every earlier name's too.
        for h, nxt in reversed(list(pairwise(sent.hits))):
            if not h.judgement and h not in apart and nxt.judgement_rule == "judg.after" and _LIST_GAP.fullmatch(layer.text, h.end, nxt.start):
                h.judgement, h.judgement_rule = nxt.judgement, nxt.judgement_rule
        if sent.index < 0:
            continue
        if sent.index > 0 and layer.refers_back(span) and not any(h.judgement for h in sent.hits):
            # "Five areas were in this category: A, B, ..." takes the sentence before's judgement.
            category, rule = spans.sentence_judgement(layer, doc.sentences[sent.index - 1])
            for h in sent.hits:
                h.judgement, h.judgement_rule = category, rule and "judg.anaphora"
        listing = _list_like(sent)
        if listing and len(sent.hits) == 1 and not sent.hits[0].judgement and _SECTION.fullmatch(sent.text):
            # "LOCAL AUTHORITIES RATED INADEQUATE / BOURNEMOUTH ... / - notes / BRADFORD / - notes": a council's
            # name as a section heading under a judgement heading takes that heading's judgement.
            if found := _section_heading(rec, doc, layer, sent.index, intros):
                sent.hits[0].judgement, sent.hits[0].judgement_rule = found
                continue
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
    _judge_group(doc, sents, layer, by_index)
    _judge_subject(doc, sents, layer)


def _judge_group(doc: CleanDoc, sents: list[_Sentence], layer: spans.Layer, by_index: dict[int, _Sentence]) -> None:
    """Names left without a judgement take the one of the next sentence when its subject is their group
    ("Five councils - A, B, C, D and E - were named. All five were given zero-star ratings."; a star rating so
    stated overrides a part of one, "... were told they are 'not serving children well'"), or, for one
    council, the council ("... in Birmingham a national disgrace. Its local authority was ... inadequate")."""
    for sent in sents:
        k = sent.index + 1
        open_ = [h for h in sent.hits if not h.judgement or scales.is_part(h.judgement, layer.dir)]
        if sent.index < 0 or k >= len(doc.sentences) or k in by_index or not open_:
            continue
        nxt = doc.sentences[k]
        one = len({h.authority.gss_code for h in sent.hits if h.authority is not None}) == 1
        if not (layer.g.group_subject.match(layer.text, nxt[0], nxt[1])
                or (one and layer.g.council_subject.match(layer.text, nxt[0], nxt[1]))):
            continue
        category, _ = spans.sentence_judgement(layer, nxt)
        if category and not (any(h.judgement for h in open_) and scales.is_part(category, layer.dir)):
            for h in open_:
                h.judgement, h.judgement_rule = category, "judg.group-after"


def _judge_subject(doc: CleanDoc, sents: list[_Sentence], layer: spans.Layer) -> None:
    """A page about one council ("Ofsted's report into children's services managed by
    Darlington Borough Council ...") gives it the judgement it states of "the service",
    "the council" or "its children's services" in a sentence naming no authority, where its own sentences gave it
    none, or only a past one ("Warrington - slammed as 'inadequate' only two years ago - ... They said the council
    was 'performing well'")."""
    hits = [h for s in sents for h in s.hits if h.authority is not None]
    if not hits or any(h.judgement and not _past(layer, doc, h) for h in hits if h.authority is hits[0].authority):
        return
    def ends(k: int) -> int:
        return doc.sentences[k][1] if len(doc.sentences) > k else len(doc.text)

    # The page's subject: the council its first two sentences name, or the only council it names, by its sixth (a
    # headline, byline, date and standfirst about "an 'inadequate' council" before the name). The sentences before
    # the name count: a headline judges the council its next sentence names ("... exchange blows over inadequate
    # children's services / Wakefield's Labour and Conservative groups ...").
    if not (hits[0].start < ends(1)
            or (hits[0].start < ends(5) and all(h.authority is hits[0].authority for h in hits))):
        return
    named = {s.index for s in sents if s.hits}
    latest = max(_stated_years(doc), default=0)
    for k, span in enumerate(doc.sentences):
        if k in named or layer.no_judgement(span):
            continue
        if (y := layer.g.fronted_year.match(layer.text, span[0], span[1])) and int(y.group("year")) < latest:
            continue  # "In 2006, the council's children's services was judged ...": its past
        for m in layer.g.subject.finditer(layer.text, span[0], span[1]):
            category, rule, _ = spans.attribute(layer, span, m.start(), m.end(), changes=False, origins=False)
            if category:
                for h in hits:
                    if h.authority is hits[0].authority:
                        h.judgement, h.judgement_rule = category, "judg.subject"
                return


def _past(layer: spans.Layer, doc: CleanDoc, h: _Hit) -> bool:
    """Whether a name's judgement is one its sentence puts in the past ("inadequate only two years ago")."""
    if h.sentence < 0:
        return False
    return any(p.category == h.judgement and p.source and not p.origin
               for p in layer.phrases(doc.sentences[h.sentence]))


def _pin_by_title(hits: list[_Hit]) -> None:
    """On a page whose date is a guess, a council title that names one row of a register name ("North Yorkshire
    County Council", the county before 2023) says which row the page's bare mentions of that name mean too."""
    pinned: dict[str, set[link.Authority]] = {}
    for h in hits:
        if h.authority is not None and h.match == "alias":
            pinned.setdefault(h.authority.name, set()).add(h.authority)
    for h in hits:
        rows = pinned.get(h.authority.name) if h.authority is not None and h.match == "exact" else None
        if rows is not None and len(rows) == 1 and h.authority not in rows:
            h.authority = next(iter(rows))


def _settle_ambiguous(rec: Recogniser, hits: list[_Hit], date: str, date_flags: tuple[str, ...]) -> None:
    """An undecided short form takes the one candidate the page names in full."""
    named = {h.authority.gss_code for h in hits if h.authority is not None}
    for h in hits:
        if h.match == "ambiguous" and h.authority is None:
            found = [g for g in h.candidates if g in named]
            if len(found) == 1:
                _decide(rec, h, found[0], date, date_flags, f"{h.rule}.page")


_YEAR = regex.compile(r"(?<![\d/.-])(?:19[89]\d|20\d\d)(?![\d/-])")


def _stated_years(doc: CleanDoc, directory: Path | None = None) -> list[int]:
    """The years a page states, and its own date's, up to the register's last year (a later one is a target, "by
    2030", not a year the page reports)."""
    years = [int(m.group(0)) for m in _YEAR.finditer(doc.text)]
    if doc.published[:4].isdigit():
        years.append(int(doc.published[:4]))
    return [y for y in years if y <= load(directory).latest_year]


def page_date(doc: CleanDoc, directory: Path | None = None) -> tuple[str, tuple[str, ...]]:
    """The date register rows are chosen for, and the flags it adds to every link.

    The page's own date when it has one. Otherwise the period of the judgement
    scale its wording uses (`CleanDoc.era`: an APA page is from 2006-2008),
    starting no earlier than the latest year the text states within it; the
    links say `era-dated`. No date and no era words: the end of the latest
    year the text states (a page is no older than the years it reports;
    `year-dated`), else "" (the latest rows, `undated`).
    """
    if doc.published:
        return doc.published, ()
    sc = scales.load(directory)
    era = next((e for e in sc.eras if e[0] == doc.era), None)
    if era is None or doc.era == sc.default_era:
        # The latest year the text states dates it no earlier than that.
        years = _stated_years(doc, directory)
        return (f"{max(years)}-12-31", ("year-dated",)) if years else ("", ())
    _eid, first, last = era
    years = [y for y in (int(m.group(0)) for m in _YEAR.finditer(doc.text)) if first[:4] <= str(y) <= last[:4]]
    if years:
        first = max(first, f"{max(years)}-01-01")
    return f"{first}/{last}", ("era-dated",)


def extract(doc: CleanDoc, directory: Path | None = None, rejected: list[Rejected] | None = None) -> list[Mention]:
    """Every authority named in `doc`'s clean text, as authorities.csv rows in order of start.

    Given a `rejected` list, every name candidate a rule turned down is appended to it (`--explain`)."""
    rec = load(directory)
    text = doc.text
    date, date_flags = page_date(doc, directory)
    why: list[tuple[int, int, str, str]] | None = [] if rejected is not None else None
    sents: dict[tuple[int, int], _Sentence] = {}
    last = (0, 0)
    for m in rec.scan.finditer(text):
        pos = m.start()
        if pos < last[1] and pos >= last[0]:
            continue  # the sentence is marked already
        if pos and text[pos - 1].isalnum() and not _glued(text, pos):
            continue  # inside a longer word (but "andBristol" is two words that lost their space)
        idx = doc.sentence_index(pos)
        span = doc.sentences[idx] if idx >= 0 else _line_span(text, pos)
        last = span
        if span not in sents:
            sents[span] = _Sentence(idx, span[0], span[1], text[span[0] : span[1]])
    ordered = sorted(sents.values(), key=lambda s: s.start)
    kept = []
    chosen: dict[str, tuple[link.Authority, tuple[str, ...]] | None] = {}
    for sent in ordered:
        skip = next((rid for rid, p in rec.skip if p.search(sent.text)), "")
        if skip:
            if why is not None:
                why.extend((sent.start + s, sent.start + e, skip, rec.reasons.get(skip) or "the sentence is not the page's content")
                           for _k, s, e in _name_matches(rec, sent))
            continue
        sent.hits, turned_down = _recognise(rec, doc, sent, chosen, date, date_flags)
        _fuzzy(rec, doc, sent, turned_down, date, date_flags, why)
        if why is not None:
            why.extend(turned_down)
        if sent.hits:
            kept.append(sent)
    hits = [h for s in kept for h in s.hits]
    _settle_ambiguous(rec, hits, date, date_flags)
    if not date or date_flags:
        _pin_by_title(hits)
    if why is not None and rejected is not None:
        for h in hits:
            if h.match == "ambiguous" and h.authority is None:
                names = " | ".join(r.name for g in h.candidates if (r := rec.codes.get(g)))
                why.append((h.start, h.end, h.rule, f"shared by {names}; nothing on the page decides (written as ambiguous)"))
        rejected.extend(Rejected(doc.doc_id, s, e, text[s:e], rule, reason) for s, e, rule, reason in sorted(set(why)))
    if not kept:
        return []
    _judge(rec, doc, kept, spans.layer(doc, directory))
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
