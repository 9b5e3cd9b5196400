"""One record across pages: each authority's judgements and each statistic's series.

Every page is extracted on its own; a reader asks across pages ("what has
Ofsted said about Birmingham since 2005?", "do the press release and the news
story agree on the number?"). This step reads a finished run's CSVs and writes:

- `authority_judgements.csv`: one row per (authority, framework, period, area)
  with the judgement most pages give, the evidence, and `conflict` naming the
  other judgements when pages disagree;
- `figure_series.csv`: one row per (measure, category, kind, period) and value,
  with `conflict` naming the values that disagree beyond rounding;
- `documents.csv`'s `duplicate_of`: syndicated copies (near-duplicate clean
  texts, MinHash + LSH banding) count as one source.

`extract run` builds the tables as it writes each document (`Tables`, fed by
`write.Writer.add` while the workers extract the next pages), so that the
run's final step only groups the rows; `write` feeds a finished run's CSVs to
the same `Tables`.

Memory stays flat in the number of documents: the CSVs are streamed row by
row; each row's key and evidence are held in memory while the input is small
(`HELD_BYTES`), else go to one of K bucket files by their group key (K grows
with the input, so a bucket stays small), each bucket is grouped on its own
into a sorted file, and the buckets' sorted files are merged into the output
(`heapq.merge`). Only the documents' dates and the near-duplicate index are
held for the whole run. Pure Python (csv, heapq): a run does not pay pandas'
import. MinHash signatures are computed where the clean text is (the workers,
`signature`), so the main process only bands them (`Duplicates`).

The rules (measure vocabulary, period and area patterns, tolerances,
duplicate thresholds) are rules/consolidate.yaml.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import math
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import regex

from . import rules, scales
from .model import Document, Figure, Mention, columns
from .write import neutralise

JUDGEMENT_COLUMNS = [
    "gss_code",
    "authority",
    "framework",
    "period",
    "period_source",
    "area",
    "judgement",
    "sources",
    "doc_ids",
    "mention_ids",
    "first_date",
    "last_date",
    "conflict",
    "successor_gss_codes",
]
SERIES_COLUMNS = [
    "measure",
    "category",
    "kind",
    "period",
    "period_source",
    "value",
    "sources",
    "doc_ids",
    "figure_ids",
    "conflict",
]
OUTPUTS = ("authority_judgements.csv", "figure_series.csv")
BUCKET_BYTES = 1_000_000  # input CSV bytes per bucket file: what one bucket's grouping holds in memory (~5 MB)
HELD_BYTES = 4_000_000  # input CSV bytes whose bucket rows are grouped in memory, without files (~4 MB held)
MAX_BUCKETS = 512  # open bucket files at once (beyond it, buckets grow instead)
_BUFFER = 16_384  # per open bucket file
_REF = 7  # bucket rows: key (4 cells), judgement or value, root, doc_id, ref, period_source, page_date, exact
_SHINGLE_BASE = 1_000_003  # an odd multiplier for combining word hashes


@dataclass(frozen=True)
class Tolerance:
    id: str
    kinds: frozenset[str]
    approx: bool
    absolute: float = 0.0
    relative: float = 0.0
    half_unit: bool = False
    factor: float = 1.0


@dataclass(frozen=True)
class Rules:
    measures: tuple[tuple[str, regex.Pattern[str], str], ...]  # (id, whole-measure pattern, normal form)
    periods: tuple[tuple[str, regex.Pattern[str], str], ...]  # (id, pattern, template)
    bare_year: regex.Pattern[str]
    months: dict[str, int]
    areas: tuple[tuple[str, regex.Pattern[str], str], ...]
    changes: frozenset[str]
    needs_category: bool
    tolerances: tuple[Tolerance, ...]
    shingle_words: int
    num_perm: int
    threshold: float
    min_words: int


@lru_cache(maxsize=8)
def load(directory: Path | None = None) -> Rules:
    """rules/consolidate.yaml, validated."""
    rf = rules.load("consolidate", directory)
    d = rf.data

    def listed(section: str, out_key: str) -> tuple[tuple[str, regex.Pattern[str], str], ...]:
        out = []
        for r in d[section]["rules"]:
            rules.require(r, rf.path, {"id": str, "pattern": str, out_key: str})
            out.append((r["id"], rules.compile_pattern(r["pattern"], regex.I), r[out_key]))
        return tuple(out)

    tols = []
    for r in d["tolerances"]["rules"]:
        rules.require(r, rf.path, {"id": str, "kinds": list, "approx": bool})
        tols.append(
            Tolerance(
                r["id"],
                frozenset(r["kinds"]),
                r["approx"],
                float(r.get("absolute", 0)),
                float(r.get("relative", 0)),
                bool(r.get("half_unit", False)),
                float(r.get("factor", 1)),
            )
        )
    dup = d["duplicates"]
    return Rules(
        measures=listed("measures", "measure"),
        periods=listed("periods", "period"),
        bare_year=rules.compile_pattern(d["bare_year_pattern"]),
        months={m.casefold(): i for i, m in enumerate(d["months"], 1)},
        areas=listed("areas", "area"),
        changes=frozenset(d["changes"]),
        needs_category=bool(d["conflict_needs_category"]),
        tolerances=tuple(tols),
        shingle_words=int(dup["shingle_words"]),
        num_perm=int(dup["num_perm"]),
        threshold=float(dup["threshold"]),
        min_words=int(dup["min_words"]),
    )


# --- normalisation ------------------------------------------------------------------------------------------------
def measure(text: str, r: Rules) -> str:
    """The series' measure: the vocabulary's normal form, else the measure as written."""
    t = " ".join(text.split())
    for _rid, pattern, norm in r.measures:
        if pattern.fullmatch(t):
            return norm
    return t


def period(text: str, r: Rules) -> str:
    """The first period a sentence (or a figure's period cell) states, normalised; "" if none."""
    for _rid, pattern, template in r.periods:
        m = pattern.search(text)
        if m:
            return _fill(m, template, r)
    m = r.bare_year.match(text.strip())
    return _fill(m, "{year}", r) if m else ""


def _fill(m: regex.Match[str], template: str, r: Rules) -> str:
    g = m.groupdict()
    if g.get("to"):
        g["to"] = g["to"][-2:]
    if g.get("month"):
        g["month"] = f"{r.months[g['month'].casefold()]:02d}"
    if g.get("day"):
        g["day"] = f"{int(g['day']):02d}"
    return template.format(**g)


def area(sentence: str, r: Rules) -> str:
    for _rid, pattern, label in r.areas:
        if pattern.search(sentence):
            return label
    return ""


def agree(a: str, b: str, kind: str, approx: bool, r: Rules) -> bool:
    """Whether two stated values of one statistic are the same number, given rounding and approximation."""
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    for t in r.tolerances:
        if kind in t.kinds and t.approx == approx:
            margin = max(t.absolute, t.relative * max(abs(x), abs(y)))
            if t.half_unit:
                margin = max(margin, 0.5 * 10.0 ** -min(_decimals(a), _decimals(b)) * t.factor)
            return math.isclose(x, y) or abs(x - y) <= margin + 1e-9
    return math.isclose(x, y)


def _decimals(v: str) -> int:
    return len(v.split(".", 1)[1]) if "." in v else 0


# --- documents: dates and syndicated copies -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Doc:
    """What the tables need of a document: its date (published, else captured) and where that date came from."""

    published: str
    page_date: str
    date_source: str  # page, capture, or "" when the page has no date
    ok: bool  # not an error row


def _rows(path: Path, cols: list[str], optional: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """The cells of `cols` in every row of a CSV, streamed ("" for an `optional` column the file lacks)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        missing = [c for c in cols if c not in header and c not in optional]
        if missing:
            raise ValueError(f"{path} has no column {', '.join(missing)}")
        yield from _select(reader, header, cols)


def _select(rows: Iterable[list[str]], header: list[str], cols: list[str]) -> Iterator[list[str]]:
    at = [header.index(c) if c in header else len(header) + 10**6 for c in cols]
    for row in rows:
        if row:
            yield [row[i] if i < len(row) else "" for i in at]


def documents(run: Path) -> dict[str, Doc]:
    """doc_id -> its date and status; a repeated doc_id is an error row after the file that kept the id."""
    docs: dict[str, Doc] = {}
    for row in _rows(run / "documents.csv", _DOCUMENT_COLS, optional=("captured",)):
        _document(docs, *row)
    return docs


_DOCUMENT_COLS = ["doc_id", "published", "status", "captured"]


def _document(docs: dict[str, Doc], doc_id: str, published: str, status: str, captured: str) -> None:
    if doc_id not in docs:
        page = published or captured
        docs[doc_id] = Doc(published, page, ("page" if published else "capture") if page else "", status != "error")


def _clean_path(run: Path, doc_id: str) -> Path:
    """clean/<doc_id>.txt, for a doc_id as the CSVs write it (a would-be formula has a leading apostrophe)."""
    if doc_id.startswith("'") and neutralise(doc_id[1:]) == doc_id:
        doc_id = doc_id[1:]
    return run / "clean" / f"{doc_id}.txt"


def _words(text: str) -> list[str]:
    """A text's words for shingles: lower-cased, split at white space (punctuation stays on its word, the same in
    every copy; five times faster than a word regex)."""
    return text.casefold().split()


def shingles(text: str, n: int, words: list[str] | None = None) -> Any:
    """Hashes of the word n-grams of a text, lower-cased (a numpy array): what two copies of one article share.

    Each word is hashed once (CRC-32 of its UTF-8, stable across processes, unlike `hash`; computed afresh, which
    costs less than looking it up in a cache); an n-gram's hash combines its words' as a polynomial, computed for
    every position at once with numpy."""
    import numpy as np

    words = _words(text) if words is None else words
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    out = np.zeros(len(words) - n + 1, dtype=np.uint64)
    for j in range(n):  # uint64 arithmetic wraps: a hash modulo 2**64, folded to 32 bits below
        out = out * np.uint64(_SHINGLE_BASE) + h[j : len(h) - n + 1 + j]
    return (out ^ (out >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


_SIGNATURE_CHUNK = 4096  # shingles hashed at once: num_perm x this many uint64 (4 MB), whatever the page's size


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[Any, Any]:
    """num_perm hash functions h(x) = (a*x + b mod 2**64) >> 32 (multiply-add-shift, universal for 32-bit x).

    a (odd) and b come from SHA-256 of fixed labels: the same signatures on every machine and numpy version."""
    import numpy as np

    words = [hashlib.sha256(f"extract minhash {i}".encode()).digest() for i in range(num_perm)]
    a = np.array([int.from_bytes(w[:8], "little") | 1 for w in words], dtype=np.uint64)
    b = np.array([int.from_bytes(w[8:16], "little") for w in words], dtype=np.uint64)
    return a[:, None], b[:, None]


def signature(text: str, r: Rules) -> bytes | None:
    """The MinHash signature of a clean text's shingles (`num_perm` 32-bit minima, little-endian bytes); None for
    a text too short to be called anyone's copy. Computed where the text is: the workers (pipeline.py)."""
    words = _words(text)
    if len(words) < max(r.min_words, r.shingle_words):
        return None  # before numpy is imported: a run on a few short pages never loads it
    import numpy as np

    grams = shingles(text, r.shingle_words, words)
    a, b = _permutations(r.num_perm)
    buf = _buffer(r.num_perm)
    sig = np.full(r.num_perm, 0xFFFFFFFF, dtype=np.uint64)
    for at in range(0, len(grams), _SIGNATURE_CHUNK):
        chunk = grams[None, at : at + _SIGNATURE_CHUNK]
        hashed = buf[: r.num_perm * chunk.shape[1]].reshape(r.num_perm, chunk.shape[1])
        np.multiply(a, chunk, out=hashed)
        hashed += b
        # The shift keeps the order (it only drops low bits): the minimum is taken first, then shifted.
        np.minimum(sig, hashed.min(axis=1) >> np.uint64(32), out=sig)
    return sig.astype("<u4").tobytes()


@lru_cache(maxsize=4)
def _buffer(num_perm: int) -> Any:
    """The work array of `signature`, made once: a fresh 4 MB array per page cost more than the arithmetic
    (the memory is mapped anew and faulted in page by page)."""
    import numpy as np

    return np.empty(num_perm * _SIGNATURE_CHUNK, dtype=np.uint64)


def warm(directory: Path | None = None) -> None:
    """Load the rules, numpy and the hash functions now (before worker processes fork: they inherit them)."""
    _permutations(load(directory).num_perm)


@lru_cache(maxsize=8)
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH bands and rows per band for a Jaccard threshold: the split that minimises the probability of missing a
    pair above the threshold plus that of a candidate below it (the areas under the S-curve, midpoint rule)."""

    def midpoints(lo: float, hi: float, steps: int = 100) -> tuple[list[float], float]:
        dx = (hi - lo) / steps
        return [lo + (i + 0.5) * dx for i in range(steps)], dx

    # 1 - s**rows (a band missing) is made once per row count, not per split: the same sums in half the time
    # (every run makes this).
    (below, dx_below), (above, dx_above) = midpoints(0.0, threshold), midpoints(threshold, 1.0)
    miss = {rows: ([1 - s**rows for s in below], [1 - s**rows for s in above]) for rows in range(1, num_perm + 1)}
    best = (math.inf, 1, num_perm)
    for b in range(1, num_perm + 1):
        for rows in range(1, num_perm // b + 1):
            miss_below, miss_above = miss[rows]
            false_pos = sum([1 - m**b for m in miss_below]) * dx_below
            false_neg = sum([m**b for m in miss_above]) * dx_above
            err = 0.5 * false_pos + 0.5 * false_neg
            if err < best[0]:
                best = (err, b, rows)
    return best[1], best[2]


class Duplicates:
    """Near-duplicate pages, found in doc_id order: each page is compared (by its signature's bands) with the
    first copies before it; a page that repeats one is its duplicate, any other becomes a first copy.

    Holds per first copy its signature (4 bytes a permutation) and one index entry per band, never a text."""

    def __init__(self, r: Rules):
        self.r = r
        self.bands, self.rows = bands(r.threshold, r.num_perm)
        self.size = 4 * r.num_perm
        self.found: dict[str, str] = {}  # doc_id -> the first copy it repeats
        self._firsts: list[str] = []
        self._signatures = bytearray()
        self._index: dict[int, int | tuple[int, ...]] = {}  # band hash -> first copies (by number) with that band

    def add(self, doc_id: str, sig: bytes | None) -> str:
        """The first copy `doc_id` repeats, or "" (then it is a first copy itself)."""
        if sig is None or len(sig) != self.size:
            return ""
        width = 4 * self.rows
        keys = [int.from_bytes(hashlib.blake2b(i.to_bytes(2, "little") + sig[i * width : (i + 1) * width],
                                               digest_size=8).digest(), "little") for i in range(self.bands)]
        candidates = set()
        for k in keys:
            hit = self._index.get(k)
            if hit is not None:
                candidates.update(hit if isinstance(hit, tuple) else (hit,))
        mine = memoryview(sig).cast("I")
        for c in sorted(candidates):  # first copies are numbered in doc_id order: the earliest similar one wins
            theirs = memoryview(self._signatures[c * self.size : (c + 1) * self.size]).cast("I")  # a copy
            if sum(x == y for x, y in zip(mine, theirs, strict=True)) >= self.r.threshold * self.r.num_perm:
                self.found[doc_id] = self._firsts[c]
                return self._firsts[c]
        n = len(self._firsts)
        self._firsts.append(doc_id)
        self._signatures += sig
        for k in keys:
            hit = self._index.get(k)
            self._index[k] = n if hit is None else (*hit, n) if isinstance(hit, tuple) else (hit, n)
        return ""


def duplicates(run: Path, doc_ids: list[str], r: Rules) -> dict[str, str]:
    """doc_id -> the earlier doc_id whose clean text it nearly repeats, from the clean texts. `doc_ids` in
    documents.csv's order (a run's doc_id order), the order in which `extract run` compares them."""
    if len(doc_ids) < 2:
        return {}
    found = Duplicates(r)
    for doc_id in doc_ids:
        path = _clean_path(run, doc_id)
        if path.is_file():
            found.add(doc_id, signature(path.read_text(encoding="utf-8"), r))
    return found.found


# --- external grouping ---------------------------------------------------------------------------------------------
class _Buckets:
    """Rows to be grouped by their key (a bucket row's first four cells).

    While the input they come from is small (`HELD_BYTES`) they are held in memory and grouped there, in one
    sort. Beyond it they go to files: K files by a hash of the key (CRC-32: the same in every process), so that
    every row of one group is in one file and a file is small enough to group in memory; K is set by the input's
    size. Rows that arrive as a run goes (`Tables`, whose input grows: `grow`) go to one file once there are too
    many to hold, spread over K files when grouped."""

    def __init__(self, folder: Path, name: str, size: int = 0):
        self.folder, self.name, self.size = folder, name, size
        self.paths: list[Path] = []
        self._held: list[list[str]] = []
        self._same: dict[str, str] = {}  # the held rows' distinct cells
        self._files: list[IO[bytes]] = []
        self._made = 0  # sets of files made: a set spread over more files replaces the last
        self._line = io.StringIO()
        self._csv = csv.writer(self._line, lineterminator="\n")
        if size > HELD_BYTES:
            self._open(_count(size))

    def _open(self, k: int) -> None:
        self._made += 1
        self.paths = [self.folder / f"{self.name}-{self._made}-{i:04d}.csv" for i in range(k)]
        # Binary files fed by one CSV writer: a text file keeps up to ~130 KB of pending writes each, which K files
        # would multiply.
        self._files = [p.open("wb", buffering=_BUFFER) for p in self.paths]

    def add(self, row: list[str]) -> None:
        if not self._files:
            # Rows repeat their cells (keys, labels, doc_ids): each distinct one is held once, all but the refs
            # (about half the memory of the rows as they come).
            self._held.append([c if i == _REF else self._same.setdefault(c, c) for i, c in enumerate(row)])
            return
        self._csv.writerow(row)
        key = "\0".join(row[:4])
        self._files[zlib.crc32(key.encode()) % len(self._files)].write(self._line.getvalue().encode("utf-8"))
        self._line.seek(0)
        self._line.truncate()

    def grow(self, size: int) -> None:
        """The rows so far come from `size` bytes of input: past `HELD_BYTES`, they go to a file."""
        self.size = size
        if not self.paths and size > HELD_BYTES:
            self._open(1)
            for row in self._held:
                self.add(row)
            self._held, self._same = [], {}

    def _spread(self, k: int) -> None:
        """The rows in files spread over `k` files (one more pass over them)."""
        old = self.paths
        self.close()
        self._open(k)
        for path in old:
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.reader(fh):
                    self.add(row)
            path.unlink()
        self.close()

    def close(self) -> None:
        for f in self._files:
            f.close()

    def grouped(self, group: Callable[[list[list[str]]], Iterator[list[str]]],
                order: Callable[[list[str]], Any]) -> Iterator[list[str]]:
        """The rows grouped by `group` (which yields a bucket's rows in `order`): held rows at once, else every
        file on its own, merged in that order."""
        if not self.paths:
            rows, self._held, self._same = self._held, [], {}
            yield from group(rows)
            return
        self.close()
        if _count(self.size) > len(self.paths):
            self._spread(_count(self.size))
        done = []
        for path in self.paths:
            with path.open(encoding="utf-8", newline="") as fh:
                # A bucket's cells repeat (keys, labels, doc_ids): each distinct one is held once.
                same: dict[str, str] = {}
                rows = [list(map(same.setdefault, row, row)) for row in csv.reader(fh)]
            out = path.with_suffix(".out")
            with out.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh, lineterminator="\n").writerows(group(rows))
            path.unlink()
            done.append(out)
        files = [p.open(encoding="utf-8", newline="", buffering=_BUFFER) for p in done]
        try:
            yield from heapq.merge(*(csv.reader(f) for f in files), key=order)
        finally:
            for f in files:
                f.close()


def _count(size: int) -> int:
    """Bucket files for `size` bytes of input CSV."""
    return max(1, min(MAX_BUCKETS, math.ceil(size / BUCKET_BYTES)))


def _memo(fn: Callable[[str], Any], limit: int = 256) -> Callable[[str], Any]:
    """`fn` remembered for the last texts seen (a list of authorities shares one sentence; a page's rows are
    consecutive), forgetting all at `limit` so memory does not grow with the run."""
    seen: dict[str, Any] = {}

    def call(text: str) -> Any:
        got = seen.get(text)
        if got is None:
            if len(seen) >= limit:
                seen.clear()
            got = seen[text] = fn(text)
        return got

    return call


def _period_of(stated: str, doc: Doc | None) -> tuple[str, str]:
    """`period`, `period_source`: the stated period, else the page date's year, else the capture date's year."""
    if stated:
        return stated, "sentence"
    return (doc.page_date[:4], doc.date_source) if doc else ("", "")


def _join(values: Iterable[str]) -> str:
    return ";".join(sorted(set(values)))


_SOURCE_RANK = {"sentence": 0, "page": 1, "capture": 2, "": 3}
_RANK_SOURCE = {v: k for k, v in _SOURCE_RANK.items()}


@dataclass
class _Evidence:
    """The rows of one group that give one judgement or value."""

    label: str
    roots: set[str]
    docs: set[str]
    refs: set[str]
    rank: int  # the strongest period_source
    dates: list[str]
    exact: bool

    @classmethod
    def of(cls, label: str, rows: list[list[str]]) -> _Evidence:
        # bucket rows end with: root, doc_id, ref, period_source, page_date, exact
        return cls(label, {x[-6] for x in rows}, {x[-5] for x in rows}, {x[-4] for x in rows},
                   min(_SOURCE_RANK[x[-3]] for x in rows), [x[-2] for x in rows if x[-2]], any(x[-1] for x in rows))


# --- the two tables ------------------------------------------------------------------------------------------------
_MENTION_COLS = ["doc_id", "mention_id", "authority", "gss_code", "judgement", "sentence"]
_FIGURE_COLS = ["doc_id", "figure_id", "kind", "value", "approx", "measure", "category", "period"]


class Tables:
    """authority_judgements.csv and figure_series.csv, fed row by row: each row goes to its bucket as it comes,
    so that `write` only groups the buckets. A run feeds each document as it writes it (`add`, from
    `write.Writer.add`, while the workers extract the next pages); `write` below feeds a finished run's CSVs.

    `dup` and `eras` are read as rows come: a run fills them for a document before its rows."""

    def __init__(self, run: Path, r: Rules, directory: Path | None, dup: dict[str, str], eras: dict[str, str],
                 sizes: tuple[int, int] = (0, 0)):
        self.run, self.r, self.directory, self.dup, self.eras = run, r, directory, dup, eras
        self.docs: dict[str, Doc] = {}
        self._work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=run))
        self._judgements = _Buckets(self._work, "judgements", sizes[0])
        self._series = _Buckets(self._work, "series", sizes[1])
        self._sizes = list(sizes)
        self._stated = _memo(lambda s: (period(s, r), area(s, r)))
        self._measured = _memo(lambda t: measure(t, r))
        self._when = _memo(lambda t: period(t, r) or t)
        self._last: tuple[str, str] | None = None  # (doc_id, framework): a page's mentions are consecutive rows
        self._names: dict[str, str] = {}  # gss_code -> the least of its names as written: one entry per authority

    def add(self, documents: str, authorities: str, figures: str) -> None:
        """One document's rows as a run writes them: CSV text in the run's columns, without a header."""
        for row in _select(csv.reader(io.StringIO(documents)), _WRITTEN["documents"], _DOCUMENT_COLS):
            _document(self.docs, *row)
        for row in _select(csv.reader(io.StringIO(authorities)), _WRITTEN["authorities"], _MENTION_COLS):
            self.mention(*row)
        for row in _select(csv.reader(io.StringIO(figures)), _WRITTEN["figures"], _FIGURE_COLS):
            self.figure(*row)
        self._sizes[0] += len(authorities)
        self._sizes[1] += len(figures)
        self._judgements.grow(self._sizes[0])
        self._series.grow(self._sizes[1])

    def mention(self, doc_id: str, mention_id: str, authority: str, gss: str, judgement: str, sentence: str) -> None:
        """One row of authorities.csv (its `_MENTION_COLS`)."""
        if not judgement:
            return
        doc = self.docs.get(doc_id)
        said, where = self._stated(sentence)
        when, source = _period_of(said, doc)
        if self._last is None or self._last[0] != doc_id:
            self._last = (doc_id, _framework(self.run, doc_id, doc, self.directory, self.eras))
        self._names[gss] = min(self._names.get(gss, authority), authority)
        # key (gss_code, framework, period, area), judgement, then the evidence columns
        key = [gss, self._last[1], when, where]
        self._judgements.add([*key, judgement, self.dup.get(doc_id, doc_id), doc_id, f"{doc_id}:{mention_id}", source,
                              doc.page_date if doc else "", "1"])

    def figure(self, doc_id: str, figure_id: str, kind: str, value: str, approx: str, what: str, category: str,
               when: str) -> None:
        """One row of figures.csv (its `_FIGURE_COLS`)."""
        if not value:
            return
        when, source = _period_of(self._when(when), self.docs.get(doc_id))
        key = [self._measured(what), category, kind, when]
        self._series.add([*key, value, self.dup.get(doc_id, doc_id), doc_id, f"{doc_id}:{figure_id}", source, "",
                          "" if approx == "1" else "1"])

    def write(self, safe: bool = True) -> tuple[tuple[int, int], tuple[int, int]]:
        """Group the rows and write both tables into the run (each atomically); (rows, conflicts) of each."""
        try:
            successors = _successors(self.directory)
            judged = self._judgements.grouped(lambda rows: _judgement_rows(rows, self.r, self._names, successors),
                                              lambda x: (x[0], x[2], x[3], x[5]))
            aj = _write_csv(self.run / OUTPUTS[0], JUDGEMENT_COLUMNS, judged, safe)
            stated = self._series.grouped(lambda rows: _series_rows(rows, self.r),
                                          lambda x: (x[:4], _number(x[5]), x[5]))
            fs = _write_csv(self.run / OUTPUTS[1], SERIES_COLUMNS, stated, safe)
        finally:
            self.close()
        return aj, fs

    def marked(self, documents: str) -> str:
        """A run's documents.csv rows (CSV text without a header) with `duplicate_of` set, as `write` rewrites
        them: a run writes each document's row so as it comes (its copies are found by then)."""
        buf = io.StringIO()
        at = _WRITTEN["documents"].index("duplicate_of")
        csv.writer(buf, lineterminator="\n").writerows(_with_duplicates(csv.reader(io.StringIO(documents)), at, self.dup))
        return buf.getvalue()

    def close(self) -> None:
        """Drop the buckets (the tables are written, or the run is abandoned)."""
        self._judgements.close()
        self._series.close()
        shutil.rmtree(self._work, ignore_errors=True)


# The columns of a run's tables, as `write.Writer` writes them.
_WRITTEN = {"documents": columns(Document), "authorities": columns(Mention), "figures": columns(Figure)}


# A bucket row's key (its first four cells), its judgement or value (the fifth), both (the sort).
_BY_KEY, _LABEL, _BY_LABEL = itemgetter(0, 1, 2, 3), itemgetter(4), itemgetter(0, 1, 2, 3, 4)


def _judgement_rows(rows: list[list[str]], r: Rules, names: dict[str, str],
                    successors: dict[str, str]) -> Iterator[list[str]]:
    """One bucket's rows grouped by key, then by judgement."""
    rows.sort(key=_BY_LABEL)
    for (gss, framework, when, where), group in groupby(rows, key=_BY_KEY):
        per = [_Evidence.of(j, list(g)) for j, g in groupby(group, key=_LABEL)]
        # The judgement most sources give (grades before changes such as "improved"), then alphabetical.
        ranked = sorted(per, key=lambda v: (v.label in r.changes, -len(v.roots), v.label))
        grades = [v for v in per if v.label not in r.changes]  # `per` is in judgement order
        conflict = ""
        if len(grades) > 1:
            conflict = "judgements differ: " + "; ".join(f"{v.label} ({_join(v.refs)})" for v in grades)
        dates = [d for v in per for d in v.dates]
        yield [gss, names[gss], framework, when, _RANK_SOURCE[min(v.rank for v in per)], where, ranked[0].label,
               str(len(set().union(*(v.roots for v in per)))), _join(d for v in per for d in v.docs),
               _join(m for v in per for m in v.refs), min(dates, default=""), max(dates, default=""), conflict,
               successors.get(gss, "")]


def _framework(run: Path, doc_id: str, doc: Doc | None, directory: Path | None, eras: dict[str, str]) -> str:
    """The judgement scale a page's words were read on: as the workers read it where its wording had a say (`eras`:
    undated pages, and pages dated only by a bound, scales.page_era), else its date's era, else the era its
    wording suggests."""
    if doc_id in eras:
        return eras[doc_id]
    if doc and doc.published:
        return scales.era(doc.published, directory)
    path = _clean_path(run, doc_id)
    return scales.guess_era(path.read_text(encoding="utf-8"), directory) if path.is_file() else ""


def _successors(directory: Path | None) -> dict[str, str]:
    """GSS code -> its successors' codes in the register, for authorities that no longer exist."""
    cols = ["gss_code", "successor_gss_codes"]
    return {gss: nxt for gss, nxt in _rows(rules.rules_dir(directory) / "authorities.csv", cols) if nxt}


def _number(value: str) -> tuple[int, float]:
    """A value's sort key: numbers by size, then anything else."""
    try:
        x = float(value)
    except ValueError:
        return (1, 0.0)
    return (1, 0.0) if math.isnan(x) else (0, x)


def _series_rows(rows: list[list[str]], r: Rules) -> Iterator[list[str]]:
    rows.sort(key=_BY_LABEL)
    for (what, category, kind, when), group in groupby(rows, key=_BY_KEY):
        per = sorted((_Evidence.of(v, list(g)) for v, g in groupby(group, key=_LABEL)),
                     key=lambda v: (_number(v.label), v.label))
        for v in per:
            # Another page's value, or the same page's (a table's stated total against the text's): both are
            # worth a reader's look; checks.csv says which pages disagree with themselves.
            against = ([] if r.needs_category and not category else
                       [w for w in per if not agree(v.label, w.label, kind, not (v.exact and w.exact), r)])
            conflict = ("disagrees with " + "; ".join(f"{w.label} ({_join(w.refs)})" for w in against)) if against else ""
            yield [what, category, kind, when, _RANK_SOURCE[v.rank], v.label, str(len(v.roots)), _join(v.docs),
                   _join(v.refs), conflict]


# --- writing -------------------------------------------------------------------------------------------------------
def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]], safe: bool) -> tuple[int, int]:
    """Write to a temporary file beside `path`, then rename it over `path`: never half-written.
    Returns the rows written and how many have a conflict (the last column named so)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    at = header.index("conflict") if "conflict" in header else None
    n = conflicts = 0
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([neutralise(v) for v in row] if safe else row)
            n += 1
            conflicts += bool(at is not None and row[at])
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)  # atomic over an existing file
    return n, conflicts


def _documents_rows(path: Path, dup: dict[str, str]) -> Iterator[list[str]]:
    """documents.csv's rows with `duplicate_of` set (added as the last column if the run predates it)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        at = header.index("duplicate_of") if "duplicate_of" in header else len(header)
        yield header if at < len(header) else [*header, "duplicate_of"]
        yield from _with_duplicates(reader, at, dup)


