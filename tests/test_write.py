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


def staged(out: Path) -> list[Path]:
    """Staging folders (and previous runs moved aside) left beside `out`."""
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.mark.parametrize("held_bytes", [None, 0])
def test_exception_mid_batch_leaves_previous_output(tmp_path, monkeypatch, held_bytes):
    from extract import consolidate

    if held_bytes is not None:  # 0: the cross-page tables' rows go to bucket files as each document comes
        monkeypatch.setattr(consolidate, "HELD_BYTES", held_bytes)
    out = tmp_path / "out"
    result, _ = formula_result()
    with write.Writer(Options(out=out)) as w:
        w.add(result)
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt), write.Writer(Options(out=out)) as w:
        w.add(Result(Document("other", "other.txt")))
        w.add(formula_result()[0])
        assert bool([p for p in w.stage.rglob("*.csv") if p.parent.name.startswith(consolidate.WORK_PREFIX)]) is (
            held_bytes == 0)
        raise KeyboardInterrupt
    assert snapshot(out) == before
    assert not staged(out)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cross_page_tables_built_as_documents_come_are_the_finished_runs(tmp_path, monkeypatch, jobs):
    """A run feeds each document's rows to the cross-page tables as it writes them (here past a few bytes into
    bucket files, spread over many when grouped), so commit only groups them: the tables and documents.csv's
    duplicate_of are byte for byte those `consolidate.write` makes over the finished run, and so is the manifest."""
    from click.testing import CliRunner

    from extract import consolidate
    from extract.cli import main

    monkeypatch.setattr(consolidate, "HELD_BYTES", 10_000)
    monkeypatch.setattr(consolidate, "BUCKET_BYTES", 5_000)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(RAW), "--out", str(out), "--jobs", jobs, "--no-progress", "--no-cache"])
    assert res.exit_code == 0, res.output
    write.check_run(out)
    monkeypatch.undo()
    again = tmp_path / "again"
    shutil.copytree(out, again)
    for name in consolidate.OUTPUTS:
        (again / name).unlink()
    consolidate.write(again, dup={r["doc_id"]: r["duplicate_of"] for r in rows(out / "documents.csv") if r["duplicate_of"]})
    assert snapshot(again) == snapshot(out)


def test_a_run_replaces_the_previous_one_whole(tmp_path):
    out = tmp_path / "out"
    first, _ = formula_result()
    with write.Writer(Options(out=out)) as w:
        w.add(first)
    with write.Writer(Options(out=out)) as w:
        w.add(Result(Document("g", "g.txt"), "new text"))
    assert [r["doc_id"] for r in rows(out / "documents.csv")] == ["g"]
    assert sorted(p.name for p in (out / "clean").iterdir()) == ["g.txt"]
    assert rows(out / "figures.csv") == [] and not staged(out)
    write.check_run(out)


def test_a_swap_cut_short_is_undone_by_the_next_run(tmp_path, monkeypatch):
    """Where the filesystem cannot exchange two folders, the run is put in place by two renames; a
    process dying between them leaves the previous run aside, and the next run puts it back."""
    out = tmp_path / "out"
    first, _ = formula_result()
    with write.Writer(Options(out=out)) as w:
        w.add(first)
    before = snapshot(out)
    real = os.rename
    calls = []

    def dies_after_one(a, b):
        calls.append(a)
        if len(calls) > 1:
            raise SystemExit("killed mid-swap")  # as if the process died here
        real(a, b)

    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    monkeypatch.setattr(write.os, "rename", dies_after_one)
    w = write.Writer(Options(out=out))
    w.add(Result(Document("g", "g.txt"), "new text"))
    with pytest.raises(SystemExit):
        w.commit()
    monkeypatch.setattr(write.os, "rename", real)
    assert not out.exists()  # neither run is in place: never a mix of both
    for p in staged(out):  # as if left by a process that has died since
        p.rename(p.with_name(p.name.rsplit("-", 1)[0] + "-999999999"))
    write.Writer(Options(out=out)).abort()
    assert snapshot(out) == before and not staged(out)


def test_a_live_runs_staging_folder_is_left_alone(tmp_path):
    out = tmp_path / "out"
    live = tmp_path / f".out.staging-{os.getppid()}"
    (live / "clean").mkdir(parents=True)
    dead = tmp_path / ".out.staging-999999999"
    dead.mkdir()
    write.Writer(Options(out=out)).abort()
    assert live.exists() and not dead.exists()


