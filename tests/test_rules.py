"""Rule loading: the version each rule file carries changes with its content."""

from __future__ import annotations

import hashlib
import json
import re
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
