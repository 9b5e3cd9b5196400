"""extract check: a run against the golden files, and --update to propose new ones.

The seeds' goldens (tests/golden/<doc_id>/) are found automatically: one test
per golden document runs against a pipeline run of the seeds. The command's
behaviour (exact diff, --update, missing files and documents) is tested on
hand-made runs, so it does not move when the extractors do.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import golden
from fixtures.runs import PAGE, make_run

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
GOLDEN_DOCS = golden.golden_docs(golden.GOLDEN)
needs_pipeline = pytest.mark.skipif(importlib.util.find_spec("extract.figures") is None,
                                    reason="extract.figures is not written yet")


def cli(*args: str | Path) -> tuple[int, str]:
    from extract.cli import main

    r = CliRunner().invoke(main, [str(a) for a in args])
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.output


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pipeline over the golden documents' pages, once for this module."""
    out = tmp_path_factory.mktemp("seeds") / "output"
    pages = [next(RAW.glob(f"{d}.*")) for d in GOLDEN_DOCS]
    code, output = cli("run", *pages, "--out", out, "--jobs", "1", "--no-progress")
    assert code == 0, output
    return out


@needs_pipeline
@pytest.mark.parametrize("doc_id", GOLDEN_DOCS)
def test_seed_matches_golden(doc_id: str, seeds_run: Path) -> None:
    differences = golden.compare(seeds_run, golden.GOLDEN, docs=[doc_id])
    assert not differences, golden.format_diff(differences, golden.GOLDEN, seeds_run)


@needs_pipeline
def test_check_command_passes_on_seeds(seeds_run: Path) -> None:
    code, output = cli("check", seeds_run)
    assert code == 0, output
    assert output.startswith(f"golden: {len(GOLDEN_DOCS)} documents, ")
    assert output.endswith(" equal (" + str(golden.GOLDEN) + ")\n")


@needs_pipeline
def test_check_on_seeds_shows_a_changed_value(seeds_run: Path, tmp_path: Path) -> None:
    g = tmp_path / "golden"
    shutil.copytree(golden.GOLDEN, g)
    path, field = next((p, f) for d in GOLDEN_DOCS for p, f in ((g / d / "figures.csv", "value"),
                                                                 (g / d / "authorities.csv", "gss_code"))
                       if p.is_file() and len(p.read_text(encoding="utf-8").splitlines()) > 1)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    original = golden.csv_lines(header, rows)[1]
    rows[0][field] = "E99999999" if field == "gss_code" else "999999"
    edited = golden.csv_lines(header, rows)[1]
    path.write_text("\n".join(golden.csv_lines(header, rows)) + "\n", encoding="utf-8")
    code, output = cli("check", seeds_run, "--golden", g)
    assert code == 1
    assert f"\n-{edited}\n+{original}\n" in output
    assert f"# {path.parent.name} {path.name}: 1 changed\n" in output
    assert f": {field}: {rows[0][field]!r} -> " in output
    assert output.endswith(f"golden: 1 of {sum(1 for _ in g.glob('*/*.csv'))} files differ in 1 of {len(GOLDEN_DOCS)} documents ({g})\n")


# --- the command on hand-made runs ------------------------------------------------------------------------------


@pytest.fixture
def run_and_golden(tmp_path: Path) -> tuple[Path, Path]:
    run = make_run(tmp_path / "run", {"p1": PAGE, "p2": "Leeds had 5 visits."})
    g = tmp_path / "golden"
    code, output = cli("check", run, "--golden", g, "--update", "--doc", "p1")
    assert code == 0, output
    return run, g


def test_update_with_doc_writes_all_files_and_prints_them(run_and_golden: tuple[Path, Path], tmp_path: Path) -> None:
    run, g = run_and_golden
    assert sorted(p.name for p in (g / "p1").iterdir()) == ["authorities.csv", "checks.csv", "figures.csv"]
    assert (g / "p1" / "figures.csv").read_text(encoding="utf-8") == "".join(
        line + "\n" for line in golden.Run(run).lines("p1", "figures"))
    code, output = cli("check", run, "--golden", g, "--update", "--doc", "p2")
    assert code == 0
    assert output.startswith(f"--- {g}/p2/figures.csv\n+++ {run}/figures.csv [doc_id=p2]\n@@ -0,0 +1,2 @@\n+doc_id,")
    assert "\n+p2,f0001,count,5,0,,,visits,,,5,Leeds had 5 visits.,10,11,10,11,toy.number\n" in output
    assert output.endswith(f"golden: updated {g}\n")


def test_check_passes(run_and_golden: tuple[Path, Path]) -> None:
    run, g = run_and_golden
    assert cli("check", run, "--golden", g) == (0, f"golden: 1 document, 3 files equal ({g})\n")


