"""Raw page text -> main content, with a map from every clean char to the raw text.

Every transformation is a list of edits applied to the text and to its
offset map together, so `offsets[i]` always names the raw
character that produced clean character `i`. The offset map (`OffsetMap`) stores runs,
not one int per char, so its cost follows the number of edits, not the page's
length; text is rebuilt by C-level slicing, never a per-character Python loop.

Steps: HTML to lines (HTML only) -> newlines -> mojibake repair -> character
normalisation (quotes, spaces, bullets) -> boilerplate lines dropped by the
rules in rules/clean.yaml -> hard-wrapped lines rejoined, line-end hyphens
repaired -> whitespace collapsed -> sentence spans.
"""

from __future__ import annotations

import calendar
import re
import re._constants as _sre
import unicodedata
import warnings
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from . import prefilter, rules, scales

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
from .model import CleanDoc, OffsetMap, RawDoc

# Character normalisation: one clean char for one raw char, so the map stays 1:1.
_CHAR_MAP = (
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ",
        "\u2003": " ", "\t": " ", "\u000b": " ", "\u000c": " ", "\u2028": "\n", "\u2029": "\n",
    }
)
# ...and every other character `str.isspace` holds for (U+2000-U+200A, U+205F, U+3000...), listed: finding them
# over the BMP at import was 10 ms of every run's start-up (tests/test_clean.py checks the list against it).
_OTHER_SPACES = "\x1c\x1d\x1e\x1f\u0085\u1680\u2000\u2001\u2004\u2005\u2006\u2008\u200a\u205f\u3000"
_CHAR_MAP.update(dict.fromkeys(_OTHER_SPACES, " "))
_SPACE_RUN = re.compile(r"  +")  # stdlib `re` for plain character runs: the same matches, found 3x faster
# PDF ligatures ("Sheﬃeld"): folded as NFKC does, each to its letters (the map sends them to the ligature).
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_LIGATURE = regex.compile("[\ufb00-\ufb06]")
# Every decimal digit (full-width, Arabic-Indic, Devanagari...) as its ASCII digit, and the full-width percent sign.
@lru_cache(maxsize=1)
def _digits() -> dict[int, str]:
    """Built on the first page that needs it (some 20 ms of every start-up otherwise)."""
    return {ord(ch): str(unicodedata.decimal(ch)) for ch in map(chr, range(0x80, 0x20000))
            if unicodedata.category(ch) == "Nd"} | {ord("\uff05"): "%"}


_OTHER_DIGIT = regex.compile(r"[[^\x00-\x7f]&&[\p{Nd}\uff05]]", regex.V1)  # one set: twice as fast as set|char
_THIN = "\u00a0\u2009\u202f\u2007"
_GROUPED = regex.compile(rf"(?<![\d.,])\d{{1,3}}(?:[{_THIN}]\d{{3}})+(?!\d)")
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Invisible characters go, with C0 controls (ftfy drops some of those in one
# pass and not the next, which would make cleaning not idempotent).
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}\x00-\x08\x0e-\x1f\x7f]")
_NEWLINES = regex.compile(r"\r\n?")
# "Ã" before a space or line end is not taken as mojibake: joining lines would
# change what follows it, and cleaning clean text would then repair it.
_MOJIBAKE_ALIGN_MAX = 1000  # longer words are not aligned char by char (quadratic)
# The mark of mojibake; the word around it (up to whitespace) is what ftfy repairs.
# Found first and widened by plain searches, so a long token costs one pass, not one per char.
_MOJIBAKE = regex.compile(r"[ÂÃâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|Ã[^ \t\n]|â€")
_NOT_WORD = regex.compile(r"[\s\x00-\x1f\x7f]")
_NOT_WORD_BACK = regex.compile(r"[\s\x00-\x1f\x7f]", regex.REVERSE)
_HTML_DROP = ("script", "style", "nav", "header", "footer", "form", "noscript", "iframe", "svg", "button", "select", "template", "aside")
_HTML_BLOCK = frozenset(
    "p div li tr h1 h2 h3 h4 h5 h6 table ul ol dl dt dd blockquote pre section article hr caption figcaption address main".split()
)
_HTML_CELL = frozenset(("td", "th"))  # cells of one row stay on its line, a space apart
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
    keywords: tuple[str, ...]
    # For a rule whose every match begins at the line's start: its `_may_start` memo; else None.
    heads: dict[str, bool] | None = field(default=None, compare=False)
    first_line: bool = False  # tried on the page's first line with text only


