"""The incremental cache: a cached run writes what a cold run writes, byte for
byte; an edited page re-extracts only itself, an edited rule file everything."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from extract import cache, ingest
from extract.cli import main
from extract.model import Options, Source
from fixtures.warcs import raw_pages, write_warc

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("000_788962b738f097af", "002_7b131e19ac9504d4", "d01", "d40")


def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in PAGES:
        shutil.copy(ROOT / "raw" / f"{name}.txt", folder)
    lines = (ROOT / "raw" / "sources.csv").read_text(encoding="utf-8").splitlines()
    (folder / "sources.csv").write_text("\n".join(ln for ln in lines if ln.split(",")[0] in ("doc_id", *PAGES)) + "\n",
                                        encoding="utf-8")
    write_warc(folder / "capture.warc.gz", raw_pages(names=["d02", "d03"], as_html=True))
    return folder


def run(*args: str) -> str:
    res = CliRunner().invoke(main, ["run", *args, "--no-progress"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] != cache.FOLDER}


def test_cached_run_is_byte_identical_to_a_cold_run(tmp_path: Path) -> None:
    src = pages(tmp_path)
    first = run(str(src), "--out", str(tmp_path / "out"))
    assert "cache:" not in first and (tmp_path / "out" / cache.FOLDER).is_dir()
    second = run(str(src), "--out", str(tmp_path / "out"))
    assert "cache: 6 documents reused, 0 extracted" in second
    run(str(src), "--out", str(tmp_path / "cold"), "--no-cache")
    assert not (tmp_path / "cold" / cache.FOLDER).exists()  # --no-cache neither reads nor writes it
    assert files(tmp_path / "out") == files(tmp_path / "cold")


def test_an_edited_page_re_extracts_only_that_page(tmp_path: Path) -> None:
    src = pages(tmp_path)
    run(str(src), "--out", str(tmp_path / "out"))
    page = src / "d01.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("2", "3", 1), encoding="utf-8")
    assert "cache: 5 documents reused, 1 extracted" in run(str(src), "--out", str(tmp_path / "out"))
    run(str(src), "--out", str(tmp_path / "cold"), "--no-cache")
    assert files(tmp_path / "out") == files(tmp_path / "cold")


def test_an_edited_manifest_row_re_extracts_that_page(tmp_path: Path) -> None:
    src = pages(tmp_path)
    run(str(src), "--out", str(tmp_path / "out"))
    manifest = src / "sources.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(",2009-03-05,", ",2009-03-06,"), encoding="utf-8")
    assert "cache: 5 documents reused, 1 extracted" in run(str(src), "--out", str(tmp_path / "out"))


def test_an_edited_rule_file_re_extracts_everything(tmp_path: Path) -> None:
    src = pages(tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    run(str(src), "--out", str(tmp_path / "out"), "--rules", str(rules))
    with (rules / "checks.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# an edit that changes no rule still changes the file's hash\n")
    out = run(str(src), "--out", str(tmp_path / "out"), "--rules", str(rules))
    assert "cache:" not in out  # nothing reused
    assert "cache: 6 documents reused" in run(str(src), "--out", str(tmp_path / "out"), "--rules", str(rules))


def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path) -> None:
    src = pages(tmp_path)
    run(str(src), "--out", str(tmp_path / "out"))
    entries = sorted((tmp_path / "out" / cache.FOLDER).rglob("*.pickle"))
    scans = [p for p in entries if p.parent.name == "scans"]  # the WARC's scan, kept by archive.scan
    assert len(scans) == 1 and len(entries) == 7
    entries = [p for p in entries if p not in scans]
    entries[0].write_bytes(b"not a pickle")
    scans[0].write_bytes(b"not a pickle either")
    assert "cache: 5 documents reused, 1 extracted" in run(str(src), "--out", str(tmp_path / "out"))
    run(str(src), "--out", str(tmp_path / "cold"), "--no-cache")
    assert files(tmp_path / "out") == files(tmp_path / "cold")


def test_key_covers_content_identity_and_metadata(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Kent was rated good.\n", encoding="utf-8")
    c = cache.Cache(tmp_path / "c", Options())
    base = c.key(ingest.Input(p, "a", Source("a")))
    assert base == c.key(ingest.Input(p, "a", Source("a")))
    assert base != c.key(ingest.Input(p, "b", Source("b")))
    assert base != c.key(ingest.Input(p, "a", Source("a", published="2009")))
    assert base != cache.Cache(tmp_path / "c", Options(max_bytes=100)).key(ingest.Input(p, "a", Source("a")))
    p.write_text("Kent was rated outstanding.\n", encoding="utf-8")
    assert base != c.key(ingest.Input(p, "a", Source("a")))
    assert c.key(ingest.Input(tmp_path / "missing.txt", "m", Source("m"))) is None


def test_an_unchanged_run_takes_its_cross_page_tables_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    from extract import consolidate

    src = pages(tmp_path)
    run(str(src), "--out", str(tmp_path / "out"))
    first = files(tmp_path / "out")
    calls = []
    real = consolidate.Tables.write  # a run groups the rows it fed to the cross-page tables as it went
    monkeypatch.setattr(consolidate.Tables, "write", lambda *a, **k: calls.append(a) or real(*a, **k))
    run(str(src), "--out", str(tmp_path / "out"))
    assert calls == [] and files(tmp_path / "out") == first  # nothing changed: nothing recomputed, same bytes
    page = src / "d01.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("2", "3", 1), encoding="utf-8")
    run(str(src), "--out", str(tmp_path / "out"))
    assert len(calls) == 1  # a changed page: the cross-page tables are computed again
    run(str(src), "--out", str(tmp_path / "cold"), "--no-cache")
    assert files(tmp_path / "out") == files(tmp_path / "cold")
