"""Stream results to CSV, atomically.

Everything is written into a staging folder inside the output folder; only
when the batch is complete is it moved into place. A run interrupted before
that point (Ctrl-C, killed) leaves the previous output as it was, apart from a
stale `.staging-*` folder that the next run removes.

The move into place is a handful of renames within one filesystem, with
Ctrl-C held off while they run. Before the first rename the staging folder is
marked complete (its files flushed to disk); if the process dies between the
renames anyway, the next run finishes the same renames from that folder, so
the output never stays a mix of two runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from . import rules
from .model import Check, Document, Figure, Mention, Options, Rejected, Result, columns

TABLES = {"documents": Document, "figures": Figure, "authorities": Mention, "checks": Check}
# Row values in column order (dataclasses.astuple deep-copies, ten times slower).
_GETTERS = {name: attrgetter(*columns(cls)) for name, cls in TABLES.items()}
# Written only with `--explain`; without it the file is absent (a stale one is removed).
EXPLAIN = "rejected"
_GETTERS[EXPLAIN] = attrgetter(*columns(Rejected))
# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The files of a run, in the order they are moved into place (manifest last).
_OUTPUTS = [*(f"{name}.csv" for name in TABLES), f"{EXPLAIN}.csv", "authority_judgements.csv", "figure_series.csv",
            "manifest.json"]
_COMPLETE = "COMPLETE"  # marks a staging folder that holds a whole run


def neutralise(value: Any) -> Any:
    """Prefix a would-be formula with an apostrophe (the OWASP CSV-injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Writer:
    """Writes the four CSVs and clean texts of a run into `options.out`."""

    def __init__(self, options: Options):
        self.options = options
        self.out = Path(options.out)
        self.out.mkdir(parents=True, exist_ok=True)
        for stale in sorted(self.out.glob(".staging-*")):
            _recover(self.out, stale)
        self.stage = self.out / f".staging-{os.getpid()}"
        (self.stage / "clean").mkdir(parents=True)
        self._files = {}
        self._writers = {}
        for name, cls in TABLES.items():
            f = (self.stage / f"{name}.csv").open("w", encoding="utf-8", newline="")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns(cls))
            self._files[name], self._writers[name] = f, w
        if options.explain:
            f = (self.stage / f"{EXPLAIN}.csv").open("w", encoding="utf-8", newline="")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns(Rejected))
            self._files[EXPLAIN], self._writers[EXPLAIN] = f, w

    def _rows(self, name: str, rows: list[Any]) -> None:
        w, get = self._writers[name], _GETTERS[name]
        if self.options.neutralise_formulas:
            w.writerows([neutralise(v) for v in get(row)] for row in rows)
        else:
            w.writerows(get(row) for row in rows)

    def add(self, result: Result) -> None:
        rendered = getattr(result, "rendered", None)  # a cached result (cache.py): its rows, already CSV text
        if rendered is not None:
            for name, text in rendered.items():
                self._files[name].write(text)
            self._clean(result)
            return
        self._rows("documents", [result.document])
        self._rows("figures", result.figures)
        self._rows("authorities", result.mentions)
        self._rows("checks", result.checks)
        if self.options.explain:
            self._rows(EXPLAIN, _rejected_order(result.rejected))
        self._clean(result)

    def _clean(self, result: Result) -> None:
        if result.clean_text is not None:
            (self.stage / "clean" / f"{result.document.doc_id}.txt").write_text(result.clean_text, encoding="utf-8")

    def commit(self) -> None:
        """Move the finished run into place, replacing the previous one."""
        for f in self._files.values():
            f.flush()
            os.fsync(f.fileno())
            f.close()
        _consolidate(self.stage, self.options)
        manifest = {"rules": rules.manifest(self.options.rules_dir), "columns": {n: columns(c) for n, c in TABLES.items()}}
        if self.options.explain:
            manifest["columns"][EXPLAIN] = columns(Rejected)
        _write_synced(self.stage / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        _write_synced(self.stage / _COMPLETE, "")
        _swap(self.out, self.stage)

    def abort(self) -> None:
        for f in self._files.values():
            f.close()
        shutil.rmtree(self.stage, ignore_errors=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _rejected_order(rows: list[Rejected]) -> list[Rejected]:
    return sorted(rows, key=lambda r: (r.start, r.end, r.rule, r.text))


def _consolidate(stage: Path, options: Options) -> None:
    """Issue 14: the cross-page tables and `duplicate_of`, computed over the whole staged run before it moves into place."""
    from . import consolidate

    consolidate.write(stage, options.rules_dir, options.neutralise_formulas)


def render(result: Result, neutralise_formulas: bool = True, explain: bool = False) -> dict[str, str]:
    """The CSV text `Writer.add` writes for `result`, table by table (for the cache)."""
    out = {}
    tables: list[tuple[str, list[Any]]] = [("documents", [result.document]), ("figures", result.figures),
                                           ("authorities", result.mentions), ("checks", result.checks)]
    if explain:
        tables.append((EXPLAIN, _rejected_order(result.rejected)))
    for name, rows in tables:
        buf = io.StringIO()
        w, get = csv.writer(buf, lineterminator="\n"), _GETTERS[name]
        if neutralise_formulas:
            w.writerows([neutralise(v) for v in get(row)] for row in rows)
        else:
            w.writerows(get(row) for row in rows)
        out[name] = buf.getvalue()
    return out


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _swap(out: Path, stage: Path) -> None:
    """Rename a complete stage's files over the output's. Idempotent: after an
    interruption, calling it again on the same stage finishes the job."""
    mask = getattr(signal, "pthread_sigmask", None)  # POSIX only
    old_mask = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if mask else None
    try:
        if (stage / "clean").is_dir():
            if (out / "clean").exists():
                shutil.rmtree(stage / "clean.old", ignore_errors=True)
                os.replace(out / "clean", stage / "clean.old")
            os.replace(stage / "clean", out / "clean")
        for fn in _OUTPUTS:
            if (stage / fn).exists():
                os.replace(stage / fn, out / fn)
            elif fn == f"{EXPLAIN}.csv":
                (out / fn).unlink(missing_ok=True)  # a run without --explain has no rejected.csv
        (stage / _COMPLETE).unlink(missing_ok=True)
    finally:
        if mask:
            mask(signal.SIG_SETMASK, old_mask)
    shutil.rmtree(stage, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(out: Path, stale: Path) -> None:
    """Deal with another run's staging folder: leave a live run's alone, finish
    an interrupted move into place, delete an unfinished run's files."""
    try:
        pid = int(stale.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        pid = 0
    if pid and pid != os.getpid() and _alive(pid):
        return
    if (stale / _COMPLETE).exists():
        _swap(out, stale)
    else:
        shutil.rmtree(stale, ignore_errors=True)