@dataclass(frozen=True)
class _Chrome:
    id: str
    elements: tuple[str, ...]  # CSS selectors
    starts: regex.Pattern[str] | None
    max_chars: int


@dataclass(frozen=True)
class CleanRules:
    line_rules: tuple[_LineRule, ...]
    anchored: regex.Pattern[str]  # the anchored rules as one alternation, for one scan
    keywords: tuple[str, ...]  # the other rules' literal triggers
    bullet: regex.Pattern[str]  # matched at a line's start
    bullet_line: regex.Pattern[str]  # the same, found anywhere with the spaces after it
    join_after: frozenset[str]
    keep_hyphen_after: frozenset[str]
    abbreviations: frozenset[str]
    date_rules: tuple[tuple[str, regex.Pattern[str]], ...]
    year: regex.Pattern[str]
    unglue: regex.Pattern[str]  # where a PDF extract lost a space between two words
    prose: regex.Pattern[str]  # a line of running prose: after a teaser heading, the article goes on
    chrome: tuple[_Chrome, ...] = ()  # archive banners and toolbars in HTML
    # A line's first characters -> whether a match of `anchored` can begin with them (see `_may_start`).
    heads: dict[str, bool] = field(default_factory=dict, compare=False)


@lru_cache(maxsize=8)
def load_rules(directory: Path | None = None) -> CleanRules:
    rf = rules.load("clean", directory)
    d = rf.data
    line_rules = []
    for r in d["rules"]:
        rules.require(r, rf.path, {"id": str, "action": str, "pattern": str})
        if r["action"] not in ("drop_line", "drop_block", "drop_rest"):
            raise rules.RuleError(rf.path, [(r["__line__"], f"unknown action {r['action']!r}")])
        kws = tuple(k.lower() for k in r.get("keywords") or [])
        if not kws and not r["pattern"].startswith("^"):
            raise rules.RuleError(rf.path, [(r["__line__"], f"rule {r['id']!r}: pattern must start with ^ or the rule list `keywords`")])
        pat = rules.compile_pattern(r["pattern"], regex.I)
        line_rules.append(_LineRule(r["id"], r["action"], pat, int(r.get("max_len") or 10**9), kws,
                                    {} if not kws and _starts_only(r["pattern"]) else None, bool(r.get("first_line"))))
    anchored = rules.compile_pattern(
        "|".join(f"(?:{r.pattern.pattern})" for r in line_rules if not r.keywords), regex.I | regex.M
    )
    cr = CleanRules(
        tuple(line_rules),
        anchored,
        tuple(sorted({k for r in line_rules for k in r.keywords})),
        rules.compile_pattern(d["bullet_pattern"]),
        rules.compile_pattern(f"^(?:{d['bullet_pattern']})[ ]*", regex.M),
        _words(rf, "join_after_words"),
        _words(rf, "keep_hyphen_after"),
        _words(rf, "abbreviations"),
        tuple((r["id"], rules.compile_pattern(r["pattern"], regex.I | regex.M)) for r in d["date_rules"]),
        rules.compile_pattern(d["year_pattern"]),
        rules.compile_pattern(d["unglue_pattern"]),
        rules.compile_pattern(d["prose_line_pattern"]),
        tuple(_Chrome(c["id"], tuple(c.get("elements") or ()),
                      rules.compile_pattern(c["starts_pattern"], regex.I) if c.get("starts_pattern") else None,
                      int(c.get("max_chars") or 1000)) for c in d.get("archive_chrome") or ()),
    )
    prefilter.alternation(cr.unglue)  # compiled now, with the rules (kept across runs)
    return cr


def _words(rf: rules.RuleFile, key: str) -> frozenset[str]:
    """A word list; YAML turns bare `no`/`on` into booleans, which is an error here."""
    words = rf.data.get(key) or []
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise rules.RuleError(rf.path, [(0, f"{key}: {bad!r} are not strings (quote them)")])
    return frozenset(w.lower() for w in words)


# A table flattened to one cell per line between lines holding only "|" (what some
# text exports make of an HTML table); cells hold no "|" and no line break.
_PIPE_TABLE = regex.compile(r"(?m)^\|[ \t]*\n(?:[^\n|]{1,80}\n\|[ \t]*(?:\n|\Z)){4,}")
_PIPE_CELL = regex.compile(r"(?m)^[^\n|]{1,80}$")
_NUMERIC_CELL = regex.compile(r"^\s*[\d.,]+\s*%?\s*$")


