"""The command line, in-process: help, usage errors, empty and bad input, and the
committed output/ being exactly what a fresh run of raw/ produces."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.model import Check, Document, Figure, Mention, columns

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(main.commands)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_top_level_help_lists_every_command():
    res = invoke("--help")
    assert res.exit_code == 0
    for name in COMMANDS:
        assert name in res.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_one_sentence_help(command):
    res = invoke(command, "--help")
    assert res.exit_code == 0
    assert main.commands[command].help and main.commands[command].help.strip().endswith(".")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_rejects_a_missing_path_as_usage_error(command, tmp_path):
    args = {"diff": [str(tmp_path / "nope"), str(tmp_path / "nope2")]}.get(command, [str(tmp_path / "nope")])
    if command == "review":
        args += ["-o", str(tmp_path / "r.html")]
    res = CliRunner().invoke(main, [command, *args])
    assert res.exit_code == 2


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_run_on_an_empty_folder_writes_headers_only(tmp_path):
    (tmp_path / "in").mkdir()
    res = invoke("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress")
    assert res.exit_code == 0
    assert "0 documents" in res.output
    for name, cls in [("documents", Document), ("figures", Figure), ("authorities", Mention), ("checks", Check)]:
        assert (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8") == ",".join(columns(cls)) + "\n"


def test_bad_files_are_errors_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (src / "scan.txt").write_bytes(b"%PDF-1.4\n...")
    (src / "notes.docx").write_bytes(b"PK\x03\x04")
    (src / "good.txt").write_text("Nine councils were rated poor in 2009.\n", encoding="utf-8")
    res = invoke("run", str(src), "--out", str(tmp_path / "out"), "--no-progress")
    assert res.exit_code == 1
    docs = {r["doc_id"]: r for r in read(tmp_path / "out" / "documents.csv")}
    assert set(docs) == {"empty", "binary", "scan", "notes", "good"}
    assert docs["good"]["status"] == "ok"
    assert docs["empty"]["error"] == "empty file"
    assert "NUL" in docs["binary"]["error"]
    assert "PDF" in docs["scan"]["error"]
    assert "unsupported format" in docs["notes"]["error"]
    assert (tmp_path / "out" / "clean" / "good.txt").is_file()


def test_committed_output_is_a_fresh_run_of_raw(tmp_path):
    res = invoke("run", str(ROOT / "raw"), "--out", str(tmp_path / "out"), "--no-progress")
    assert res.exit_code == 0, res.output
    fresh, committed = tmp_path / "out", ROOT / "output"
    def listing(d):  # the run's files; its cache (OUT/.cache, not committed) is not output
        return sorted(n for p in d.rglob("*") if p.is_file() and not (n := p.relative_to(d).as_posix()).startswith(".cache/"))

    names = listing(fresh)
    assert names == listing(committed)
    changed = [n for n in names if not filecmp.cmp(fresh / n, committed / n, shallow=False)]
    assert not changed, f"output/ differs from a fresh run in {changed}: rerun the README's first command and review the diff"


def test_explain_writes_rejected_candidates_and_only_then(tmp_path):
    from extract.model import Rejected

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.txt").write_text(
        "Sue Kent met staff at Durham University.\nKent was rated good, and =Surrey was too.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = invoke("run", str(pages), "--out", str(out), "--no-progress", "--explain")
    assert res.exit_code == 0, res.output
    with (out / "rejected.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == columns(Rejected)
    clean = (out / "clean" / "p.txt").read_text(encoding="utf-8")
    assert [(r["text"], r["rule"]) for r in rows] == [("Kent", "ctx.person-first-name"), ("Durham", "ctx.institution-after")]
    for r in rows:
        assert r["doc_id"] == "p" and clean[int(r["start"]) : int(r["end"])] == r["text"] and r["reason"]
    assert "rejected" in (out / "manifest.json").read_text(encoding="utf-8")
    with (out / "authorities.csv").open(encoding="utf-8", newline="") as f:
        assert [r["mention"] for r in csv.DictReader(f)] == ["Kent", "Surrey"]
    # Without --explain the file is absent, also where an earlier run left one.
    res = invoke("run", str(pages), "--out", str(out), "--no-progress")
    assert res.exit_code == 0, res.output
    assert not (out / "rejected.csv").exists()
    assert "rejected" not in (out / "manifest.json").read_text(encoding="utf-8")
    assert "--explain" in invoke("run", "--help").output


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["review", "--help"], ["run", "/no/such/folder"]])
def test_help_and_usage_errors_import_no_pipeline(args):
    """`extract --help` answers in a fraction of a second: no spaCy, regex or pipeline behind it."""
    import subprocess
    import sys

    code = ("import sys\nfrom extract.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'regex', 'yaml', 'bs4', 'jinja2')"
            " or m in ('extract.pipeline', 'extract.figures', 'extract.authorities'))\n"
            "print('HEAVY', heavy, file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert "HEAVY []" in res.stderr, res.stderr[-2000:]
