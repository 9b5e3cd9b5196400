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
         "--no-progress", "--doc-timeout", "300"],  # deep nesting may take 20 s on a busy machine
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
    # CPU time of this process: other work on a shared machine stretches wall time, not this.
    t0 = time.process_time()
    result = pipeline.process(inp, Options(doc_timeout=0))
    seconds = time.process_time() - t0
    assert result.document.status != "error", result.document.error
    return seconds


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(_shapes(1)))
def test_every_stage_is_linear_in_the_page_size(shape, tmp_path):
    from extract import pipeline
    from extract.model import Options

    pipeline.warm(Options())
    # The page grows until it takes a measurable time (a fast shape is compared at
    # 16 K and 64 K characters). Then the best of three runs each, small and big
    # interleaved: other work on a shared machine only ever adds time, and a busy
    # spell then slows both sizes alike rather than only the runs made during it.
    n = 2_000
    while _seconds(*_shapes(n)[shape], tmp_path, "probe") < 0.3 and n < 16_000:
        n *= 2
    runs = [(_seconds(*_shapes(n)[shape], tmp_path, f"s{i}"), _seconds(*_shapes(4 * n)[shape], tmp_path, f"b{i}"))
            for i in range(3)]
    small, big = min(r[0] for r in runs), min(r[1] for r in runs)
    # 4x the characters: linear is about 4x, quadratic 16x (each shape took 20 s
    # to minutes before). The margin and the half-second floor absorb a busy
    # shared machine (seen: up to 5.9x for linear stages under a load of 6).
    assert big < max(6 * small, 0.5), (shape, n, small, big)


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


# --- wrong data from hostile markup and wording (issue 10) ------------------------------------------------------

def _figures(text: str, fmt: str = "txt"):
    from extract import clean, figures
    from extract.model import RawDoc, Source

    cd = clean.clean(RawDoc("x", f"x.{fmt}", fmt, "", text, Source("x", published="2019-01-01")))
    return cd, figures.extract(cd)


def test_footnote_markers_are_not_glued_to_numbers():
    cd, figs = _figures("<p>Ofsted inspected 152<sup>1</sup> local authorities; 12<sup>2</sup> were inadequate.</p>", "html")
    assert [f.value for f in figs] == ["152", "12"]
    assert "1521" not in cd.text and "122" not in cd.text


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "&nbsp;", "&#8201;"])
def test_thousands_grouped_with_no_break_or_thin_space_read_whole(space):
    fmt = "html" if space.startswith("&") else "txt"
    text = f"There were 1{space}234 children in care and 2{space}345{space}678 referrals."
    cd, figs = _figures(f"<p>{text}</p>" if fmt == "html" else text, fmt)
    assert [f.value for f in figs] == ["1234", "2345678"]
    for f in figs:
        assert cd.text[f.start:f.end] == f.evidence
        assert cd.raw.text[f.raw_start:f.raw_end].startswith(f.evidence[0])


def test_entity_at_the_end_of_a_span_is_inside_its_raw_span():
    cd, [fig] = _figures("<p>In 2019, 45&#37; of councils were good.</p>", "html")
    assert fig.evidence == "45%"
    assert cd.raw.text[fig.raw_start:fig.raw_end] == "45&#37;"


def test_a_percent_sign_on_the_next_line_is_not_the_number_s():
    cd, figs = _figures("The number of councils rated good was 12\n\n% change is not given here.\n")
    [f] = figs
    assert f.kind == "count" and "\n" not in f.evidence


def test_the_population_is_not_counted_as_a_part():
    from extract import validate

    cd, figs = _figures("Ofsted inspected 152 local authorities.\n12 councils were judged inadequate.\n"
                        "20 councils were judged good.\n")
    checks = validate.check(cd, figs)
    assert not [c for c in checks if c.check == "check.parts-total" and c.severity != "info"], checks


def test_pdf_ligatures_do_not_hide_authorities_and_offsets_stay_right():
    from extract import authorities

    cd, _ = _figures("Sheﬃeld and Staﬀordshire were both rated good by Ofsted in 2019.\n")
    assert cd.text.startswith("Sheffield and Staffordshire")
    names = {m.authority for m in authorities.extract(cd)}
    assert {"Sheffield", "Staffordshire"} <= names
    for m in authorities.extract(cd):
        assert cd.text[m.start:m.end] == m.mention
        assert cd.raw.text[m.raw_start:m.raw_end].replace("ﬃ", "ffi").replace("ﬀ", "ff") == m.mention


@pytest.mark.parametrize("phrase, value", [
    ("one thousand million", 1e9), ("one million million", 1e12), ("two thousand three hundred", 2300),
    ("one million two hundred thousand", 1_200_000), ("one hundred thousand", 100_000),
])
def test_large_number_words(phrase, value):
    from extract import numbers

    assert numbers.parse(phrase).value == value


