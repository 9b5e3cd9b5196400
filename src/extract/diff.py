"""Compare two runs row by row: what a reviewer of a data pull request needs.

    d = compare(Path("old_output"), Path("output"))
    print(render(d, "text"))        # or "csv", "md", "html"

Rows are matched by what they say, never by figure_id, mention_id or offsets
(which all shift when anything earlier in a page changes). Within one
document and table:

1. identical rows (every column but ids and offsets) pair up, in order, and
   are unchanged;
2. the rest pair by progressively looser keys, each pair one *changed* row --
   for a figure (kind, evidence, measure, sentence), then (kind, evidence),
   then (evidence), then (kind, sentence);
3. what is left pairs by a similar sentence (difflib ratio >= 0.75, same
   kind), so a page edit that turns "44 councils" into "45 councils" is one
   changed row with value 44 -> 45, not a removal and an addition;
4. anything still unpaired is *added* or *removed*.

So a paragraph inserted at the top of a page reports only its own figures,
and a page whose offsets moved but whose rows did not reports nothing. Ids and
offsets are kept on each `Change` (`old`, `new`) for display, never compared.
A check's `refs` (figure ids) are compared as the referenced figures'
evidence, for the same reason.

`diff_rows` is the core for one document's rows of one table; golden.py uses
it to annotate a golden file's line diff with the fields that changed.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import regex

Row = dict[str, str]

TABLE_NAMES = ("documents", "figures", "authorities", "checks")
# Tokens for the word diff of sentences: words and the whitespace between them.
_WORD_SPLIT = regex.compile(r"(\s+)")
_SPACES = regex.compile(r"\s+")
# Below this sentence similarity two leftover rows are an addition and a removal.
FUZZY_MIN_RATIO = 0.75
# Leftover pairs considered for fuzzy pairing per document and table (bounds the cost).
FUZZY_MAX_PAIRS = 40_000


def norm(s: str) -> str:
    """Comparison form of page text: case, curly quotes and whitespace runs folded."""
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return _SPACES.sub(" ", s).strip().lower()


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """How rows of one output table are identified, compared and described."""

    name: str
    label: str  # one row, for a reader: "figure"
    ignore: frozenset[str]  # ids and offsets: shown, never a change
    pairings: tuple[Callable[[Row], tuple[str, ...]], ...]  # loosest last
    key: Callable[[Row], str]  # the identity a reader sees
    describe: Callable[[Row], str]  # an added or removed row in one line
    kind: Callable[[Row], str] = lambda r: ""  # fuzzy pairing stays within one kind
    sentence_field: str = "sentence"


def _q(s: str) -> str:
    return '"' + s + '"'


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


_OFFSETS = frozenset({"start", "end", "raw_start", "raw_end"})

TABLES: dict[str, Table] = {
    "documents": Table(
        name="documents",
        label="document",
        ignore=frozenset({"path"}),
        pairings=(lambda r: (r["doc_id"],),),
        key=lambda r: r.get("doc_id", ""),
        describe=lambda r: _join(_q(r.get("title", "")), f"status={r.get('status', '')}",
                                 f"figures={r.get('figures', '')}", f"authorities={r.get('authorities', '')}",
                                 f"checks={r.get('checks', '')}"),
        sentence_field="title",
    ),
    "figures": Table(
        name="figures",
        label="figure",
        ignore=_OFFSETS | {"figure_id"},
        pairings=(
            lambda r: (r["kind"], norm(r["evidence"]), norm(r["measure"]), norm(r["sentence"])),
            lambda r: (r["kind"], norm(r["evidence"])),
            lambda r: (norm(r["evidence"]),),
            lambda r: (r["kind"], norm(r["sentence"])),
        ),
        key=lambda r: _join(r.get("kind", ""), _q(r.get("evidence", "")),
                            f"[{r['measure']}]" if r.get("measure") else ""),
        describe=lambda r: _join(f"value={r.get('value', '')}", f"measure={_q(r.get('measure', ''))}",
                                 f"category={_q(r.get('category', ''))}" if r.get("category") else "",
                                 f"period={r.get('period', '')}" if r.get("period") else "",
                                 f"approx={r.get('approx', '')}" if r.get("approx") not in ("", "0") else "",
                                 f"rule={r.get('rule', '')}"),
        kind=lambda r: r.get("kind", ""),
    ),
    "authorities": Table(
        name="authorities",
        label="authority",
        ignore=_OFFSETS | {"mention_id"},
        pairings=(
            lambda r: (norm(r["mention"]), r["gss_code"], norm(r["sentence"])),
            lambda r: (norm(r["mention"]), r["gss_code"]),
            lambda r: (norm(r["mention"]), norm(r["sentence"])),
            lambda r: (norm(r["mention"]),),
        ),
        key=lambda r: _join(_q(r.get("mention", "")), "->", r.get("authority", "") or "?", r.get("gss_code", "")),
        describe=lambda r: _join(f"judgement={_q(r.get('judgement', ''))}", f"match={r.get('match', '')}",
                                 f"dfe={r.get('dfe_la_code', '')}", f"rule={r.get('rule', '')}"),
    ),
    "checks": Table(
        name="checks",
        label="check",
        ignore=frozenset({"check_id"}),
        pairings=(
            lambda r: (r["check"], norm(r["message"])),
            lambda r: (r["check"], r["refs"]),
            lambda r: (r["check"],),
        ),
        key=lambda r: r.get("check", ""),
        describe=lambda r: _join(r.get("severity", ""), r.get("message", "")),
        kind=lambda r: r.get("check", ""),
        sentence_field="message",
    ),
}


# --------------------------------------------------------------------------- changes


class FieldChange(NamedTuple):
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """One row added, removed or changed between two runs."""

    table: str
    doc_id: str
    change: str  # added | removed | changed
    key: str
    fields: tuple[FieldChange, ...]  # changed: the columns that differ (never ids or offsets)
    old: Row | None  # the whole old row (None when added)
    new: Row | None  # the whole new row (None when removed)
    old_index: int | None  # position among the document's rows of this table
    new_index: int | None

    @property
    def sentence(self) -> str:
        f = TABLES[self.table].sentence_field
        return (self.new or self.old or {}).get(f, "")

    @property
    def old_sentence(self) -> str:
        f = TABLES[self.table].sentence_field
        return (self.old or {}).get(f, "")

    @property
    def row(self) -> Row:
        return self.new or self.old or {}

    @property
    def label(self) -> str:
        return TABLES[self.table].label

    @property
    def symbol(self) -> str:
        return {"added": "+", "removed": "-", "changed": "~"}[self.change]

    @property
    def shown_fields(self) -> tuple[FieldChange, ...]:
        """The changed fields but the sentence, whose edit is best shown as a word diff."""
        return tuple(f for f in self.fields if f.field != TABLES[self.table].sentence_field)

    def summary(self) -> str:
        """The change in one line, without the sentence."""
        if self.change == "changed":
            # The sentence's own edit is shown as a word diff under the change, not as two long strings.
            shown = self.shown_fields
            parts = [f"{f.field}: {_short(f.old)} -> {_short(f.new)}" for f in shown]
            if len(shown) < len(self.fields):
                parts.append(f"{TABLES[self.table].sentence_field} edited")
            return "; ".join(parts)
        return TABLES[self.table].describe(self.row)


def _short(s: str, limit: int = 80) -> str:
    s = repr(s)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _comparable(table: Table, row: Row, refs: dict[str, str]) -> tuple[tuple[str, str], ...]:
    out = []
    for k, v in row.items():
        if k in table.ignore or k is None:
            continue
        if table.name == "checks" and k == "refs":
            v = "; ".join(refs.get(r, r) for r in v.split(";") if r)
        out.append((k, v))
    return tuple(out)


def diff_rows(table: str, old: list[Row], new: list[Row], *, doc_id: str = "",
              old_refs: dict[str, str] | None = None, new_refs: dict[str, str] | None = None) -> list[Change]:
    """Changes between one document's `old` and `new` rows of `table`, in page order.

    `old_refs`/`new_refs` map figure_id -> evidence, so that a check's refs
    compare by the figures they name rather than their ids.
    """
    t = TABLES[table]
    cold = [dict(_comparable(t, r, old_refs or {})) for r in old]
    cnew = [dict(_comparable(t, r, new_refs or {})) for r in new]
    left_old = list(range(len(old)))
    left_new = list(range(len(new)))
    pairs: list[tuple[int, int]] = []

    def pair_by(keyfn: Callable[[int, bool], object]) -> None:
        nonlocal left_old, left_new
        waiting: dict[object, list[int]] = defaultdict(list)
        for i in left_old:
            waiting[keyfn(i, True)].append(i)
        taken_old: set[int] = set()
        still_new = []
        for j in left_new:
            q = waiting.get(keyfn(j, False))
            if q:
                i = q.pop(0)
                taken_old.add(i)
                pairs.append((i, j))
            else:
                still_new.append(j)
        left_old = [i for i in left_old if i not in taken_old]
        left_new = still_new

    exact_before = len(pairs)
    pair_by(lambda i, is_old: tuple(sorted((cold if is_old else cnew)[i].items())))
    n_exact = len(pairs) - exact_before
    for fn in t.pairings:
        def keyed(i: int, is_old: bool, fn: Callable[[Row], tuple[str, ...]] = fn) -> object:
            return _safe_key(fn, (cold if is_old else cnew)[i])

        pair_by(keyed)
    pairs.extend(_fuzzy(t, cold, cnew, left_old, left_new))
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}

    changes: list[tuple[float, Change]] = []
    for n, (i, j) in enumerate(pairs):
        if n < n_exact:
            continue
        fields = tuple(FieldChange(k, cold[i].get(k, ""), cnew[j].get(k, ""))
                       for k in dict.fromkeys([*cold[i], *cnew[j]]) if cold[i].get(k, "") != cnew[j].get(k, ""))
        if fields:
            changes.append((j, Change(table, doc_id, "changed", t.key(new[j]), fields, old[i], new[j], i, j)))
    for j in range(len(new)):
        if j not in paired_new:
            changes.append((j, Change(table, doc_id, "added", t.key(new[j]), (), None, new[j], None, j)))
    for i in range(len(old)):
        if i not in paired_old:
            changes.append((_new_position(i, pairs), Change(table, doc_id, "removed", t.key(old[i]), (), old[i], None, i, None)))
    changes.sort(key=lambda c: (c[0], c[1].change != "removed"))
    return [c for _, c in changes]


def _safe_key(fn: Callable[[Row], tuple[str, ...]], row: Row) -> object:
    try:
        return fn(row)
    except KeyError:  # a run from before a column existed: nothing to pair on
        return object()


def _new_position(i: int, pairs: list[tuple[int, int]]) -> float:
    """Where a removed old row i sits among new rows: just after the new row
    paired with the nearest earlier old row."""
    before = [j for oi, j in pairs if oi < i]
    return (max(before) if before else -1) + 0.5


def _fuzzy(t: Table, cold: list[Row], cnew: list[Row], left_old: list[int], left_new: list[int]) -> list[tuple[int, int]]:
    if not left_old or not left_new or len(left_old) * len(left_new) > FUZZY_MAX_PAIRS:
        return []
    f = t.sentence_field
    scored = []
    for i in left_old:
        for j in left_new:
            if t.kind(cold[i]) != t.kind(cnew[j]):
                continue
            sm = difflib.SequenceMatcher(None, norm(cold[i].get(f, "")), norm(cnew[j].get(f, "")), autojunk=False)
            if sm.real_quick_ratio() < FUZZY_MIN_RATIO or sm.quick_ratio() < FUZZY_MIN_RATIO:
                continue
            r = sm.ratio()
            if r < FUZZY_MIN_RATIO:
                continue
            ev = difflib.SequenceMatcher(None, norm(cold[i].get("evidence", "")), norm(cnew[j].get("evidence", ""))).ratio()
            scored.append((-r, -ev, abs(i - j), i, j))
    scored.sort()
    used_o: set[int] = set()
    used_n: set[int] = set()
    out = []
    for *_, i, j in scored:
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            out.append((i, j))
    return out


# --------------------------------------------------------------------------- runs


# A check message or sentence may be long; the csv module's default limit (128 KiB) is not a limit of ours.
csv.field_size_limit(2**31 - 1)
_FORMULA_PREFIX = ("'=", "'+", "'-", "'@", "'\t", "'\r")


class CsvError(ValueError):
    """A CSV file that cannot be read, with its file and line."""


def read_csv(path: Path) -> tuple[list[str], list[Row]]:
    """Header and rows of a CSV file, as leniently as is safe: a UTF-8 BOM (a
    spreadsheet's "CSV UTF-8") is dropped, a short row gets "" for its missing
    cells and a long row loses its extra ones. Bytes that are not UTF-8 or a
    malformed row raise CsvError naming the file and line."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvError(f"{path}, line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
    try:
        rows = [{k: v for k, v in r.items() if k is not None} for r in reader]
    except csv.Error as exc:
        raise CsvError(f"{path}, line {reader.line_num}: {exc}") from exc
    doc_id = "doc_id"
    for r in rows:  # a doc_id like "-x" was written "'-x" for spreadsheets; clean/ holds "-x.txt"
        v = r.get(doc_id)
        if v and v.startswith(_FORMULA_PREFIX):
            r[doc_id] = v[1:]
    return list(reader.fieldnames or []), rows


def read_table(run_dir: Path, name: str) -> tuple[list[str], list[Row]]:
    """Header and rows of `run_dir/<name>.csv` ([] and [] when absent)."""
    path = Path(run_dir) / f"{name}.csv"
    if not path.is_file():
        return [], []
    return read_csv(path)


def by_doc(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows grouped by doc_id, each group in file order."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r.get("doc_id", "")].append(r)
    return out


def figure_refs(figures: list[Row]) -> dict[str, str]:
    """figure_id -> its evidence, for comparing checks' refs across runs."""
    return {r.get("figure_id", ""): r.get("evidence", "") for r in figures}


class Capture(NamedTuple):
    """Two captures of one URL, paired by `--by url`."""

    url: str
    old_id: str
    old_captured: str
    new_id: str
    new_captured: str

    def __str__(self) -> str:
        return (f"{self.url}: {self.old_id} (captured {self.old_captured or '?'}) -> "
                f"{self.new_id} (captured {self.new_captured or '?'})")


@dataclass
class RunDiff:
    """Everything that differs between two runs, with per-table and per-document counts."""

    old_dir: Path
    new_dir: Path
    changes: list[Change]
    unchanged: Counter[str] = field(default_factory=Counter)  # table -> rows equal in both runs
    doc_order: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. rule versions that changed
    # --by url: doc_id (the new capture's) -> the pair of captures compared under it
    captures: dict[str, Capture] = field(default_factory=dict)
    _by_doc: tuple[dict[str, list[Change]], int] = field(default=({}, -1), repr=False, compare=False)

    def counts(self, table: str | None = None, doc_id: str | None = None) -> Counter[str]:
        """added/removed/changed counts, optionally for one table and/or document."""
        changes = self.changes if doc_id is None else self.for_doc(doc_id)
        return Counter(c.change for c in changes if table is None or c.table == table)

    def docs_changed(self) -> list[str]:
        seen = self._index()
        return [d for d in self.doc_order if d in seen]

    def for_doc(self, doc_id: str) -> list[Change]:
        return self._index().get(doc_id, [])

    def _index(self) -> dict[str, list[Change]]:
        if self._by_doc[1] != len(self.changes):  # rebuilt if changes were appended
            index: dict[str, list[Change]] = defaultdict(list)
            for c in self.changes:
                index[c.doc_id].append(c)
            self._by_doc = (dict(index), len(self.changes))
        return self._by_doc[0]

    @property
    def equal(self) -> bool:
        return not self.changes


def compare(old_dir: Path, new_dir: Path, tables: Iterable[str] = TABLE_NAMES,
            docs: Iterable[str] | None = None, by: str = "doc_id") -> RunDiff:
    """Compare two output folders table by table, document by document.

    `by="url"` pairs documents by their `url` instead of their doc_id: two
    runs over two captures of the same pages (their doc_ids carry the
    capture time) then compare page by page (see `pair_by_url`)."""
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    wanted = set(docs) if docs is not None else None
    tables = list(tables)
    loaded = {}
    for name in {*tables, "figures", "documents"}:
        loaded[name] = (by_doc(read_table(old_dir, name)[1]), by_doc(read_table(new_dir, name)[1]))
    captures: dict[str, Capture] = {}
    if by == "url":
        loaded, captures = pair_by_url(loaded)
    elif by != "doc_id":
        raise ValueError(f"cannot pair documents by {by!r}: doc_id or url")
    seen = dict.fromkeys([*loaded["documents"][1], *loaded["documents"][0]])
    for name in tables:  # rows of a document missing from documents.csv still count
        seen.update(dict.fromkeys([*loaded[name][1], *loaded[name][0]]))
    order = [d for d in seen if wanted is None or d in wanted]
    result = RunDiff(old_dir, new_dir, [], Counter(), order, _manifest_notes(old_dir, new_dir), captures=captures)
    for doc_id in order:
        refs_old = figure_refs(loaded["figures"][0].get(doc_id, []))
        refs_new = figure_refs(loaded["figures"][1].get(doc_id, []))
        for name in TABLE_NAMES:
            if name not in tables:
                continue
            old_rows = loaded[name][0].get(doc_id, [])
            new_rows = loaded[name][1].get(doc_id, [])
            ch = diff_rows(name, old_rows, new_rows, doc_id=doc_id, old_refs=refs_old, new_refs=refs_new)
            result.changes.extend(ch)
            result.unchanged[name] += len(new_rows) - sum(1 for c in ch if c.change != "removed")
    return result


# Columns of documents.csv that differ between two captures of a page whatever
# the page says (the archive's banner holds the capture date, so the raw bytes
# differ too): shown in the pairing line, never reported as changes. So is
# `published` when both captures fell back to their capture date.
_CAPTURE_FIELDS = ("doc_id", "path", "source", "captured", "sha256", "chars_raw")


def pair_by_url(loaded: dict[str, tuple[dict[str, list[Row]], dict[str, list[Row]]]]
                ) -> tuple[dict[str, tuple[dict[str, list[Row]], dict[str, list[Row]]]], dict[str, Capture]]:
    """Re-key both runs' rows so that documents with the same URL share a key.

    A URL's latest capture in each run is the one compared (earlier captures
    in the same run keep their own doc_id, as pages of their own); the key is
    the new capture's doc_id (the old one's when the URL left the new run);
    documents without a URL pair by doc_id as before. Rows are copied with
    `doc_id` set to the key, and the capture fields of documents rows are
    blanked, so only what the pages say is compared."""
    def latest(docs: dict[str, list[Row]]) -> dict[str, str]:
        out: dict[str, tuple[str, str]] = {}
        for doc_id, rows in docs.items():
            url = rows[0].get("url", "") if rows else ""
            if url and (url not in out or (rows[0].get("captured", ""), doc_id) > out[url]):
                out[url] = (rows[0].get("captured", ""), doc_id)
        return {url: doc_id for url, (_, doc_id) in out.items()}

    old_docs, new_docs = loaded["documents"]
    old_url, new_url = latest(old_docs), latest(new_docs)
    rekey_old: dict[str, str] = {}
    captures: dict[str, Capture] = {}
    for url in sorted({*old_url, *new_url}):
        o, n = old_url.get(url), new_url.get(url)
        key = n or o
        if o:
            rekey_old[o] = key
        if o and n:
            oc, nc = old_docs[o][0].get("captured", ""), new_docs[n][0].get("captured", "")
            captures[key] = Capture(url, o, oc, n, nc)
    def rekey(rows_by_doc: dict[str, list[Row]], mapping: dict[str, str], blank: bool) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for doc_id, rows in rows_by_doc.items():
            key = mapping.get(doc_id, doc_id)
            if key != doc_id or blank:
                rows = [{**r, "doc_id": key, **(_uncaptured(r) if blank else {})} for r in rows]
            out[key] = rows
        return out

    rekeyed = {name: (rekey(old, rekey_old, name == "documents"), rekey(new, {}, name == "documents"))
               for name, (old, new) in loaded.items()}
    return rekeyed, captures


def _uncaptured(row: Row) -> Row:
    """A documents row's capture fields, blanked."""
    blank = {f: "" for f in _CAPTURE_FIELDS[1:] if f in row}
    if row.get("date_source") == "captured":
        blank["published"] = ""
    return blank


def _manifest_notes(old_dir: Path, new_dir: Path) -> list[str]:
    """Rule files whose version or content differs between the runs."""
    def rules(d: Path) -> dict[str, dict[str, str]]:
        try:
            return json.loads((d / "manifest.json").read_text(encoding="utf-8")).get("rules", {})
        except (OSError, ValueError, AttributeError):
            return {}

    old, new = rules(old_dir), rules(new_dir)
    notes = []
    for name in sorted({*old, *new}):
        o, n = old.get(name), new.get(name)
        if o == n:
            continue
        if o is None or n is None:
            notes.append(f"rules {name}: {'added' if o is None else 'removed'}")
        elif o.get("version") != n.get("version"):
            notes.append(f"rules {name}: version {o.get('version')} -> {n.get('version')}")
        else:
            notes.append(f"rules {name}: edited (same version {n.get('version')})")
    return notes


# --------------------------------------------------------------------------- word diff


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) segments: op " " kept, "-" only in old, "+" only in new."""
    a, b = _WORD_SPLIT.split(old), _WORD_SPLIT.split(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append((" ", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", "".join(b[j1:j2])))
    return out


def word_diff_text(old: str, new: str) -> str:
    """git --word-diff=plain style: [-removed-]{+added+}."""
    if old == new:
        return new
    marks = {" ": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return "".join(marks[op].format(s) for op, s in word_diff(old, new))


# --------------------------------------------------------------------------- formats


def summary_rows(d: RunDiff) -> list[tuple[str, int, int, int, int]]:
    rows = []
    for name in TABLE_NAMES:
        c = d.counts(name)
        rows.append((name, c["added"], c["removed"], c["changed"], d.unchanged[name]))
    return rows


def doc_counts(d: RunDiff, doc_id: str) -> str:
    parts = []
    for name in TABLE_NAMES:
        c = d.counts(name, doc_id)
        if c:
            s = " ".join(f"{sym}{c[k]}" for k, sym in (("added", "+"), ("removed", "-"), ("changed", "~")) if c[k])
            parts.append(f"{name} {s}")
    return ", ".join(parts)


def format_text(d: RunDiff) -> str:
    """For a terminal: a summary table, then each document's changes with their sentences."""
    out = [f"extract diff {d.old_dir} -> {d.new_dir}"]
    out += [f"  {n}" for n in d.notes]
    out.append(f"{'':<12} {'added':>7} {'removed':>7} {'changed':>7} {'unchanged':>9}")
    for name, added, removed, changed, same in summary_rows(d):
        out.append(f"{name:<12} {added:>7} {removed:>7} {changed:>7} {same:>9}")
    if d.equal:
        out.append("no differences")
        return "\n".join(out) + "\n"
    for doc_id in d.docs_changed():
        out.append("")
        out.append(f"== {doc_id}: {doc_counts(d, doc_id)}")
        if doc_id in d.captures:
            out.append(f"   {d.captures[doc_id]}")
        for c in d.for_doc(doc_id):
            out.append(f"  {c.symbol} {c.label} {c.key}: {c.summary()}")
            sentence = word_diff_text(c.old_sentence, c.sentence) if c.change == "changed" else c.sentence
            if sentence and c.table != "documents":
                out.append(f"      {sentence}")
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["table", "doc_id", "change", "key", "field", "old", "new", "sentence"]


def format_csv(d: RunDiff) -> str:
    """One row per change (per field for a changed row); added/removed rows carry
    their one-line description in `new`/`old`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in d.changes:
        if c.change == "changed":
            for f in c.fields:
                w.writerow([c.table, c.doc_id, c.change, c.key, f.field, f.old, f.new, c.sentence])
        elif c.change == "added":
            w.writerow([c.table, c.doc_id, c.change, c.key, "", "", c.summary(), c.sentence])
        else:
            w.writerow([c.table, c.doc_id, c.change, c.key, "", c.summary(), "", c.sentence])
    return buf.getvalue()


def _md(s: str) -> str:
    return (s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def _md_word_diff(old: str, new: str) -> str:
    if old == new:
        return _md(new)
    marks = {" ": "{}", "-": "~~{}~~", "+": "**{}**"}
    return "".join(marks[op].format(_md(s.strip()) if op != " " else _md(s)) if s.strip() else _md(s)
                   for op, s in word_diff(old, new))


def format_md(d: RunDiff) -> str:
    """Markdown tables for a pull-request comment."""
    out = [f"### extract diff: `{_md(str(d.old_dir))}` → `{_md(str(d.new_dir))}`", ""]
    out += [f"- {_md(n)}" for n in d.notes]
    if d.notes:
        out.append("")
    out += ["| table | added | removed | changed | unchanged |", "|---|---:|---:|---:|---:|"]
    out += [f"| {n} | {a} | {r} | {c} | {u} |" for n, a, r, c, u in summary_rows(d)]
    if d.equal:
        return "\n".join([*out, "", "No differences."]) + "\n"
    for doc_id in d.docs_changed():
        out += ["", f"#### `{_md(doc_id)}` — {_md(doc_counts(d, doc_id))}", ""]
        if doc_id in d.captures:
            out += [_md(str(d.captures[doc_id])), ""]
        out += ["| | table | key | change | sentence |", "|---|---|---|---|---|"]
        for c in d.for_doc(doc_id):
            sentence = _md_word_diff(c.old_sentence, c.sentence) if c.change == "changed" else _md(c.sentence)
            out.append(f"| {c.symbol} | {c.table} | {_md(c.key)} | {_md(c.summary())} | {sentence} |")
    return "\n".join(out) + "\n"


def format_html(d: RunDiff) -> str:
    """A standalone HTML page (inline CSS, no network)."""
    from . import review  # the Jinja2 environment lives with the review page

    return review.render_diff(d)


FORMATS: dict[str, Callable[[RunDiff], str]] = {
    "text": format_text,
    "csv": format_csv,
    "md": format_md,
    "html": format_html,
}


def render(d: RunDiff, fmt: str = "text") -> str:
    return FORMATS[fmt](d)
