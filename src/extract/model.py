"""The records that flow between stages.

Every stage is a function from one of these records to the next; none of them
holds file handles or global state, so a document can be processed in any
worker process and the results merged in doc_id order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path


class OffsetMap:
    """Clean index -> raw index, stored as runs rather than one int per char.

    Within run k, `raw = raws[k] + strides[k] * (i - starts[k])`: stride 1 for
    text kept as it was, stride 0 for text the cleaner inserted or replaced
    (every char of it maps to where the replaced text began). Edits cost in
    proportion to their number, not to the document's length.
    """

    __slots__ = ("starts", "raws", "strides", "length")

    def __init__(self, length: int, runs: list[tuple[int, int, int]] | None = None):
        self.length = length
        runs = runs if runs is not None else ([(0, 0, 1)] if length else [])
        self.starts = [r[0] for r in runs]
        self.raws = [r[1] for r in runs]
        self.strides = [r[2] for r in runs]

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self.length
        if not 0 <= i < self.length:
            raise IndexError(i)
        k = bisect_right(self.starts, i) - 1
        return self.raws[k] + self.strides[k] * (i - self.starts[k])

    def __iter__(self) -> Iterator[int]:
        bounds = [*self.starts[1:], self.length] if self.starts else []
        for s, e, r, st in zip(self.starts, bounds, self.raws, self.strides, strict=True):
            for i in range(e - s):
                yield r + st * i

    def after(self, i: int) -> int:
        """Raw position of clean index `i`, or just past the end for i == len."""
        return self[i] if i < self.length else (self[self.length - 1] + 1 if self.length else 0)

    def edited(self, edits: list[tuple[int, int, str]]) -> OffsetMap:
        """The map of the text after sorted, non-overlapping (start, end, replacement) edits."""
        runs: list[tuple[int, int, int]] = []
        pos = last = 0

        def add(p: int, raw: int, stride: int) -> None:
            if runs:
                p0, r0, s0 = runs[-1]
                if s0 == stride and (r0 + s0 * (p - p0) == raw):
                    return  # continues the previous run
            runs.append((p, raw, stride))

        def keep(a: int, b: int) -> None:
            nonlocal pos
            k = bisect_right(self.starts, a) - 1
            while a < b:
                run_end = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
                end = min(b, run_end)
                add(pos, self.raws[k] + self.strides[k] * (a - self.starts[k]), self.strides[k])
                pos += end - a
                a = end
                k += 1

        for a, e, repl in edits:
            keep(last, a)
            if repl:
                add(pos, self.after(a), 0)
                pos += len(repl)
            last = e
        keep(last, self.length)
        return OffsetMap(pos, runs)


@dataclass(frozen=True)
class Options:
    """Everything a run can vary. One frozen value passed through the stages."""

    out: Path = Path("output")
    jobs: int = 0  # 0 = one worker per core
    rules_dir: Path | None = None  # None = the rules/ bundled with the project
    max_bytes: int = 20_000_000  # larger files are refused, keeping memory bounded
    neutralise_formulas: bool = True  # CSV cells that a spreadsheet would run
    progress: bool | None = None  # None = only on a terminal
    explain: bool = False  # also record the candidates rules turned down (rejected.csv)
    cache: bool = True  # reuse unchanged documents' results from OUT/.cache (cache.py)
    doc_timeout: float = 30.0  # seconds one document may take (0 = no limit); then it gets status error


@dataclass(frozen=True)
class Source:
    """One row of a folder's sources.csv manifest (all optional but doc_id)."""

    doc_id: str
    url: str = ""
    title: str = ""
    publisher: str = ""
    published: str = ""  # ISO date, possibly partial: 2007, 2007-04, 2007-04-01
    snapshot: str = ""
    captured: str = ""  # when an archive captured the page (a WARC record's WARC-Date)


@dataclass
class RawDoc:
    """A file read and decoded: the text all raw offsets refer to."""

    doc_id: str
    path: str
    format: str  # txt | html
    sha256: str
    text: str
    source: Source
    warnings: list[str] = field(default_factory=list)


