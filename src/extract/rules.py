"""Rules are data: YAML files under rules/, loaded and validated here.

Every rule file has a top-level `version` (an integer, written into the run's
manifest so a diff can say which rules produced which rows) and its rules carry
an `id` that travels into output rows. A malformed file raises `RuleError`
naming the file and line, so a rule author sees every mistake at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from . import compiled

BUNDLED = Path(__file__).resolve().parents[2] / "rules"


class RuleError(ValueError):
    """Every problem found in one rule file, each with its line."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path.name}:{line}: {msg}" for line, msg in problems)
        super().__init__(f"invalid rule file {path}:\n{lines}")


@lru_cache(maxsize=1)
def _line_loader() -> type:
    """SafeLoader that records the line of every mapping under `__line__` and refuses a key given twice (PyYAML is
    imported here: a run whose rule files are kept validated never parses YAML)."""
    import yaml

    class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: ~10x faster start-up (issue 11)
        pass

    def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:  # YAML lets a later key silently replace an earlier one: a rule would vanish
            key = loader.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return _LineLoader


def rules_dir(override: Path | None = None) -> Path:
    return Path(override) if override else BUNDLED


@dataclass(frozen=True)
class RuleFile:
    """A loaded rule file: its data (with `__line__` marks), version and hash."""

    path: Path
    version: int
    sha256: str
    data: dict[str, Any]


@lru_cache(maxsize=64)
def load(name: str, directory: Path | None = None) -> RuleFile:
    """Load rules/<name>.yaml and validate it against its schema (schema.py:
    keys, types, enums, regexes, dates); every rule in a list named `rules`
    must carry a unique `id`.

    A file validated before (the same bytes, the same validating code) is
    taken from the cache (compiled.py's folder) without parsing or validating
    it again: pydantic and the schemas cost a third of a tiny run (issue 11)."""
    return _load(name, directory, trust_cache=True)


def _validated_key(name: str, raw: bytes) -> Path | None:
    """Where the validated data of rule file `name` with bytes `raw` is kept (None: no cache)."""
    base = compiled.cache_dir()
    if base is None:
        return None
    h = hashlib.sha256(f"{name}\0".encode())
    h.update(raw)
    h.update(_CODE)
    return base / "rules" / f"{name}-{h.hexdigest()[:32]}.marshal"


# The code that reads and validates rule files (this module, the schemas, the YAML parser's version, read
# from its source without importing it): a change to it invalidates every kept file.
_CODE = b"".join(Path(__file__).with_name(f).read_bytes() for f in ("rules.py", "schema.py")) + \
    Path(importlib.util.find_spec("yaml").origin or "").read_bytes()


def _load(name: str, directory: Path | None, trust_cache: bool) -> RuleFile:
    path = rules_dir(directory) / f"{name}.yaml"
    raw = path.read_bytes()
    kept_at = _validated_key(name, raw)
    if trust_cache and kept_at is not None:
        entry = compiled.kept(kept_at)
        if isinstance(entry, dict) and isinstance(entry.get("version"), int):
            return RuleFile(path, entry["version"], hashlib.sha256(raw).hexdigest(), entry)
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_line_loader())  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(path, [((mark.line + 1) if mark else 0, str(exc))]) from exc
    problems: list[tuple[int, str]] = []
    if not isinstance(data, dict):
        raise RuleError(path, [(1, "top level must be a mapping")])
    version = data.get("version")
    if not isinstance(version, int):
        problems.append((data.get("__line__", 1), "missing integer `version`"))
    _check(data, problems, seen_ids=set())
    from . import schema  # here, not above: pydantic is only needed when a file is validated

    problems += [p for p in schema.problems(name, raw.decode("utf-8"), strip_lines(data)) if p not in problems]
    if problems:
        raise RuleError(path, problems)
    if kept_at is not None:
        _keep(kept_at, data)
    return RuleFile(path, int(version), hashlib.sha256(raw).hexdigest(), data)


def _check(node: Any, problems: list[tuple[int, str]], seen_ids: set[str], key: str = "") -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k == "__line__":
                continue
            _check(v, problems, seen_ids, str(k))
    elif isinstance(node, list):
        for item in node:
            if key == "rules" and isinstance(item, Mapping):
                rid = item.get("id")
                if not rid:
                    problems.append((item.get("__line__", 0), "rule without `id`"))
                elif rid in seen_ids:
                    problems.append((item.get("__line__", 0), f"duplicate rule id {rid!r}"))
                else:
                    seen_ids.add(rid)
            _check(item, problems, seen_ids, key)


def strip_lines(node: Any) -> Any:
    """The data without `__line__` marks, for code that only wants values."""
    if isinstance(node, Mapping):
        return {k: strip_lines(v) for k, v in node.items() if k != "__line__"}
    if isinstance(node, list):
        return [strip_lines(v) for v in node]
    return node


