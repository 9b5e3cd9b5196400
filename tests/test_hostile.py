"""Bad input never ends a batch: every file gets its row in documents.csv with
a status and a message a person understands, in bounded time and memory, and
nothing outside --out is touched.

tests/hostile/ holds the small hostile files (empty, blank, NUL bytes, a PDF
and a PNG under page names and their own, control characters, cp1252, mixed
encodings, mojibake, UTF-16, malformed HTML, a page of nothing but tags, cells
that start like spreadsheet formulas, one doc_id used twice). The big or
platform-dependent ones (50 MB, a 10 MB line, deep nesting, unreadable, a
symlink loop, a named pipe) are made here in a temporary folder.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"

# doc_id -> (status, words the message must hold)
EXPECTED = {
    "blank": ("error", "empty file"),
    "control_chars": ("error", "binary or undecodable"),
    "cp1252": ("warning", "were not UTF-8"),
    "empty": ("error", "empty file"),
    "formulas": ("ok", ""),
    "image_named_html": ("error", "looks like a PNG image"),
    "logo": ("error", "unsupported format '.png'"),
    "malformed": ("ok", ""),
    "mixed_encodings": ("warning", "1 of 3 lines were not UTF-8"),
    "mojibake": ("ok", ""),
    "no_trailing_newline": ("ok", ""),
    "notes": ("error", "unsupported format '.md'"),
    "nul_bytes": ("error", "contains NUL bytes"),
    "only_tags": ("warning", "no main content"),
    "pdf_named_txt": ("error", "looks like a PDF"),
    "report": ("error", "unsupported format '.pdf'"),
    "utf16_bom": ("ok", ""),
}


def files_and_mtimes(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under `folder` (not following symlinks) with its size and mtime."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


def make_generated(folder: Path) -> dict[str, tuple[str, str]]:
    """The big and platform-dependent hostile files; returns their expected rows."""
    folder.mkdir()
    expected = {}
    with (folder / "big_50mb.txt").open("wb") as f:
        line = b"Ofsted rated 152 local authorities and 10 were outstanding.\n"
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    expected["big_50mb"] = ("error", "over the limit of 20,000,000")
    # 10 MB with no newline and no full stop: one "sentence" unless it is cut
    words = b"the council said services for children were improving in the area and "
    (folder / "line_10mb.txt").write_bytes(words * (10_000_000 // len(words)) + b"12 councils were rated good")
    expected["line_10mb"] = ("warning", "were cut into pieces")
    (folder / "deep_nesting.html").write_bytes(b"<div>" * 100_000 + b"<p>Kent was rated good.</p>" + b"</div>" * 100_000)
    expected["deep_nesting"] = ("ok", "")
    (folder / "unclosed_nesting.html").write_bytes(b"<b><i><span>" * 30_000 + b"10 councils were good")
    expected["unclosed_nesting"] = ("ok", "")
    unreadable = folder / "unreadable.txt"
    unreadable.write_bytes(b"12 councils were rated good.\n")
    unreadable.chmod(0)
    # root reads a mode-000 file anyway: then it is an ordinary page
    expected["unreadable"] = ("ok", "") if os.access(unreadable, os.R_OK) else ("error", "cannot read file")
    os.symlink("loop_b.txt", folder / "loop_a.txt")
    os.symlink("loop_a.txt", folder / "loop_b.txt")
    expected["loop_a"] = expected["loop_b"] = ("error", "cannot read file")
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a folder loop: not followed
    os.symlink(folder / "sub", folder / "sub" / "self")
    os.mkfifo(folder / "pipe.txt")
    expected["pipe"] = ("error", "not a regular file")
    (folder / "same_id.txt").write_bytes(b"A second file with a doc_id used in tests/hostile.\n")
    return expected


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    gen_expected = make_generated(tmp / "generated")
    parent = tmp / "outputs"
    parent.mkdir()
    (parent / "bystander.txt").write_text("not ours\n")
    out = parent / "run"
    before = {d: files_and_mtimes(d) for d in (HOSTILE, tmp / "generated", parent)}
    code = "import sys; from extract.cli import main; sys.exit(main())"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", str(HOSTILE), str(tmp / "generated"), "--out", str(out), "--jobs", "2",
         "--no-progress"],
        capture_output=True, text=True, timeout=600,
    )
    seconds = time.perf_counter() - t0
    after = {d: files_and_mtimes(d) for d in (HOSTILE, tmp / "generated", parent)}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    yield {"proc": proc, "out": out, "parent": parent, "before": before, "after": after, "seconds": seconds,
           "peak_mb": peak_mb, "expected": {**EXPECTED, **gen_expected}, "tmp": tmp}
    (tmp / "generated" / "unreadable.txt").chmod(0o644)
    shutil.rmtree(tmp, ignore_errors=True)


def test_batch_runs_to_completion_with_exit_code_1(hostile_run):
    proc = hostile_run["proc"]
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert "documents," in proc.stdout


def test_every_document_is_accounted_for_with_a_clear_status(hostile_run):
    rows = read_rows(hostile_run["out"] / "documents.csv")
    found: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        found.setdefault(r["doc_id"], []).append(r)
    expected = hostile_run["expected"]
    for doc_id, (status, words) in expected.items():
        [row] = [r for r in found.pop(doc_id) if not r["error"].startswith("duplicate")] if doc_id in found else [None]
        assert row is not None, f"{doc_id} missing from documents.csv"
        assert row["status"] == status, (doc_id, row["status"], row["error"])
        assert words in row["error"], (doc_id, row["error"])
        assert "internal error" not in row["error"]
    # the doc_id used three times: one processed, two reported as duplicates
    same = found.pop("same_id")
    assert sorted(r["status"] for r in same) == ["error", "error", "ok"]
    assert sum("duplicate doc_id 'same_id'" in r["error"] for r in same) == 2
    assert not found, f"unexpected documents: {sorted(found)}"
    walked = [n for d in (HOSTILE, hostile_run["tmp"] / "generated") for n in os.listdir(d)
              if not (Path(d) / n).is_dir() or (Path(d) / n).is_symlink()]
    walked = [n for n in walked if n not in ("up", "self", "sub")]
    assert len(rows) == len(walked)


def test_nothing_outside_out_is_touched(hostile_run):
    before, after = hostile_run["before"], hostile_run["after"]
    assert after[HOSTILE] == before[HOSTILE]
    assert after[hostile_run["tmp"] / "generated"] == before[hostile_run["tmp"] / "generated"]
    parent_before = before[hostile_run["parent"]]
    parent_after = {k: v for k, v in after[hostile_run["parent"]].items() if k != "run" and not k.startswith("run/")}
    assert parent_after == parent_before
    assert not list(hostile_run["out"].glob(".staging-*"))


def test_bounded_time_and_memory(hostile_run):
    # Measured on a 2-core machine: about 20 s and under 1 GB. The bounds leave
    # room for slow CI machines while still catching a quadratic blow-up.
    assert hostile_run["seconds"] < 300, hostile_run["seconds"]
    assert hostile_run["peak_mb"] < 3000, hostile_run["peak_mb"]


def test_documented_exit_code_0_when_nothing_failed(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    res = CliRunner().invoke(main, ["run", str(HOSTILE / "mojibake.txt"), str(HOSTILE / "cp1252.txt"),
                                    "--out", str(tmp_path / "o"), "--jobs", "1"])
    assert res.exit_code == 0, res.output  # warnings are not failures
    res = CliRunner().invoke(main, ["run", str(HOSTILE / "empty.txt"), "--out", str(tmp_path / "o2"), "--jobs", "1"])
    assert res.exit_code == 1
    assert "empty: empty file" in res.output


def test_damaged_manifest_loses_metadata_not_the_batch(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(HOSTILE / "mojibake.txt", folder / "page.txt")
    (folder / "sources.csv").write_bytes(b"doc_id,title\npage,\xff\xfe bad \x00 bytes\n\"unterminated,\n" + b"x" * 200_000)
    res = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "o"), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    [row] = read_rows(tmp_path / "o" / "documents.csv")
    assert row["status"] == "ok"


# --- linear time and the per-document budget (issue 10) ---------------------------------------------------------

def _shapes(n: int) -> dict[str, tuple[str, str]]:
    """Each page shape that was once super-linear, at about n characters."""
    return {
        "punctuation_run": ("txt", "Kent was rated good" + "!?" * (n // 2) + ".\n" + "." * (n // 2) + "\n"),
        "mojibake_long_token": ("txt", "CafÃ© " + "QUJD" * (n // 4) + "\n"),
        "numbers_one_per_line": ("txt", "".join(f"{i % 997}\n" for i in range(n // 4))),
        "plain_list": ("txt", "152 local authorities.\n" + "12 councils were judged good. " * (n // 30)),
        "unclosed_inline_tags": ("html", "<span>1 " * (n // 8)),
        "dense_digits": ("txt", "1 " * (n // 2)),
        "dense_signed": ("txt", "-1" * (n // 2)),
        "dense_words": ("txt", "one " * (n // 4)),
        "table_rows": ("txt", "Outstanding 12\n" * (n // 15)),
    }


def _seconds(fmt: str, text: str, tmp_path: Path, name: str) -> float:
    from extract import ingest, pipeline
    from extract.model import Options

    path = tmp_path / f"{name}.{fmt}"
    path.write_text(text, encoding="utf-8")
    inp = ingest.Input(path, name, ingest.Source(name))
    t0 = time.perf_counter()
    result = pipeline.process(inp, Options(doc_timeout=0))
    seconds = time.perf_counter() - t0
    assert result.document.status != "error", result.document.error
    return seconds


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(_shapes(1)))
def test_every_stage_is_linear_in_the_page_size(shape, tmp_path):
    from extract import pipeline
    from extract.model import Options

    pipeline.warm(Options())
    n = 6_000
    # The best of two runs each: other work on a shared machine only ever adds time.
    small = min(_seconds(*_shapes(n)[shape], tmp_path, f"s{i}") for i in range(2))
    big = min(_seconds(*_shapes(4 * n)[shape], tmp_path, f"b{i}") for i in range(2))
    # 4x the characters: linear is about 4x; quadratic would be 16x. Times under
    # a quarter second are too small to compare on a shared machine.
    assert big < max(5 * small, 0.25), (shape, small, big)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_doc_timeout_gives_that_page_an_error_and_the_batch_goes_on(jobs, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_slow.txt").write_text("12 " * 150_000, encoding="utf-8")  # many seconds of figures
    (folder / "b_fine.txt").write_text("Ofsted rated 12 councils good.\n", encoding="utf-8")
    code = "import sys; from extract.cli import main; sys.exit(main())"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "run", str(folder), "--out", str(tmp_path / "o"),
                           "--jobs", jobs, "--doc-timeout", "1", "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    assert time.perf_counter() - t0 < 60
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = {r["doc_id"]: r for r in read_rows(tmp_path / "o" / "documents.csv")}
    assert rows["a_slow"]["status"] == "error"
    assert rows["a_slow"]["error"] == "timed out after 1 s (--doc-timeout)"
    assert rows["b_fine"]["status"] == "ok" and rows["b_fine"]["figures"] == "1"
