"""Incremental runs: reuse a document's result when nothing that made it changed.

A result is stored under a key made of everything it depends on: the
document's bytes (its content hash), its identity and metadata (doc_id, shown
path, archive record, sources.csv row), the hash of every rule file, the
version of this code (a hash of the package's source files) and the options
that change extraction. Change any of them and the key changes: an edited rule
file re-extracts everything, an edited page only that page. A cached result is
what a cold run computed, rendered by the writer's own code, so the files
written from it are byte-identical.

The cache lives in `OUT/.cache/` (one file per key, written atomically), so a
run that is killed leaves at most an unused temporary file. `--no-cache`
neither reads nor writes it. An entry holds the document row, the clean text
(with its MinHash signature and era, for consolidate.py) and the rows as the
CSV text the writer wrote for them, so an unchanged re-run neither unpickles
row objects nor formats CSV again.

`cached_run` wraps `pipeline.run`: it looks each input up before dispatching
it, sends only the misses to the workers, stores each computed result, and
yields all results in input order.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import ingest, rules, write
from .model import Document, Options, Result

FOLDER = ".cache"
_FORMAT = b"extract-cache-2"  # 2: entries carry the MinHash signature and era


@dataclass
class Hit(Result):
    """A cached result: its document row and clean text, and its rows as the
    CSV text the writer wrote for them (written again as they are)."""

    rendered: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the package's source files: any code change invalidates the cache."""
    h = hashlib.sha256(_FORMAT)
    pkg = Path(__file__).parent
    for p in sorted([*pkg.glob("*.py"), *pkg.glob("templates/*")]):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


class Cache:
    """Results on disk under `folder`, keyed by `key(inp)`."""

    def __init__(self, folder: Path, options: Options):
        self.folder = Path(folder)
        salt = hashlib.sha256()
        salt.update(code_version().encode())
        for path in sorted(rules.rules_dir(options.rules_dir).iterdir()):  # every rule file's bytes
            if path.is_file():
                salt.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        salt.update(repr((options.max_bytes, options.neutralise_formulas, options.explain)).encode())
        self.salt = salt.digest()
        self.options = options
        self.hits = self.misses = 0
        self._sha: dict[str, str] = {}  # key -> content hash, to store only results of the bytes keyed

    # --- the cross-page tables of a run whose documents are unchanged --------------------------------
    _CONSOLIDATED = ("documents.csv", "authority_judgements.csv", "figure_series.csv")

    def consolidated_key(self, digests: dict[str, str]) -> str:
        """The key of a run's cross-page tables: its tables' bytes (their sha256), the rules and the code."""
        return hashlib.sha256(self.salt + repr(sorted(digests.items())).encode()).hexdigest()

    def get_consolidated(self, key: str, stage: Path) -> bool:
        """Copy the cross-page tables kept under `key` into `stage`; False when there are none."""
        kept = self.folder / "consolidate" / key
        if not all((kept / name).is_file() for name in self._CONSOLIDATED):
            return False
        try:
            for name in self._CONSOLIDATED:
                shutil.copyfile(kept / name, stage / name)
        except OSError:
            return False  # the caller computes them
        return True

    def put_consolidated(self, key: str, stage: Path) -> None:
        kept = self.folder / "consolidate" / key
        tmp = kept.with_name(f".{key}.tmp-{os.getpid()}")
        try:
            tmp.mkdir(parents=True, exist_ok=True)
            for name in self._CONSOLIDATED:
                shutil.copyfile(stage / name, tmp / name)
            os.replace(tmp, kept) if not kept.exists() else shutil.rmtree(tmp)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a full disk costs speed next time, not this run's output

    def key(self, inp: ingest.Input) -> str | None:
        """The input's key, or None when it cannot be read (the run reports why)."""
        if inp.error:
            return None
        sha = inp.sha256  # an archive record's, hashed by the scan that found it
        if not sha:
            try:
                data, _ = ingest.content(inp, self.options.max_bytes)
            except ingest.IngestError:
                return None
            sha = hashlib.sha256(data).hexdigest()
        h = hashlib.sha256(self.salt)
        ident = (inp.doc_id, inp.shown, str(inp.path), inp.offset, inp.record, astuple(inp.source))
        h.update(repr(ident).encode("utf-8"))
        h.update(sha.encode())
        key = h.hexdigest()
        self._sha[key] = sha
        return key

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Hit | None:
        try:
            document, clean_text, rendered, signature, era = pickle.loads(self._path(key).read_bytes())
        except Exception:  # noqa: BLE001 - absent, unreadable or stale entries are misses
            return None
        if not isinstance(document, Document) or not isinstance(rendered, dict):
            return None
        if (signature is not None and not isinstance(signature, bytes)) or not isinstance(era, str):
            return None
        return Hit(document, clean_text, rendered=rendered, signature=signature, era=era)

    def put(self, key: str, result: Result) -> None:
        if result.document.status == "error" or result.document.sha256 != self._sha.get(key):
            return  # failures are recomputed (they may be transient); a page edited mid-run is not stored
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp-{os.getpid()}")
            value = (result.document, result.clean_text, write.render(result, self.options.neutralise_formulas, self.options.explain),
                     result.signature, result.era)
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError:
            pass  # a full or read-only disk costs speed next time, not this run's output


def cached_run(run: Callable[..., Iterator[Any]], inputs: list[ingest.Input],
               options: Options, cache: Cache) -> Iterator[Result]:
    """`run(inputs, options)` for the inputs whose key is not in the cache; results in input order.

    `run` is called now (an engine that cannot start says so before anything is written)."""
    keys = [cache.key(inp) for inp in inputs]
    found = [cache.get(k) if k else None for k in keys]
    misses = [i for i, r in enumerate(found) if r is None]
    cache.hits, cache.misses = len(inputs) - len(misses), len(misses)
    return _in_order(found, keys, run([inputs[i] for i in misses], options, [keys[i] for i in misses]), cache)


def _in_order(found: list[Result | None], keys: list[str | None], computed: Iterator[Result],
              cache: Cache) -> Iterator[Result]:
    for i, hit in enumerate(found):
        if hit is not None:
            yield hit
            continue
        result = next(computed)
        if keys[i] and isinstance(result, Result):  # a worker that wrote its own rows cached them too
            cache.put(keys[i], result)
        yield result
