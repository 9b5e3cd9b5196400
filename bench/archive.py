"""Archive benchmarks: how fast extract reads WARC files, and how cheap an unchanged re-run is.

    python bench/archive.py [--pages 1000] [--jobs 0]

- WARC read throughput (MB of .warc.gz per second) of extract's reader (the
  scan of every record, then each document's payload read on its own by
  offset, as a run does) against warcio's bare iteration (every record's
  payload read in one pass), and FastWARC's bare iteration for comparison.
- The unchanged re-run ratio: `extract run` in fresh processes over a WARC of
  `--pages` distinct pages: a cold run (empty cache), then the same run again.
  Start-up is excluded: the interpreter and imports by taking the seconds the
  run itself reports, rule loading and writing the manifest by subtracting the
  seconds the same command reports over an empty folder.

Every function returns numbers; `main()` prints them. bench/bench.py can call
`read_throughput(...)` and `rerun_ratio(...)`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from extract import archive  # noqa: E402
from fixtures.warcs import Page, raw_pages, write_warc  # noqa: E402

EXTRACT = [str(Path(sys.executable).parent / "extract")]  # the installed command, as a user runs it


def make_warc(path: Path, n: int) -> Path:
    """A WARC of `n` distinct HTML pages (the bundled pages, each copy with its own
    URL, capture time and one distinct sentence), with request records as a crawler writes."""
    base = raw_pages(as_html=True)
    pages = []
    for i in range(n):
        p = base[i % len(base)]
        body = p.body.replace(b"</body>", f"<p>Copy {i} of this page.</p></body>".encode(), 1)
        pages.append(Page(f"{p.url}/copy-{i:05d}", f"2010-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z", body))
    return write_warc(path, pages)


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def read_throughput(warc: Path, repeat: int = 3) -> dict[str, float]:
    """MB/s over `warc` for extract's reader, warcio's and FastWARC's bare iteration."""
    from warcio.archiveiterator import ArchiveIterator

    mb = warc.stat().st_size / 1e6

    def extract_reader() -> None:
        for e in archive.scan([warc]).entries:
            archive.payload(e.payload_path, e.payload_offset)

    def warcio_bare() -> None:
        with warc.open("rb") as f:
            for rec in ArchiveIterator(f):
                rec.content_stream().read()

    out = {"mb": mb, "extract": mb / _best(extract_reader, repeat), "warcio": mb / _best(warcio_bare, repeat)}
    try:
        from fastwarc.warc import ArchiveIterator as FastIterator
    except ImportError:
        return out

    def fastwarc_bare() -> None:
        with warc.open("rb") as f:
            for rec in FastIterator(f, parse_http=True):
                rec.reader.read()

    out["fastwarc"] = mb / _best(fastwarc_bare, repeat)
    return out


def _run(src: Path, out: Path, jobs: int, *extra: str) -> float:
    """Seconds of one `extract run` in a fresh process, as the run reports them
    (from after its imports to its output in place: the interpreter's start-up is not in it)."""
    res = subprocess.run([*EXTRACT, "run", str(src), "--out", str(out), "--jobs", str(jobs), "--no-progress", *extra],
                         check=False, capture_output=True, text=True, cwd=ROOT)
    m = re.search(r"([\d.]+) s\s*$", res.stdout)
    if not m:
        raise RuntimeError(f"extract run failed: {res.stdout}{res.stderr}")
    return float(m.group(1))


def rerun_ratio(warc: Path, jobs: int = 0) -> dict[str, float]:
    """Seconds of start-up, a cold run and an unchanged re-run (start-up excluded), and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "empty").mkdir()
        startup = min(_run(tmp / "empty", tmp / "o0", jobs) for _ in range(2))
        cold = _run(warc, tmp / "out", jobs) - startup
        cached = min(_run(warc, tmp / "out", jobs) for _ in range(2)) - startup
        _run(warc, tmp / "check", jobs, "--no-cache")
        names = ["documents.csv", "figures.csv", "authorities.csv", "checks.csv", "manifest.json"]
        same = all((tmp / "out" / n).read_bytes() == (tmp / "check" / n).read_bytes() for n in names)
    return {"startup": startup, "cold": cold, "cached": cached, "ratio": cached / cold, "identical": float(same)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = make_warc(Path(tmp) / "bench.warc.gz", args.pages)
        t = read_throughput(warc)
        print(f"WARC read, {args.pages} pages ({t['mb']:.1f} MB gzipped, with request records):")
        print(f"  extract's reader (scan, then each document by offset): {t['extract']:6.1f} MB/s")
        print(f"  warcio bare iteration (every payload, one pass):       {t['warcio']:6.1f} MB/s "
              f"-> extract reads at {t['extract'] / t['warcio']:.2f}x warcio's own speed")
        if "fastwarc" in t:
            print(f"  FastWARC bare iteration (for comparison):              {t['fastwarc']:6.1f} MB/s")
        r = rerun_ratio(warc, args.jobs)
        print(f"extract run over {args.pages} pages in a WARC, fresh processes (start-up {r['startup']:.2f} s excluded):")
        print(f"  cold run {r['cold']:.2f} s, unchanged re-run {r['cached']:.2f} s, "
              f"cached output identical to --no-cache: {'yes' if r['identical'] else 'NO'}")
        print(f"UNCHANGED RE-RUN RATIO: {r['ratio']:.3f} ({'meets' if r['ratio'] <= 0.05 else 'MISSES'} the 5% goal)")


if __name__ == "__main__":
    main()
