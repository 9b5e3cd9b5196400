"""Web archive files (WARC, ARC) -> the records that are documents.

Archives hand snapshots out as WARC files (older ones as ARC), many pages to a
file. `scan` walks a file once with warcio (it reads WARC and ARC, plain or
gzipped) and classifies every record: an HTML or text `response` with HTTP 200
is a document; a `revisit` is one too when the payload it points at is in the
input; everything else (requests, metadata, redirects, 404s, images, PDFs) is
counted by kind, not extracted. A record the library cannot read (a truncated
record, a broken gzip member, a bad HTTP header) becomes an error entry and the
scan resumes at the next record it can find.

A document is later read on its own by `payload(path, offset)`, in whatever
worker process handles it: the scan keeps only offsets, never payloads.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# Payload types that are pages; anything else is counted as "not-page".
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt"}
_SLUG = regex.compile(r"[^A-Za-z0-9]+")
_SCHEME = regex.compile(r"^[a-z][a-z0-9+.-]*://(?:www\.)?", regex.I)
_DIGITS = regex.compile(r"\d")
_STATUS = regex.compile(r"^[1-5]\d\d(?:\s|$)")
_SLUG_MAX = 80
# A scan memo is valid for this module's code and this warcio.
@lru_cache(maxsize=1)
def _code() -> bytes:
    """This module and warcio's version (looked up on first use: importlib.metadata is start-up time)."""
    from importlib.metadata import version

    return Path(__file__).read_bytes() + version("warcio").encode()


class ArchiveError(Exception):
    """A record that cannot be read."""


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(SUFFIXES)


@dataclass(frozen=True)
class Entry:
    """One document (or damaged record) found in an archive file.

    `offset` is the record whose payload is read: for a revisit, the original
    response it points at (possibly in another file, `payload_path`)."""

    path: Path
    offset: int  # this record's own offset
    url: str
    captured: str  # WARC-Date, ISO 8601 (UTC)
    payload_path: Path
    payload_offset: int
    error: str = ""
    sha256: str = ""  # of the payload as read by the scan ("" when unknown)

    @property
    def doc_id(self) -> str:
        return doc_id(self.url, self.captured, self.path, self.offset)


def doc_id(url: str, captured: str, path: Path, offset: int) -> str:
    """Readable and stable: the URL without its scheme as a slug, then the capture time.

    "http://www.ofsted.gov.uk/news/annual-report" captured 2008-12-01T10:00:00Z
    -> "ofsted-gov-uk-news-annual-report_20081201100000". A long URL keeps its
    first characters and a hash of the whole, so two long URLs stay distinct."""
    if not url:
        return f"{_SLUG.sub('-', path.name).strip('-')}_at{offset}"
    slug = _SLUG.sub("-", _SCHEME.sub("", url)).strip("-") or "page"
    if len(slug) > _SLUG_MAX:
        slug = slug[: _SLUG_MAX - 9].rstrip("-") + "-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    stamp = "".join(_DIGITS.findall(captured))[:14]
    return f"{slug}_{stamp}" if stamp else slug


@dataclass
class Scan:
    """What the archives of a run held: documents, and every record counted by kind."""

    entries: list[Entry]
    counts: Counter[str]


def _header(rec, name: str) -> str:
    return (rec.rec_headers.get_header(name) or "").strip()


def _kind(rec) -> tuple[str, str]:
    """(kind, content type) of a response record: "page", "not-200", "not-page" or "bad-http"."""
    http = rec.http_headers
    if http is None or not http.protocol.upper().startswith("HTTP/") or not _STATUS.match(http.statusline or ""):
        return "bad-http", ""
    status = http.get_statuscode()
    ctype = ((http.get_header("Content-Type") if http is not None else None) or "").split(";")[0].strip().lower()
    if status is not None and str(status) != "200":
        return "not-200", ctype
    return ("page" if ctype in PAGE_TYPES else "not-page"), ctype


def _resync(f, after: int, gz: bool, block: int = 1 << 20) -> int:
    """Offset of the next record start after `after` (-1 when there is none):
    the next gzip member header, or the next "WARC/1." line. Read in blocks."""
    marker = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
    skip = 0 if gz else 1  # a WARC line starts after its newline
    pos = after + 1
    while True:
        f.seek(pos)
        data = f.read(block + len(marker))
        i = data.find(marker)
        if i >= 0:
            return pos + i + skip
        if len(data) <= len(marker):
            return -1
        pos += block


def scan_file(path: Path) -> tuple[list[dict], Counter[str]]:
    """Every record of one file, as plain dicts: kind, offset, url, date, and
    for pages/revisits what they need to be resolved."""
    from warcio.archiveiterator import ArchiveIterator  # here: a run without archives need not load it

    records: list[dict] = []
    counts: Counter[str] = Counter()
    gz = path.name.lower().endswith(".gz")
    with path.open("rb") as f:
        start = 0
        while start >= 0:
            f.seek(start)
            it = ArchiveIterator(f, arc2warc=True)
            after = start  # where the next record starts
            try:
                for rec in it:
                    rtype = rec.rec_type or "unknown"
                    item = {"type": rtype, "url": _header(rec, "WARC-Target-URI"),
                            "date": _header(rec, "WARC-Date"), "digest": _header(rec, "WARC-Payload-Digest")}
                    if rtype == "response":
                        item["kind"], _ = _kind(rec)
                        if item["kind"] == "page":  # hashed as `payload` will read it: the cache's content key
                            h, stream = hashlib.sha256(), rec.content_stream()
                            for chunk in iter(lambda stream=stream: stream.read(1 << 16), b""):
                                h.update(chunk)
                            item["sha256"] = h.hexdigest()
                    elif rtype == "revisit":
                        item["kind"] = "revisit"
                        item["refers_url"] = _header(rec, "WARC-Refers-To-Target-URI") or item["url"]
                        item["refers_date"] = _header(rec, "WARC-Refers-To-Date")
                    else:
                        item["kind"] = rtype
                    # warcio knows a record's offset and length once it has read to its end
                    # (absolute offsets: it counts from the file's start).
                    item["offset"] = it.get_record_offset()
                    records.append(item)
                    after = item["offset"] + it.get_record_length()
                start = -1
            except Exception as exc:  # noqa: BLE001 - the library's errors vary by damage; the file goes on
                at = after
                counts["damaged"] += 1
                records.append({"offset": at, "type": "damaged", "kind": "damaged", "url": "", "date": "",
                                "digest": "", "error": f"damaged archive record at byte {at}: {_reason(exc)}"})
                # Plain ARC records have no marker to find the next one by: the rest of the file is lost.
                start = -1 if path.name.lower().endswith(".arc") else _resync(f, at, gz)
    return records, counts