def test_a_folder_holding_other_files_is_not_replaced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(write.WriteError, match="notes.txt"):
        write.Writer(Options(out=tmp_path))
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_readers_refuse_a_run_that_disagrees_with_its_manifest(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(RAW / "d01.txt"), str(RAW / "d02.txt"), "--out", str(out), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    write.check_run(out)
    other = tmp_path / "other"
    res = CliRunner().invoke(main, ["run", str(RAW / "d03.txt"), "--out", str(other), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    # a mix of two runs: figures.csv from the other one
    shutil.copyfile(other / "figures.csv", out / "figures.csv")
    for args in (["diff", str(other), str(out)], ["check", str(out)], ["score", str(out)],
                 ["review", str(out), "-o", str(tmp_path / "r.html")]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2, (args, res.output)
        assert "not one whole run: figures.csv differs from the manifest" in res.output
    assert not (tmp_path / "r.html").exists()
    # a clean text changed, removed or added
    shutil.copyfile(other / "figures.csv", out / "figures.csv")
    for change in ("edit", "remove", "add"):
        fresh = tmp_path / f"fresh-{change}"
        shutil.copytree(other, fresh)
        [text] = (fresh / "clean").iterdir()
        if change == "edit":
            text.write_text(text.read_text(encoding="utf-8") + " ", encoding="utf-8")
        elif change == "remove":
            text.unlink()
        else:
            (fresh / "clean" / "extra.txt").write_text("x", encoding="utf-8")
        with pytest.raises(write.RunError, match="clean/ differs"):
            write.check_run(fresh)


def _limited(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes (EFBIG, as a full disk gives ENOSPC)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_leaves_the_previous_run_and_one_clear_message(tmp_path, jobs):
    out = tmp_path / "out"
    code = "import sys; from extract.cli import main; sys.exit(main())"
    args = [sys.executable, "-c", code, "run", str(RAW), "--out", str(out), "--no-progress", "--jobs", jobs]
    small = subprocess.run([*args[:4], str(RAW / "d01.txt"), *args[5:]], capture_output=True, text=True)
    assert small.returncode == 0, small.stderr
    before = snapshot(out)
    res = subprocess.run(args, capture_output=True, text=True, preexec_fn=lambda: _limited(20_000))
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.count("error:") == 1 and f"cannot write the run to {out}" in res.stderr, res.stderr
    assert snapshot(out) == before and not staged(out)


def test_an_unwritable_out_is_one_clear_message(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["run", str(RAW / "d01.txt"), "--out", str(tmp_path / "file" / "out")])
    assert res.exit_code == 2 and "cannot write the run to" in res.output and res.exception.code == 2


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
        for stage in staged(out):
            docs = stage / "documents.csv"
            if docs.exists() and docs.stat().st_size > 2000:
                return
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be interrupted: {_log(out)}")
        time.sleep(0.05)
    pytest.fail("run never started writing")


@pytest.mark.slow
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
        assert not staged(out)

    again = _run(small, out, "--jobs", "1")  # the next run clears what the killed one left
    assert again.wait(timeout=300) == 0, _log(out)
    assert not staged(out)
    assert snapshot(out) == before


def test_rows_written_by_many_workers_merge_to_the_same_bytes(tmp_path, monkeypatch):
    """Workers append to shards of their own (a new one per replaced worker); the main process copies
    their bytes in doc_id order: the run is byte-identical to one written by the main process alone."""
    results = []
    for i in range(40):
        r, _ = formula_result()
        doc_id = f"d{i:02d}"
        r.document.doc_id = doc_id
        r.figures[0].doc_id = r.checks[0].doc_id = doc_id
        results.append(r)
    with write.Writer(Options(out=tmp_path / "direct")) as w:
        for r in results:
            w.add(r)
    with write.Writer(Options(out=tmp_path / "shards")) as w:
        shards = []
        for pid in range(20):  # 20 worker processes, each writing two documents
            monkeypatch.setattr(write.os, "getpid", lambda pid=pid: 1000 + pid)
            shards.append(w.shard())
            shards.append(shards[-1])
        written = []
        for shard, r in zip(shards, results, strict=True):
            monkeypatch.setattr(write.os, "getpid", lambda s=shard: 1000 + shards.index(s) // 2)
            written.append(shard.write(r))
        monkeypatch.undo()
        for item in written:
            w.add(item)
    assert snapshot(tmp_path / "direct") == snapshot(tmp_path / "shards")
    assert len(rows(tmp_path / "shards" / "figures.csv")) == 40
    write.check_run(tmp_path / "shards")


def test_the_swap_is_one_exchange_of_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("n")
    (b / "old").write_text("o")
    if not write._exchange(a, b):
        pytest.skip("this filesystem cannot exchange two folders (two renames are used instead)")
    assert [p.name for p in a.iterdir()] == ["old"] and [p.name for p in b.iterdir()] == ["new"]