# A table written a row a line with "|" between cells ("| London | 5 | 20 |", "London | 5 | 20"):
# two or more such lines in a row, each of at least two cells; a markdown rule line ("|---|:--:|")
# under the header is not content.
_PIPE_ROWS = regex.compile(r"(?m)^(?:[ \t]*\|?[^\n|]*(?:\|[^\n|]*){1,}\|?[ \t]*(?:\n|\Z)){2,}")
_PIPE_RULE_LINE = regex.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|?)+[ \t]*(?:\n|\Z)")
_PIPE_SEP = regex.compile(r"[ \t]*\|[ \t]*")
_LINE = regex.compile(r"[^\n]+\n?|\n")


def _pipe_row_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that make a "|"-separated row a line of cells apart by spaces ("London 5 20"), the
    rows the figures stage reads, and drop a markdown rule line; cells keep their offsets."""
    edits: list[tuple[int, int, str]] = []
    for block in _PIPE_ROWS.finditer(text):
        lines = [ln for ln in _LINE.finditer(text, block.start(), block.end()) if not _PIPE_RULE_LINE.fullmatch(ln[0])]
        cells = [[c for c in ln[0].strip().strip("|").split("|")] for ln in lines]
        if len({len(c) for c in cells}) != 1 or not any(_NUMERIC_CELL.match(c) for row in cells for c in row):
            continue  # a table's rows have as many cells, some of them numbers (not "Home | News" menus)
        for line in _LINE.finditer(text, block.start(), block.end()):
            if _PIPE_RULE_LINE.fullmatch(line.group(0)):
                edits.append((line.start(), line.end(), ""))
                continue
            ls, le = line.start(), line.end() - line.group(0).endswith("\n")
            for m in _PIPE_SEP.finditer(text, ls, le):  # none at the line's ends: the cells' spaces
                edge = not text[ls:m.start()].strip() or not text[m.end():le].strip()
                edits.append((m.start(), m.end(), "" if edge else " "))
    return edits


_PARAGRAPH = regex.compile(r"[^\n]+(?:\n[^\n]+)*")
_STACKED_CELL = regex.compile(r"[^\n]{1,60}(?<![.!?:;,])")  # a cell: short, not the end of a sentence


def _stacked_row_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that put each row of a table laid out one cell a line, rows apart by a blank line (a
    web table written a cell a line comes out so: "Bury" / "Inadequate" / "2022"), on one line
    ("Bury Inadequate 2022"), so a row's name and grade, or label and numbers, share a line.
    A table: three or more such groups of as many lines, two or more; the first (the header) and
    each row's first cell not a number, and each row holding a number or a grade. Only line breaks
    change: every cell keeps its offsets."""
    edits: list[tuple[int, int, str]] = []
    run: list[list[regex.Match[str]]] = []

    def value(cell: str) -> bool:  # a number, or a grade and nothing else ("Inadequate")
        return bool(_NUMERIC_CELL.match(cell)) or any(j.end - j.start == len(cell) for j in scales.find(cell))

    def flush() -> None:
        if len(run) >= 3 and not any(_NUMERIC_CELL.match(c[0]) for c in run[0]) and all(
                any(value(c[0].strip()) for c in group[1:]) for group in run[1:]):
            for group in run:
                edits.extend((group[k].end(), group[k + 1].start(), " ") for k in range(len(group) - 1))
        run.clear()

    last_end = -2
    for para in _PARAGRAPH.finditer(text):
        body = para.group(0)
        # Cheap tests first: a cell is a short line (most paragraphs are prose, or one line).
        table_like = "\n" in body and max(map(len, body.split("\n"))) <= 60
        cells = list(regex.finditer(r"[^\n]+", text, pos=para.start(), endpos=para.end())) if table_like else []
        table_like = table_like and all(_STACKED_CELL.fullmatch(c[0].strip()) for c in cells) \
            and not _NUMERIC_CELL.match(cells[0][0])
        if not table_like or (run and (para.start() - last_end != 2 or len(cells) != len(run[0]))):
            flush()
        if table_like:
            run.append(cells)
        last_end = para.end()
    flush()
    return edits


def _pipe_row_width(cells: list[tuple[int, int, bool]], header_end: int) -> int:
    """The cells a row holds when the header names its columns: one per header cell, or one
    more when the label column has no heading ("No. | %" over "Good | 14 | 24"), if the body
    splits into such rows, each a label (not a number) then at least one number; else 0 (a row
    may then hold a word cell after its numbers, "4 star", as a row of its own would)."""
    body = cells[header_end:]
    for width in (header_end, header_end + 1):
        if width < 2 or not body or len(body) % width:
            continue
        rows = [body[i:i + width] for i in range(0, len(body), width)]
        if all(not r[0][2] and any(c[2] for c in r[1:]) for r in rows):
            return width
    return 0


