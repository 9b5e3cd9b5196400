"""Cheap, exact prefilters for the rule regexes.

The rule patterns are `regex` (V1) expressions, tried at every character by
`finditer`; that costs more than tokenizing the page. The helpers here find,
with `str`/stdlib `re` speed, the few places where a pattern *can* match, so
the pattern itself is only tried there. Each is sound: it may let through a
place where the pattern then fails, never hide one where it would match. When
soundness cannot be shown (a text with characters whose case-folding reaches
ASCII letters, a pattern `re` cannot parse), the callers fall back to the plain
`finditer`, so results never depend on the prefilter.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
import unicodedata
import warnings
from functools import lru_cache
from typing import Any

import regex
import regex._regex as _regex_engine

from . import compiled, rules


@lru_cache(maxsize=1)
def _folding() -> re.Pattern[str]:
    # Non-ASCII characters that a case-insensitive `regex` (full case-folding)
    # can match against ASCII letters: "ſ", the Kelvin sign, "ß", "ﬁ"... All are
    # in the BMP. Finding them takes a tenth of a second: kept across runs, per
    # Unicode version (compiled.memo).
    chars = compiled.memo("prefilter.folding", unicodedata.unidata_version, _folding_chars)
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def _folding_chars() -> str:
    return "".join(chr(c) for c in range(0x80, 0x10000)
                   if any(x.isascii() and x.isalpha() for x in chr(c).casefold() + chr(c).lower() + chr(c).upper()))


def lowered(text: str) -> str | None:
    """`text.lower()` when it keeps every offset and when matching lower-case
    ASCII words in it is exactly what case-insensitive `regex` matching of
    those words in `text` finds; else None (the caller must not prefilter).
    The last page's answer is kept: the number reader and the figures stage both ask."""
    if text is _last[0]:
        return _last[1]
    low: str | None = text.lower()
    if len(low) != len(text) or (not text.isascii() and _folding().search(text)):
        low = None
    _last[:] = [text, low]
    return low


_last: list[str | None] = [None, None]  # the text `lowered` was last asked about, and its answer


# Characters whose case-folding is more than one character ("ß" -> "ss", "ﬁ" -> "fi"), by `regex`'s own tables.
_EXPANDING = re.compile("[" + "".join(map(re.escape, sorted(_regex_engine.get_expand_on_folding()))) + "]")
_CODED = re.compile(r"\\(?:[xuUN0-7]|L<)")  # a character a pattern spells by code or name, a named list
_HIGH_RANGE = re.compile(r"(?<!\[)-\\?[\u00df-\U0010ffff]")  # a range that may reach an expanding character (all from "ß" up)


def folds_simply(text: str) -> bool:
    """Whether no character of `text` expands when case-folded: in such a text a
    case-insensitive pattern (itself free of them, `simple_case`) finds the same
    matches with full case-folding (`regex` V1's default) as without it."""
    return text.isascii() or _EXPANDING.search(text) is None


def simple_case(p: regex.Pattern[str]) -> regex.Pattern[str] | None:
    """`p` with full case-folding turned off, which `regex` matches two to three
    times faster, or None when that could change a match in a `folds_simply`
    text (the pattern holds an expanding character, a range that may reach one,
    or spells a character by code). Use it on such texts only. (A category or
    property such as `\\w` or `\\p{Ll}` matches one character either way.)"""
    if not p.flags & regex.FULLCASE:
        return p
    if _CODED.search(p.pattern) or _HIGH_RANGE.search(p.pattern) or _EXPANDING.search(p.pattern):
        return None
    return regex.compile("(?-f)" + p.pattern, p.flags & ~regex.FULLCASE)


_STOP = ("stop", None)  # end of a repeated item: what follows it is unknown
_WORD = "\x00"  # leads a prefix that the pattern only matches at the start of a word (after `\\b`)
WORD_START = _WORD  # for callers reading prefixes
# In a prefix: any whitespace character. `re`'s `\\s` (what `finder` makes of it) holds every character of
# `regex`'s (Unicode White_Space) and a few more ("\\x1c"-"\\x1f"): it may let a place through, never hide one.
SPACE = "\x01"
SPACES = "\x02"  # one or more whitespace characters (`\\s+`)
_MORE_SPACE = "\x03"  # in `finder`'s lookahead: zero or more (`\\s*`)
_PREFIX_LENGTH = 4
_SPACED_LENGTH = 6  # with `spaces`: "the\\stop" tells apart what "the" cannot
_SMALL_SET = 16