def test_check_fails_with_an_exact_diff(run_and_golden: tuple[Path, Path]) -> None:
    run, g = run_and_golden
    path = g / "p1" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("p1,f0002,count,44,", "p1,f0002,count,45,"),
                    encoding="utf-8")
    code, output = cli("check", run, "--golden", g)
    assert code == 1
    assert output == f"""\
--- {g}/p1/figures.csv
+++ {run}/figures.csv [doc_id=p1]
@@ -2,3 +2,3 @@
 p1,f0001,count,2007,0,,,we,,,2007,In 2007 we published 44 joint area reviews of local authority areas.,114,118,114,118,toy.number
-p1,f0002,count,45,0,,,joint,,,44,In 2007 we published 44 joint area reviews of local authority areas.,132,134,132,134,toy.number
+p1,f0002,count,44,0,,,joint,,,44,In 2007 we published 44 joint area reviews of local authority areas.,132,134,132,134,toy.number
 p1,f0003,count,137,0,,,annual,,,137,We also carried out 137 annual performance assessments.,200,203,200,203,toy.number
# p1 figures.csv: 1 changed
#   ~ figure count "44" [joint]: value: '45' -> '44'
golden: 1 of 3 files differ in 1 of 1 document ({g})
"""
    # --update writes the run's rows back and prints the same diff; then the check passes
    code, applied = cli("check", run, "--golden", g, "--update")
    assert code == 0
    assert applied == output.replace(f"golden: 1 of 3 files differ in 1 of 1 document ({g})", f"golden: updated {g}")
    assert cli("check", run, "--golden", g)[0] == 0
    assert cli("check", run, "--golden", g, "--update") == (0, "golden: up to date, nothing written\n")


def test_update_without_doc_keeps_the_set_of_files(run_and_golden: tuple[Path, Path]) -> None:
    run, g = run_and_golden
    (g / "p1" / "checks.csv").unlink()  # a golden file that is absent is not compared, nor created
    assert cli("check", run, "--golden", g) == (0, f"golden: 1 document, 2 files equal ({g})\n")
    (g / "p1" / "figures.csv").write_text("doc_id\n", encoding="utf-8")
    assert cli("check", run, "--golden", g, "--update")[0] == 0
    assert sorted(p.name for p in (g / "p1").iterdir()) == ["authorities.csv", "figures.csv"]
    assert cli("check", run, "--golden", g)[0] == 0


def test_golden_doc_missing_from_run(run_and_golden: tuple[Path, Path]) -> None:
    run, g = run_and_golden
    (g / "p9").mkdir()
    (g / "p9" / "figures.csv").write_text("doc_id\n", encoding="utf-8")
    code, output = cli("check", run, "--golden", g)
    assert code == 1
    assert output.startswith(f"!!! document p9 is not in the run ({run})\n")
    assert output.endswith(f"golden: 0 of 4 files differ in 1 of 2 documents ({g})\n")


def test_empty_golden_folder_and_unknown_doc(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"p1": PAGE})
    (tmp_path / "golden").mkdir()
    assert cli("check", run, "--golden", tmp_path / "golden")[0] == 1
    code, output = cli("check", run, "--golden", tmp_path / "golden", "--update", "--doc", "nope")
    assert code == 2 and "not in the run" in output


def test_help() -> None:
    code, output = cli("check", "--help")
    assert code == 0 and "Compare a run with the golden files" in output


# --- check --update replaces the goldens as one set (issue 10) ---------------------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _golden_pair(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A golden folder whose every file differs from the committed run's rows; its old and new contents."""
    gold = tmp_path / "golden"
    shutil.copytree(golden.GOLDEN, gold)
    for p in gold.rglob("*.csv"):
        p.write_text(p.read_text(encoding="utf-8") + "stale,row\n", encoding="utf-8")
    old = _tree(gold)
    probe = tmp_path / "probe"
    shutil.copytree(gold, probe)
    golden.update(ROOT / "output", probe)
    return gold, old, _tree(probe)


def test_update_killed_between_the_renames_is_finished_by_the_next_reader(tmp_path, monkeypatch):
    gold, old, new = _golden_pair(tmp_path)
    real_rename = Path.rename

    def die_on_second(self, target):
        if self.name.startswith(".golden-new-"):
            raise KeyboardInterrupt  # the process dies after moving the old folder aside
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", die_on_second)
    with pytest.raises(KeyboardInterrupt):
        golden.update(ROOT / "output", gold)
    monkeypatch.setattr(Path, "rename", real_rename)
    assert not gold.exists()
    assert golden.golden_docs(gold)  # a reader finishes the swap
    assert _tree(gold) == new
    assert not list(tmp_path.glob(".golden-*"))


def test_update_killed_while_writing_leaves_the_old_set(tmp_path, monkeypatch):
    gold, old, new = _golden_pair(tmp_path)
    monkeypatch.setattr(golden.os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        golden.update(ROOT / "output", gold)
    assert _tree(gold) == old
    golden.compare(ROOT / "output", gold)
    assert not list(tmp_path.glob(".golden-*"))


@pytest.mark.slow
def test_sigkill_during_update_leaves_all_old_or_all_new(tmp_path):
    gold, old, new = _golden_pair(tmp_path)
    code = "import sys; from extract.cli import main; sys.exit(main())"
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0):
        shutil.rmtree(gold)
        for rel, data in old.items():
            (gold / rel).parent.mkdir(parents=True, exist_ok=True)
            (gold / rel).write_bytes(data)
        proc = subprocess.Popen([sys.executable, "-c", code, "check", str(ROOT / "output"), "--golden", str(gold),
                                 "--update"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        golden.recover(gold)
        state = _tree(gold)
        assert state in (old, new), delay