_PIPE_HEADING = regex.compile(r"[^\n|.!?:;,]{1,40}")  # a short heading, not the end of a sentence


def _pipe_table_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that turn a one-cell-per-line table back into rows: a header line, then
    one line per row ("Good 14 24"), so the figures stage reads it as a table.
    Only the separators change: every cell keeps its offsets."""
    edits: list[tuple[int, int, str]] = []
    for block in _PIPE_TABLE.finditer(text):
        cells = [(m.start(), m.end(), bool(_NUMERIC_CELL.match(m.group(0))))
                 for m in _PIPE_CELL.finditer(text, block.start(), block.end()) if m.group(0).strip()]
        first_num = next((i for i, c in enumerate(cells) if c[2]), None)
        if first_num is None or first_num == 0:
            continue  # no numbers, or no label before them: not a table of rows
        header_end = first_num - 1  # cells before the first row's label are the header
        width, lead = _pipe_row_width(cells, header_end), block.start()
        if width == header_end + 1 and lead > 0:  # the label column's heading may stand before the first "|"
            ps = text.rfind("\n", 0, lead - 1) + 1
            if _PIPE_HEADING.fullmatch(text, ps, lead - 1) and not _NUMERIC_CELL.match(text, ps, lead - 1):
                lead -= 1
        edits.append((lead, cells[0][0], " " if lead < block.start() else ""))
        for i in range(len(cells) - 1):
            if width:  # as many cells a row as the header has: "Bury | 3 | 4 star" is one row
                new_row = i + 1 >= header_end and (i + 1 - header_end) % width == 0
            else:  # else a row starts at each label: a cell that is not a number
                new_row = i + 1 == header_end or (i + 1 > header_end and not cells[i + 1][2])
            edits.append((cells[i][1], cells[i + 1][0], "\n" if new_row else " "))
        edits.append((cells[-1][1], block.end(), "\n" if block.end() < len(text) else ""))
    return edits


def _edit(text: str, mapping: OffsetMap, edits: list[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping (start, end, replacement) edits to the text and its map."""
    if not edits:
        return text, mapping
    parts = []
    last = 0
    for a, e, repl in edits:
        parts.append(text[last:a])
        parts.append(repl)
        last = e
    parts.append(text[last:])
    return "".join(parts), mapping.edited(edits)


def _sub(text: str, mapping: OffsetMap, pattern: regex.Pattern[str] | re.Pattern[str], repl) -> tuple[str, OffsetMap]:
    """regex substitution that keeps the offset map: replaced text maps to the match start."""
    return _edit(text, mapping, [(m.start(), m.end(), repl(m)) for m in pattern.finditer(text)])


def _drop_chrome(soup: BeautifulSoup, chrome: tuple[_Chrome, ...]) -> None:
    """Remove archive banners and toolbars named by the clean rules."""
    for c in chrome:
        for sel in c.elements:
            for tag in soup.select(sel):
                tag.decompose()
        if c.starts is None:
            continue
        for s in soup.find_all(string=c.starts):
            if s.parent is None:  # inside a banner already removed
                continue
            block = next((p for p in s.parents if p.name in _HTML_BLOCK), None)
            if block is None:
                continue
            while (block.parent is not None and block.parent.name in _HTML_BLOCK
                   and len(block.parent.get_text()) <= c.max_chars and c.starts.match(block.parent.get_text())):
                block = block.parent
            block.decompose()


def preload() -> None:
    """Import what only some pages need (beautifulsoup4 for HTML, ftfy for mojibake): a run over
    text pages in one process never loads them; worker processes inherit them from here."""
    import bs4  # noqa: F401
    import ftfy  # noqa: F401