def _set_chars(items: list[Any]) -> set[str] | None:
    """The characters of a plain set ("[0-3]", "[£$€]"), or None."""
    out: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            out.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < _SMALL_SET:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return out if len(out) <= _SMALL_SET else None


def _starts(items: list[Any], acc: str, spaces: bool = False) -> set[str]:
    """Lower-cased strings one of which every match of the parsed `items`
    begins with (after `acc`). Sound, not tight: anything not understood ends
    the prefix where it is. `spaces`: a `\\s` is read too, as `SPACE`, and a
    `\\s+` as `SPACES`."""
    if len(acc.lstrip(_WORD)) >= (_SPACED_LENGTH if spaces else _PREFIX_LENGTH) or not items or items[0] is _STOP:
        return {acc}
    op, av = items[0]
    rest = items[1:]
    if op is _sre.AT and av is _sre.AT_BOUNDARY and acc == "":
        return _starts(rest, _WORD, spaces)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # zero-width: the text consumed is unchanged
        return _starts(rest, acc, spaces)
    if op is _sre.LITERAL:
        ch = chr(av)
        # Only ASCII is folded the way `lowered` folds the text (with `spaces`, a caseless character is itself).
        return _starts(rest, acc + ch.lower(), spaces) if ch.isascii() or spaces and _caseless(ch) else {acc}
    if op is _sre.IN:
        if spaces and av == [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]:
            return _starts(rest, acc + SPACE, spaces)
        chars = _set_chars(av)
        if chars is None or not all(c.isascii() or spaces and _caseless(c) for c in chars):
            return {acc}
        return set().union(*(_starts(rest, acc + c.lower(), spaces) for c in chars))
    if op is _sre.SUBPATTERN:
        return _starts([*av[-1], *rest], acc, spaces)
    if op is _sre.BRANCH:
        return set().union(*(_starts([*alt, *rest], acc, spaces) for alt in av[1]))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        if spaces and lo >= 1 and list(sub) == [(_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_SPACE)])]:
            return _starts(rest, acc + SPACES, spaces)  # "the\\s+top"
        taken = _starts([*sub, *rest] if spaces and hi == 1 else [*sub, _STOP], acc, spaces)  # "an?\\s": once or not
        return taken | _starts(rest, acc, spaces) if lo == 0 else taken
    return {acc}


def _caseless(ch: str) -> bool:
    """A character that is not a letter or mark and has no case: it matches only itself, case-insensitively too,
    and no other character lowers or folds to it (a dash, "£")."""
    return unicodedata.category(ch)[0] not in "LM" and ch.lower() == ch == ch.upper() == ch.casefold() and ch not in (
        SPACE, SPACES, _MORE_SPACE, _WORD)


def starts(pattern: str, spaces: bool = False) -> set[str] | None:
    """Lower-case strings one of which begins every match of `pattern` (a
    `regex` expression); None when that cannot be shown. Kept across runs with
    the compiled patterns (compiled.memo): parsing every rule is start-up time.
    `spaces`: the strings may hold `SPACE`, any whitespace character, and
    `SPACES`, one or more (fewer places, each found at a little more cost:
    `finder` reads them as `\\s` and `\\s+`)."""
    kind = "prefilter.starts-spaced" if spaces else "prefilter.starts"
    found = compiled.memo(kind, pattern, lambda: _find_starts(pattern, spaces))
    return None if found is None else set(found)


def _parse(pattern: str) -> list[Any] | None:
    """A `regex` pattern parsed by `re`'s parser, or None where `re` does not share its syntax."""
    pattern = pattern.removesuffix(rules.NO_REQUIRED_STRING)  # compile_pattern's never-matching alternative
    p = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)  # regex's (?<name>...) in stdlib spelling
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return list(_sre_parse.parse(p))
    except Exception:  # noqa: BLE001 - any syntax `re` does not share with `regex` means "unknown"
        return None


def _find_starts(pattern: str, spaces: bool = False) -> set[str] | None:
    parsed = _parse(pattern)
    if parsed is None:
        return None
    found = set()
    for f in _starts(parsed, "", spaces):
        # A boundary before a word character means no word character before it.
        found.add(f if not f.startswith(_WORD) or _is_word(f[1:2]) else f[1:])
    return None if "" in found or _WORD in found else found


_ODD_BRACE = re.compile(r"\{(?!\d*,?\d*\})")  # a "{" that does not begin a repeat count


def required(pattern: str) -> set[str] | None:
    """Lower-case strings one of which every match of `pattern` (a `regex`
    expression) holds, as found in a `lowered` text; None when that cannot be
    shown. What lookarounds test is left out: it need not be inside the match.
    Kept across runs (compiled.memo)."""
    found = compiled.memo("prefilter.required", pattern, lambda: _find_required(pattern))
    return None if found is None else set(found)