def _memo_scan(path: Path, memo: Path | None) -> tuple[list[dict], Counter[str]]:
    if memo is None:
        return scan_file(path)
    try:
        with path.open("rb") as f:
            digest = hashlib.file_digest(f, "sha256")
    except OSError:
        return scan_file(path)  # it reports the error
    digest.update(_code())
    entry = memo / "scans" / f"{digest.hexdigest()}.pickle"
    try:
        return pickle.loads(entry.read_bytes())
    except Exception:  # noqa: BLE001 - absent or unreadable: scan again
        pass
    found = scan_file(path)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_bytes(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, entry)
    except OSError:
        pass
    return found


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def scan(paths: list[Path], memo: Path | None = None) -> Scan:
    """The documents of every archive in `paths`, revisits resolved across all of them.

    With a `memo` folder (the run's cache), each file's scan is kept there
    under the hash of the file's bytes and of this module: an unchanged
    archive is not parsed again on the next run."""
    per_file = [(p, *_memo_scan(p, memo)) for p in paths]
    originals: dict[tuple[str, str], tuple[Path, int, str]] = {}
    by_digest: dict[str, tuple[Path, int, str]] = {}
    for path, records, _ in per_file:
        for r in records:
            if r["kind"] == "page":
                originals.setdefault((r["url"], r["date"]), (path, r["offset"], r["sha256"]))
                if r["digest"]:
                    by_digest.setdefault(r["digest"], (path, r["offset"], r["sha256"]))
    entries: list[Entry] = []
    counts: Counter[str] = Counter()
    for path, records, damaged in per_file:
        counts.update(damaged)
        for r in records:
            kind = r["kind"]
            if kind == "damaged":
                entries.append(Entry(path, r["offset"], "", "", path, r["offset"], r["error"]))
            elif kind == "bad-http":
                counts["damaged"] += 1
                entries.append(Entry(path, r["offset"], r["url"], r["date"], path, r["offset"],
                                     f"damaged archive record at byte {r['offset']}: not an HTTP response header"))
            elif kind == "page":
                counts["page"] += 1
                entries.append(Entry(path, r["offset"], r["url"], r["date"], path, r["offset"], "", r["sha256"]))
            elif kind == "revisit":
                target = originals.get((r["refers_url"], r["refers_date"])) or by_digest.get(r["digest"])
                if target is None:
                    counts["revisit-unresolved"] += 1
                    entries.append(Entry(path, r["offset"], r["url"], r["date"], path, r["offset"],
                                         "revisit record whose original (" + (r["digest"] or r["refers_url"])
                                         + ") is not in the input"))
                else:
                    counts["revisit"] += 1
                    entries.append(Entry(path, r["offset"], r["url"], r["date"], target[0], target[1], "", target[2]))
            else:
                counts[kind] += 1
    return Scan(entries, counts)


def payload(path: Path, offset: int, max_bytes: int = 20_000_000) -> tuple[bytes, str]:
    """(page bytes, "html" | "txt") of the response record at `offset`, with
    its transfer and content encodings (chunked, gzip) undone."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with path.open("rb") as f:
            f.seek(offset)
            rec = next(iter(ArchiveIterator(f, arc2warc=True)), None)
            if rec is None:
                raise ArchiveError(f"no record at byte {offset}")
            kind, ctype = _kind(rec)
            if kind != "page":
                raise ArchiveError(f"record at byte {offset} is not an HTML or text page with HTTP 200 ({ctype or 'no type'})")
            data = rec.content_stream().read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ArchiveError(f"record payload is over the limit of {max_bytes:,} bytes (--max-bytes)")
            if getattr(rec.raw_stream, "limit", 0) > 0:
                raise ArchiveError(f"truncated record at byte {offset}: {rec.raw_stream.limit:,} bytes missing")
    except ArchiveError:
        raise
    except OSError as exc:
        raise ArchiveError(f"cannot read archive: {exc.strerror or exc}") from exc
    except Exception as exc:  # noqa: BLE001 - the library's errors vary by damage
        raise ArchiveError(f"damaged archive record at byte {offset}: {_reason(exc)}") from exc
    return data, PAGE_TYPES[ctype]


def describe(counts: Counter[str]) -> str:
    """The records of a run's archives, counted by kind, in one line."""
    total = sum(counts.values())
    docs = counts["page"] + counts["revisit"]
    parts = [f"{docs} documents ({counts['page']} responses, {counts['revisit']} revisits)"]
    parts += [f"{n} {k}" for k, n in sorted(counts.items()) if k not in ("page", "revisit") and n]
    return f"archive records: {total}: " + ", ".join(parts)
