"""Compiled regular expressions kept across runs, so a fresh process starts fast.

Loading the rules compiles a few hundred patterns, and `regex` compiles in
Python (parsing, optimising, code generation): about a second of every run's
start-up. Pickling a pattern does not help (it re-compiles on load). What is
kept instead is the output of that Python compiler, the arguments handed to
the C engine's constructor (`_regex.compile`, `_sre.compile`); restoring a
pattern is one C call. Entries are keyed like the libraries' own caches (the
pattern text and flags), so a changed rule file simply misses and compiles as
before: the cache can be stale only if the library or Python changes, and the
file is named after both versions. It holds what the last run used first, then
what earlier runs used and this one did not, up to `KEEP` entries: a user who
runs two rule sets in turn (a rule change and the rules before it, two
checkouts) finds both kept.

The cache lives in `$EXTRACT_CACHE` (default `~/.cache/extract`); an empty
value turns it off. Any problem reading or writing it only costs speed.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex
import regex._main as _rx


def cache_dir() -> Path | None:
    """The folder of everything kept across runs (`$EXTRACT_CACHE`), or None when turned off."""
    base = os.environ.get("EXTRACT_CACHE")
    if base is None:
        base = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "extract")
    return Path(base) if base else None


def cache_file() -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    tag = f"{sys.implementation.cache_tag}-regex{regex.__version__}"
    return base / f"patterns-{tag}.marshal"


def keep(path: Path, value: Any) -> None:
    """Store `value` (what marshal can store) at `path`, whole or not at all; a failure only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


def kept(path: Path) -> Any:
    """What `keep` stored at `path`, or None (missing, damaged, from another Python)."""
    try:
        return marshal.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a missing or damaged entry only costs speed
        return None


class _Recorder:
    """Stands in for a C engine module: delegates, and remembers each compile's arguments."""

    def __init__(self, real: Any):
        self._real = real
        self.args: dict[int, tuple[Any, tuple[Any, ...]]] = {}  # id -> (the pattern, kept alive so ids stay unique; args)

    def compile(self, *args: Any) -> Any:
        compiled = self._real.compile(*args)
        self.args[id(compiled)] = (compiled, args)
        return compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


# Entries kept per library (and memo values per kind): about five rule sets' worth, a few MB on disk.
KEEP = 4000

_ACTIVE: list[Session] = []  # the session serving `memo`, while one is open