def html_to_text(html: str, chrome: tuple[_Chrome, ...] = ()) -> tuple[str, OffsetMap]:
    """Visible text of an HTML page as lines (one per block), mapped to the HTML.

    beautifulsoup4 decides what is content; each kept string is then located
    in the raw HTML by a forward search (entities decoded by the parser are
    mapped to the `&` that started them), so offsets survive parsing.
    """
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString
    from bs4.element import PreformattedString  # comments, <?...?>, <!DOCTYPE>, CDATA: not content

    with warnings.catch_warnings():  # a page that reads like a file name or URL is still a page
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    _drop_chrome(soup, chrome)
    for tag in soup.find_all(attrs={"id": _HTML_BANNER}) + soup.find_all(attrs={"class": _HTML_BANNER}):
        if not tag.decomposed:
            tag.decompose()
    breaks = set()
    for br in soup.find_all("br"):
        mark = NavigableString("\n")
        br.replace_with(mark)
        breaks.add(id(mark))
    parts: list[str] = []
    runs: list[tuple[int, int, int]] = []  # (clean start, raw start, stride)
    pos = cursor = 0
    last_block = last_cell = None
    blocks: dict[int, object] = {}  # id(tag) -> its nearest block ancestor, so each tag is walked once
    cells: dict[int, object] = {}
    for s in soup.find_all(string=True):
        if isinstance(s, PreformattedString) or not isinstance(s, NavigableString) or s.parent is None:
            continue
        sep = ""
        if id(s) in breaks:
            sep = "\n"
        if s.parent.name == "sup" and _FOOTNOTE.fullmatch(s) and parts and parts[-1][-1:].isalnum():
            continue  # "152<sup>1</sup>": a footnote marker, not part of the number or word before it
        block = _nearest(s.parent, _HTML_BLOCK, blocks)
        cell = _nearest(s.parent, _HTML_CELL, cells)
        if parts and block is not last_block:
            sep = "\n"
        elif parts and cell is not last_cell and not sep:
            sep = " "
        if sep:
            parts.append(sep)
            runs.append((pos, cursor, 0))
            pos += 1
        last_block, last_cell = block, cell
        if id(s) in breaks:
            continue
        text = str(s)
        # Whitespace is not searched for: the parser may have changed it ("\r"),
        # and a search would jump the cursor past the content it stands before.
        found = html.find(text, cursor) if text.strip() else -1
        if not text.strip():
            runs.append((pos, min(cursor, max(len(html) - 1, 0)), 0))
        elif found >= 0:
            runs.append((pos, found, 1))
            cursor = found + len(text)
        else:
            for i, ch in enumerate(text):  # entities decoded by the parser: align char by char
                if cursor < len(html) and html[cursor] == "&" and ch != "&":  # an entity the parser decoded
                    semi = html.find(";", cursor, cursor + 12)
                    runs.append((pos + i, cursor, 0))
                    cursor = semi + 1 if semi > 0 else cursor + 1
                else:
                    at = html.find(ch, cursor, cursor + 200)
                    runs.append((pos + i, at if at >= 0 else min(cursor, max(len(html) - 1, 0)), 0))
                    cursor = at + 1 if at >= 0 else cursor
        parts.append(text)
        pos += len(text)
    return "".join(parts), OffsetMap(pos, runs)


_FOOTNOTE = regex.compile(r"\s*[\d*†‡§]{1,3}\s*")


def _nearest(tag, names: frozenset[str], memo: dict[int, object]):
    """The nearest of `tag` and its ancestors named in `names` (None if none),
    memoised for every tag on the way up: unclosed tags nest thousands deep."""
    walked = []
    found = None
    while tag is not None:
        if id(tag) in memo:
            found = memo[id(tag)]
            break
        if tag.name in names:
            found = tag
            break
        walked.append(id(tag))
        tag = tag.parent
    for t in walked:
        memo[t] = found
    return found


