"""Rule loading: the version each rule file carries changes with its content."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import regex

from extract import rules

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "tests" / "rule_versions.json"


def test_a_rule_file_s_version_changes_with_its_content():
    """tests/rule_versions.json records the content hash of every version of
    every rule file. Changing a file without raising its `version` fails here:
    raise it and record the new hash (the manifest of a run names the version,
    so two different rule sets must never share one)."""
    history = json.loads(HISTORY.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        data = path.read_bytes()
        version = re.search(rb"^version:\s*(\d+)", data, re.M).group(1).decode()
        recorded = history.get(path.name, {})
        sha = hashlib.sha256(data).hexdigest()
        assert version in recorded, f"{path.name}: version {version} is not in {HISTORY.name}: add \"{version}\": \"{sha}\""
        assert recorded[version] == sha, (f"{path.name} changed but its version is still {version}: raise `version` "
                                          f"and record the new sha256 {sha} in {HISTORY.name}")
        assert len(set(recorded.values())) == len(recorded), f"{path.name}: two versions with the same content"


def test_patterns_matched_at_positions_match_as_written():
    p = rules.compile_pattern(r"(?i)\s*of\s+(?P<x>the)", match_at=True)
    assert p.match("  OF the") and p.match("  OF the")["x"] == "the"
    assert p.match("x of the") is None
    assert regex.compile(p.pattern).groupindex == {"x": 1}


# --- validated rules kept across runs (issue 11: pydantic only when a rule file changed) -------------------------
def _copy_rules(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    for p in rules.BUNDLED.iterdir():
        if p.is_file():
            (d / p.name).write_bytes(p.read_bytes())
    return d


def test_a_folder_found_sound_is_not_validated_again_until_a_file_changes(tmp_path, monkeypatch):
    from extract import schema

    monkeypatch.setenv("EXTRACT_CACHE", str(tmp_path / "cache"))
    d = _copy_rules(tmp_path)
    assert rules.check_dir(d, cached=True) == []
    fresh = {name: rules._load(name, d, trust_cache=False).data for name in schema.MODELS}

    def no_validation(*args, **kwargs):
        raise AssertionError("validated again")

    with monkeypatch.context() as m:
        m.setattr(schema, "problems", no_validation)
        m.setattr(schema, "register_problems", no_validation)
        assert rules.check_dir(d, cached=True) == []
        assert {name: rules._load(name, d, trust_cache=True).data for name in schema.MODELS} == fresh
    # A changed file misses the cache: its mistake is found, with its line, exactly as without a cache.
    text = (d / "clean.yaml").read_text(encoding="utf-8")
    (d / "clean.yaml").write_text(text.replace("action: drop_line", "action: drop_lines", 1), encoding="utf-8")
    broken = rules.check_dir(d, cached=True)
    assert broken and "clean.yaml" in str(broken[0]) and "drop_lines" in str(broken[0])
    monkeypatch.setenv("EXTRACT_CACHE", "")
    assert [str(e) for e in rules.check_dir(d)] == [str(e) for e in broken]


def test_rules_check_validates_even_a_folder_found_sound(tmp_path, monkeypatch):
    from extract import schema

    monkeypatch.setenv("EXTRACT_CACHE", str(tmp_path / "cache"))
    d = _copy_rules(tmp_path)
    assert rules.check_dir(d, cached=True) == []
    calls = []
    real = schema.problems
    monkeypatch.setattr(schema, "problems", lambda *a: calls.append(a[0]) or real(*a))
    assert rules.check_dir(d) == []
    assert sorted(calls) == sorted(schema.MODELS)


def test_a_run_with_its_rules_kept_imports_neither_pydantic_nor_yaml(tmp_path):
    page = tmp_path / "tiny.txt"
    page.write_text("Ofsted judged 3 of the 10 councils outstanding.\n", encoding="utf-8")
    code = ("import sys\nfrom extract.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "print('pydantic' in sys.modules, 'yaml' in sys.modules, code)\n")
    env = {**os.environ, "EXTRACT_CACHE": str(tmp_path / "cache")}
    seen = []
    for _ in range(2):
        res = subprocess.run([sys.executable, "-c", code, "run", str(page), "--out", str(tmp_path / "out"), "--jobs", "1",
                              "--no-progress", "--no-cache"], capture_output=True, text=True, env=env)
        seen.append(res.stdout.split("\n")[-2])
    assert seen == ["True True 0", "False False 0"]  # the first run validates (and keeps) the rules; the second trusts them


def test_a_key_given_twice_in_a_rule_file_is_an_error(tmp_path, monkeypatch):
    # YAML would let the second silently replace the first, and a pattern would vanish from the rules unseen.
    monkeypatch.setenv("EXTRACT_CACHE", str(tmp_path / "cache"))
    d = _copy_rules(tmp_path)
    f = d / "figures.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("\nrestated_pattern:", "\nrestated_pattern: 'x'\nrestated_pattern:", 1), encoding="utf-8")
    errors = rules.check_dir(d)
    assert [e.path.name for e in errors] == ["figures.yaml"]
    assert "duplicate key 'restated_pattern'" in str(errors[0])
