"""Parquet tables beside the CSVs (`extract run --format parquet`).

For corpora too big for one CSV: each table (documents, figures, authorities,
checks) becomes a folder `OUT/parquet/<table>/` of `part-NNNNN.parquet` files
with the CSV's columns, typed as the records declare them (int columns as
int64, the rest as strings) and cell values as extracted (no spreadsheet
apostrophes: Parquet is not opened by spreadsheets). Parts hold at most
`PART_ROWS` rows, in doc_id order, so memory stays bounded and reading a folder
in part order gives the CSV's row order. pandas (`pd.read_parquet(folder)`) and
Spark (`spark.read.parquet(folder)`) read a folder as one table.

Like the CSVs, parts are staged and moved into place only when the run is
complete; a run that fails leaves the previous `parquet/` as it was.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from .model import Check, Document, Figure, Mention, Result, columns

TABLES = {"documents": Document, "figures": Figure, "authorities": Mention, "checks": Check}
PART_ROWS = 100_000
FOLDER = "parquet"
_STAGE = ".parquet-staging-"


class Unavailable(RuntimeError):
    """pyarrow is not installed."""


def schema(cls: type) -> Any:
    """The Arrow schema of a record: its CSV columns, typed by annotation."""
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    hints = {f.name: f.type for f in dataclasses.fields(cls)}
    return pa.schema([(name, types.get(str(hints[name]), pa.string())) for name in columns(cls)])


class Tables:
    """Streams a run's rows into staged Parquet parts; a no-op unless enabled."""

    def __init__(self, out: Path, enabled: bool = True, part_rows: int = PART_ROWS):
        self.out, self.enabled, self.part_rows = Path(out), enabled, part_rows
        if enabled:
            try:
                import pyarrow  # noqa: F401
            except ImportError as exc:
                raise Unavailable("--format parquet needs pyarrow: pip install -e '.[spark]'") from exc
        self.stage = self.out / f"{_STAGE}{os.getpid()}"
        self._rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
        self._parts = dict.fromkeys(TABLES, 0)
        self._get = {name: attrgetter(*columns(cls)) for name, cls in TABLES.items()}

    def __enter__(self) -> Tables:
        if self.enabled:
            self.out.mkdir(parents=True, exist_ok=True)
            for stale in self.out.glob(f"{_STAGE}*"):
                if not _alive(stale):
                    shutil.rmtree(stale, ignore_errors=True)
            for name in TABLES:
                (self.stage / FOLDER / name).mkdir(parents=True)
        return self

    def add(self, result: Result) -> None:
        if not self.enabled:
            return
        for name, rows in (("documents", [result.document]), ("figures", result.figures),
                           ("authorities", result.mentions), ("checks", result.checks)):
            buf = self._rows[name]
            buf.extend(map(self._get[name], rows))
            while len(buf) >= self.part_rows:
                self._flush(name)

    def _flush(self, name: str) -> None:
        """Write the buffer's first `part_rows` rows (or all of them) as the next part."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        buf, sch = self._rows[name], schema(TABLES[name])
        rows = buf[: self.part_rows]
        table = pa.Table.from_pylist([dict(zip(sch.names, r, strict=True)) for r in rows], schema=sch)
        pq.write_table(table, self.stage / FOLDER / name / f"part-{self._parts[name]:05d}.parquet")
        self._parts[name] += 1
        del buf[: self.part_rows]

    def commit(self) -> None:
        """Write the last parts (an empty one for an empty table) and move the tables into place."""
        for name in TABLES:
            if self._rows[name] or not self._parts[name]:
                self._flush(name)
        old = self.stage / f"{FOLDER}.old"
        if (self.out / FOLDER).exists():
            os.replace(self.out / FOLDER, old)
        os.replace(self.stage / FOLDER, self.out / FOLDER)
        shutil.rmtree(self.stage, ignore_errors=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.enabled:
            return
        if exc_type is None:
            self.commit()
        else:
            shutil.rmtree(self.stage, ignore_errors=True)


def _alive(stage: Path) -> bool:
    """Whether the run that owns a staging folder is still running."""
    try:
        pid = int(stage.name.rsplit("-", 1)[1])
        if pid == os.getpid():
            return False
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
