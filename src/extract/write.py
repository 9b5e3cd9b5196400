"""Stream results to CSV; a run appears whole or not at all.

A run is built in a staging folder beside the output folder
(`.OUT.staging-<pid>`) and put in place with one atomic directory exchange
(`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames that the next run
undoes if they were cut short). A run killed at any point leaves the previous
output whole; its staging folder is removed by the next run.

With worker processes, each worker writes its documents' clean texts into the
staging folder and appends their CSV rows to its own shard files; the main
process only copies those bytes into the four CSVs in doc_id order, so it stays
off the critical path (`Shard`, `Written`).

manifest.json records the size and sha256 of every file of the run; readers
(`check_run`) refuse a run whose files disagree with it. With `--explain` the
run also has rejected.csv. The cross-page tables (consolidate.py) are built as
documents arrive: each document's rows go to `consolidate.Tables` when the main
process writes them (and its documents.csv row gets `duplicate_of` then), so
that `commit` only groups them and writes the two tables before the run is put
in place; the incremental cache (`OUT/.cache`) moves into the new run folder
with it.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from .model import Check, Document, Figure, Mention, Options, Rejected, Result, columns

TABLES = {"documents": Document, "figures": Figure, "authorities": Mention, "checks": Check}
# Written only with `--explain`; without it the file is absent.
EXPLAIN = "rejected"
# Row values in column order (dataclasses.astuple deep-copies, ten times slower).
_GETTERS = {name: attrgetter(*columns(cls)) for name, cls in {**TABLES, EXPLAIN: Rejected}.items()}
CONSOLIDATED = ("authority_judgements.csv", "figure_series.csv")  # consolidate.py's tables
CACHE = ".cache"  # cache.py's folder inside a run
# A cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What an output folder may hold: a run's files (and an older version's staging folders).
_RUN_FILES = {*(f"{name}.csv" for name in TABLES), f"{EXPLAIN}.csv", *CONSOLIDATED, "manifest.json", "clean",
              "parquet", CACHE}
_CROSS_PAGE = ("documents", "authorities", "figures")  # the tables consolidate.Tables reads
_SHARDS = ".shards"  # inside the staging folder: the workers' CSV rows, removed before the swap
_OPEN_SHARDS = 16  # shards whose files the main process keeps open (workers are replaced every 500 pages)


class WriteError(OSError):
    """The run could not be written (disk full, read-only, not a folder): one clear message."""


class RunError(ValueError):
    """A run folder whose files disagree with its manifest.json."""


def neutralise(value: Any) -> Any:
    """Prefix a would-be formula with an apostrophe (the OWASP CSV-injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def tables(explain: bool) -> list[str]:
    """The CSV tables a run writes, in order."""
    return [*TABLES, EXPLAIN] if explain else list(TABLES)


def _rows(result: Result, name: str) -> list[Any]:
    if name == EXPLAIN:
        return sorted(result.rejected, key=lambda r: (r.start, r.end, r.rule, r.text))
    return {"documents": [result.document], "figures": result.figures, "authorities": result.mentions,
            "checks": result.checks}[name]


def encode(result: Result, neutralise_formulas: bool, explain: bool = False) -> list[bytes]:
    """The CSV rows of one result, as UTF-8 bytes per table (in `tables(explain)` order).
    A cached result (cache.py) carries them already."""
    rendered = getattr(result, "rendered", None)
    if rendered is not None:
        return [rendered.get(name, "").encode("utf-8") for name in tables(explain)]
    parts = []
    for name in tables(explain):
        rows = _rows(result, name)
        if not rows:
            parts.append(b"")
            continue
        buf = io.StringIO()
        w, get = csv.writer(buf, lineterminator="\n"), _GETTERS[name]
        if neutralise_formulas:  # neutralise() inlined: a call per cell was a tenth of the writing
            w.writerows([("'" + v) if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in get(row)]
                        for row in rows)
        else:
            w.writerows(get(row) for row in rows)
        parts.append(buf.getvalue().encode("utf-8"))
    return parts


def render(result: Result, neutralise_formulas: bool = True, explain: bool = False) -> dict[str, str]:
    """The CSV text `Writer.add` writes for `result`, table by table (what the cache keeps)."""
    return {name: data.decode("utf-8") for name, data in
            zip(tables(explain), encode(result, neutralise_formulas, explain), strict=True)}


def _header(name: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(columns({**TABLES, EXPLAIN: Rejected}[name]))
    return buf.getvalue().encode("utf-8")


def _write_clean(stage: Path, doc_id: str, text: str) -> tuple[str, int, str]:
    data = text.encode("utf-8")
    name = f"{doc_id}.txt"
    with (stage / "clean" / name).open("wb") as f:
        f.write(data)
    return name, len(data), hashlib.sha256(data).hexdigest()


@dataclass
class Written:
    """What a worker sends back for a document it wrote itself: the row of
    documents.csv (for the report), where its CSV bytes are, its clean text's hash."""

    document: Document
    shard: str  # path prefix of the worker's shard files
    spans: list[tuple[int, int]]  # (offset, length) per table
    clean: tuple[str, int, str] | None  # (file name, bytes, sha256)
    signature: bytes | None = None  # the clean text's MinHash (Result.signature)
    era: str = ""  # Result.era


class Shard:
    """A worker's share of a run: clean texts written in place, CSV rows appended to files of its own."""

    def __init__(self, stage: Path, out: Path, neutralise_formulas: bool, explain: bool = False):
        self.stage, self.out = Path(stage), Path(out)
        self.neutralise, self.explain = neutralise_formulas, explain
        self._fds: list[int] = []
        self._prefix = ""

    def write(self, result: Result) -> Written:
        try:
            if not self._fds:  # opened in the worker itself (after fork), named by its pid
                self._prefix = str(self.stage / _SHARDS / str(os.getpid()))
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND
                self._fds = [os.open(f"{self._prefix}.{name}", flags, 0o644) for name in tables(self.explain)]
            spans = []
            for fd, data in zip(self._fds, encode(result, self.neutralise, self.explain), strict=True):
                spans.append((os.lseek(fd, 0, os.SEEK_END), len(data)))
                _write_all(fd, data)
            clean = None
            if result.clean_text is not None:
                clean = _write_clean(self.stage, result.document.doc_id, result.clean_text)
        except OSError as exc:
            raise WriteError(f"cannot write the run to {self.out}: {exc.strerror or exc}") from None
        return Written(result.document, self._prefix, spans, clean, result.signature, result.era)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Writer:
    """Writes the four CSVs, clean texts and manifest of a run, then puts it in place as `options.out`."""

    def __init__(self, options: Options):
        self.options = options
        self.out = Path(options.out)
        try:
            _check_out(self.out)
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _recover(self.out)
            self.stage = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
            shutil.rmtree(self.stage, ignore_errors=True)
            (self.stage / "clean").mkdir(parents=True)
            (self.stage / _SHARDS).mkdir()
            self._tables = tables(options.explain)
            self._files = {name: (self.stage / f"{name}.csv").open("wb") for name in self._tables}
        except OSError as exc:
            if hasattr(self, "stage"):
                shutil.rmtree(self.stage, ignore_errors=True)
            raise WriteError(f"cannot write the run to {self.out}: {exc.strerror or exc}") from None
        self._hashes = {name: hashlib.sha256() for name in self._tables}  # the rows as extracted (the cache's key)
        self._marked = hashlib.sha256()  # documents.csv as written: its rows with duplicate_of set
        self.store: Any = None  # cache.Cache: keeps the cross-page tables of an unchanged run
        self._clean: list[tuple[str, int, str]] = []
        self._shards: dict[str, list[int]] = {}
        self._near: Any = None  # consolidate.Duplicates: near-duplicates found as documents arrive
        self._dup: dict[str, str] = {}  # what _near found: doc_id -> the first copy it repeats
        self._eras: dict[str, str] = {}  # eras the workers read from a page's wording (undated, or a bound date)
        self._cross: Any = None  # consolidate.Tables: the cross-page tables, fed as documents arrive
        for name in self._tables:
            self._put(name, _header(name))

    def shard(self) -> Shard:
        """The writer for worker processes (pass it to them before they start)."""
        return Shard(self.stage, self.out, self.options.neutralise_formulas, self.options.explain)

    def _put(self, name: str, data: bytes, written: bytes | None = None) -> None:
        """Append `data` to a table (`written` instead when it differs: documents.csv's rows with duplicate_of)."""
        if data:
            self._hashes[name].update(data)
            written = data if written is None else written
            self._files[name].write(written)
            if name == "documents":
                self._marked.update(written)

    def add(self, result: Result | Written) -> None:
        """Append one document (in doc_id order): a result, or what a worker already wrote."""
        self._compare(result.document.doc_id, result.signature)
        # The era of a page read by more than its date: undated, or dated only by a bound (scales.page_era).
        if result.era and (not result.document.published or result.document.date_source in ("text-year", "captured")):
            self._eras[neutralise(result.document.doc_id) if self.options.neutralise_formulas
                       else result.document.doc_id] = result.era
        try:
            if isinstance(result, Written):
                fds = self._shards.pop(result.shard, None)
                if fds is None:
                    fds = [os.open(f"{result.shard}.{n}", os.O_RDONLY) for n in self._tables]
                self._shards[result.shard] = fds  # most recently used last
                if len(self._shards) > _OPEN_SHARDS:  # a replaced worker's shard: close its files
                    for fd in self._shards.pop(next(iter(self._shards))):
                        os.close(fd)
                parts = [os.pread(fd, length, offset) if length else b""
                         for fd, (offset, length) in zip(fds, result.spans, strict=True)]
                if result.clean:
                    self._clean.append(result.clean)
            else:
                parts = encode(result, self.options.neutralise_formulas, self.options.explain)
                if result.clean_text is not None:
                    self._clean.append(_write_clean(self.stage, result.document.doc_id, result.clean_text))
            # Its rows go to the cross-page tables now, while the workers extract the next pages: commit only groups.
            documents, authorities, figures = (parts[self._tables.index(n)].decode("utf-8") for n in _CROSS_PAGE)
            tables = self._consolidation()
            tables.add(documents, authorities, figures)
            for name, data in zip(self._tables, parts, strict=True):
                self._put(name, data, tables.marked(documents).encode("utf-8") if name == "documents" else None)
        except OSError as exc:
            raise WriteError(f"cannot write the run to {self.out}: {exc.strerror or exc}") from None

    def _consolidation(self) -> Any:
        """The consolidate module's `Tables` of this run, made when the first document comes."""
        if self._cross is None:
            from . import consolidate

            self._cross = consolidate.Tables(self.stage, consolidate.load(self.options.rules_dir),
                                             self.options.rules_dir, self._dup, self._eras)
        return self._cross

    def _compare(self, doc_id: str, signature: bytes | None) -> None:
        """Find near-duplicates from the workers' signatures while the workers run: commit only groups rows."""
        if signature is None:
            return
        if self._near is None:
            from . import consolidate

            self._near = consolidate.Duplicates(consolidate.load(self.options.rules_dir))
        doc_id = neutralise(doc_id) if self.options.neutralise_formulas else doc_id
        first = self._near.add(doc_id, signature)
        if first:
            self._dup[doc_id] = first

    def commit(self) -> None:
        """Finish the run and put it in place, replacing the previous one in one step."""
        try:
            self._close_shards()
            files = {}
            for name, f in self._files.items():
                f.flush()
                os.fsync(f.fileno())
                files[f"{name}.csv"] = {"bytes": f.tell(), "sha256": (self._marked if name == "documents" else
                                                                      self._hashes[name]).hexdigest()}
                f.close()
            shutil.rmtree(self.stage / _SHARDS)
            # The cross-page tables: their rows are in buckets already (`add`), here they are grouped and written;
            # documents.csv was written with duplicate_of. An unchanged run (the same rows as extracted, rules and
            # code) takes all three from the cache.
            tables = self._consolidation()
            key = self.store.consolidated_key({n: h.hexdigest() for n, h in self._hashes.items()}) if self.store else ""
            if self.store and self.store.get_consolidated(key, self.stage):
                tables.close()
                files["documents.csv"] = _file_entry(self.stage / "documents.csv")
            else:
                tables.write(self.options.neutralise_formulas)
                if self.store:
                    self.store.put_consolidated(key, self.stage)
            for name in CONSOLIDATED:
                files[name] = _file_entry(self.stage / name)
            files["clean/"] = _clean_entry(sorted(self._clean))
            from . import rules  # here, not at import: `extract --help` must not load regex and yaml

            cols = {n: columns(c) for n, c in TABLES.items()}
            if self.options.explain:
                cols[EXPLAIN] = columns(Rejected)
            manifest = {"rules": rules.manifest(self.options.rules_dir), "columns": cols, "files": files}
            _write_synced(self.stage / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            _fsync_dir(self.stage / "clean")
            _fsync_dir(self.stage)
            if (self.out / CACHE).is_dir():  # the cache goes on with the new run (a cache lost is only slower)
                os.rename(self.out / CACHE, self.stage / CACHE)
            _swap(self.out, self.stage)
        except OSError as exc:
            self.abort()
            raise WriteError(f"cannot write the run to {self.out}: {exc.strerror or exc}") from None

    def _close_shards(self) -> None:
        for fds in self._shards.values():
            for fd in fds:
                os.close(fd)
        self._shards.clear()

    def abort(self) -> None:
        """Drop the unfinished run; the previous output stays as it was."""
        self._close_shards()
        if self._cross is not None:
            self._cross.close()
        for f in self._files.values():
            try:
                f.close()
            except OSError:
                pass  # a failed flush on a full disk: the file is deleted next
        shutil.rmtree(self.stage, ignore_errors=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _file_entry(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _clean_entry(clean: list[tuple[str, int, str]]) -> dict[str, Any]:
    """One manifest entry for clean/: file count, total bytes, and a hash over every file's name, size and hash."""
    h = hashlib.sha256()
    for name, size, sha in clean:
        h.update(f"{name}\t{size}\t{sha}\n".encode())
    return {"files": len(clean), "bytes": sum(c[1] for c in clean), "sha256": h.hexdigest()}


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_out(out: Path) -> None:
    """Refuse an output folder that holds anything but a run: it is replaced whole."""
    if not out.exists():
        return
    if not out.is_dir():
        raise WriteError(f"cannot write the run to {out}: it exists and is not a folder")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in _RUN_FILES and not p.name.startswith((".staging-", ".consolidate-")))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise WriteError(f"{out} holds files that are not part of a run ({shown}); a run replaces its folder "
                         "whole, so choose a new or empty folder")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library already loaded (find_library would spawn ldconfig)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # the filesystem cannot exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


def _swap(out: Path, stage: Path) -> None:
    """Put the finished run `stage` in place as `out` in one step; delete the previous run."""
    if not out.exists():
        os.rename(stage, out)
        return
    if _exchange(stage, out):
        shutil.rmtree(stage, ignore_errors=True)  # it now holds the previous run
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)  # cut short here, the next run puts `old` back (_recover)
    os.rename(stage, out)
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(out: Path) -> None:
    """Clear what dead runs left beside `out`: put back a previous run moved aside by a swap cut
    short, delete unfinished staging folders. A live run's folders are left alone."""
    prefix = f".{out.name}."
    for left in sorted(p for p in out.parent.iterdir() if p.name.startswith(prefix)):
        kind, _, pid = left.name[len(prefix):].rpartition("-")
        if kind not in ("staging", "old") or not pid.isdigit() or (int(pid) != os.getpid() and _alive(int(pid))):
            continue
        if kind == "old" and not out.exists():
            os.rename(left, out)
        else:
            shutil.rmtree(left, ignore_errors=True)


def check_run(run: Path, ignore: tuple[str, ...] = ()) -> None:
    """Raise RunError unless every file of `run` matches its manifest.json (size and sha256).

    A folder without a manifest, or with one from before files were listed, is
    taken as it is (hand-made fixtures, older runs). `ignore`: files a command
    is about to rewrite."""
    run = Path(run)
    try:
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise RunError(f"{run}: manifest.json cannot be read ({exc})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        return
    got = on_disk(run)
    bad = [f"{name} is missing" if got[name] is None else f"{name} differs from the manifest"
           for name, want in sorted(files.items()) if name not in ignore and got.get(name, want) != want]
    bad += [f"{name} is not in the manifest" for name in sorted(set(got) - set(files) - set(ignore))]
    if bad:
        raise RunError(f"{run} is not one whole run: {'; '.join(bad)} (run `extract run` again)")


def refresh_manifest(run: Path, names: tuple[str, ...]) -> None:
    """Record in `run`'s manifest the files a command rewrote in place (written atomically)."""
    path = Path(run) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(manifest.get("files"), dict):
        return
    for name in names:
        manifest["files"][name] = _file_entry(Path(run) / name)
    tmp = path.with_name(f".manifest.json.tmp-{os.getpid()}")
    _write_synced(tmp, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def on_disk(run: Path) -> dict[str, dict[str, Any] | None]:
    """The manifest's `files` entries as the run's files are now (None for a missing CSV)."""
    got: dict[str, dict[str, Any] | None] = {}
    for fn in (*(f"{name}.csv" for name in TABLES), f"{EXPLAIN}.csv", *CONSOLIDATED):
        path = Path(run) / fn
        if fn.startswith(EXPLAIN) and not path.exists():
            continue  # only a run with --explain has it
        try:
            got[fn] = _file_entry(path)
        except OSError:
            got[fn] = None
    got["clean/"] = _clean_entry(_clean_files(Path(run) / "clean"))
    return got


def _clean_files(folder: Path) -> list[tuple[str, int, str]]:
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        data = p.read_bytes() if p.is_file() else b""
        out.append((p.name, len(data), hashlib.sha256(data).hexdigest()))
    return out