def _with_duplicates(rows: Iterable[list[str]], at: int, dup: dict[str, str]) -> Iterator[list[str]]:
    for row in rows:
        if at == len(row):
            row.append("")
        row[at] = dup.get(row[0], "")
        yield row


@dataclass
class Summary:
    documents: int
    duplicates: int
    judgements: int
    judgement_conflicts: int
    series: int
    series_conflicts: int

    def __str__(self) -> str:
        return (
            f"{self.documents} documents ({self.duplicates} near-duplicates), "
            f"{self.judgements} authority judgements ({self.judgement_conflicts} in conflict), "
            f"{self.series} series values ({self.series_conflicts} in conflict)"
        )


WORK_PREFIX = ".consolidate-"  # the bucket files' folder inside the run, removed when done


def write(run: Path, directory: Path | None = None, safe: bool = True, dup: dict[str, str] | None = None,
          eras: dict[str, str] | None = None) -> Summary:
    """Consolidate the run in folder `run`: write its two tables and `duplicate_of`, each file atomically.

    `dup` (doc_id -> first copy) when the caller found the near-duplicates already (a run, from the workers'
    signatures); else they are found from the clean texts. `eras`: the eras the workers read from wording, when known."""
    run = Path(run)
    r = load(directory)
    docs = documents(run)
    if dup is None:
        dup = duplicates(run, [d for d, doc in docs.items() if doc.ok], r)
    sizes = ((run / "authorities.csv").stat().st_size, (run / "figures.csv").stat().st_size)
    tables = Tables(run, r, directory, dup, eras or {}, sizes)
    tables.docs = docs
    try:
        for row in _rows(run / "authorities.csv", _MENTION_COLS):
            tables.mention(*row)
        for row in _rows(run / "figures.csv", _FIGURE_COLS):
            tables.figure(*row)
        aj, fs = tables.write(safe)
    finally:
        tables.close()
    rows = _documents_rows(run / "documents.csv", dup)
    _write_csv(run / "documents.csv", next(rows), rows, safe=False)  # cells already neutralised by the run
    return Summary(len(docs), len(dup), *aj, *fs)
