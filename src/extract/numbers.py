"""The number reader: digits, number words, fractions and qualifiers.

One compiled regex (built from rules/numbers.yaml) finds every number
expression in a text in a single C-level pass; Python only runs per match. The
reader knows nothing about what a number counts: deciding whether "2009" is a
year or "three" a grade point is the figures stage's job. It is pure and never
raises, whatever the text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import regex

from . import prefilter, rules

# Larger values are not figures a page states (and would overflow a float's
# exact integers, or a float): such a number is not read.
MAX_VALUE = 1e15


@dataclass(frozen=True)
class Number:
    """One number expression. `start`/`end` cover the number itself (the
    evidence); `q_start` is where its qualifier ("just over") begins."""

    start: int
    end: int
    value: float
    kind: str  # count | percentage | proportion
    form: str  # digits | words | fraction | ratio | rate
    qualifier: str = ""
    q_start: int = -1


@dataclass(frozen=True)
class Grammar:
    pattern: regex.Pattern[str]
    qualifier: regex.Pattern[str]  # a qualifier ending right before a number
    words: dict[str, int]  # units and tens
    scales: dict[str, int]
    fractions: dict[str, int]
    numerators: dict[str, int]
    # Where a number can begin, for `scan` to try the grammar there alone:
    heads: re.Pattern[str]  # finds, in a lowered text, each start of a word a number can begin with
    lead: tuple[str, ...]  # numerators that are not number words ("a", "an"): they lead only a fraction
    last_quals: tuple[str, ...]  # the last words of the qualifiers
    slots: Callable[[tuple[Any, ...]], tuple[Any, ...]]  # `Match.groups()` -> ratio, frac, half, bare, dozen, digits, words, scale, odd, pct
    rate_per: regex.Pattern[str]  # between a count and the base of its rate ("184 children in care per 10,000")
    rate_every: regex.Pattern[str]  # before a rate's base that leads its clause ("for every 10,000 children, 184 ...")
    rate_from: regex.Pattern[str]  # before the count of a rate a range starts from ("from 291 in 10,000 ...")
    rate_range: regex.Pattern[str]  # between a rate's base and the count a range takes it to ("... in 10,000 to 1,501")
    rate_bases: frozenset[float]
    abbreviations: dict[str, int]  # a magnitude abbreviated after digits ("2.3m")


def alternation(words: list[str] | dict[str, int]) -> str:
    # Longest first so "seventeen" is not read as "seven".
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _ints(data: dict) -> dict[str, int]:
    return {str(k).lower(): int(v) for k, v in data.items() if k != "__line__"}


@lru_cache(maxsize=8)
def grammar(directory: Path | None = None) -> Grammar:
    data = rules.load("numbers", directory).data
    words = _ints(data["units"]) | _ints(data["tens"])
    scales = _ints(data["scales"])
    fractions = _ints(data["fractions"])
    numerators = _ints(data["fraction_numerators"])
    quals = [str(q) for q in data["qualifiers"]]
    units = _ints(data["units"])
    s = alternation(list(scales))
    # "eighty nine", "twenty-five", "twentysix" (a hyphen lost to a line break or a typo), "twelve", then any
    # "million"/"hundred and two" parts: a unit never follows a unit, so "three zero stars" reads "three".
    small = (rf"(?:(?:{alternation(list(_ints(data['tens'])))})(?:(?:\s*-\s*|\s+|)(?:{alternation([k for k, v in units.items() if 0 < v < 10])}))?"
             rf"|(?:{alternation(list(units))}))")
    wordnum = rf"\b{small}(?:\s+(?:{s})(?:\s+(?:and\s+)?{small})?)*\b"
    plain = r"(?<![\w.,£$€#/:])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    digits = rf"{plain}(?![\w]|[.,:/]\d)"
    abbrs = _ints(data["abbreviations"])
    # A count's digits may end in an abbreviated magnitude before a word ("2.3m contacts"); a ratio's never do.
    counted = rf"{plain}(?:(?:{alternation(list(abbrs))})(?![\w])(?=[ \t]+[a-z])|(?![\w]|[.,:/]\d))"
    # A cheap first-character guard: the engine rejects most positions before
    # trying the alternation; qualifiers are read backwards from a number found.
    first = "".join(sorted({w[0] for w in list(words) + list(numerators) + list(fractions)} | {"h"}))
    guard = rf"(?=[0-9{first}{first.upper()}])"
    pattern = (
        rf"{guard}"
        rf"(?:(?P<ratio>{data['ratio_pattern']}(?P<rden>{digits}|{wordnum}))"
        rf"|(?P<frac>\b(?P<fnum>{alternation(list(numerators))})[\s-]+(?P<fden>{alternation(list(fractions))})\b)"
        rf"|(?P<half>{data['half_pattern']})"
        rf"|(?P<bare>{data['bare_fraction_pattern']})"
        rf"|(?P<dozen>{data['dozen_pattern']})"
        rf"|(?P<num>(?P<digits>{counted})|(?P<words>{wordnum}))(?:\s+(?P<scale>{s})\b)?(?P<odd>{data['approximate_suffix_pattern']})?(?P<pct>{data['percent_pattern']})?)"
    )
    before = rf"\b(?P<q>{alternation(quals)})\s+$"
    # A match begins with a digit, a number word, "half", a numerator before a
    # fraction word, or what the ratio and half patterns begin with.
    extra: set[str] = set()
    for key in ("ratio_pattern", "half_pattern", "bare_fraction_pattern", "dozen_pattern"):
        found = prefilter.starts(str(data[key]))
        if found is None or not all(f.isalnum() or f.startswith("\x00") for f in found):
            raise rules.RuleError(rules.load("numbers", directory).path,
                                  [(data.get("__line__", 1), f"`{key}` must begin with a word")])
        extra |= {f.lstrip("\x00") for f in found}
    heads = (set(words) | set(numerators) | set(fractions) | extra) - {w for w in numerators if w not in words}
    # "a dozen": "a" alone is no head (every "a" would be tried), so "a" with the word the pattern holds is.
    held = prefilter.required(str(data["dozen_pattern"])) or set()
    heads |= {f"{w} {r}" for w in numerators if w not in words for r in held}
    compiled = rules.compile_pattern(pattern, regex.I)
    slots = itemgetter(*(compiled.groupindex[k] - 1 for k in ("ratio", "frac", "half", "bare", "dozen", "digits", "words", "scale", "odd", "pct")))
    return Grammar(compiled, rules.compile_pattern(before, regex.I),
                   words, scales, fractions, numerators,
                   prefilter.word_finder({w for w in heads if not w.isdigit()}),
                   tuple(sorted((w for w in numerators if w not in words), key=lambda w: (len(w), w))),
                   tuple(sorted({q.split()[-1].lower() for q in quals})), slots,
                   rules.compile_pattern(data["rate_per_pattern"], regex.I),
                   rules.compile_pattern(data["rate_every_pattern"], regex.I),
                   rules.compile_pattern(data["rate_from_pattern"], regex.I),
                   rules.compile_pattern(data["rate_range_pattern"], regex.I),
                   frozenset(float(b) for b in data["rate_bases"]), abbrs)


@lru_cache(maxsize=8)
def _simple_grammar(directory: Path | None = None) -> Grammar:
    """The grammar with full case-folding off (prefilter.simple_case), for a text
    that `prefilter.folds_simply`: the same numbers, read about a third faster.
    The grammar itself where its patterns do not allow it."""
    g = grammar(directory)
    pattern, qualifier = prefilter.simple_case(g.pattern), prefilter.simple_case(g.qualifier)
    return g if pattern is None or qualifier is None else replace(g, pattern=pattern, qualifier=qualifier)


_TOKEN_SEP = regex.compile(r"[\s-]+")


def _unglued(token: str, g: Grammar) -> tuple[str, ...]:
    """A tens word glued to its unit ("twentysix") as the two words; any other token as it is."""
    for head, tens in g.words.items():
        if tens >= 20 and token.startswith(head) and 0 < g.words.get(unit := token[len(head):], 0) < 10:
            return head, unit
    return (token,)


def words_value(phrase: str, g: Grammar) -> float | None:
    """ "Eighty nine" -> 89, "one hundred and two" -> 102; None if not a number."""
    total, current, last_unit, last_big = 0, 0, False, 0
    tokens = [t for t in _TOKEN_SEP.split(phrase.lower()) if t and t != "and"]
    tokens = [u for t in tokens for u in (_unglued(t, g) if t not in g.words and t not in g.scales else (t,))]
    if not tokens:
        return None
    for tok in tokens:
        if tok in g.words:
            v = g.words[tok]
            if last_unit or (current % 100 and v >= 10):
                return None  # "one one", "twenty thirty": two numbers, not one
            current += v
            last_unit = v < 20
        elif tok in g.scales:
            scale = g.scales[tok]
            if scale < 1000:
                current = max(current, 1) * scale
            elif total and scale >= last_big:  # "one thousand million", "one million million"
                total, current, last_big = (total + current) * scale, 0, scale
            else:
                total, current, last_big = total + max(current, 1) * scale, 0, scale
            last_unit = False
            if total + current > MAX_VALUE:
                return None  # "one hundred hundred hundred ...": no page states such a number
        else:
            return None
    return float(total + current)


def _read(m: regex.Match[str], g: Grammar) -> Number | None:
    # Every branch of the grammar begins where the match does (the guard is a lookahead).
    s0 = m.start()
    q, q_start = "", s0
    qm = g.qualifier.search(m.string, max(0, s0 - 24), s0) if _may_qualify(m.string, s0, g) else None
    if qm:
        q, q_start = " ".join(qm.group("q").lower().split()), qm.start("q")
    # One `groups()` call: `group(name)` costs more than the rest of the reading.
    ratio, frac, half, bare, dozen, digits, words, scale, odd, pct = g.slots(m.groups())
    if ratio:
        den = _plain(m.group("rden"), g)
        found = m.groupdict()
        lead = found.get("rnum") or found.get("onum") or found.get("pnum")  # N; none: "one in M" as the pattern was
        num = _plain(lead, g) if lead else 1.0
        if not den or num is None or num >= den:
            return None
        return Number(s0, m.end("ratio"), 100.0 * num / den, "proportion", "ratio", q, q_start)
    if frac:
        num = g.numerators[m.group("fnum").lower()]
        den = g.fractions[m.group("fden").lower()]
        return Number(s0, m.end("frac"), 100.0 * num / den, "proportion", "fraction", q, q_start)
    if half:
        return Number(s0, m.end("half"), 50.0, "proportion", "fraction", q, q_start)
    if dozen:
        if m.group("dmag"):  # "a hundred events"
            return Number(s0, m.end("dozen"), float(g.scales[m.group("dmag").lower()]), "count", "words", q, q_start)
        n = 6.0 if m.group("dhalf") else 12.0 * (g.words[m.group("dnum").lower()] if m.group("dnum") else 1)
        return Number(s0, m.end("dozen"), n, "count", "words", q, q_start)
    if bare:  # "Quarter of children's services ...": a headline's fraction, its article dropped
        return Number(s0, m.end("bare"), 100.0 / g.fractions[m.group("bden").lower()], "proportion", "fraction", q,
                      q_start)
    value = _plain(digits or words, g)
    if value is None:
        return None
    if scale:
        value *= g.scales[scale.lower()]
        if value > MAX_VALUE:
            return None
    if odd and not q:  # "40-odd": the qualifier follows the number
        q, q_start = "odd", s0
    return Number(s0, m.end(), value, "percentage" if pct else "count", "digits" if digits else "words", q, q_start)


def _plain(s: str, g: Grammar) -> float | None:
    if s[:1].isdigit():
        if len(s) > 40:  # a 400-digit "number" is a serial or a checksum, not a figure
            return None
        times = 1
        if s[-1:].isalpha():  # "2.3m"
            digits = s.rstrip(string.ascii_letters)
            times, s = g.abbreviations[s[len(digits):].lower()], digits
        try:
            v = float(s.replace(",", "")) * times
        except ValueError:
            return None
        return v if v <= MAX_VALUE else None
    return words_value(s, g)


def _may_qualify(text: str, s0: int, g: Grammar) -> bool:
    """False when no qualifier can end right before `s0` (whitespace, then the
    last word of a qualifier, within the 24 characters searched)."""
    j = s0
    while j > 0 and text[j - 1].isspace():  # isspace() holds for every `\s` of regex
        j -= 1
    if j == s0:
        return False
    tail = text[max(0, s0 - 24):j]
    return not tail.isascii() or tail.lower().endswith(g.last_quals)


_DIGITS = re.compile(r"[0-9]+")


def _starts(text: str, low: str, g: Grammar) -> list[int]:
    """Every position where a number can begin (and some where it cannot)."""
    out = [m.start() for m in _DIGITS.finditer(text)]
    startswith = low.startswith
    for m in g.heads.finditer(low):
        i = m.start()
        out.append(i)
        # "a third", "an eighth": the numerator leads the fraction.
        j = i
        while j > 0 and (low[j - 1].isspace() or low[j - 1] == "-"):
            j -= 1
        if j < i:
            out += [j - len(a) for a in g.lead if j >= len(a) and startswith(a, j - len(a))]
    out.sort()
    return out


def _matches(text: str, g: Grammar) -> Iterator[regex.Match[str]]:
    """What `g.pattern.finditer(text)` yields, trying the grammar only where a
    number can begin (a few dozen places a page instead of every character)."""
    low = prefilter.lowered(text)
    if low is None:
        yield from g.pattern.finditer(text)
        return
    end = 0
    match = g.pattern.match
    for p in _starts(text, low, g):
        if p >= end:
            m = match(text, p)
            if m:
                yield m
                end = m.end()


def scan(text: str, directory: Path | None = None) -> list[Number]:
    """Every number expression in `text`, left to right."""
    g = _simple_grammar(directory) if prefilter.folds_simply(text) else grammar(directory)
    out = []
    for m in _matches(text, g):
        n = _read(m, g)
        if n is not None:
            out.append(n)
    return _rates(text, out, g) if len(out) > 1 else out


def _rates(text: str, nums: list[Number], g: Grammar) -> list[Number]:
    """A count per a round base is a rate, a share of the base: "184 children in care per 10,000" and "for every
    10,000 youngsters, 184 were in care" are 1.84%; the base is no number of its own."""
    bases: set[int] = set()
    rated: dict[int, Number] = {}
    for i, n in enumerate(nums):
        if n.kind != "count" or n.value not in g.rate_bases:
            continue
        if i and nums[i - 1].kind == "count" and g.rate_per.fullmatch(text, nums[i - 1].end, n.q_start):
            k = i - 1  # "184 children in care per 10,000"
        elif g.rate_every.search(text, max(0, n.q_start - 16), n.q_start) and i + 1 < len(nums) \
                and nums[i + 1].kind == "count" and _RATE_GAP.fullmatch(text, n.end, nums[i + 1].q_start):
            k = i + 1  # "for every 10,000 youngsters in the resort last year, 184 were in care"
        else:
            continue
        if nums[k].value < n.value:
            bases.add(i)
            rated[k] = replace(nums[k], value=100.0 * nums[k].value / n.value, kind="proportion", form="rate")
            j = i + 1  # "from 291 in 10,000 children to 1,501": the range's other end is a rate of the same base
            if k == i - 1 and j < len(nums) and nums[j].kind == "count" and nums[j].value < n.value \
                    and g.rate_from.search(text, max(0, nums[k].q_start - 8), nums[k].q_start) \
                    and g.rate_range.fullmatch(text, n.end, nums[j].q_start):
                rated[j] = replace(nums[j], value=100.0 * nums[j].value / n.value, kind="proportion", form="rate")
    return [rated.get(i, n) for i, n in enumerate(nums) if i not in bases]


_RATE_GAP = regex.compile(r"[^.;:!?\d]{1,80}?,\s*")  # the rest of the "for every" phrase, to the comma


def parse(phrase: str, directory: Path | None = None) -> Number | None:
    """The number a whole phrase spells ("23.7 per cent", "over two thirds"), or None."""
    g = grammar(directory)
    text = phrase.strip()
    # The number may follow a qualifier ("over two thirds"): try each word start.
    starts = [0] + [i + 1 for i, ch in enumerate(text[:30]) if ch.isspace()]
    for start in starts:
        m = g.pattern.fullmatch(text, start)
        if m and (start == 0 or g.qualifier.search(text, 0, start)):
            return _read(m, g)
    return None


def format_value(v: float) -> str:
    """Integers without decimals, otherwise up to 2 decimals, zeros stripped."""
    r = round(v, 2)
    if r == int(r):
        return str(int(r))
    return f"{r:.2f}".rstrip("0").rstrip(".")
