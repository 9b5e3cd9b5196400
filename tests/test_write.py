"""The writer: formula neutralisation, and outputs that are replaced whole or
not at all (a run killed or interrupted leaves the previous output intact)."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract import write
from extract.model import Check, Document, Figure, Options, Result

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
HOSTILE = ROOT / "tests" / "hostile"
FORMULAS = ["=1+1", "+SUM(A1)", "-3", "@cmd", "\tTAB", "\rCR"]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (hidden staging folders left out)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def formula_result() -> tuple[Result, str]:
    clean = "=1+1 councils, +SUM(A1) and -3 or @cmd"
    start = 0
    fig = Figure("f", "F001", "count", "-3", 0, "", "", "=1+1 councils", "", "", clean[0:4], clean, 0, 4, 0, 4, "r")
    doc = Document("f", "f.txt", "txt", "", "=HYPERLINK(\"http://x\")", "", 1, 1, 1, 0, 1)
    check = Check("f", "C001", "check.parts-total", "info", "-3 is odd", "F001")
    del start
    return Result(doc, clean, [fig], [], [check]), clean


@pytest.mark.parametrize("value", FORMULAS)
def test_neutralise_prefixes_every_formula_start(value):
    assert write.neutralise(value) == "'" + value
    assert write.neutralise("12 councils") == "12 councils"
    assert write.neutralise(12) == 12


def test_default_output_neutralises_formulas_and_offsets_still_lead_to_the_text(tmp_path):
    result, clean = formula_result()
    with write.Writer(Options(out=tmp_path)) as w:
        w.add(result)
    [doc] = rows(tmp_path / "documents.csv")
    assert doc["title"] == "'=HYPERLINK(\"http://x\")"
    [fig] = rows(tmp_path / "figures.csv")
    assert fig["value"] == "'-3" and fig["measure"] == "'=1+1 councils" and fig["evidence"] == "'=1+1"
    [chk] = rows(tmp_path / "checks.csv")
    assert chk["message"] == "'-3 is odd"
    # The clean text is written as it is, and the offsets lead to the exact evidence:
    text = (tmp_path / "clean" / "f.txt").read_text(encoding="utf-8")
    assert text == clean
    evidence = fig["evidence"][1:] if fig["evidence"].startswith("'") else fig["evidence"]
    assert text[int(fig["start"]) : int(fig["end"])] == evidence


def test_raw_csv_keeps_cells_as_they_are(tmp_path):
    result, _ = formula_result()
    with write.Writer(Options(out=tmp_path, neutralise_formulas=False)) as w:
        w.add(result)
    [fig] = rows(tmp_path / "figures.csv")
    assert fig["value"] == "-3" and fig["evidence"] == "=1+1"


def test_cli_neutralises_a_page_that_starts_with_a_formula(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    for flag, title in [([], "'=HYPERLINK"), (["--raw-csv"], "=HYPERLINK")]:
        out = tmp_path / ("raw" if flag else "default")
        res = CliRunner().invoke(main, ["run", str(HOSTILE / "formulas.txt"), "--out", str(out), "--jobs", "1", *flag])
        assert res.exit_code == 0, res.output
        [doc] = rows(out / "documents.csv")
        assert doc["title"].startswith(title)


def test_exception_mid_batch_leaves_previous_output(tmp_path):
    result, _ = formula_result()
    with write.Writer(Options(out=tmp_path)) as w:
        w.add(result)
    before = snapshot(tmp_path)
    with pytest.raises(KeyboardInterrupt), write.Writer(Options(out=tmp_path)) as w:
        w.add(Result(Document("other", "other.txt")))
        raise KeyboardInterrupt
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".staging-*"))


def test_a_move_into_place_cut_short_is_finished_by_the_next_run(tmp_path, monkeypatch):
    first, _ = formula_result()
    with write.Writer(Options(out=tmp_path)) as w:
        w.add(first)
    second = Result(Document("g", "g.txt", status="ok"), "new text")
    real = os.replace
    calls = []

    def dies_after_two(a, b):
        calls.append(a)
        if len(calls) > 2:
            raise SystemExit("killed mid-swap")  # as if the process died here
        real(a, b)

    monkeypatch.setattr(write.os, "replace", dies_after_two)
    w = write.Writer(Options(out=tmp_path))
    w.add(second)
    with pytest.raises(SystemExit):
        w.commit()
    monkeypatch.setattr(write.os, "replace", real)
    [stage] = tmp_path.glob(".staging-*")
    assert (stage / "COMPLETE").exists()
    # A later run (a new process, so a stage named after a dead pid) finishes the move.
    dead = tmp_path / ".staging-999999999"
    stage.rename(dead)
    write.Writer(Options(out=tmp_path)).abort()
    assert not list(tmp_path.glob(".staging-*"))
    assert [r["doc_id"] for r in rows(tmp_path / "documents.csv")] == ["g"]
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == ["g.txt"]
    assert rows(tmp_path / "figures.csv") == []


def test_a_live_runs_staging_folder_is_left_alone(tmp_path):
    live = tmp_path / f".staging-{os.getppid()}"
    (live / "clean").mkdir(parents=True)
    write.Writer(Options(out=tmp_path)).abort()
    assert live.exists()


# --- killing a real run -----------------------------------------------------------


def _corpus(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pages = sorted(RAW.glob("*.txt"))
    for i in range(copies):
        for p in pages:
            shutil.copyfile(p, folder / f"c{i:04d}_{p.name}")
    return folder


def _run(inp: Path, out: Path, *extra: str) -> subprocess.Popen:
    code = "import sys; from extract.cli import main; sys.exit(main())"
    log = (out.parent / f"{out.name}.log").open("ab")  # outside --out, never inside it
    with log:
        return subprocess.Popen([sys.executable, "-c", code, "run", str(inp), "--out", str(out), "--no-progress",
                                 *extra], stdout=subprocess.DEVNULL, stderr=log)


def _log(out: Path) -> str:
    return (out.parent / f"{out.name}.log").read_text(errors="replace")[-2000:]


def _wait_for_rows(out: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Until the run has written some documents into its staging folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stage in out.glob(".staging-*"):
            docs = stage / "documents.csv"
            if docs.exists() and docs.stat().st_size > 2000:
                return
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be interrupted: {_log(out)}")
        time.sleep(0.05)
    pytest.fail("run never started writing")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_run_killed_mid_batch_leaves_previous_output_complete(tmp_path, sig):
    small = _corpus(tmp_path / "small", 1)
    big = _corpus(tmp_path / "big", 60)
    out = tmp_path / "out"
    first = _run(small, out, "--jobs", "1")
    assert first.wait(timeout=300) == 0, _log(out)
    before = snapshot(out)
    assert len(rows(out / "documents.csv")) == len(list(small.iterdir()))

    proc = _run(big, out, "--jobs", "2")
    _wait_for_rows(out, proc)
    proc.send_signal(sig)
    code = proc.wait(timeout=120)
    assert code != 0
    assert snapshot(out) == before  # the previous run, whole and unchanged
    if sig == signal.SIGINT:  # Ctrl-C: the run cleans up after itself
        assert not list(out.glob(".staging-*"))

    again = _run(small, out, "--jobs", "1")  # the next run clears what the killed one left
    assert again.wait(timeout=300) == 0, _log(out)
    assert not list(out.glob(".staging-*"))
    assert snapshot(out) == before
