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
  texts, MinHash + LSH) count as one source.

It is table work, done with pandas over only the columns it needs, read in
chunks. The rules (measure vocabulary, period and area patterns, tolerances,
duplicate thresholds) are rules/consolidate.yaml.
"""

from __future__ import annotations

import csv
import math
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import regex

from . import rules, scales
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
CHUNK_ROWS = 20_000  # rows of a run's CSV held at once
_WORD = regex.compile(r"\w+")
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
def documents(run: Path) -> pd.DataFrame:
    """doc_id, page date (published, else captured) and where it came from; `captured` when the run has it."""
    head = pd.read_csv(run / "documents.csv", nrows=0).columns
    cols = ["doc_id", "published", "status", *(["captured"] if "captured" in head else [])]
    d = pd.read_csv(run / "documents.csv", usecols=cols, dtype=str, keep_default_na=False)
    d = d[~d["doc_id"].duplicated()]  # a repeated doc_id is an error row after the file that kept the id
    if "captured" not in d:
        d["captured"] = ""
    d["page_date"] = d["published"].where(d["published"] != "", d["captured"])
    d["date_source"] = "page"
    d.loc[d["published"] == "", "date_source"] = "capture"
    d.loc[d["page_date"] == "", "date_source"] = ""
    return d.set_index("doc_id")


def shingles(text: str, n: int) -> np.ndarray:
    """Hashes of the word n-grams of a text, lower-cased: what two copies of one article share.

    Each word is hashed once (CRC-32, stable across processes, unlike `hash`); an n-gram's hash combines its
    words' as a polynomial, computed for every position at once with numpy."""
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    out = np.zeros(len(words) - n + 1, dtype=np.uint64)
    for j in range(n):  # uint64 arithmetic wraps: a hash modulo 2**64, folded to 32 bits below
        out = out * np.uint64(_SHINGLE_BASE) + h[j : len(h) - n + 1 + j]
    return (out ^ (out >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


@lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    """CRC-32 of a word; a page repeats its words and pages share most of them, so each is hashed once."""
    return zlib.crc32(word.encode())


def duplicates(run: Path, doc_ids: list[str], r: Rules) -> dict[str, str]:
    """doc_id -> the earlier doc_id (in doc_id order) whose clean text it nearly repeats.

    Only first copies are indexed, so memory holds one signature per distinct text."""
    if sum((run / "clean" / f"{d}.txt").is_file() for d in doc_ids[:2]) < 2:
        return {}  # no pair to compare: datasketch (and the scipy it imports, ~1 s) is not loaded
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=r.threshold, num_perm=r.num_perm)
    permutations = MinHash(num_perm=r.num_perm, scheme="affine32").permutations  # the same for every page: made once
    firsts: dict[str, Any] = {}
    out: dict[str, str] = {}
    for doc_id in sorted(doc_ids):
        path = run / "clean" / f"{doc_id}.txt"
        if not path.is_file():
            continue
        grams = shingles(path.read_text(encoding="utf-8"), r.shingle_words)
        if len(grams) + r.shingle_words - 1 < r.min_words:
            continue
        # The shingles are hashed already: the hash function only hands each value on.
        m = MinHash(num_perm=r.num_perm, hashfunc=int, permutations=permutations, scheme="affine32")
        m.update_batch(grams)
        same = sorted(c for c in lsh.query(m) if firsts[c].jaccard(m) >= r.threshold)
        if same:
            out[doc_id] = same[0]
        else:
            lsh.insert(doc_id, m)
            firsts[doc_id] = m
    return out


# --- the two tables ------------------------------------------------------------------------------------------------
def _chunks(path: Path, cols: list[str]) -> Iterator[pd.DataFrame]:
    yield from pd.read_csv(path, usecols=cols, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS)


def _periods(frame: pd.DataFrame, stated: pd.Series, docs: pd.DataFrame) -> None:
    """`period`/`period_source`: the stated period, else the page date's year, else the capture date's year."""
    page = docs["page_date"].reindex(frame["doc_id"]).fillna("").to_numpy()
    source = docs["date_source"].reindex(frame["doc_id"]).fillna("").to_numpy()
    has = (stated != "").to_numpy()
    frame["period"] = stated.where(has, pd.Series(page, index=frame.index).str[:4])
    frame["period_source"] = pd.Series(source, index=frame.index).where(~has, "sentence")


def _root(doc_ids: pd.Series, dup: dict[str, str]) -> pd.Series:
    return doc_ids.map(lambda d: dup.get(d, d))


def _join(values: Any) -> str:
    return ";".join(sorted(set(values)))


_SOURCE_RANK = {"sentence": 0, "page": 1, "capture": 2, "": 3}
_RANK_SOURCE = {v: k for k, v in _SOURCE_RANK.items()}


def _evidence(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per `by` group: distinct sources, doc_ids, refs, the strongest period_source, the page dates' range.

    pandas sorts the table once; the strings are joined in one pass over the sorted rows (pandas' groupby calls a
    Python function per group and column, ten times slower here)."""
    frame = frame.sort_values(by, kind="stable")
    cols = [frame[c].to_numpy() for c in (*by, "root", "doc_id", "ref", "period_source", "page_date", "exact")]
    out = []
    for k, group in groupby(zip(*cols, strict=True), key=lambda row: row[: len(by)]):
        rows = list(group)
        roots, docs, refs, sources, dates, exact = (list(c) for c in zip(*(r[len(by) :] for r in rows), strict=True))
        dated = [d for d in dates if d]
        rank = min(_SOURCE_RANK[s] for s in sources)
        out.append(
            (
                *k,
                len(set(roots)),
                _join(roots),
                _join(docs),
                _join(refs),
                rank,
                _RANK_SOURCE[rank],
                min(dated, default=""),
                max(dated, default=""),
                any(exact),
            )
        )
    names = [*by, "n", "roots", "docs", "refs", "rank", "src", "first", "last", "exact"]
    return pd.DataFrame(out, columns=names)


def _keyed(rows: pd.DataFrame, key: list[str]) -> Iterator[tuple[tuple[str, ...], list[Any]]]:
    """The evidence rows (namedtuples), grouped by `key`, in key order."""
    records = list(rows.itertuples(index=False))
    start = 0
    for i in range(1, len(records) + 1):
        if i == len(records) or [getattr(records[i], k) for k in key] != [getattr(records[start], k) for k in key]:
            yield tuple(getattr(records[start], k) for k in key), records[start:i]
            start = i


def judgements(
    run: Path, docs: pd.DataFrame, dup: dict[str, str], r: Rules, directory: Path | None = None
) -> pd.DataFrame:
    """authority_judgements.csv's rows."""
    parts = []
    cols = ["doc_id", "mention_id", "authority", "gss_code", "judgement", "sentence"]
    for chunk in _chunks(run / "authorities.csv", cols):
        chunk = chunk[chunk["judgement"] != ""].copy()
        if chunk.empty:
            continue
        sentences = chunk["sentence"]  # a list of authorities shares one sentence: read each sentence once
        unique = sentences.unique()
        stated = sentences.map(dict(zip(unique, (period(x, r) for x in unique), strict=True)))
        chunk["area"] = sentences.map(dict(zip(unique, (area(x, r) for x in unique), strict=True)))
        _periods(chunk, stated, docs)
        parts.append(chunk.drop(columns="sentence"))
    if not parts:
        return pd.DataFrame(columns=JUDGEMENT_COLUMNS)
    m = pd.concat(parts, ignore_index=True)
    m["framework"] = m["doc_id"].map({d: _framework(d, docs, run, directory) for d in m["doc_id"].unique()})
    m["root"] = _root(m["doc_id"], dup)
    m["ref"] = m["doc_id"] + ":" + m["mention_id"]
    m["page_date"] = docs["page_date"].reindex(m["doc_id"]).fillna("").to_numpy()
    m["exact"] = True
    key = ["gss_code", "framework", "period", "area"]
    names = m.groupby("gss_code")["authority"].min()
    successors = _successors(directory)
    per = _evidence(m, [*key, "judgement"])
    rows = []
    for k, group in _keyed(per, key):
        # The judgement most sources give (grades before changes such as "improved"), then alphabetical.
        ranked = sorted(group, key=lambda v: (v.judgement in r.changes, -v.n, v.judgement))
        grades = [v for v in ranked if v.judgement not in r.changes]
        conflict = ""
        if len(grades) > 1:
            conflict = "judgements differ: " + "; ".join(
                f"{v.judgement} ({v.refs})" for v in sorted(grades, key=lambda v: v.judgement)
            )
        firsts = [v.first for v in group if v.first]
        lasts = [v.last for v in group if v.last]
        rows.append(
            {
                **dict(zip(key, k, strict=True)),
                "authority": names[k[0]],
                "period_source": _RANK_SOURCE[min(v.rank for v in group)],
                "judgement": ranked[0].judgement,
                "sources": len({x for v in group for x in v.roots.split(";")}),
                "doc_ids": _join(d for v in group for d in v.docs.split(";")),
                "mention_ids": _join(x for v in group for x in v.refs.split(";")),
                "first_date": min(firsts, default=""),
                "last_date": max(lasts, default=""),
                "conflict": conflict,
                "successor_gss_codes": successors.get(k[0], ""),
            }
        )
    return pd.DataFrame(rows, columns=JUDGEMENT_COLUMNS)


def _framework(doc_id: str, docs: pd.DataFrame, run: Path, directory: Path | None) -> str:
    """The judgement scale a page's words were read on: its date's era, else the era its wording suggests."""
    published = docs.at[doc_id, "published"] if doc_id in docs.index else ""
    if published:
        return scales.era(published, directory)
    path = run / "clean" / f"{doc_id}.txt"
    return scales.guess_era(path.read_text(encoding="utf-8"), directory) if path.is_file() else ""


def _successors(directory: Path | None) -> dict[str, str]:
    """GSS code -> its successors' codes in the register, for authorities that no longer exist."""
    reg = pd.read_csv(
        rules.rules_dir(directory) / "authorities.csv",
        usecols=["gss_code", "successor_gss_codes"],
        dtype=str,
        keep_default_na=False,
    )
    reg = reg[reg["successor_gss_codes"] != ""]
    return dict(zip(reg["gss_code"], reg["successor_gss_codes"], strict=True))


def series(run: Path, docs: pd.DataFrame, dup: dict[str, str], r: Rules) -> pd.DataFrame:
    """figure_series.csv's rows."""
    parts = []
    cols = ["doc_id", "figure_id", "kind", "value", "approx", "measure", "category", "period"]
    for chunk in _chunks(run / "figures.csv", cols):
        chunk = chunk[chunk["value"] != ""].copy()
        if chunk.empty:
            continue
        chunk["measure"] = chunk["measure"].map(lambda t: measure(t, r))
        stated = chunk["period"].map(lambda t: period(t, r) or t)
        _periods(chunk, stated, docs)
        parts.append(chunk)
    if not parts:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    f = pd.concat(parts, ignore_index=True)
    f["root"] = _root(f["doc_id"], dup)
    f["ref"] = f["doc_id"] + ":" + f["figure_id"]
    f["exact"] = f["approx"] != "1"
    f["page_date"] = ""
    key = ["measure", "category", "kind", "period"]
    per = _evidence(f, [*key, "value"])
    per["num"] = pd.to_numeric(per["value"], errors="coerce")
    per = per.sort_values([*key, "num", "value"], kind="stable")
    rows = []
    for k, group in _keyed(per, key):
        for v in group:
            # Another page's value, or the same page's (a table's stated total against the text's): both are
            # worth a reader's look; checks.csv says which pages disagree with themselves.
            against = (
                []
                if r.needs_category and not k[1]
                else [w for w in group if not agree(v.value, w.value, k[2], not (v.exact and w.exact), r)]
            )
            rows.append(
                {
                    **dict(zip(key, k, strict=True)),
                    "period_source": v.src,
                    "value": v.value,
                    "sources": v.n,
                    "doc_ids": v.docs,
                    "figure_ids": v.refs,
                    "conflict": ("disagrees with " + "; ".join(f"{w.value} ({w.refs})" for w in against))
                    if against
                    else "",
                }
            )
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


# --- writing -------------------------------------------------------------------------------------------------------
def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]] | list[list[Any]], safe: bool) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`: never half-written."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([neutralise(v) for v in row] if safe else row)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)  # atomic over an existing file


def _documents_rows(path: Path, dup: dict[str, str]) -> Iterator[list[str]]:
    """documents.csv's rows with `duplicate_of` set (added as the last column if the run predates it)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        at = header.index("duplicate_of") if "duplicate_of" in header else len(header)
        yield header if at < len(header) else [*header, "duplicate_of"]
        for row in reader:
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


def write(run: Path, directory: Path | None = None, safe: bool = True) -> Summary:
    """Consolidate the run in folder `run`: write its two tables and `duplicate_of`, each file atomically."""
    run = Path(run)
    r = load(directory)
    docs = documents(run)
    ok = [d for d, s in zip(docs.index, docs["status"], strict=True) if s != "error"]
    dup = duplicates(run, ok, r)
    aj = judgements(run, docs, dup, r, directory)
    fs = series(run, docs, dup, r)
    rows = _documents_rows(run / "documents.csv", dup)
    _write_csv(run / "documents.csv", next(rows), rows, safe=False)  # cells already neutralised by the run
    _write_csv(run / OUTPUTS[0], JUDGEMENT_COLUMNS, aj.astype(str).to_numpy().tolist(), safe)
    _write_csv(run / OUTPUTS[1], SERIES_COLUMNS, fs.astype(str).to_numpy().tolist(), safe)
    return Summary(
        len(docs), len(dup), len(aj), int((aj["conflict"] != "").sum()), len(fs), int((fs["conflict"] != "").sum())
    )
