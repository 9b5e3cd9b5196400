"""Raw page text -> main content, with a map from every clean char to the raw text.

Every transformation appends slices of the previous text together with the
matching slice of its offset array, so `offsets[i]` always names the raw
character that produced clean character `i`. The offset map is an `array('i')`
(4 bytes a char) built by C-level slicing, never a per-character Python loop.

Steps: HTML to lines (HTML only) -> newlines -> mojibake repair -> character
normalisation (quotes, spaces, bullets) -> boilerplate lines dropped by the
rules in rules/clean.yaml -> hard-wrapped lines rejoined, line-end hyphens
repaired -> whitespace collapsed -> sentence spans.
"""

from __future__ import annotations

import calendar
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ftfy
import regex
from bs4 import BeautifulSoup, Comment, NavigableString

from . import rules, scales
from .model import CleanDoc, RawDoc

# Character normalisation: one clean char for one raw char, so the map stays 1:1.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ",
        "\u2003": " ", "\t": " ", "\u000b": " ", "\u000c": " ", "\u2028": "\n", "\u2029": "\n",
    }
)
_ZERO_WIDTH = regex.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_NEWLINES = regex.compile(r"\r\n?")
_MOJIBAKE = regex.compile(r"\S*(?:[ÂÃâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|Ã.|â€)\S*")
_SPACE_RUN = regex.compile(r"[^\S\n]+")
_LINE = regex.compile(r"[^\n]*")
_HTML_DROP = ("script", "style", "nav", "header", "footer", "form", "noscript", "iframe", "svg", "button", "select", "template", "aside")
_HTML_BLOCK = frozenset(
    "p div li tr h1 h2 h3 h4 h5 h6 table ul ol dl dt dd blockquote pre section article br hr td th caption figcaption address main".split()
)
_HTML_BANNER = regex.compile(r"wayback|wm-ipp|ukgwa|webarchive|archive-banner|cookie|share|social|newsletter|related|comment|advert|promo|breadcrumb|skip", regex.I)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m
} | {"sept": 9}


@dataclass(frozen=True)
class _LineRule:
    id: str
    action: str
    pattern: regex.Pattern[str]
    max_len: int


@dataclass(frozen=True)
class CleanRules:
    line_rules: tuple[_LineRule, ...]
    any_line_rule: regex.Pattern[str]  # one alternation: a cheap pre-check
    bullet: regex.Pattern[str]
    join_after: frozenset[str]
    keep_hyphen_after: frozenset[str]
    abbreviations: frozenset[str]
    date_rules: tuple[tuple[str, regex.Pattern[str]], ...]
    year: regex.Pattern[str]


@lru_cache(maxsize=8)
def load_rules(directory: Path | None = None) -> CleanRules:
    rf = rules.load("clean", directory)
    d = rf.data
    line_rules = []
    for r in d["rules"]:
        rules.require(r, rf.path, {"id": str, "action": str, "pattern": str})
        if r["action"] not in ("drop_line", "drop_block", "drop_rest"):
            raise rules.RuleError(rf.path, [(r["__line__"], f"unknown action {r['action']!r}")])
        line_rules.append(
            _LineRule(r["id"], r["action"], rules.compile_pattern(r["pattern"], regex.I), int(r.get("max_len") or 10**9))
        )
    any_rule = rules.compile_pattern("|".join(f"(?:{r.pattern.pattern})" for r in line_rules), regex.I)
    return CleanRules(
        tuple(line_rules),
        any_rule,
        rules.compile_pattern(d["bullet_pattern"]),
        _words(rf, "join_after_words"),
        _words(rf, "keep_hyphen_after"),
        _words(rf, "abbreviations"),
        tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I | regex.M)) for r in d["date_rules"]),
        rules.compile_pattern(d["year_pattern"]),
    )