def needed(pattern: str) -> set[str] | None:
    """Lower-case strings one of which every text `pattern` matches in holds (as found in a `lowered` text), with
    what its lookarounds test: what `required` finds, or a lookaround's string where that is longer ("star" for a
    term that looks behind for "stars" before "got one"). None when that cannot be shown. Kept across runs
    (compiled.memo)."""
    found = compiled.memo("prefilter.needed", pattern, lambda: _find_required(pattern, lookarounds=True))
    return None if found is None else set(found)


def _find_required(pattern: str, lookarounds: bool = False) -> set[str] | None:
    if any(op in pattern for op in ("[[", "--", "&&", "||", "~~")) or _ODD_BRACE.search(pattern):
        return None  # maybe `regex`'s set operations or fuzzy matching ("{e<=1}"), which `re` reads as characters
    parsed = _parse(pattern)
    return None if parsed is None else _required(parsed, lookarounds)


def _required(items: list[Any], lookarounds: bool = False) -> set[str] | None:
    """Of a sequence's runs of ASCII literals and of its items that must match,
    the requirement whose shortest string is longest (the fewest false hits).
    `lookarounds`: what a positive lookahead or lookbehind must find counts too."""
    best: set[str] | None = None
    run = ""
    for op, av in [*items, (None, None)]:
        if op is _sre.LITERAL and chr(av).isascii():
            run += chr(av).lower()
            continue
        if run and (best is None or len(run) > min(map(len, best))):
            best = {run}
        run = ""
        found: set[str] | None = None
        if op is _sre.IN:
            chars = _set_chars(av)
            if chars and all(c.isascii() for c in chars):
                found = {c.lower() for c in chars}
        elif op is _sre.SUBPATTERN:
            found = _required(av[-1], lookarounds)
        elif op is _sre.ASSERT and lookarounds:
            found = _required(av[1], lookarounds)
        elif op is _sre.BRANCH:
            alts = [_required(alt, lookarounds) for alt in av[1]]
            found = None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _required(av[2], lookarounds)
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found
    # A string holding another is implied by it.
    return None if best is None else {s for s in best if not any(t != s and t in s for t in best)}


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def finder(prefixes: set[str]) -> re.Pattern[str]:
    """A stdlib regex matching one character at every position of a lowered
    text where one of `prefixes` begins (so `finditer` yields every such position)."""
    by_first: dict[str, set[str]] = {}
    for s in prefixes:
        if s.lstrip(_WORD)[:1] == SPACES:  # one character consumed, as for any first: `\\s`, any more looked ahead
            i = len(s) - len(s.lstrip(_WORD))
            s = s[:i] + SPACE + _MORE_SPACE + s[i + 1:]
        key = s[:2] if s.startswith(_WORD) else s[:1]
        by_first.setdefault(key, set()).add(s[len(key):])
    alts = []
    for first, tails in sorted(by_first.items()):
        # Every branch begins with its literal character (the word-start test
        # comes after it, as a lookbehind), so the engine skips to the next
        # possible first character with one set test instead of trying every
        # branch at every position.
        if first.startswith(_WORD):
            ch = _escape(first[1])
            head = ch + r"(?<![a-z0-9_]" + ch + ")"
        else:
            head = _escape(first)
        if "" in tails:
            alts.append(head)
        else:
            alts.append(head + "(?=" + "|".join(map(_escape, sorted(tails, key=lambda t: (-len(t), t)))) + ")")
    return re.compile("|".join(alts))


def _escape(s: str) -> str:
    return re.escape(s).replace(SPACE, r"\s").replace(SPACES, r"\s+").replace(_MORE_SPACE, r"\s*")


def word_finder(words: set[str]) -> re.Pattern[str]:
    """A `finder` of the places in a lowered text where one of `words` (lower
    case) begins at the start of a word."""
    return finder({_WORD + w for w in words})


# Syntax whose meaning a top-level split could change: verbose mode, best-match, enhanced or POSIX matching,
# references to groups by number, conditionals, recursion, branch reset, the search's start (\G), a match that
# starts after where it was tried (\K), fuzzy matching.
_UNSPLITTABLE = re.compile(r"\(\?[a-zA-Z]*[xbep]|\(\?\(|\(\?&|\(\?R|\(\?[+-]?\d|\(\?P[=>]|\(\?\||\\g<|\\[1-9GK]"
                           r"|\{[\d\s<=+]*[eids]")