def require(rule: Mapping[str, Any], path: Path, keys: dict[str, type | tuple[type, ...]]) -> None:
    """Raise RuleError if `rule` lacks one of `keys` or has the wrong type."""
    problems = [
        (rule.get("__line__", 0), f"rule {rule.get('id', '?')!r}: `{k}` must be {t}")
        for k, t in keys.items()
        if not isinstance(rule.get(k), t)
    ]
    if problems:
        raise RuleError(path, problems)


_LEADING_FLAGS = regex.compile(r"^(?:\(\?[a-zA-Z]+\))*")


def compile_pattern(p: str, flags: int = 0, match_at: bool = False) -> regex.Pattern[str]:
    """Compile a rule's regex the one way the project does (V1 semantics).

    `match_at`: the pattern is only ever `match`ed at given positions. It is
    then compiled as `(?:p)|(?!)`: the same matches, but `regex` finds no
    string every match must contain, so it does not search the rest of the
    page for one before each `match` (a page of numbers with no "of" in it made
    every `of_pattern` match scan to the end: quadratic). Patterns that are
    searched keep that fast path, and their first-character skip."""
    if not match_at:
        return regex.compile(p, flags | regex.V1)
    lead = _LEADING_FLAGS.match(p).group(0)
    return regex.compile(f"{lead}(?:{p[len(lead):]}){NO_REQUIRED_STRING}", flags | regex.V1)


NO_REQUIRED_STRING = "|(?!)"
# Seconds one call of a user-written rule regex may run on one line: a C call
# does not see the --doc-timeout signal, `regex`'s own timeout stops it.
MATCH_TIMEOUT = 5.0  # an alternative that never matches: see compile_pattern


def check_dir(directory: Path | None = None, cached: bool = False) -> list[RuleError]:
    """Every rule file of a rules folder validated (each YAML file against its
    schema, the register's dates): [] when all are sound. Run before any page
    is read, so a broken rule stops the run at once. `cached`: a folder found
    sound before (the same files, bytes and validating code) is not validated
    again (`extract run`); `extract rules check` always validates."""
    d = rules_dir(directory)
    sound = _sound_key(d) if cached else None
    if sound is not None and compiled.kept(sound) is True:
        return []
    from . import schema  # here, not above: pydantic is only needed when a file is validated

    errors = []
    names = sorted({p.stem for p in d.glob("*.yaml")} | set(schema.MODELS))
    for name in names:
        path = d / f"{name}.yaml"
        if not path.is_file():
            errors.append(RuleError(path, [(0, "missing rule file")]))
            continue
        try:
            _load(name, directory, trust_cache=False)
        except RuleError as exc:
            errors.append(exc)
        except UnicodeDecodeError as exc:
            errors.append(RuleError(path, [(0, f"not UTF-8: {exc.reason}")]))
    register = d / "authorities.csv"
    if register.is_file():
        found = schema.register_problems(register)
        if found:
            errors.append(RuleError(register, found))
    if not errors and cached and (sound := _sound_key(d)) is not None:
        _keep(sound, True)
    return errors


_KEPT_VERSIONS = 8  # entries kept per rule file (and of sound folders): a few checkouts or --rules folders


def _keep(path: Path, value: Any) -> None:
    """Keep a validated entry; drop the oldest of its kind beyond the last few (edited rules leave old ones)."""
    compiled.keep(path, value)
    kind = path.name.rsplit("-", 1)[0]
    try:
        entries = sorted(path.parent.glob(f"{kind}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[_KEPT_VERSIONS:]:
            old.unlink()
    except OSError:
        pass  # another run pruned it first: only tidiness is lost


def _sound_key(d: Path) -> Path | None:
    """Where the mark "this folder was valid" is kept: keyed by its rule files' names and bytes and the code."""
    base = compiled.cache_dir()
    if base is None:
        return None
    h = hashlib.sha256(_CODE)
    for path in sorted([*d.glob("*.yaml"), d / "authorities.csv"]):
        if path.is_file():
            h.update(f"\0{path.name}\0".encode())
            h.update(path.read_bytes())
    return base / "rules" / f"sound-{h.hexdigest()[:32]}.marshal"


def manifest(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """Version and hash of every rule file, for output/manifest.json."""
    out: dict[str, dict[str, Any]] = {}
    d = rules_dir(directory)
    for path in sorted(d.glob("*.yaml")):
        rf = load(path.stem, directory)
        out[path.name] = {"version": rf.version, "sha256": rf.sha256}
    for path in sorted(d.glob("*.csv")):
        out[path.name] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return out