@dataclass
class CleanDoc:
    """Main content of a page, with a map from every clean char to the raw text.

    `offsets[i]` is the index in `raw.text` of the character that produced
    `text[i]`; `sentences` are (start, end) spans over `text`.
    """

    raw: RawDoc
    text: str
    offsets: OffsetMap
    sentences: list[tuple[int, int]]
    title: str = ""
    published: str = ""  # ISO date (possibly partial) from the manifest or the text
    date_source: str = ""  # manifest | text | url | text-year | captured | "" (unknown)
    era: str = ""  # judgement-scale era (rules/scales.yaml): from the date, else guessed from the wording

    @property
    def doc_id(self) -> str:
        return self.raw.doc_id

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the clean span [start, end)."""
        if start >= end:
            pos = self.offsets.after(start)
            return pos, pos
        raw_end = self.offsets[end - 1] + 1
        raw = self.raw.text
        if raw[raw_end - 1 : raw_end] == "&" and self.text[end - 1] != "&":  # "45&#37;": the whole entity
            semi = raw.find(";", raw_end, raw_end + 32)
            raw_end = semi + 1 if semi >= 0 else raw_end
        return self.offsets[start], raw_end

    def sentence_index(self, pos: int) -> int:
        """Index in `sentences` of the sentence holding clean offset `pos`, or -1."""
        k = bisect_right(self._sentence_starts, pos) - 1
        return k if k >= 0 and pos < self.sentences[k][1] else -1

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span holding clean offset `pos`; (pos, pos) between sentences."""
        k = self.sentence_index(pos)
        return self.sentences[k] if k >= 0 else (pos, pos)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]


@dataclass
class Figure:
    """A count, percentage or proportion. Column order is the CSV contract."""

    doc_id: str
    figure_id: str
    kind: str  # count | percentage | proportion
    value: str  # formatted number: "12000000", "66.67", "23.7"
    approx: int
    qualifier: str
    denominator: str
    measure: str
    category: str
    period: str
    evidence: str
    sentence: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    rule: str


@dataclass
class Mention:
    """An authority named in the main content, linked to the register."""

    doc_id: str
    mention_id: str
    mention: str
    authority: str
    gss_code: str
    dfe_la_code: str
    match: str  # exact | alias | fuzzy | ambiguous | undated
    score: str
    judgement: str
    sentence: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    rule: str


@dataclass
class Check:
    """A consistency finding over a page's figures."""

    doc_id: str
    check_id: str
    check: str  # the rule id
    severity: str  # info | warning | error
    message: str
    refs: str  # figure_ids joined by ";"


@dataclass
class Rejected:
    """A number or name candidate a rule turned down, and why (rejected.csv, with --explain)."""

    doc_id: str
    start: int
    end: int
    text: str
    rule: str
    reason: str


@dataclass
class Problem:
    """Something wrong with one document; never ends the batch."""

    doc_id: str
    message: str
    offset: int = -1
    rule_id: str = ""


@dataclass
class Document:
    """One row of documents.csv."""

    doc_id: str
    path: str
    format: str = ""
    sha256: str = ""
    title: str = ""
    published: str = ""
    chars_raw: int = 0
    chars_clean: int = 0
    figures: int = 0
    authorities: int = 0
    checks: int = 0
    status: str = "ok"  # ok | warning | error
    error: str = ""
    duplicate_of: str = ""  # an earlier doc_id with nearly the same clean text (set by consolidate)
    url: str = ""  # the page's URL (an archive record's target URI, or sources.csv)
    captured: str = ""  # an archive record's WARC-Date
    source: str = ""  # "file.warc.gz#offset" for an archive record, the path for a file
    date_source: str = ""  # which date `published` is: manifest | text | url | text-year | captured | ""


@dataclass
class Result:
    """Everything one document produced; what a worker sends back."""

    document: Document
    clean_text: str | None = None
    figures: list[Figure] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # filled only with Options.explain
    signature: bytes | None = None  # MinHash of the clean text (consolidate.signature): near-duplicates across pages
    era: str = ""  # the judgement-scale era the page was read on (CleanDoc.era): consolidate's `framework`


def columns(cls: type) -> list[str]:
    """CSV header of a row dataclass, in contract order."""
    return [f.name for f in fields(cls)]
