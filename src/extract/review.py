"""A static HTML page to review a run in a browser.

    html = review.build(Path("output"), diff_old=Path("old_output"))

One self-contained page (inline CSS and JS, no network): per document the
clean text (output/clean/<doc_id>.txt, which figures' and authorities'
start/end offsets index) with every row highlighted and labelled, the rows in
tables linked to their highlights both ways, the checks, and, given an older
run, what changed since it (diff.py).

Everything from the pages is escaped: the template autoescapes and the
highlighted text is built by escaping each segment between span boundaries.
A Content-Security-Policy allows only the page's own script (by hash) and no
network at all, as a second wall. Overlapping spans cannot break the markup:
spans nest when one lies inside another; a span that crosses an earlier one
(sorted by start, longest first) is not highlighted, and its row says so.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import diff as rowdiff

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("extract", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Span:
    """A highlight over clean text [start, end)."""

    start: int
    end: int
    cls: str  # fig | auth, plus a diff status: added | changed
    hl_id: str  # the highlight's element id
    row_id: str  # the table row it links to
    label: str
    title: str


@dataclass
class RowView:
    """One table row on the page."""

    row: dict[str, str]
    row_id: str
    hl_id: str = ""  # "" when the row has no highlight in the text
    status: str = ""  # "" | added | changed (with --diff)
    change: rowdiff.Change | None = None
    problem: str = ""  # why the row is not highlighted, or its evidence differs from the text
    refs: list[tuple[str, str]] = field(default_factory=list)  # a check's (figure_id, row anchor or "")


@dataclass
class DocView:
    doc: dict[str, str]
    anchor: str
    text: Markup | None
    figures: list[RowView] = field(default_factory=list)
    authorities: list[RowView] = field(default_factory=list)
    checks: list[RowView] = field(default_factory=list)
    removed: list[rowdiff.Change] = field(default_factory=list)
    doc_change: rowdiff.Change | None = None
    rejected: list[tuple[dict[str, str], Markup]] = field(default_factory=list)  # rejected.csv rows, with context
    capture: rowdiff.Capture | None = None  # --by url: the two captures this page pairs
    old_text: str | None = None  # --by url: the older capture's clean text, shown beside this one

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.doc_change or any(
            r.status for r in [*self.figures, *self.authorities, *self.checks]))


def highlight(text: str, spans: Iterable[Span]) -> tuple[Markup, dict[str, str]]:
    """`text` escaped, with `spans` as nested <mark>s; returns it and {hl_id: why skipped}."""
    skipped: dict[str, str] = {}
    kept: list[Span] = []
    stack: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end, s.cls, s.hl_id)):
        if not 0 <= s.start < s.end <= len(text):
            skipped[s.hl_id] = f"offsets {s.start}-{s.end} are outside the clean text ({len(text)} chars)"
            continue
        while stack and stack[-1].end <= s.start:
            stack.pop()
        if stack and s.end > stack[-1].end:
            skipped[s.hl_id] = f"overlaps the highlight of {stack[-1].row_id}; not highlighted"
            continue
        stack.append(s)
        kept.append(s)
    opens: dict[int, list[int]] = defaultdict(list)
    closes: dict[int, list[int]] = defaultdict(list)
    for n, s in enumerate(kept):
        opens[s.start].append(n)
        closes[s.end].append(n)
    parts: list[str] = []
    pos = 0
    for p in sorted({*opens, *closes}):
        parts.append(escape(text[pos:p]))
        for n in sorted(closes[p], reverse=True):  # innermost (opened last) first
            s = kept[n]
            parts.append(Markup('<a class="lbl" href="#{}">{}</a></mark>').format(s.row_id, s.label))
        for n in opens[p]:  # outermost first
            s = kept[n]
            parts.append(Markup('<mark class="hl {}" id="{}" title="{}">').format(s.cls, s.hl_id, s.title))
        pos = p
    parts.append(escape(text[pos:]))
    return Markup("").join(parts), skipped


def _int(v: str) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return -1


def _figure_label(r: dict[str, str]) -> str:
    value = r.get("value", "") + ("%" if r.get("kind") in ("percentage", "proportion") else "")  # shares are in percent
    if r.get("approx") not in ("", "0", None):
        value = "~" + value
    return " · ".join(p for p in (value, r.get("measure", ""), r.get("category", "")) if p)


def _authority_label(r: dict[str, str]) -> str:
    name = r.get("authority", "") or "?"
    if name.casefold() == r.get("mention", "").casefold():  # the text already says it
        name = ""
    return " · ".join(p for p in (name, r.get("gss_code", ""), r.get("judgement", "")) if p)


def _title(r: dict[str, str], names: Iterable[str]) -> str:
    return "\n".join(f"{n}: {r[n]}" for n in names if r.get(n))


_FIG_TITLE = ("figure_id", "kind", "value", "approx", "qualifier", "denominator", "measure", "category", "period", "rule")
_AUTH_TITLE = ("mention_id", "mention", "authority", "gss_code", "dfe_la_code", "match", "score", "judgement", "rule")


def _read_text(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", errors="replace", newline="") as f:  # no newline translation: offsets index this exact text
        return f.read()  # a damaged byte shows as U+FFFD; the offsets still index the text


def _context(text: str | None, r: dict[str, str], width: int = 60) -> Markup:
    """A rejected candidate in its surrounding clean text, the candidate marked (all escaped)."""
    s, e = _int(r.get("start", "")), _int(r.get("end", ""))
    if text is None or not 0 <= s <= e <= len(text):
        return escape(r.get("text", ""))
    return Markup("{}<mark>{}</mark>{}").format(text[max(0, s - width) : s], text[s:e], text[e : e + width])


def _doc_view(n: int, doc: dict[str, str], run_dir: Path, figs: list[dict[str, str]], auths: list[dict[str, str]],
              checks: list[dict[str, str]], changes: list[rowdiff.Change],
              rejected: list[dict[str, str]] | None = None) -> DocView:
    a = f"d{n}"
    by_new = {(c.table, c.new_index): c for c in changes if c.new_index is not None}
    view = DocView(doc, a, None, removed=[c for c in changes if c.change == "removed" and c.table != "documents"],
                   doc_change=by_new.get(("documents", 0)))
    spans: list[Span] = []

    def rows(table: str, items: list[dict[str, str]], letter: str) -> list[RowView]:
        out = []
        for i, r in enumerate(items):
            ch = by_new.get((table, i))
            rv = RowView(r, f"{a}-{letter}{i}", status=ch.change if ch else "", change=ch)
            out.append(rv)
        return out

    view.figures = rows("figures", figs, "f")
    view.authorities = rows("authorities", auths, "a")
    view.checks = rows("checks", checks, "c")
    fig_rows = {rv.row.get("figure_id", ""): rv.row_id for rv in view.figures}
    for rv in view.checks:
        rv.refs = [(ref, fig_rows.get(ref, "")) for ref in rv.row.get("refs", "").split(";") if ref]
    for rv in view.figures:
        rv.hl_id = f"{a}-hf{rv.row_id.rsplit('f', 1)[1]}"
        spans.append(Span(_int(rv.row.get("start", "")), _int(rv.row.get("end", "")), f"fig {rv.status}".strip(),
                          rv.hl_id, rv.row_id, _figure_label(rv.row), _title(rv.row, _FIG_TITLE)))
    for rv in view.authorities:
        rv.hl_id = f"{a}-ha{rv.row_id.rsplit('a', 1)[1]}"
        spans.append(Span(_int(rv.row.get("start", "")), _int(rv.row.get("end", "")), f"auth {rv.status}".strip(),
                          rv.hl_id, rv.row_id, _authority_label(rv.row), _title(rv.row, _AUTH_TITLE)))
    text = _read_text(run_dir / "clean" / f"{doc.get('doc_id', '')}.txt")
    view.rejected = [(r, _context(text, r)) for r in rejected or []]
    if text is None:
        for rv in [*view.figures, *view.authorities]:
            rv.hl_id, rv.problem = "", "no clean text in the run"
        return view
    view.text, skipped = highlight(text, spans)
    for rv, ev in [*((r, "evidence") for r in view.figures), *((r, "mention") for r in view.authorities)]:
        if rv.hl_id in skipped:
            rv.problem, rv.hl_id = skipped[rv.hl_id], ""
            continue
        shown = text[_int(rv.row.get("start", "")):_int(rv.row.get("end", ""))]
        if shown != rv.row.get(ev, ""):
            rv.problem = f"the text at its offsets is {shown!r}, not its {ev}"
    return view


def _script() -> tuple[Markup, str]:
    js = _ENV.loader.get_source(_ENV, "review.js")[0] if _ENV.loader else ""
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return Markup(js), Markup(f"'sha256-{digest}'")


def build(run_dir: Path, diff_old: Path | None = None, docs: Iterable[str] | None = None, by: str = "doc_id") -> str:
    """The review page of the run in `run_dir` (with the changes since `diff_old`).

    With `by="url"`, documents pair with the older run's capture of the same
    URL, and each paired page shows the two captures' clean texts side by side."""
    run_dir = Path(run_dir)
    _, documents = rowdiff.read_table(run_dir, "documents")
    tables = {n: rowdiff.by_doc(rowdiff.read_table(run_dir, n)[1]) for n in ("figures", "authorities", "checks")}
    rejected = rowdiff.by_doc(rowdiff.read_table(run_dir, "rejected")[1])  # only a run made with --explain has it
    wanted = set(docs) if docs is not None else None
    d = rowdiff.compare(diff_old, run_dir, docs=wanted, by=by) if diff_old is not None else None
    changes = defaultdict(list)
    for c in d.changes if d else []:
        changes[c.doc_id].append(c)
    views = []
    for n, doc in enumerate(documents):
        doc_id = doc.get("doc_id", "")
        if wanted is not None and doc_id not in wanted:
            continue
        views.append(_doc_view(n, doc, run_dir, tables["figures"].get(doc_id, []),
                               tables["authorities"].get(doc_id, []), tables["checks"].get(doc_id, []),
                               changes.get(doc_id, []), rejected.get(doc_id, [])))
        cap = d.captures.get(doc_id) if d else None
        if cap is not None and diff_old is not None:
            views[-1].capture = cap
            views[-1].old_text = _read_text(Path(diff_old) / "clean" / f"{cap.old_id}.txt")
    removed_docs = [c for c in d.changes if c.table == "documents" and c.change == "removed"] if d else []
    script, script_hash = _script()
    totals = {n: sum(len(v) for k, v in tables[n].items() if wanted is None or k in wanted) for n in tables}
    return _ENV.get_template("review.html.j2").render(
        run_dir=str(run_dir), diff=d, docs=views, removed_docs=removed_docs, totals=totals,
        script=script, script_hash=script_hash, word_diff=_word_diff_markup,
        summary=rowdiff.summary_rows(d) if d else [],
    )


def write(run_dir: Path, out: Path, diff_old: Path | None = None, docs: Iterable[str] | None = None,
          by: str = "doc_id") -> Path:
    html = build(run_dir, diff_old, docs, by)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


def _word_diff_markup(old: str, new: str) -> Markup:
    """A sentence with removed words in <del> and added words in <ins>, each escaped."""
    if old == new:
        return escape(new)
    tags = {" ": Markup("{}"), "-": Markup("<del>{}</del>"), "+": Markup("<ins>{}</ins>")}
    return Markup("").join(tags[op].format(s) for op, s in rowdiff.word_diff(old, new))


def render_diff(d: rowdiff.RunDiff) -> str:
    """`extract diff --format html`: a standalone page of the changes between two runs."""
    script, script_hash = _script()
    docs = [(doc_id, rowdiff.doc_counts(d, doc_id), d.for_doc(doc_id)) for doc_id in d.docs_changed()]
    return _ENV.get_template("diff.html.j2").render(
        d=d, docs=docs, summary=rowdiff.summary_rows(d), word_diff=_word_diff_markup,
        script=script, script_hash=script_hash,
    )
