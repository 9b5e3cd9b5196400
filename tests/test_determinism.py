"""The same input gives byte-identical output, whatever the number of worker
processes and however often it is run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from extract.cli import main

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "raw", ROOT / "tests" / "hostile"]


def run(out: Path, jobs: int) -> dict[str, bytes]:
    args = ["run", *map(str, INPUTS), "--out", str(out), "--jobs", str(jobs), "--no-progress"]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 1, res.output  # tests/hostile holds files that must fail
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.relative_to(out).parts[0] != ".cache"}  # the cache is not output
    assert "documents.csv" in files and "checks.csv" in files and "clean/002_7b131e19ac9504d4.txt" in files
    return files


def test_jobs_1_and_jobs_2_write_identical_bytes(tmp_path):
    one = run(tmp_path / "one", 1)
    two = run(tmp_path / "two", 2)
    assert sorted(one) == sorted(two)
    different = [name for name in one if one[name] != two[name]]
    assert not different


def test_two_runs_write_identical_bytes(tmp_path):
    first = run(tmp_path / "out", 2)
    second = run(tmp_path / "out", 2)  # over the first run's output, as a user would
    assert first == second