def test_other_script_digits_are_read():
    cd, figs = _figures("Ofsted rated ４５ councils good and ١٢ councils inadequate, ５％ of them.\n")
    assert [(f.kind, f.value) for f in figs] == [("count", "45"), ("count", "12"), ("percentage", "5")]
    assert figs[0].evidence == "45" and cd.raw.text[figs[0].raw_start:figs[0].raw_end] == "４５"


@pytest.mark.parametrize("text", ["9" * 400 + " councils were rated good. 12 councils were inadequate.",
                                  "one" + " hundred" * 400 + " councils were rated good. 12 councils were inadequate.",
                                  "1" * 30 + " million councils were rated good. 12 councils were inadequate."])
def test_huge_numbers_are_not_read_and_do_not_lose_the_page(text):
    from extract import pipeline
    from extract.model import Options

    result = pipeline.process(_input_of(text), Options(doc_timeout=0))
    assert result.document.status != "error", result.document.error
    assert [f.value for f in result.figures] == ["12"]


def _input_of(text: str, data: bytes | None = None, name: str = "page.txt"):
    import tempfile

    from extract import ingest

    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_bytes(data if data is not None else text.encode("utf-8"))
    return ingest.Input(path, path.stem, ingest.Source(path.stem))


@pytest.mark.parametrize("data", [
    "\ufeff12 councils were rated good.\n".encode("utf-16-le") + b"\x00",  # a stray trailing byte
    b"\xff\xfe" + "12 councils were ".encode("utf-16-le") + b"\x00\xd8" + "rated good.\n".encode("utf-16-le"),
])
def test_damaged_utf16_is_decoded_and_reported(data):
    from extract import pipeline
    from extract.model import Options

    result = pipeline.process(_input_of("", data), Options(doc_timeout=0))
    assert result.document.status == "warning", result.document.error
    assert "damaged UTF-16" in result.document.error
    assert [f.value for f in result.figures] == ["12"]


def test_huge_check_messages_are_capped():
    from extract import validate

    out = validate._Out("x")
    out.add("check.parts-total", "error", "The counts for " + "row (1), " * 20_000 + "add up", ["F001", "F002"])
    [row] = out.rows
    assert len(row.message) < validate.MAX_MESSAGE + 40 and row.message.endswith("more characters)")
    assert row.refs == "F001;F002"