# Whether a pattern matches at all is whether one of its alternatives does: there a split may also cross \G (the
# search's start, the same for every alternative) and \K (where a match is said to begin).
_UNSPLITTABLE_EXISTS = re.compile(_UNSPLITTABLE.pattern.replace(r"\\[1-9GK]", r"\\[1-9]"))


def branches(pattern: str, unsplittable: re.Pattern[str] = _UNSPLITTABLE) -> list[str] | None:
    """The top-level alternatives of a `regex` (V1) pattern, or None when it has
    fewer than two or a split could change what they match (a flag set for the
    rest of the pattern after its start, group references, verbose mode,
    nested sets). Flags the pattern opens with are each alternative's."""
    if unsplittable.search(pattern):
        return None
    lead = rules._LEADING_FLAGS.match(pattern).group(0)  # flags for the whole pattern: each alternative's
    out, depth, start, i, n = [], 0, len(lead), len(lead), len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            if pattern[j:j + 1] == "]":
                return None  # a literal "]" first: read differently by some engines; not worth the doubt
            while j < n and pattern[j] != "]":
                if pattern[j] == "[":
                    return None  # V1 nested sets and set operations
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            if depth == 0 and re.match(r"\(\?[a-zA-Z-]*\)", pattern[i:]):
                return None  # "(?i)" applies to the end of the pattern, across branches
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return [lead + p for p in out] if len(out) > 1 and depth == 0 else None


class Alternation:
    """What `finditer` of a pattern that is an alternation yields, found by
    searching each alternative on its own: `regex` skips ahead to an
    alternative's required string or first characters, which it cannot do for
    the whole (an alternation of four tries every character). The leftmost
    start any alternative matches at is the whole's next match, made there by
    the whole pattern, so the matches (and their groups) are the same."""

    def __init__(self, whole: regex.Pattern[str], parts: list[str]):
        self.whole = whole
        lead = rules._LEADING_FLAGS.match(whole.pattern).group(0)  # matched at a place: see rules.compile_pattern
        self.at = regex.compile(f"{lead}(?:{whole.pattern[len(lead):]}){rules.NO_REQUIRED_STRING}", whole.flags)
        self.parts = [regex.compile(p, whole.flags) for p in parts]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[regex.Match[str]]:
        end = len(text) if endpos is None else min(endpos, len(text))
        nxt: list[regex.Match[str] | None] = [p.search(text, pos, end) for p in self.parts]
        out = []
        while True:
            first = min((m.start() for m in nxt if m is not None), default=-1)
            if first < 0:
                return out
            m = self.at.match(text, first, end)
            if m is None or m.end() == first:
                return list(self.whole.finditer(text, pos, end))  # an empty match: `finditer`'s own rules
            out.append(m)
            nxt = [f if f is None or f.start() >= m.end() else p.search(text, m.end(), end)
                   for p, f in zip(self.parts, nxt, strict=True)]

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        end = len(text) if endpos is None else min(endpos, len(text))
        first = min((m.start() for p in self.parts if (m := p.search(text, pos, end)) is not None), default=-1)
        return None if first < 0 else self.at.match(text, first, end) or self.whole.search(text, pos, end)


# Below this many characters (a sentence) a search costs less than the Python around several: not split.
_SPLIT_FROM = 1000
_FLAGS_GROUP = re.compile(r"\(\?[a-zA-Z-]*\)")


@lru_cache(maxsize=256)
def alternation(p: regex.Pattern[str]) -> Alternation | None:
    """`p` split into its alternatives (`Alternation`), or None where it cannot be split soundly (in a V0
    pattern, a flag set inside it holds for all of it) or is searched right to left. Asked first when the rules
    load, so its patterns are compiled in the start-up that compiled.Session keeps."""
    if p.flags & (regex.VERBOSE | regex.REVERSE | regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX) or (not p.flags & regex.V1 and _FLAGS_GROUP.search(
            p.pattern, len(rules._LEADING_FLAGS.match(p.pattern).group(0)))):
        return None
    parts = branches(p.pattern)
    return Alternation(p, parts) if parts else None


