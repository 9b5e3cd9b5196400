"""Check a run against golden files, and propose new ones on request.

Layout: ``tests/golden/<doc_id>/{figures,authorities,checks}.csv``, each file
the CSV header and that document's rows exactly as a run writes them. Only
documents with a golden folder are checked, and only the files that folder
holds; a golden document missing from the run is a difference.

    from extract import golden
    diffs = golden.compare(Path("output"), golden.GOLDEN)      # [] when equal
    print(golden.format_diff(diffs))                            # unified diff per (doc, file)
    print(golden.update(Path("output"), golden.GOLDEN))         # write proposed goldens, get the diff
    golden.update(run, golden.GOLDEN, docs=["000_788962b738f097af"])   # add a document

In a pytest golden test::

    diffs = golden.compare(run_dir, golden.GOLDEN, docs=[doc_id])
    assert not diffs, golden.format_diff(diffs)

The diff is difflib's unified diff of CSV lines, followed by the fields that
changed (from diff.py's row matching, the same code behind ``extract diff``),
so a changed value reads as ``value: '44' -> '45'`` under its two lines.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import diff as rowdiff

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "golden"
FILES = ("figures", "authorities", "checks")  # the tables a golden folder may hold


class GoldenError(ValueError):
    """A request that cannot be carried out (e.g. --doc for a document not in the run)."""


@dataclass(frozen=True)
class Difference:
    """One golden file (or a whole golden document) that the run does not reproduce."""

    doc_id: str
    file: str  # "figures.csv"; "" when the whole document is missing from the run
    expected: tuple[str, ...]  # golden CSV lines, header first
    actual: tuple[str, ...]  # the run's CSV lines for this document, header first
    changes: tuple[rowdiff.Change, ...] = ()
    note: str = ""


def csv_lines(header: list[str], rows: Iterable[dict[str, str]]) -> list[str]:
    """Rows as CSV lines in `header` order, written exactly as write.Writer writes them."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(k, "") for k in header])
    # split on "\n" only: a cell may hold a "\r", which must survive a rewrite
    return buf.getvalue().split("\n")[:-1]


def golden_docs(golden_dir: Path) -> list[str]:
    """doc_ids that have a golden folder, sorted."""
    golden_dir = Path(golden_dir)
    recover(golden_dir)
    if not golden_dir.is_dir():
        return []
    return sorted(p.name for p in golden_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


class Run:
    """A run's output folder, read once: rows per table and document."""

    def __init__(self, run_dir: Path):
        self.dir = Path(run_dir)
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, dict[str, list[dict[str, str]]]] = {}
        for name in ("documents", *FILES):
            header, rows = rowdiff.read_table(self.dir, name)
            self.headers[name] = header
            self.rows[name] = rowdiff.by_doc(rows)
        self.documents = {d: rows[0] for d, rows in self.rows["documents"].items()}

    def lines(self, doc_id: str, name: str) -> list[str]:
        """The lines a golden `<name>.csv` for `doc_id` would hold."""
        return csv_lines(self.headers[name], self.rows[name].get(doc_id, []))

    def refs(self, doc_id: str) -> dict[str, str]:
        return rowdiff.figure_refs(self.rows["figures"].get(doc_id, []))


