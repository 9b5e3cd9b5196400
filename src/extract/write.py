"""Stream results to CSV, atomically.

Everything is written into a staging folder inside the output folder; only
when the batch is complete is it moved into place. A run interrupted at any
point (Ctrl-C, killed) leaves the previous output as it was, apart from a
stale `.staging-*` folder that the next run removes.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import astuple
from pathlib import Path
from types import TracebackType
from typing import Any

from . import rules
from .model import Check, Document, Figure, Mention, Options, Result, columns

TABLES = {"documents": Document, "figures": Figure, "authorities": Mention, "checks": Check}
# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
        for stale in self.out.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.stage = self.out / f".staging-{os.getpid()}"
        (self.stage / "clean").mkdir(parents=True)
        self._files = {}
        self._writers = {}
        for name, cls in TABLES.items():
            f = (self.stage / f"{name}.csv").open("w", encoding="utf-8", newline="")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns(cls))
            self._files[name], self._writers[name] = f, w

    def _rows(self, name: str, rows: list[Any]) -> None:
        w = self._writers[name]
        for row in rows:
            values = astuple(row)
            w.writerow([neutralise(v) for v in values] if self.options.neutralise_formulas else values)

    def add(self, result: Result) -> None:
        self._rows("documents", [result.document])
        self._rows("figures", result.figures)
        self._rows("authorities", result.mentions)
        self._rows("checks", result.checks)
        if result.clean_text is not None:
            (self.stage / "clean" / f"{result.document.doc_id}.txt").write_text(result.clean_text, encoding="utf-8")

    def commit(self) -> None:
        """Move the finished run into place, replacing the previous one."""
        for f in self._files.values():
            f.close()
        manifest = {"rules": rules.manifest(self.options.rules_dir), "columns": {n: columns(c) for n, c in TABLES.items()}}
        (self.stage / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        old_clean = self.stage / "clean.old"
        if (self.out / "clean").exists():
            os.replace(self.out / "clean", old_clean)
        os.replace(self.stage / "clean", self.out / "clean")
        for name in [*TABLES, "manifest"]:
            fn = f"{name}.json" if name == "manifest" else f"{name}.csv"
            os.replace(self.stage / fn, self.out / fn)
        shutil.rmtree(self.stage, ignore_errors=True)

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
