"""Benchmark: the Spark engine on local[2] against the local engine with 2 workers.

    python bench/spark.py [--pages 6000] [--small 1000]

Makes `--pages` distinct pages from raw/ (each copy gets its own first line, so
no two files are alike), then times, each in a fresh process:
- `extract run CORPUS --jobs 2` (the local engine);
- `extract run CORPUS --engine spark --master local[2]` (start-up of Spark's
  JVM included, and also shown apart);
and checks that both wrote the same bytes. Then it runs the Spark engine on
`--small` pages too and prints the driver's peak memory for both sizes: the
Python driver process (where results stream through to the writer) and its
JVM (in local mode the JVM also hosts the executors). Flat = the driver does
not collect the run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in (ROOT / "raw").iterdir() if p.suffix in (".txt", ".html"))

# Runs `extract run` and reports, on stderr's last line: Spark start-up seconds,
# the Python driver's peak RSS (kB) and the Spark JVM's peak RSS (kB).
_DRIVER = """
import resource, sys, time
from extract import spark
from extract.cli import main
startup = [0.0]
_context = spark._context
def timed(master):
    t = time.perf_counter()
    out = _context(master)
    startup[0] = time.perf_counter() - t
    return out
spark._context = timed
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
jvm = 0
try:
    from pyspark import SparkContext
    if SparkContext._gateway is not None:
        for line in open(f"/proc/{SparkContext._gateway.proc.pid}/status"):
            if line.startswith("VmHWM:"):
                jvm = int(line.split()[1])
except ImportError:
    pass
print(startup[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, jvm, file=sys.stderr)
sys.exit(code)
"""


def copy_tag(i: int) -> str:
    """A first line unique to copy `i`, in letters only (a digit could be read as a figure)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters = string.ascii_lowercase[r] + letters
        if i == 0:
            return f"Archive copy {letters}.\n"


def make_corpus(dst: Path, pages: int) -> None:
    dst.mkdir(parents=True)
    for n in range(pages):
        i, p = divmod(n, len(PAGES))
        src = PAGES[p]
        (dst / f"{src.stem}__{i:05d}{src.suffix}").write_bytes(copy_tag(i).encode() + src.read_bytes())


def extract_run(src: Path, out: Path, *args: str) -> tuple[float, float, float, float]:
    """Wall seconds, Spark start-up seconds, driver peak MB, JVM peak MB of one `extract run`."""
    cmd = [sys.executable, "-c", _DRIVER, "run", str(src), "--out", str(out), "--no-progress", *args]
    env = {**os.environ, "EXTRACT_SPARK_LOG_LEVEL": "ERROR"}
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"extract run failed ({res.returncode}):\n{res.stdout}\n{res.stderr[-3000:]}")
    startup, driver_kb, jvm_kb = res.stderr.strip().splitlines()[-1].split()
    return wall, float(startup), int(driver_kb) / 1024, int(jvm_kb) / 1024


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=6000, help="distinct pages in the throughput corpus")
    ap.add_argument("--small", type=int, default=1000, help="pages in the smaller corpus for the memory comparison")
    args = ap.parse_args()
    spark_args = ("--engine", "spark", "--master", "local[2]")

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        big, small = tmpd / "big", tmpd / "small"
        make_corpus(big, args.pages)
        make_corpus(small, args.small)
        mb = sum(p.stat().st_size for p in big.iterdir()) / 1e6
        print(f"corpus: {args.pages} distinct pages ({mb:.1f} MB) from {len(PAGES)} raw/ pages; 2 cores")

        t_local, _, rss_local, _ = extract_run(big, tmpd / "out-local", "--jobs", "2")
        t_spark, startup, rss_big, jvm_big = extract_run(big, tmpd / "out-spark", *spark_args)
        same = digest(tmpd / "out-local") == digest(tmpd / "out-spark")
        shutil.rmtree(tmpd / "out-local")
        print(f"local engine, --jobs 2:   {t_local:6.1f} s  {args.pages / t_local:6.1f} pages/s")
        print(f"spark engine, local[2]:   {t_spark:6.1f} s  {args.pages / t_spark:6.1f} pages/s "
              f"({startup:.1f} s of it starting Spark; {args.pages / (t_spark - startup):.1f} pages/s after)")
        print(f"spark / local throughput: {t_local / t_spark:.2f}x")
        print(f"outputs byte-identical: {'yes' if same else 'NO'}")

        _, _, rss_small, jvm_small = extract_run(small, tmpd / "out-small", *spark_args)
        print(f"spark driver peak RSS, Python process: {rss_small:.0f} MB for {args.small} pages, "
              f"{rss_big:.0f} MB for {args.pages} pages (local engine's main process: {rss_local:.0f} MB)")
        print(f"spark JVM peak RSS (driver + local executors): {jvm_small:.0f} MB for {args.small} pages, "
              f"{jvm_big:.0f} MB for {args.pages} pages")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