def _read_golden(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    return rowdiff.read_csv(path)


def _compare_doc(run: Run, golden_dir: Path, doc_id: str, files: Iterable[str]) -> list[Difference]:
    if doc_id not in run.documents:
        return [Difference(doc_id, "", (), (), note=f"document {doc_id} is not in the run ({run.dir})")]
    out = []
    doc = run.documents[doc_id]
    note = f"document status {doc.get('status')}: {doc.get('error')}" if doc.get("status") == "error" else ""
    g_refs: dict[str, str] | None = None
    for name in files:
        path = Path(golden_dir) / doc_id / f"{name}.csv"
        if path.is_file():
            header, g_rows = _read_golden(path)
            expected = csv_lines(header, g_rows)
        else:
            header, g_rows, expected = [], [], []
        actual = run.lines(doc_id, name)
        if expected == actual:
            continue
        if g_refs is None:
            fig = Path(golden_dir) / doc_id / "figures.csv"
            g_refs = rowdiff.figure_refs(_read_golden(fig)[1]) if fig.is_file() else {}
        changes = rowdiff.diff_rows(name, g_rows, run.rows[name].get(doc_id, []), doc_id=doc_id,
                                    old_refs=g_refs, new_refs=run.refs(doc_id))
        out.append(Difference(doc_id, f"{name}.csv", tuple(expected), tuple(actual), tuple(changes), note))
    return out


def compare(run_dir: Path, golden_dir: Path = GOLDEN, docs: Iterable[str] | None = None) -> list[Difference]:
    """Differences between a run and the golden files ([] when the run reproduces them).

    `docs` limits the check to those golden documents (default: every golden folder).
    """
    recover(golden_dir)
    run = Run(run_dir)
    out: list[Difference] = []
    for doc_id in docs if docs is not None else golden_docs(golden_dir):
        present = [n for n in FILES if (Path(golden_dir) / doc_id / f"{n}.csv").is_file()]
        out += _compare_doc(run, golden_dir, doc_id, present)
    return out


def format_diff(differences: Iterable[Difference], golden_dir: Path = GOLDEN, run_dir: Path | str = "run",
                context: int = 1) -> str:
    """A unified diff of CSV lines per (document, file), each followed by the fields that changed."""
    out: list[str] = []
    for d in differences:
        if not d.file:
            out.append(f"!!! {d.note}")
            continue
        a = f"{golden_dir}/{d.doc_id}/{d.file}"
        b = f"{run_dir}/{d.file} [doc_id={d.doc_id}]"
        if d.note:
            out.append(f"# {d.note}")
        out += list(difflib.unified_diff(list(d.expected), list(d.actual), a, b, n=context, lineterm=""))
        if d.changes and d.expected:  # a new golden file is all additions: the lines say it all
            counts = ", ".join(f"{n} {k}" for k, n in sorted(_count(d.changes).items()))
            out.append(f"# {d.doc_id} {d.file}: {counts}")
            for c in d.changes:
                out.append(f"#   {c.symbol} {c.label} {c.key}: {c.summary()}")
    return "\n".join(out) + ("\n" if out else "")


def _count(changes: Iterable[rowdiff.Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.change] = out.get(c.change, 0) + 1
    return out


def summary(differences: list[Difference], golden_dir: Path = GOLDEN, docs: Iterable[str] | None = None) -> str:
    """One line: how many golden documents and files were checked, and how many differ."""
    doc_ids = list(docs) if docs is not None else golden_docs(golden_dir)
    n_files = sum(1 for d in doc_ids for n in FILES if (Path(golden_dir) / d / f"{n}.csv").is_file())
    if not differences:
        return f"golden: {_n(len(doc_ids), 'document')}, {_n(n_files, 'file')} equal ({golden_dir})"
    bad_docs = len({d.doc_id for d in differences})
    bad_files = sum(1 for d in differences if d.file)
    return (f"golden: {bad_files} of {_n(n_files, 'file')} differ in {bad_docs} of {_n(len(doc_ids), 'document')} "
            f"({golden_dir})")


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def update(run_dir: Path, golden_dir: Path = GOLDEN, docs: Iterable[str] | None = None) -> str:
    """Write the run's rows as the golden files and return the diff applied ("" when nothing changed).

    Without `docs`, rewrites the files already in each golden folder. With
    `docs`, writes all of FILES for those documents (creating their folders).
    A golden document missing from the run is left as it is and reported.
    """
    run = Run(run_dir)
    golden_dir = Path(golden_dir)
    recover(golden_dir)
    if docs is not None:
        docs = list(docs)
        missing = [d for d in docs if d not in run.documents]
        if missing:
            raise GoldenError(f"not in the run {run.dir}: {', '.join(missing)}")
        targets = {d: list(FILES) for d in docs}
    else:
        targets = {d: [n for n in FILES if (golden_dir / d / f"{n}.csv").is_file()] for d in golden_docs(golden_dir)}
    applied: list[Difference] = []
    for doc_id, files in targets.items():
        applied += _compare_doc(run, golden_dir, doc_id, files)
    writes = {Path(d.doc_id) / d.file: "".join(line + "\n" for line in d.actual) for d in applied if d.file}
    if writes:
        _replace_set(golden_dir, writes)
    return format_diff(applied, golden_dir, run.dir)


def _replace_set(golden_dir: Path, writes: dict[Path, str]) -> None:
    """Rewrite golden files as one set: a copy of the folder gets the new
    files (flushed to disk), then two renames swap it in. Killed at any point,
    the folder is wholly old or wholly new: `recover` finishes an interrupted swap."""
    recover(golden_dir)
    new = golden_dir.with_name(f".{golden_dir.name}-new-{os.getpid()}")
    old = golden_dir.with_name(f".{golden_dir.name}-old-{os.getpid()}")
    shutil.rmtree(new, ignore_errors=True)
    if golden_dir.is_dir():
        shutil.copytree(golden_dir, new)
    for rel, text in writes.items():
        path = new / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    if golden_dir.is_dir():
        golden_dir.rename(old)  # from here until the next rename, `recover` knows `new` is complete
    new.rename(golden_dir)
    shutil.rmtree(old, ignore_errors=True)


def recover(golden_dir: Path) -> None:
    """Finish or undo an update killed mid-way: the golden folder missing
    beside a moved-aside old one means the new copy was complete; a new copy
    beside an intact golden folder was never swapped in and is dropped."""
    golden_dir = Path(golden_dir)
    olds = sorted(golden_dir.parent.glob(f".{golden_dir.name}-old-*"))
    news = sorted(golden_dir.parent.glob(f".{golden_dir.name}-new-*"))
    if not golden_dir.exists() and olds:
        done = [n for n in news if n.name.rsplit("-", 1)[1] == olds[-1].name.rsplit("-", 1)[1]]
        (done[0] if done else olds[-1]).rename(golden_dir)
    for stale in [*olds, *news]:
        if stale.exists():
            shutil.rmtree(stale, ignore_errors=True)
