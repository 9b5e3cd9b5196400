"""Every rule file is validated against its schema before any page is read:
a missing or misspelt key, an enum value out of its set, a bad regex or date
each stop the run with the file and line, exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from extract import rules, schema
from extract.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


@pytest.mark.parametrize("name", sorted(schema.MODELS))
def test_the_bundled_rule_files_fit_their_schema(name):
    text = (RULES / f"{name}.yaml").read_text(encoding="utf-8")
    assert schema.problems(name, text, yaml.safe_load(text)) == []


def _broken(tmp_path: Path, file: str, old: str, new: str, count: int = 1) -> Path:
    d = tmp_path / "rules"
    shutil.copytree(RULES, d)
    text = (d / file).read_text(encoding="utf-8")
    assert old in text, old
    (d / file).write_text(text.replace(old, new, count), encoding="utf-8")
    return d


def _line_of(d: Path, file: str, needle: str) -> int:
    return next(i for i, ln in enumerate((d / file).read_text(encoding="utf-8").split("\n"), 1) if needle in ln)


@pytest.mark.parametrize("file, old, new, needle, words", [
    ("clean.yaml", "    action: drop_rest", "    action: drop_res", "action: drop_res", "'drop_line', 'drop_block' or 'drop_rest'"),
    ("grammar.yaml", "source_pattern: '", "source_patern: '", "source_patern", "unknown key"),
    ("scales.yaml", "literal_scale: {scale: inspection, within: csa}", "literal_scale: {scale: inspection, within: cas}",
     "within: cas", "should be 'stars', 'apa-jar', 'csa', 'sg-lac' or 'sif-ilacs'"),
    ("checks.yaml", "    severity_far: error", "    severity_far: eror", "severity_far: eror", "'info', 'warning' or 'error'"),
    ("checks.yaml", "  row_max_chars:", "  row_max_char:", "row_max_char:", "unknown key"),
    ("clean.yaml", "year_pattern: '", "year_pattern: '(", "year_pattern:", "bad regex"),
    ("figures.yaml", "of_pattern: '(?i)", "of_pattern: '(?i)(", "of_pattern:", "bad regex"),
    ("scales.yaml", 'to: "2005-12-31"', 'to: "2005-13-45"', "2005-13-45", "is not a date"),
    ("numbers.yaml", "  hundred: 100", "  hundred: lots", "hundred: lots", "integer"),
])
def test_a_broken_rule_file_is_reported_with_file_and_line(tmp_path, file, old, new, needle, words):
    d = _broken(tmp_path, file, old, new)
    [err] = rules.check_dir(d)
    assert err.path.name == file
    line = _line_of(d, file, needle)
    assert any(ln == line and words in msg for ln, msg in err.problems), (line, err.problems)


def test_a_missing_key_names_the_mapping_it_is_missing_from(tmp_path):
    d = _broken(tmp_path, "checks.yaml", "  min: 140\n", "")
    [err] = rules.check_dir(d)
    line = next(i for i, ln in enumerate((d / "checks.yaml").read_text().split("\n"), 1) if ln == "population:")
    assert (line, "population.min: missing key") in err.problems


def test_word_lists_refuse_yaml_booleans(tmp_path):
    d = _broken(tmp_path, "clean.yaml", 'abbreviations: [e.g, i.e, etc, mr, mrs, ms, dr, st, "no",',
                "abbreviations: [e.g, i.e, etc, mr, mrs, ms, dr, st, no,")
    [err] = rules.check_dir(d)
    assert any("abbreviations.8" in msg and "string" in msg for _, msg in err.problems), err.problems


def test_an_invalid_register_date_is_refused(tmp_path):
    d = _broken(tmp_path, "authorities.csv", "Hartlepool,E06000001,805,unitary,North East,,",
                "Hartlepool,E06000001,805,unitary,North East,2019-13-45,")
    [err] = rules.check_dir(d)
    assert err.path.name == "authorities.csv"
    assert err.problems == [(2, "valid_from: '2019-13-45' is not a date (YYYY-MM-DD)")]


def test_rules_check_command(tmp_path):
    res = CliRunner().invoke(main, ["rules", "check"])
    assert res.exit_code == 0 and "is valid" in res.output
    d = _broken(tmp_path, "authorities.yaml", "  threshold: 88", "  threshold: 88\n  treshold: 80")
    res = CliRunner().invoke(main, ["rules", "check", str(d)])
    assert res.exit_code == 2
    assert f"authorities.yaml:{_line_of(d, 'authorities.yaml', 'treshold: 80')}: fuzzy.treshold: unknown key" in res.output


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_rule_stops_the_run_before_any_page_is_read(tmp_path, jobs):
    d = _broken(tmp_path, "clean.yaml", "  - id: ", "  - idd: ")  # a missing key: once a KeyError per page
    out = tmp_path / "o"
    code = "import sys; from extract.cli import main; sys.exit(main())"
    proc = subprocess.run([sys.executable, "-c", code, "run", str(ROOT / "raw"), "--rules", str(d), "--out", str(out),
                           "--jobs", jobs], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "clean.yaml:" in proc.stderr and "unknown key" in proc.stderr
    assert not out.exists()