def _words(rf: rules.RuleFile, key: str) -> frozenset[str]:
    """A word list; YAML turns bare `no`/`on` into booleans, which is an error here."""
    words = rf.data.get(key) or []
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise rules.RuleError(rf.path, [(0, f"{key}: {bad!r} are not strings (quote them)")])
    return frozenset(w.lower() for w in words)


class _Builder:
    """Accumulates output text and its offsets from slices of an input."""

    __slots__ = ("parts", "offsets", "_src", "_map")

    def __init__(self, src: str, mapping: array):
        self.parts: list[str] = []
        self.offsets = array("i")
        self._src = src
        self._map = mapping

    def keep(self, a: int, b: int) -> None:
        if b > a:
            self.parts.append(self._src[a:b])
            self.offsets.extend(self._map[a:b])

    def put(self, s: str, at: int) -> None:
        """Insert `s`, every char mapped to input position `at`."""
        if s:
            raw = self._map[at] if at < len(self._map) else (self._map[-1] + 1 if self._map else 0)
            self.parts.append(s)
            self.offsets.extend(array("i", [raw]) * len(s))

    def text(self) -> tuple[str, array]:
        return "".join(self.parts), self.offsets


def _sub(text: str, mapping: array, pattern: regex.Pattern[str], repl) -> tuple[str, array]:
    """regex substitution that keeps the offset map: replaced text maps to the match start."""
    b = _Builder(text, mapping)
    last = 0
    for m in pattern.finditer(text):
        b.keep(last, m.start())
        b.put(repl(m), m.start())
        last = m.end()
    if last == 0:
        return text, mapping
    b.keep(last, len(text))
    return b.text()


def html_to_text(html: str) -> tuple[str, array]:
    """Visible text of an HTML page as lines (one per block), mapped to the HTML.

    beautifulsoup4 decides what is content; each kept string is then located
    in the raw HTML by a forward search (entities decoded by the parser are
    mapped to the `&` that started them), so offsets survive parsing.
    """
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"id": _HTML_BANNER}) + soup.find_all(attrs={"class": _HTML_BANNER}):
        if not tag.decomposed:
            tag.decompose()
    parts: list[str] = []
    offsets = array("i")
    cursor = 0
    last_block = None
    for s in soup.find_all(string=True):
        if isinstance(s, Comment) or not isinstance(s, NavigableString) or s.parent is None:
            continue
        if s.parent.name in ("[document]", "html", "head", "title") and s.parent.name != "title" and not s.strip():
            continue
        block = next((p for p in s.parents if p.name in _HTML_BLOCK), None)
        if block is not last_block and parts:
            parts.append("\n")
            offsets.append(cursor)
        last_block = block
        text = str(s)
        pos = html.find(text, cursor)
        if pos >= 0:
            parts.append(text)
            offsets.extend(range(pos, pos + len(text)))
            cursor = pos + len(text)
            continue
        for ch in text:  # entity-bearing string: align char by char
            if cursor < len(html) and html[cursor] == "&":
                semi = html.find(";", cursor, cursor + 12)
                offsets.append(cursor)
                cursor = semi + 1 if semi > 0 else cursor + 1
            else:
                found = html.find(ch, cursor, cursor + 200)
                offsets.append(found if found >= 0 else min(cursor, len(html) - 1))
                cursor = found + 1 if found >= 0 else cursor
            parts.append(ch)
    return "".join(parts), offsets


def _fix_mojibake(m: regex.Match[str]) -> str:
    fixed = ftfy.fix_text(m.group(0))
    return fixed if fixed else m.group(0)


def _drop_boilerplate(text: str, mapping: array, cr: CleanRules) -> tuple[str, array]:
    """Drop lines (and blocks, and tails) that the clean rules call boilerplate."""
    b = _Builder(text, mapping)
    dropping_block = False
    for m in _LINE.finditer(text):
        a, e = m.span()
        if a == e and a > 0 and text[a - 1] != "\n":
            continue  # finditer's empty match after a line's end
        line = text[a:e].strip()
        if not line:
            dropping_block = False
        if dropping_block:
            continue
        action = ""
        if line and cr.any_line_rule.search(line):
            for r in cr.line_rules:
                if len(line) <= r.max_len and r.pattern.search(line):
                    action = r.action
                    break
        if action == "drop_rest":
            break
        if action == "drop_block":
            dropping_block = True
        if action:
            continue
        b.keep(a, min(e + 1, len(text)))
    return b.text()