def finditer(p: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> list[regex.Match[str]]:
    """`list(p.finditer(text, pos, endpos))`, alternative by alternative when `p` is an alternation."""
    end = len(text) if endpos is None else endpos
    alt = alternation(p) if end - pos >= _SPLIT_FROM else None
    return list(p.finditer(text, pos, end)) if alt is None else alt.finditer(text, pos, end)


def search(p: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
    """`p.search(text, pos, endpos)`, alternative by alternative when `p` is an alternation."""
    end = len(text) if endpos is None else endpos
    alt = alternation(p) if end - pos >= _SPLIT_FROM else None
    return p.search(text, pos, end) if alt is None else alt.search(text, pos, end)


@lru_cache(maxsize=256)
def _exists_parts(p: regex.Pattern[str]) -> tuple[tuple[regex.Pattern[str], bool], ...] | None:
    """`p`'s alternatives for `exists`, each with whether it begins at the search's start (`\\G`), or None."""
    if p.flags & (regex.VERBOSE | regex.REVERSE | regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX) or (
            not p.flags & regex.V1 and _FLAGS_GROUP.search(p.pattern, len(rules._LEADING_FLAGS.match(p.pattern).group(0)))):
        return None
    parts = branches(p.pattern, _UNSPLITTABLE_EXISTS)
    lead = len(rules._LEADING_FLAGS.match(p.pattern).group(0))
    return None if parts is None else tuple((regex.compile(q, p.flags), q[lead:].startswith(r"\G")) for q in parts)


def exists(p: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """Whether `p.search(text, pos, endpos)` finds a match, asked of its alternatives one by one (`regex` skips
    to each one's required string or first characters, which it cannot do for the whole); one that begins with
    `\\G` can only match at `pos`. Compile the parts with the rules (`_exists_parts`) so compiled.Session keeps them."""
    end = len(text) if endpos is None else endpos
    parts = _exists_parts(p)
    if parts is None:
        return p.search(text, pos, end) is not None
    return any((q.match if at_start else q.search)(text, pos, end) is not None for q, at_start in parts)


@lru_cache(maxsize=256)
def placed(p: regex.Pattern[str]) -> tuple[re.Pattern[str], regex.Pattern[str]] | None:
    """Where `p` can begin in a `lowered` text (a `finder` of its spaced prefixes) and `p` to be matched at a
    place, or None where that cannot be shown or a prefix is whitespace alone (every gap a candidate). Asked
    first when the rules load, so its patterns are compiled in the start-up that compiled.Session keeps."""
    if p.flags & (regex.REVERSE | regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX) or _UNSPLITTABLE.search(p.pattern):
        return None
    found = starts(p.pattern, spaces=True)
    if not found or any(not f.lstrip(_WORD + SPACE + SPACES).strip() for f in found):
        return None
    lead = rules._LEADING_FLAGS.match(p.pattern).group(0)
    return finder(found), regex.compile(f"{lead}(?:{p.pattern[len(lead):]}){rules.NO_REQUIRED_STRING}", p.flags)


@lru_cache(maxsize=256)
def begins(p: regex.Pattern[str]) -> re.Pattern[str] | None:
    """A `finder` of where in a `lowered` text a match of `p` can begin, whichever way `p` searches (a reverse
    pattern's matches begin with the same strings); None where that cannot be shown or a prefix is whitespace
    alone. A gate: where it finds no place in a span, `p` matches nowhere in it."""
    if p.flags & (regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX) or _UNSPLITTABLE.search(p.pattern):
        return None
    found = starts(p.pattern, spaces=True)
    if not found or any(not f.lstrip(_WORD + SPACE + SPACES).strip() for f in found):
        return None
    return finder(found)


def finditer_placed(p: regex.Pattern[str], text: str, low: str | None, pos: int = 0,
                    endpos: int | None = None) -> list[regex.Match[str]]:
    """`list(p.finditer(text, pos, endpos))`, trying `p` only where it can begin; `low` is `lowered(text)`
    (None: no prefilter, every place is tried)."""
    end = len(text) if endpos is None else endpos
    found = placed(p) if low is not None else None
    if found is None:
        return list(p.finditer(text, pos, end))
    where, at = found
    out, last, match = [], pos, at.match
    for c in where.finditer(low, pos, end):
        if c.start() >= last and (m := match(text, c.start(), end)) is not None:
            if m.end() == m.start():
                return list(p.finditer(text, pos, end))  # an empty match: `finditer`'s own rules
            out.append(m)
            last = m.end()
    return out


def search_placed(p: regex.Pattern[str], text: str, low: str | None, pos: int = 0,
                  endpos: int | None = None) -> regex.Match[str] | None:
    """`p.search(text, pos, endpos)`, trying `p` only where it can begin (`finditer_placed`)."""
    end = len(text) if endpos is None else endpos
    found = placed(p) if low is not None else None
    if found is None:
        return p.search(text, pos, end)
    where, at = found
    for c in where.finditer(low, pos, end):
        if (m := at.match(text, c.start(), end)) is not None:
            return m
    return None