def _mojibake_edits(text: str) -> list[tuple[int, int, str]]:
    """ftfy repairs a whole word (it needs the context), but only the parts it
    changed are replaced, so the letters around a repair keep their own offsets."""
    import ftfy

    edits = []
    for start, end in _mojibake_words(text):
        old = text[start:end]
        new = ftfy.fix_text(old, unescape_html=False) or old  # entities are the HTML parser's job
        if new == old:
            continue
        if len(old) <= _MOJIBAKE_ALIGN_MAX:
            ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            edits.extend((start + i1, start + i2, new[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal")
            continue
        n = min(len(old), len(new))  # a pathological "word": trim what did not change at its ends
        p = 0
        while p < n and old[p] == new[p]:
            p += 1
        q = 0
        while q < n - p and old[-1 - q] == new[-1 - q]:
            q += 1
        edits.append((start + p, end - q, new[p : len(new) - q]))
    return edits


def _mojibake_words(text: str) -> list[tuple[int, int]]:
    """Spans of the words holding a mojibake mark: from the whitespace before
    the first mark to the whitespace after the last one of the word."""
    spans = []
    pos = 0
    while (m := _MOJIBAKE.search(text, pos)) is not None:
        back = _NOT_WORD_BACK.search(text, pos, m.start())
        start = back.end() if back else pos
        after = _NOT_WORD.search(text, m.end())
        end = after.start() if after else len(text)
        spans.append((start, end))
        pos = end
    return spans


def _lines(text: str, mapping: OffsetMap, cr: CleanRules) -> tuple[str, OffsetMap]:
    """One pass over the lines: strip their edges, drop boilerplate lines (and
    blocks, and tails) named by the clean rules, turn bullets into "• ", keep
    at most one blank line between blocks and none at either end.

    Only lines that start like an anchored rule, or hold one of the keyword
    rules' literals (found by substring search of the lowered page), are
    tested rule by rule."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lowered
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    flagged: set[int] = set()
    for kw in cr.keywords:
        i = lowered.find(kw)
        while i >= 0:
            flagged.add(text.rfind("\n", 0, i) + 1)
            i = lowered.find(kw, i + len(kw))
    edits: list[tuple[int, int, str]] = []
    ls = 0
    n = len(text)
    content_end = 0  # end of the last kept non-blank line
    blank_run = True  # at the start, blank lines are dropped
    dropping_block = False
    for line in text.split("\n"):
        le = ls + len(line)
        nxt = min(le + 1, n)
        stripped = line.strip(" ")
        if not stripped:
            dropping_block = False
            if blank_run:
                edits.append((ls, nxt, ""))
            else:
                blank_run = True
                if line:
                    edits.append((ls, le, ""))
            ls = le + 1
            continue
        if dropping_block:
            edits.append((ls, nxt, ""))
            ls = le + 1
            continue
        if (_may_start(stripped, cr.anchored, cr.heads) and cr.anchored.match(stripped, timeout=rules.MATCH_TIMEOUT)) or ls in flagged:
            low = lowered[ls:le]
            action = next(
                (r.action for r in cr.line_rules
                 if len(stripped) <= r.max_len and (not r.keywords or any(k in low for k in r.keywords))
                 and (not r.first_line or not content_end)
                 and (r.heads is None or _may_start(stripped, r.pattern, r.heads))
                 and r.pattern.search(stripped, timeout=rules.MATCH_TIMEOUT)),
                "",
            )
            if action == "drop_rest" and not _prose_follows(text, nxt, cr):
                edits.append((ls, n, ""))
                break
            if action == "drop_rest":  # a box of links only, set inside the article, which goes on
                action = "drop_line"
            if action:
                dropping_block = action == "drop_block"
                edits.append((ls, nxt, ""))
                ls = le + 1
                continue
        blank_run = False
        lead = len(line) - len(line.lstrip(" "))
        bullet = cr.bullet_line.match(line, lead)
        if len(stripped) == 1 and cr.bullet.match(stripped + " "):
            # A bullet alone on its line: its item follows on the next line,
            # and a join there must not leave a bullet the next pass would change.
            edits.append((ls, le, "•"))
        elif bullet:
            edits.append((ls, ls + bullet.end(), "• "))
        elif lead:
            edits.append((ls, ls + lead, ""))
        trail = len(line) - len(line.rstrip(" "))
        if trail:
            edits.append((le - trail, le, ""))
        content_end = le
        ls = le + 1
    # Nothing after the last line of content.
    while edits and edits[-1][0] >= content_end:
        edits.pop()
    if content_end < n:
        edits.append((content_end, n, ""))
    return _edit(text, mapping, edits)


_HEAD = 3  # a line's first characters, tried as a partial match of an anchored pattern once per distinct head
_HEADS_MAX = 100_000  # distinct heads kept per pattern (a few hundred in 300 pages)


def _prose_follows(text: str, pos: int, cr: CleanRules) -> bool:
    """Whether the first line with text at or after `pos` is running prose (a teaser heading over it heads a box
    whose links are gone, inside an article that goes on), not a teaser's headline."""
    m = _NEXT_LINE.match(text, pos)
    return m is not None and cr.prose.fullmatch(m.group(1)) is not None


_NEXT_LINE = regex.compile(r"\s*([^\n]*)")


def _may_start(line: str, pattern: regex.Pattern[str], heads: dict[str, bool]) -> bool:
    """False when no match of `pattern` at the line's start can begin with its first characters: `regex`'s
    partial match of them, found once per distinct head (memo `heads`), so most lines skip the full match
    (and the fixed cost of its timeout, which is most of a call's cost)."""
    head = line[:_HEAD]
    may = heads.get(head)
    if may is None:
        may = pattern.match(head, partial=True, timeout=rules.MATCH_TIMEOUT) is not None
        if len(heads) < _HEADS_MAX:
            heads[head] = may
    return may


def _starts_only(pattern: str) -> bool:
    """Whether every match of `pattern` begins at the start of a line (of a text without line breaks): it begins
    with `^` outside any alternation, as `re` parses it (a pattern `re` cannot parse is not taken to)."""
    parsed = prefilter._parse(pattern)  # the prefilters' reading of a rule pattern
    return bool(parsed) and parsed[0] in ((_sre.AT, _sre.AT_BEGINNING), (_sre.AT, _sre.AT_BEGINNING_STRING))


def _join_lines(text: str, mapping: OffsetMap, cr: CleanRules) -> tuple[str, OffsetMap]:
    """Rejoin hard-wrapped lines into paragraphs and repair line-end hyphens.

    Only single line breaks (inside a block) are candidates. A block where
    most breaks are continuations is hard-wrapped prose (a PDF extract):
    there, a break after a full stop is a wrap too, unless a bullet follows."""
    breaks = [m.start() for m in _SINGLE_NL.finditer(text)]
    if not breaks:
        return text, mapping
    joins = [_joins(text, i, cr) for i in breaks]
    # Group breaks into blocks (a blank line between two breaks starts a new one).
    block: list[int] = []
    for k in range(len(breaks) + 1):
        if k < len(breaks) and (not block or text.find("\n\n", breaks[block[-1]], breaks[k]) < 0):
            block.append(k)
            continue
        if len(block) >= 2 and sum(joins[j] for j in block) * 2 >= len(block):
            for j in block:
                if not cr.bullet.match(text, breaks[j] + 1):
                    joins[j] = True
        block = [k]
    hyphenated: frozenset[str] | None = None
    words: frozenset[str] | None = None
    edits = []
    for pos, join in zip(breaks, joins, strict=True):
        if not join:
            continue
        if text[pos - 1] == "-" and pos >= 2 and text[pos - 2].isalpha():
            if hyphenated is None:
                hyphenated = frozenset(w.lower() for w in _HYPHEN_WORD.findall(text))
                if len(breaks) > _SEARCH_MAX_BREAKS:  # a set once per page, not a search of the page per break
                    words = frozenset(w.lower() for w in _W_RUN.findall(text))
            if _keep_hyphen(text, pos, cr, hyphenated, words):
                edits.append((pos, pos + 1, ""))
            else:
                edits.append((pos - 1, pos + 1, ""))
        else:
            edits.append((pos, pos + 1, " "))
    return _edit(text, mapping, edits)


def _joins(text: str, pos: int, cr: CleanRules) -> bool:
    """Does the line after the break at `pos` continue the line before it?"""
    nxt = pos + 1
    first = text[nxt]
    if cr.bullet.match(text, nxt):
        return False
    last_char = text[pos - 1]
    if first.islower():
        return last_char not in ".!?:" or text[pos - 2 : pos] in ("e.", "i.")
    if last_char in ",–(" or (last_char == "-" and text[pos - 2].isalpha()):
        return True
    word = text[max(0, pos - 12) : pos].rsplit(" ", 1)[-1].rsplit("\n", 1)[-1].lower()
    return word in cr.join_after


_HYPHEN_WORD = regex.compile(r"\b\p{L}+-\p{L}+\b")
_SINGLE_NL = regex.compile(r"(?<=[^\n])\n(?=[^\n])")


_SEARCH_MAX_BREAKS = 50  # up to this many line breaks, a split word is looked up by a search of the page


def _keep_hyphen(text: str, pos: int, cr: CleanRules, hyphenated: frozenset[str], words: frozenset[str] | None) -> bool:
    """Is "left-\nright" a hyphenated compound (keep "-") or a split word?"""
    ls = max(text.rfind(" ", 0, pos - 1), text.rfind("\n", 0, pos - 1)) + 1
    left = text[ls : pos - 1].lower()
    right_m = _WORD.match(text, pos + 1)
    right = right_m.group(0).lower() if right_m else ""
    if f"{left}-{right}" in hyphenated:
        return True
    joined = left + right
    # The joined word elsewhere on the page as a whole word: a \w-only word is one of the page's \w runs.
    if joined in words if words is not None and _W_RUN.fullmatch(joined) else regex.search(rf"\b{regex.escape(joined)}\b", text, regex.I):
        return False
    return left in cr.keep_hyphen_after or not right_m


_WORD = regex.compile(r"\p{L}+")
_W_RUN = regex.compile(r"\w+")


# Possessive, and only from the first mark of a run: a run of "?!" costs one pass.
# A full stop glued to the next sentence ("zero rated.Children's", '93 "good".The') ends one too, between words.
_SENT_END = regex.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s+[\"'(\[•]?[\p{Lu}\d•])|(?<=\p{Ll}{3}[\"”’)]?)\.[\"”’)]?(?=\p{Lu}\p{Ll}+\b)|\n")


def sentences(text: str, cr: CleanRules) -> list[tuple[int, int]]:
    """Sentence spans: a line break always ends one; a full stop does unless it
    follows a known abbreviation or a single letter."""
    spans = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        a = m.start()
        if text[a] == "\n":
            end = a
        else:
            if text[a] == ".":
                ws = max(text.rfind(" ", start, a), text.rfind("\n", start, a))
                word = text[ws + 1 : a].lstrip("(\"'").lower()
                if word in cr.abbreviations or (len(word) == 1 and word.isalpha()):
                    continue
            end = m.end()
        if end > start:
            spans.append((start, end))
        start = m.end()
        while start < n and text[start] in " \n":
            start += 1
    if start < n and text[start:].strip():
        spans.append((start, len(text.rstrip())))
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


def _fold(text: str, mapping: OffsetMap) -> tuple[str, OffsetMap]:
    """PDF ligatures to letters, other scripts' digits to ASCII, "1 234" with a
    no-break or thin space to "1,234" (one number, not 234)."""
    if _LIGATURE.search(text):
        text, mapping = _sub(text, mapping, _LIGATURE, lambda m: _LIGATURES[m.group(0)])
    if _OTHER_DIGIT.search(text):
        text = text.translate(_digits())  # 1:1, the map is unchanged
    if any(ch in text for ch in _THIN) and _GROUPED.search(text):
        text, mapping = _edit(text, mapping, [(i, i + 1, ",") for m in _GROUPED.finditer(text)
                                              for i in range(m.start(), m.end()) if text[i] in _THIN])
    return text, mapping


def clean(raw: RawDoc, directory: Path | None = None) -> CleanDoc:
    """The page's main content, its sentences, title and date."""
    cr = load_rules(directory)
    if raw.format == "html":
        text, mapping = html_to_text(raw.text, cr.chrome)
    else:
        text, mapping = raw.text, OffsetMap(len(raw.text))
    if "\r" in text:
        text, mapping = _sub(text, mapping, _NEWLINES, lambda m: "\n")
    if _ZERO_WIDTH.search(text):
        text, mapping = _sub(text, mapping, _ZERO_WIDTH, lambda m: "")
    if "Ã" in text or "â" in text or "Â" in text:
        text, mapping = _edit(text, mapping, _mojibake_edits(text))
        text, mapping = _sub(text, mapping, _ZERO_WIDTH, lambda m: "")
    if not text.isascii():  # ligatures, other digits and thin spaces are all non-ASCII
        text, mapping = _fold(text, mapping)
    for ch, to in _CHAR_MAP.items():  # 1:1, the map is unchanged; str.replace is far faster than a regex here
        if ch in text:
            text = text.replace(ch, to)
    # A table written a row a line with "|" between cells becomes rows of cells before the line rules run: its
    # header ("Region | Outstanding | Good | Inadequate") is not a row of navigation links.
    if "|" in text:
        text, mapping = _edit(text, mapping, _pipe_row_edits(text))
    text, mapping = _lines(text, mapping, cr)
    if "\n|" in text:
        text, mapping = _edit(text, mapping, _pipe_table_edits(text))
    if "\n\n" in text:
        text, mapping = _edit(text, mapping, _stacked_row_edits(text))
    if "  " in text:
        text, mapping = _sub(text, mapping, _SPACE_RUN, lambda m: " ")
    text, mapping = _join_lines(text, mapping, cr)
    # "goodfor" -> "good for": the glued word's last character is written again with the missing space after it.
    glued = [(m.end() - 1, m.end(), text[m.end() - 1] + " ") for m in prefilter.finditer(cr.unglue, text)]
    text, mapping = _edit(text, mapping, glued)
    published, source = raw.source.published, "manifest" if raw.source.published else ""
    if not published:
        published, source = find_date(text, raw.source.url, cr)
    if not published and raw.source.captured:  # the archive's capture date is the date of last resort
        published, source = raw.source.captured[:10], "captured"
    title = raw.source.title or next((ln for ln in text.split("\n") if ln.strip()), "")[:200]
    era = scales.page_era(text, published, source, directory)
    return CleanDoc(raw, text, mapping, sentences(text, cr), title, published, source, era)