def _normalise_lines(text: str, mapping: array, cr: CleanRules) -> tuple[str, array]:
    """Strip and collapse whitespace in each line, bullets to "• ", and rejoin
    hard-wrapped lines into paragraphs; blocks are separated by one blank line."""
    spans: list[tuple[int, int]] = []  # stripped line spans; (-1, -1) marks a blank line
    for m in _LINE.finditer(text):
        a, e = m.span()
        if a == e and a > 0 and text[a - 1] != "\n":
            continue
        line = text[a:e]
        s = len(line) - len(line.lstrip())
        t = len(line.rstrip())
        spans.append((a + s, a + t) if t > s else (-1, -1))
    joins = _join_decisions(text, spans, cr)
    hyphenated = _hyphenated_words(text)
    b = _Builder(text, mapping)
    prev: tuple[int, int] | None = None  # the previous non-blank line
    blank = False  # a blank line since `prev`
    for i, (a, e) in enumerate(spans):
        if a < 0:
            blank = True
            continue
        if prev is not None:
            if joins[i]:
                if text[prev[1] - 1] != "-":
                    b.put(" ", prev[1])
                elif not _keep_hyphen(text, prev, (a, e), cr, hyphenated):
                    b.parts[-1] = b.parts[-1][:-1]
                    del b.offsets[-1]
            else:
                b.put("\n\n" if blank else "\n", prev[1])
        blank = False
        bullet = cr.bullet.match(text, a, e)
        start = a
        if bullet:
            b.put("•", a)
            start = bullet.end()
            while start < e and text[start].isspace():
                start += 1
            b.put(" ", start - 1)
        last = start
        for ws in _SPACE_RUN.finditer(text, start, e):
            b.keep(last, ws.start())
            b.put(" ", ws.start())
            last = ws.end()
        b.keep(last, e)
        prev = (a, e)
    return b.text()


def _join_decisions(text: str, spans: list[tuple[int, int]], cr: CleanRules) -> list[bool]:
    """For each line, whether it continues the line before it.

    A block (lines between blank lines) where most breaks are continuations is
    hard-wrapped prose (a PDF extract): there, a break after a full stop is a
    wrap too, unless the next line is a bullet.
    """
    joins = [False] * len(spans)
    block: list[int] = []
    for i in range(len(spans) + 1):
        if i < len(spans) and spans[i][0] >= 0:
            if block:
                joins[i] = _joins(text, spans[block[-1]], spans[i], cr)
            block.append(i)
            continue
        breaks = block[1:]
        if len(block) >= 3 and sum(joins[j] for j in breaks) * 2 >= len(breaks):
            for j in breaks:
                if not cr.bullet.match(text, spans[j][0], spans[j][1]) and text[spans[j][0]] not in "•●▪◦■":
                    joins[j] = True
        block = []
    return joins


def _joins(text: str, prev: tuple[int, int], cur: tuple[int, int], cr: CleanRules) -> bool:
    """Is `cur` the continuation of a hard-wrapped line `prev`?"""
    first = text[cur[0]]
    if first in "•●▪◦■" or cr.bullet.match(text, cur[0], cur[1]):
        return False
    last_char = text[prev[1] - 1]
    if first.islower():
        return last_char not in ".!?:" or text[prev[1] - 2 : prev[1]] in ("e.", "i.")
    if last_char in ",–(" or (last_char == "-" and text[prev[1] - 2].isalpha()):
        return True
    word = text[max(prev[0], prev[1] - 12) : prev[1]].rsplit(" ", 1)[-1].lower()
    return word in cr.join_after