def memo(kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept across runs under (kind, key) by the open session (else computed):
    for what the rules derive from a pattern's text, such as prefilter.starts. The value must
    be what marshal can store, and must depend on `key` alone (and on this library version)."""
    if not _ACTIVE:
        return compute()
    s = _ACTIVE[-1]
    used = s.memo_used.setdefault(kind, {})
    if key in used:
        return used[key]
    kept = s.memos.get(kind, {})
    if key in kept:
        value = kept.pop(key)
    else:
        value, s.memo_new = compute(), True
    used[key] = value
    return value


class Session:
    """Serve kept patterns to the libraries' caches on demand; record what is compiled until `finish`."""

    def __init__(self) -> None:
        self.path = cache_file()
        self.table: dict[str, dict[tuple[str, int], Any]] = {"regex": {}, "re": {}}
        self.used: dict[str, list[Any]] = {"regex": [], "re": []}
        self.memos: dict[str, dict[str, Any]] = {}  # kind -> key -> value, kept by the last run
        self.memo_used: dict[str, dict[str, Any]] = {}  # what this run asked for
        self.memo_new = False
        # What this session compiled afresh, by the libraries' own cache keys: the libraries' caches hold ~500
        # patterns and drop some past that (a first run, which also validates the rules, compiles ~700).
        self.made: dict[str, dict[tuple[Any, ...], Any]] = {"regex": {}, "re": {}}
        self._rx = self._re = None
        if self.path is None:
            return
        try:
            data = marshal.loads(self.path.read_bytes())
            self.table = {lib: {(e[0], e[1]): e for e in data[lib]} for lib in ("regex", "re")}
            self.memos = {kind: dict(values) for kind, values in data.get("memo", {}).items()}
        except Exception:  # noqa: BLE001 - a missing, damaged or foreign cache only costs speed
            self.table, self.memos = {"regex": {}, "re": {}}, {}
        _ACTIVE.append(self)
        self._rx, self._re = _Recorder(_rx._regex), _Recorder(re._compiler._sre)
        self._rx_compile, self._re_compile = _rx._compile, re._compile
        _rx._regex, re._compiler._sre = self._rx, self._re
        _rx._compile, re._compile = self._regex_compile, self._stdlib_compile

    def _regex_compile(self, pattern: Any, flags: int, ignore_unused: bool, kwargs: Any, cache_it: bool) -> Any:
        entry = self.table["regex"].pop((pattern, flags), None) if type(pattern) is str and not kwargs else None
        if entry is not None and entry[2] == _rx.DEFAULT_VERSION:
            key = (pattern, str, flags, frozenset(), entry[2], None)
            if key not in _rx._cache and not _rx._locale_sensitive.get((str, pattern), False):
                _rx._cache[key] = self._rx._real.compile(*entry[3])
                _rx._named_args[(pattern, str, flags)] = frozenset()
                _rx._locale_sensitive[(str, pattern)] = False
            self.used["regex"].append(entry)
        p = self._rx_compile(pattern, flags, ignore_unused, kwargs, cache_it)
        made = self._rx.args.get(id(p)) if self._rx is not None else None
        # (The library's record of a pattern's locale use may be gone already: it is rebuilt when the cache shrinks.)
        if made is not None and made[0] is p and cache_it and type(pattern) is str and not kwargs \
                and not p.flags & _rx.LOCALE and not _rx._locale_sensitive.get((str, pattern), False):
            self.made["regex"][(pattern, flags)] = (pattern, flags, _rx.DEFAULT_VERSION, made[1])
        return p

    def _stdlib_compile(self, pattern: Any, flags: int) -> Any:
        key = (pattern, int(flags)) if type(pattern) is str and isinstance(flags, int) else None
        entry = self.table["re"].pop(key, None) if key else None
        if entry is not None:
            re._cache.setdefault((str, pattern, int(flags)), self._re._real.compile(*entry[2]))
            self.used["re"].append(entry)
        p = self._re_compile(pattern, flags)
        made = self._re.args.get(id(p)) if self._re is not None else None
        if key and made is not None and made[0] is p:
            self.made["re"][key] = (pattern, int(flags), made[1])
        return p

    def finish(self) -> None:
        """Stop serving and recording; keep what this process used and compiled for the next one."""
        if self._rx is None or self._re is None or self.path is None:
            return
        _ACTIVE.remove(self)
        _rx._regex, re._compiler._sre = self._rx._real, self._re._real
        _rx._compile, re._compile = self._rx_compile, self._re_compile
        new_rx = [_plain(e) for e in self.made["regex"].values()]
        new_re = [_plain(e) for e in self.made["re"].values()]
        self._rx = self._re = None
        if not new_rx and not new_re and not self.memo_new:
            return  # the file holds all this run needed
        # What this run used, then what it did not (in the order the last file kept it), up to KEEP.
        memo = {kind: dict([*self.memo_used.get(kind, {}).items(), *self.memos.get(kind, {}).items()][:KEEP])
                for kind in {*self.memo_used, *self.memos}}
        keep(self.path, {"regex": (self.used["regex"] + new_rx + list(self.table["regex"].values()))[:KEEP],
                         "re": (self.used["re"] + new_re + list(self.table["re"].values()))[:KEEP], "memo": memo})


def _plain(x: Any) -> Any:
    """The value with flag enums as plain ints, which marshal can store."""
    if isinstance(x, bool) or x is None or isinstance(x, str | bytes | float):
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, tuple | list):
        return type(x)(_plain(v) for v in x)
    if isinstance(x, dict):
        return {_plain(k): _plain(v) for k, v in x.items()}
    return x
