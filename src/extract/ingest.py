"""Find input documents and read them into `RawDoc`s.

A file that cannot be a document (empty, binary, undecodable, too large, an
unknown format) raises `IngestError` with a message a person understands; the
pipeline turns it into that document's `error` status and goes on.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from . import archive
from .model import RawDoc, Source

FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html"}
MANIFEST = "sources.csv"
# Magic numbers of binary formats a folder of pages may hold by mistake.
_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}


_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")


class IngestError(Exception):
    """A file that is not a readable page."""


@dataclass(frozen=True)
class Input:
    """A file to process, with its stable doc_id (the file's stem).

    `shown` is the path written to documents.csv: relative to the folder the
    user named (prefixed with that folder's name), so output does not depend
    on where the project is checked out."""

    path: Path
    doc_id: str
    source: Source
    shown: str = ""
    # A WARC/ARC record: `path` is the archive and `offset` the record whose
    # payload is the page (for a revisit, the original it points at); `record`
    # names the record itself ("file.warc.gz#offset"); `error` is damage the
    # archive scan found, reported as this document's error.
    offset: int = -1
    record: str = ""
    error: str = ""
    sha256: str = ""  # an archive record's payload hash, from the scan (the cache key needs no second read)
    note: str = ""  # a warning about the file itself (its name)


def read_manifest(folder: Path) -> dict[str, Source]:
    """doc_id -> Source from `folder/sources.csv`, if there is one."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    out: dict[str, Source] = {}
    # A damaged manifest loses its metadata, not the batch: undecodable bytes
    # become U+FFFD and reading stops at the first malformed row.
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                doc_id = (row.get("doc_id") or "").strip()
                if doc_id:
                    out[doc_id] = Source(
                        doc_id=doc_id,
                        **{k: (row.get(k) or "").strip()
                           for k in ("url", "title", "publisher", "published", "snapshot", "captured")},
                    )
    except (OSError, csv.Error):
        pass
    return out


def discover(paths: list[Path], counts: Counter[str] | None = None, memo: Path | None = None) -> Iterator[Input]:
    """Every document under `paths`, in sorted order; folders are walked
    without following symlinked folders (no loops), hidden files and the
    manifest are skipped. Duplicates of a doc_id are yielded too: the
    pipeline reports them. WARC/ARC files yield one input per document
    record, after every other file (revisits resolve across all archives);
    their records are counted by kind into `counts` (`memo`: see archive.scan)."""
    archives: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            manifest = read_manifest(root)
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                if is_run(Path(dirpath)):  # `extract run . --out output` twice must not read output/
                    dirnames[:] = []
                    continue
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith(".") or name == MANIFEST:
                        continue
                    p = Path(dirpath) / name
                    shown = (Path(root.resolve().name) / p.relative_to(root)).as_posix()
                    if archive.is_archive(p):
                        archives.append((p, shown))
                    else:
                        yield _input(p, manifest, shown)
        elif archive.is_archive(root):
            archives.append((root, root.name))
        else:
            yield _input(root, read_manifest(root.parent), root.name)
    if archives:
        yield from archive_inputs(archives, counts, memo)


def archive_inputs(archives: list[tuple[Path, str]], counts: Counter[str] | None = None,
                   memo: Path | None = None) -> Iterator[Input]:
    """One Input per document record of the archives (path, shown name)."""
    shown = dict(archives)
    found = archive.scan([p for p, _ in archives], memo)
    if counts is not None:
        counts.update(found.counts)
    for e in found.entries:
        record = f"{shown[e.path]}#{e.offset}"
        src = Source(e.doc_id, url=e.url, captured=e.captured)
        yield Input(e.payload_path, e.doc_id, src, shown[e.path], e.payload_offset, record, e.error, e.sha256)


def _input(path: Path, manifest: dict[str, Source], shown: str) -> Input:
    doc_id = _printable(path.stem)
    note = "" if doc_id == path.stem else "the file name is not valid UTF-8: its doc_id shows U+FFFD for the bad bytes"
    return Input(path, doc_id, manifest.get(doc_id, Source(doc_id)), _printable(shown), note=note)


def _printable(name: str) -> str:
    """A file name the OS gave as bytes that are not UTF-8 (held as surrogates), with U+FFFD for them."""
    return os.fsencode(name).decode("utf-8", errors="replace") if not name.isascii() else name


def is_run(folder: Path) -> bool:
    """Does `folder` hold an extract run (its own output is never read as pages)?"""
    return (folder / "documents.csv").is_file() and (folder / "manifest.json").is_file()


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes -> text. UTF-8 first; a file that mixes encodings is decoded line
    by line (UTF-8, then cp1252, then latin-1), and the fallback is reported."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")  # a stray byte or a lone surrogate: U+FFFD, reported
        bad = text.count("\ufffd")
        return text, [f"{bad} damaged UTF-16 characters were replaced with U+FFFD"] if bad else []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, fallback = [], 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback += 1
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
    return "\n".join(out), [f"{fallback} of {len(lines)} lines were not UTF-8 and were decoded as cp1252/latin-1"]


def content(inp: Input, max_bytes: int = 20_000_000) -> tuple[bytes, str]:
    """(bytes, format) of an input: a file's bytes, or an archive record's payload."""
    if inp.error:
        raise IngestError(inp.error)
    if inp.offset >= 0:
        try:
            return archive.payload(inp.path, inp.offset, max_bytes)
        except archive.ArchiveError as exc:
            raise IngestError(str(exc)) from exc
    fmt = FORMATS.get(inp.path.suffix.lower())
    if fmt is None:
        raise IngestError(f"unsupported format {inp.path.suffix or '(no extension)'!r}: expected .txt or .html")
    try:
        st = inp.path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise IngestError("not a regular file (a pipe, device or socket)")
        size = st.st_size
        if size > max_bytes:
            raise IngestError(f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        data = inp.path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    return data, fmt


def read(inp: Input, max_bytes: int = 20_000_000) -> RawDoc:
    """Read and decode one file or archive record; raise IngestError when it is not a page."""
    data, fmt = content(inp, max_bytes)
    if not data.strip():
        raise IngestError("empty file")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"binary file: looks like {what}, not a text or HTML page")
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary file: contains NUL bytes")
    text, warnings = decode(data)
    warnings = [inp.note, *warnings] if inp.note else warnings
    if not text.strip():
        raise IngestError("empty file")
    bad = text.count("\ufffd") + len(_CONTROL.findall(text, 0, 65536))
    if bad > max(20, len(text[:65536]) // 50):
        raise IngestError("binary or undecodable file: too many control or replacement characters")
    return RawDoc(
        doc_id=inp.doc_id,
        path=inp.record or str(inp.path),
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        source=inp.source,
        warnings=warnings,
    )
