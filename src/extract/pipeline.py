"""One document through every stage; a batch over worker processes.

`process` is the pure core: an input file in, a `Result` out, never an
exception (a failure becomes the document's `error` status). `run` fans
documents out to one worker per core and yields results in doc_id order, so
the writer can stream them to disk and memory stays flat however large the
batch is. Given a `write.Shard`, workers write their documents' clean text and
CSV rows themselves and send back only where they put them, so the main
process merely copies bytes in doc_id order.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import authorities, clean, consolidate, figures, ingest, rules, validate
from .model import CleanDoc, Document, Options, RawDoc, Rejected, Result, Source
from .write import Shard, Written


class DocTimeout(BaseException):  # not an Exception: the per-document handler must not take it for a bug
    """One document used up its time budget (--doc-timeout)."""


_armed = False  # inside a _budget block: an alarm then means the page's time is up
_AGAIN = 0.1  # seconds before the alarm rings again, should this one be swallowed


def _alarm(signum: int, frame: object) -> None:
    # An exception raised while the interpreter runs a __del__ (a compiled pattern freed mid-page) is printed and
    # dropped, not raised: ring again shortly, until the budget's block has ended.
    if _armed:
        signal.setitimer(signal.ITIMER_REAL, _AGAIN)
        raise DocTimeout


@contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise DocTimeout in this block after `seconds` (a no-op where there is no
    SIGALRM, or off the main thread). Python code is interrupted at once; a
    single long C call (a regex) only when it returns."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    global _armed
    old, hook = signal.signal(signal.SIGALRM, _alarm), sys.unraisablehook

    def unraisable(info: sys.UnraisableHookArgs) -> None:
        # The alarm that lands in a __del__ is dropped there (and rings again): no traceback on stderr for it.
        if not isinstance(info.exc_value, DocTimeout):
            hook(info)

    sys.unraisablehook = unraisable
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        sys.unraisablehook = hook


def process(inp: ingest.Input, options: Options) -> Result:
    """Read, clean and extract one document, within `options.doc_timeout` seconds."""
    doc = Document(doc_id=inp.doc_id, path=inp.shown or str(inp.path))
    doc.url, doc.captured, doc.source = inp.source.url, inp.source.captured, inp.record or doc.path
    try:
        with _budget(options.doc_timeout):
            return _process(inp, options, doc)
    except DocTimeout:
        doc = Document(doc_id=inp.doc_id, path=inp.shown or str(inp.path), status="error",
                       error=f"timed out after {options.doc_timeout:g} s (--doc-timeout)")
        return Result(doc)


def _process(inp: ingest.Input, options: Options, doc: Document) -> Result:
    try:
        raw = ingest.read(inp, options.max_bytes)
        doc.format, doc.sha256, doc.chars_raw = raw.format, raw.sha256, len(raw.text)
        cd = clean.clean(raw, options.rules_dir)
        doc.title, doc.published, doc.chars_clean = cd.title, cd.published, len(cd.text)
        doc.date_source = cd.date_source
        warnings = list(raw.warnings)
        if not cd.text.strip():
            warnings.append("no main content left after cleaning")
        split = _cap_sentences(cd)
        if split:
            warnings.append(f"{split} sentences over {MAX_SENTENCE:,} characters were cut into pieces")
        rejected: list[Rejected] | None = [] if options.explain else None
        figs = figures.extract(cd, options.rules_dir, rejected=rejected)
        ments = authorities.extract(cd, options.rules_dir, rejected=rejected)
        checks = validate.check(cd, figs, options.rules_dir)
        doc.figures, doc.authorities, doc.checks = len(figs), len(ments), len(checks)
        if warnings:
            doc.status, doc.error = "warning", "; ".join(warnings)
        # The signature is made here, beside the text, so consolidation only compares signatures.
        signature = consolidate.signature(cd.text, consolidate.load(options.rules_dir))
        return Result(doc, cd.text, figs, ments, checks, rejected=rejected or [], signature=signature, era=cd.era)
    except ingest.IngestError as exc:
        doc.status, doc.error = "error", str(exc)
    except TimeoutError:  # regex's own timeout (rules.MATCH_TIMEOUT), not an OS error
        doc.status, doc.error = "error", f"timed out: a rule's regex ran over {rules.MATCH_TIMEOUT:g} s on one line"
    except RecursionError:
        doc.status, doc.error = "error", "document too deeply nested to parse"
    except MemoryError:
        doc.status, doc.error = "error", "document too large to process in memory"
    except Exception as exc:  # noqa: BLE001 - one bad page must not end the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        doc.status = "error"
        doc.error = f"internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
    return Result(doc)


# The extractors see one sentence at a time; a "sentence" longer than this (a
# page with no punctuation or line breaks) is cut at spaces, keeping their
# time and memory bounded (spaCy refuses texts over 1,000,000 characters).
MAX_SENTENCE = 2_000


def _cap_sentences(cd: CleanDoc) -> int:
    """Cut over-long sentence spans in place; return how many were cut."""
    if all(e - s <= MAX_SENTENCE for s, e in cd.sentences):
        return 0
    spans: list[tuple[int, int]] = []
    cut = 0
    for s, e in cd.sentences:
        if e - s <= MAX_SENTENCE:
            spans.append((s, e))
            continue
        cut += 1
        while e - s > MAX_SENTENCE:
            at = cd.text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
            at = at if at > s else s + MAX_SENTENCE
            spans.append((s, at))
            s = at + 1 if cd.text[at : at + 1] == " " else at
        if e > s:
            spans.append((s, e))
    cd.sentences[:] = spans
    return cut


def plan(paths: Iterable[Path], counts: Counter[str] | None = None,
         memo: Path | None = None) -> tuple[list[ingest.Input], list[Result]]:
    """Inputs in doc_id order, and an error result for each duplicate doc_id
    (the first file in path order keeps the id). Archive records are counted
    by kind into `counts`; `memo` keeps archive scans (the run's cache folder)."""
    seen: dict[str, ingest.Input] = {}
    dupes: list[Result] = []
    for inp in sorted(ingest.discover(list(paths), counts, memo), key=lambda i: (i.doc_id, str(i.path), i.record)):
        if inp.doc_id in seen:
            d = Document(doc_id=inp.doc_id, path=inp.shown or str(inp.path), status="error",
                         error=f"duplicate doc_id {inp.doc_id!r}: already used by {seen[inp.doc_id].record or seen[inp.doc_id].shown}",
                         url=inp.source.url, captured=inp.source.captured, source=inp.record or inp.shown or str(inp.path))
            dupes.append(Result(d))
        else:
            seen[inp.doc_id] = inp
    return list(seen.values()), dupes


def warm(options: Options) -> None:
    """Load every stage's rules, matchers and vocabularies now, by running one
    small page through them. Called before forking, workers inherit it all
    (copy-on-write) instead of each paying the start-up cost again."""
    # (The dash leaves the clean text non-ASCII, so the case-folding table is built here, before forking.)
    text = "Ofsted judged 3 of the 10 councils outstanding \u2013 Kent was rated good.\n"
    raw = RawDoc("warm", "warm.txt", "txt", "", text, Source("warm", published="2019-01-01"))
    cd = clean.clean(raw, options.rules_dir)
    figs = figures.extract(cd, options.rules_dir)
    authorities.extract(cd, options.rules_dir)
    validate.check(cd, figs, options.rules_dir)


_shard: Shard | None = None  # set in each worker: where it writes its documents
_store: Any = None  # set in each worker: the cache (cache.Cache) it stores what it wrote in


def _init_worker(options: Options, shard: Shard | None = None, store: Any = None) -> None:
    global _shard, _store
    _shard, _store = shard, store
    warm(options)  # a no-op after fork (caches inherited); needed under spawn


def _work(args: tuple[ingest.Input, Options, str | None]) -> Result | Written:
    inp, options, key = args
    result = process(inp, options)
    if _shard is None:
        return result  # the main process writes it (and caches it)
    if _store is not None and key:
        _store.put(key, result)
    return _shard.write(result)


def jobs(options: Options, n_docs: int) -> int:
    n = options.jobs or (os.cpu_count() or 1)
    return max(1, min(n, n_docs))


def run(inputs: list[ingest.Input], options: Options, shard: Shard | None = None,
        warmed: Callable[[], None] | None = None, store: Any = None,
        keys: list[str | None] | None = None) -> Iterator[Result | Written]:
    """Results in input order, computed on `options.jobs` processes (written by
    the workers into `shard` when given, and kept in the cache `store` under
    `keys`); `warmed` is called once every stage is loaded."""
    n = jobs(options, len(inputs))
    try:
        warm(options)
    except Exception:  # noqa: BLE001 - in one process, each document records the problem itself
        if n > 1:
            raise
    finally:
        if warmed is not None:
            warmed()
    if n == 1:
        if options.doc_timeout:
            warm(options)  # loading rules and spaCy is not the first document's time
        for inp in inputs:
            yield process(inp, options)
        return
    consolidate.warm(options.rules_dir)  # numpy and the MinHash functions, inherited by the workers
    if any(inp.path.suffix.lower() != ".txt" for inp in inputs):
        clean.preload()  # HTML or archives: once here, not in every worker (text pages seldom need either)
    gc.freeze()  # keep the inherited, warmed objects out of the workers' GC: no copy-on-write storms
    import multiprocessing as mp  # here: a run in one process never starts workers

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    keyed = keys or [None] * len(inputs)
    chunk = chunk_size(len(inputs), n)
    with ctx.Pool(n, initializer=_init_worker, initargs=(options, shard, store),
                  maxtasksperchild=max(1, PAGES_PER_WORKER // chunk)) as pool:
        # imap keeps order; chunks of a few pages spare the main process a wake-up per page.
        it = pool.imap(_work, ((inp, options, k) for inp, k in zip(inputs, keyed, strict=True)), chunksize=chunk)
        yield from it


PAGES_PER_WORKER = 500  # then a fresh worker: what one page left behind in memory goes with it
_MAX_CHUNK = 8


def chunk_size(n_docs: int, n_workers: int) -> int:
    """Pages per task: one for a small batch (every worker busy to the end), up to
    _MAX_CHUNK for a large one. With one page per task the main process woke up,
    unpickled and answered every page: a sixth of the batch's CPU at 2 workers (issue 11);
    with 8 it is under a twentieth, and the last chunk keeps one worker busy for only ~8 pages."""
    return max(1, min(_MAX_CHUNK, n_docs // (n_workers * 16)))


class Report:
    """Counts a run's outcomes and owns its exit code."""

    def __init__(self) -> None:
        self.documents = self.figures = self.authorities = self.checks = 0
        self.failed: list[tuple[str, str]] = []

    def add(self, result: Result) -> None:
        d = result.document
        self.documents += 1
        self.figures += d.figures
        self.authorities += d.authorities
        self.checks += d.checks
        if d.status == "error":
            self.failed.append((d.doc_id, d.error))

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self, seconds: float) -> str:
        return (
            f"{self.documents} documents, {self.figures} figures, {self.authorities} authorities, "
            f"{self.checks} checks, {len(self.failed)} errors, {seconds:.2f} s"
        )