def test_readers_take_fields_over_the_csv_module_default_limit(tmp_path):
    from click.testing import CliRunner

    from extract.cli import main

    out = tmp_path / "o"
    res = CliRunner().invoke(main, ["run", str(HOSTILE / "formulas.txt"), "--out", str(out), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    with (out / "checks.csv").open("a", encoding="utf-8", newline="") as f:  # a run made before the cap
        csv.writer(f, lineterminator="\n").writerow(["formulas", "C999", "check.parts-total", "error", "x" * 200_000, ""])
    from extract.write import refresh_manifest

    refresh_manifest(out, ("checks.csv",))  # the run stays whole: only its field is long
    for args in (["diff", str(out), str(out)], ["check", str(out), "--golden", str(tmp_path / "g"), "--doc", "formulas"],
                 ["check", str(out), "--golden", str(tmp_path / "g"), "--doc", "formulas", "--update"],
                 ["review", str(out), "-o", str(tmp_path / "r.html")]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code in (0, 1) and isinstance(res.exception, (SystemExit, type(None))), (args, res.exception)


# --- no internal errors: damaged files, bad paths (issue 10) ----------------------------------------------------

def _cli(*args: str):
    from click.testing import CliRunner

    from extract.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def small_run(tmp_path):
    out = tmp_path / "run"
    res = _cli("run", ROOT / "raw" / "d40.txt", HOSTILE / "formulas.txt", "--out", out, "--jobs", "1")
    assert res.exit_code == 0, res.output
    return out


def _rewrite(path: Path, fn) -> None:
    path.write_bytes(fn(path.read_bytes()))


def test_readers_take_a_bom_and_short_rows(small_run, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(small_run, old)
    _rewrite(small_run / "figures.csv", lambda b: b"\xef\xbb\xbf" + b)  # a spreadsheet's "CSV UTF-8"
    from extract.write import refresh_manifest

    refresh_manifest(small_run, ("figures.csv",))  # (unrecorded, the edit is refused: see the test below)
    res = _cli("diff", old, small_run)
    assert res.exit_code == 0, res.output  # the same rows: nothing removed and added
    lines = (old / "authorities.csv").read_bytes().split(b"\n")
    lines[1] = b",".join(lines[1].split(b",")[:3])  # a short row
    (old / "authorities.csv").write_bytes(b"\n".join(lines))
    refresh_manifest(old, ("authorities.csv",))
    for args in (("diff", old, small_run), ("review", small_run, "--diff", old, "-o", tmp_path / "r.html")):
        res = _cli(*args)
        assert isinstance(res.exception, (SystemExit, type(None))), (args, res.exception)
    expected = tmp_path / "expected"
    shutil.copytree(ROOT / "tests" / "corpus" / "expected", expected)
    _rewrite(expected / "figures.csv", lambda b: b"\xef\xbb\xbf" + b)
    res = _cli("score", small_run, "--expected", expected)
    assert res.exit_code == 0 and isinstance(res.exception, (SystemExit, type(None))), res.exception


def test_an_invalid_byte_gets_one_message_naming_file_and_line(small_run, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(small_run, old)
    lines = (old / "figures.csv").read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b",\xff", 1)
    (old / "figures.csv").write_bytes(b"\n".join(lines))
    edited = _cli("diff", old, small_run)  # an edited run is refused as a whole first ...
    assert edited.exit_code == 2 and "figures.csv differs from the manifest" in edited.output, edited.output
    from extract.write import refresh_manifest

    refresh_manifest(old, ("figures.csv",))  # ... and a bad byte in a file the manifest vouches for names its line
    for args in (("diff", old, small_run), ("check", old, "--golden", tmp_path / "g", "--doc", "d40"),
                 ("review", old, "-o", tmp_path / "r.html"), ("score", old)):
        res = _cli(*args)
        assert res.exit_code == 2, (args, res.output, res.exception)
        assert f"{old / 'figures.csv'}, line 3: not UTF-8" in res.output, res.output


def test_unwritable_out_and_review_paths_exit_2_with_a_message(small_run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for args in (("run", HOSTILE / "formulas.txt", "--out", blocker / "sub"),
                 ("review", small_run, "-o", blocker / "x.html"), ("diff", small_run, small_run, "-o", blocker / "x.txt")):
        res = _cli(*args)
        assert res.exit_code == 2, (args, res.output, res.exception)
        assert res.output.startswith("error: ") and str(blocker) in res.output  # one message naming the path
        assert "Not a directory" in res.output or "exists" in res.output


def test_a_file_name_that_is_not_utf8_gets_a_row(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder)) + "/" + os.fsdecode(b"bad\xff.txt"))).write_text("12 councils were good.\n")
    (folder / "good.txt").write_text("10 councils were good.\n")
    out = tmp_path / "o"
    res = _cli("run", folder, "--out", out, "--jobs", "1")
    assert res.exit_code == 0, (res.output, res.exception)
    rows = {r["doc_id"]: r for r in read_rows(out / "documents.csv")}
    assert set(rows) == {"bad\ufffd", "good"}
    assert rows["bad\ufffd"]["status"] == "warning" and "not valid UTF-8" in rows["bad\ufffd"]["error"]
    assert (out / "clean" / "bad\ufffd.txt").is_file()


def test_a_folder_holding_a_run_is_never_read_as_input(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "page.txt").write_text("12 councils were rated good.\n")
    for _ in range(2):
        res = _cli("run", folder, "--out", folder / "output", "--jobs", "1")
        assert res.exit_code == 0, res.output
        assert [r["doc_id"] for r in read_rows(folder / "output" / "documents.csv")] == ["page"]


@pytest.mark.parametrize("name", ["-x", "=x", "+x", "@x"])
def test_formula_like_doc_ids_are_found_by_the_readers(name, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{name}.txt").write_text("Kent: 12 councils were rated good.\n")
    out = tmp_path / "o"
    assert _cli("run", folder, "--out", out, "--jobs", "1").exit_code == 0
    assert read_rows(out / "documents.csv")[0]["doc_id"] == "'" + name  # neutralised for spreadsheets
    assert (out / "clean" / f"{name}.txt").is_file()
    res = _cli("review", out, "-o", tmp_path / "r.html")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "no clean text in the run" not in page and "12 councils" in page


def test_a_single_long_regex_call_is_stopped_by_regex_s_own_timeout(monkeypatch):
    """A C call does not see the --doc-timeout signal; rule regexes get `regex`'s timeout."""
    from extract import pipeline, rules
    from extract.model import Options

    monkeypatch.setattr(rules, "MATCH_TIMEOUT", 1e-6)
    text = "Share this page " + "x " * 500_000 + "\n12 councils were rated good.\n"
    result = pipeline.process(_input_of(text), Options(doc_timeout=0))
    assert result.document.status == "error"
    assert result.document.error == "timed out: a rule's regex ran over 1e-06 s on one line"