_HYPHEN_WORD = regex.compile(r"\b\p{L}+-\p{L}+\b")


def _hyphenated_words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _HYPHEN_WORD.findall(text))


def _keep_hyphen(text: str, prev: tuple[int, int], cur: tuple[int, int], cr: CleanRules, hyphenated: frozenset[str]) -> bool:
    left = text[prev[0] : prev[1] - 1].rsplit(" ", 1)[-1].lower()
    right_m = regex.match(r"\p{L}+", text[cur[0] : cur[1]])
    right = right_m.group(0).lower() if right_m else ""
    if f"{left}-{right}" in hyphenated:
        return True
    if f"{left}{right}" in text.lower():
        return False
    return left in cr.keep_hyphen_after or not right_m


_SENT_END = regex.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[•]?[\p{Lu}\d•])|\n")


def sentences(text: str, cr: CleanRules) -> list[tuple[int, int]]:
    """Sentence spans: a line break always ends one; a full stop does unless it
    follows a known abbreviation or a single letter."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0) != "\n":
            head = text[max(start, m.start() - 8) : m.start()]
            word = regex.split(r"[\s(\"']", head)[-1].lower()
            if word in cr.abbreviations or (len(word) == 1 and word.isalpha()):
                continue
        end = m.end() if m.group(0) != "\n" else m.start()
        if text[start:end].strip():
            s = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.append((s, end))
        start = m.end()
    if text[start:].strip():
        s = start + (len(text[start:]) - len(text[start:].lstrip()))
        spans.append((s, len(text.rstrip())))
    return spans


def find_date(text: str, url: str, cr: CleanRules) -> tuple[str, str]:
    """(ISO date, where it came from) stated in the page's first lines or its URL."""
    head = text[:3000]
    for rid, pat in cr.date_rules:
        target = url if rid == "date.url" else head
        m = pat.search(target) if target else None
        if m:
            month = m.group("m").lower()
            mon = int(month) if month.isdigit() else _MONTHS.get(month[:4] if month.startswith("sept") else month, _MONTHS.get(month[:3], 0))
            day = int(m.group("d"))
            if 1 <= mon <= 12 and 1 <= day <= 31:
                return f"{m.group('y')}-{mon:02d}-{day:02d}", "url" if rid == "date.url" else "text"
    years = [int(y.group("y")) for y in cr.year.finditer(head[:1200])]
    if years:
        return str(max(years)), "text-year"
    return "", ""


def clean(raw: RawDoc, directory: Path | None = None) -> CleanDoc:
    """The page's main content, its sentences, title and date."""
    cr = load_rules(directory)
    if raw.format == "html":
        text, mapping = html_to_text(raw.text)
    else:
        text, mapping = raw.text, array("i", range(len(raw.text)))
    text, mapping = _sub(text, mapping, _NEWLINES, lambda m: "\n")
    text, mapping = _sub(text, mapping, _ZERO_WIDTH, lambda m: "")
    if "Ã" in text or "â" in text or "Â" in text:
        text, mapping = _sub(text, mapping, _MOJIBAKE, _fix_mojibake)
        text, mapping = _sub(text, mapping, _ZERO_WIDTH, lambda m: "")
    text = text.translate(_CHAR_MAP)  # 1:1, the map is unchanged
    text, mapping = _drop_boilerplate(text, mapping, cr)
    text, mapping = _normalise_lines(text, mapping, cr)
    published, source = raw.source.published, "manifest" if raw.source.published else ""
    if not published:
        published, source = find_date(text, raw.source.url, cr)
    title = raw.source.title or next((ln for ln in text.split("\n") if ln.strip()), "")[:200]
    era = scales.era(published, directory) if published else scales.guess_era(text, directory)
    return CleanDoc(raw, text, mapping, sentences(text, cr), title, published, source, era)
