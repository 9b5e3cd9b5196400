"""Compiled patterns kept across processes: restored without the Python-level
compiler, identical in behaviour, and never a reason for a run to fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import regex
import regex._main

from extract import compiled

ROOT = Path(__file__).resolve().parents[1]
PATTERN = r"(?i)\b(?P<n>\d[\d,]*)\s+(?:councils?|authorit(?:y|ies))\b"
TEXT = "Ofsted judged 12 Councils good and 1,040 authorities in all."


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EXTRACT_CACHE", str(tmp_path))
    regex.purge()
    re.purge()
    yield tmp_path
    regex.purge()
    re.purge()


def _compiler_runs(monkeypatch) -> list[str]:
    """What the libraries' Python-level compilers are asked to compile from here on (they still compile it)."""
    runs: list[str] = []

    def spy(real):
        def compile_noted(*args, **kwargs):
            runs.append(str(args[0]))
            return real(*args, **kwargs)

        return compile_noted

    for module, name in ((regex._main, "_parse_pattern"), (re._parser, "parse")):
        monkeypatch.setattr(module, name, spy(getattr(module, name)))
    return runs


def test_a_kept_pattern_is_restored_without_compiling_and_matches_the_same(cache, monkeypatch):
    s = compiled.Session()
    fresh = regex.compile(PATTERN, regex.V1)
    std = re.compile(PATTERN)
    s.finish()
    assert compiled.cache_file().is_file()
    regex.purge()
    re.purge()
    s = compiled.Session()
    runs = _compiler_runs(monkeypatch)
    kept, kept_std = regex.compile(PATTERN, regex.V1), re.compile(PATTERN)
    s.finish()
    assert runs == []
    assert [m.groupdict() for m in kept.finditer(TEXT)] == [m.groupdict() for m in fresh.finditer(TEXT)]
    assert [m.span() for m in kept_std.finditer(TEXT)] == [m.span() for m in std.finditer(TEXT)] == [(14, 25), (35, 52)]


def test_every_pattern_a_session_compiles_is_kept_past_the_librarys_own_cache(cache, monkeypatch):
    # A first run compiles more patterns than `regex` (500) keeps in its cache: those it dropped were compiled
    # again by the second run.
    monkeypatch.setattr(regex._main, "_MAXCACHE", 10)
    monkeypatch.setattr(re, "_MAXCACHE", 10)
    patterns = [rf"(?i)\bcouncil{i}s?\b" for i in range(40)]
    s = compiled.Session()
    for p in patterns:
        regex.compile(p, regex.V1)
        re.compile(p)
    s.finish()
    regex.purge()
    re.purge()
    s = compiled.Session()
    runs = _compiler_runs(monkeypatch)
    for i, p in enumerate(patterns):
        assert regex.compile(p, regex.V1).search(f"the Council{i}s").span() == (4, 12 + len(str(i)))
        assert re.compile(p).search(f"the Council{i}s").span() == (4, 12 + len(str(i)))
    s.finish()
    assert runs == []


def test_two_rule_sets_run_in_turn_are_both_kept_up_to_a_bound(cache, monkeypatch):
    # A rule change and the rules before it (or two checkouts), run in turn: each run's patterns are kept past the
    # other's run, so neither compiles again; past KEEP entries, what no recent run used goes first.
    one, two = [rf"\bone{i}\b" for i in range(3)], [rf"\btwo{i}\b" for i in range(3)]

    def run(patterns: list[str]) -> list[str]:
        regex.purge()
        s = compiled.Session()
        runs = _compiler_runs(monkeypatch)
        for p in patterns:
            regex.compile(p)
        s.finish()
        monkeypatch.undo()
        monkeypatch.setenv("EXTRACT_CACHE", str(cache))
        return runs

    assert run(one) and run(two)  # each compiled once
    assert run(one) == [] and run(two) == []
    monkeypatch.setattr(compiled, "KEEP", 4)
    assert run([r"\bthree\b"])  # a third set: one new entry, three of the last run's, none of the oldest's
    monkeypatch.setattr(compiled, "KEEP", 4)
    assert run(two) == [] and len(run(one)) == 3


def test_a_damaged_cache_only_costs_speed(cache):
    compiled.cache_file().write_bytes(b"\x00not marshal")
    s = compiled.Session()
    assert regex.compile(PATTERN, regex.V1).search(TEXT).group("n") == "12"
    s.finish()
    s = compiled.Session()  # the file was rewritten with what that run compiled
    assert s.table["regex"]
    s.finish()


def test_cache_off_with_an_empty_setting(monkeypatch):
    monkeypatch.setenv("EXTRACT_CACHE", "")
    assert compiled.cache_file() is None
    s = compiled.Session()
    s.finish()


def test_a_run_with_the_cache_writes_the_same_bytes_as_one_without(tmp_path):
    code = "import sys; from extract.cli import main; sys.exit(main())"
    outs = {}
    for name, setting in [("off", ""), ("first", str(tmp_path / "c")), ("kept", str(tmp_path / "c"))]:
        out = tmp_path / name
        res = subprocess.run([sys.executable, "-c", code, "run", str(ROOT / "raw"), "--out", str(out), "--jobs", "1",
                              "--no-progress"], capture_output=True, text=True, env={**os.environ, "EXTRACT_CACHE": setting})
        assert res.returncode == 0, res.stderr
        outs[name] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert list((tmp_path / "c").iterdir())
    assert outs["off"] == outs["first"] == outs["kept"]




def test_a_run_that_fails_before_warming_leaves_the_libraries_as_they_were(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    compile_rx, compile_re = regex._main._compile, re._compile
    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["run", str(ROOT / "raw" / "d01.txt"), "--out", str(tmp_path / "file" / "out")])
    assert res.exit_code == 2
    assert regex._main._compile is compile_rx and re._compile is compile_re


def test_a_memo_is_kept_for_the_next_session_and_computed_without_one(cache):
    calls = []

    def compute():
        calls.append(1)
        return {"of", "out"}

    assert compiled.memo("kind", "key", compute) == {"of", "out"} and calls == [1]  # no session: computed
    s = compiled.Session()
    assert compiled.memo("kind", "key", compute) == {"of", "out"} and calls == [1, 1]
    assert compiled.memo("kind", "key", compute) == {"of", "out"} and calls == [1, 1]  # once per session
    s.finish()
    s = compiled.Session()
    assert compiled.memo("kind", "key", compute) == {"of", "out"} and calls == [1, 1]  # kept: not computed again
    s.finish()
    compiled.cache_file().write_bytes(b"\x00not marshal")
    s = compiled.Session()
    assert compiled.memo("kind", "key", compute) == {"of", "out"} and calls == [1, 1, 1]
    s.finish()


def test_prefilter_starts_are_the_same_kept_or_computed(cache):
    from extract import prefilter

    patterns = [r"(?i)\b(?:out\s+of|of\s+the)\b", r"\d+\s*%", r"(?<name>councils?)"]
    fresh = [prefilter._find_starts(p) for p in patterns]
    for _ in range(2):
        s = compiled.Session()
        assert [prefilter.starts(p) for p in patterns] == fresh
        s.finish()
    assert fresh == [{"\x00out", "\x00of"}, None, {"coun"}]  # None (unknown) is kept as None, not as "no start"
