"""Time and peak memory of `extract consolidate` on N and 10N documents' CSVs.

The N-document run is `extract run` over N bench pages (raw/ copied with a
distinct first line and shifted numbers, as bench.py makes them). The larger
runs replicate its rows with new doc_ids (`rK_<doc_id>`) instead of extracting
10N pages: each replica moves the pages' dates K years on (so statistics and
judgements dated by their page fall into new periods: the number of groups
grows with the documents) and links the same clean texts (so replicas are
near-duplicates of the first, as syndicated copies are). Each size runs
`extract consolidate` in a fresh process that reports its own CPU time and
peak RSS. Joins bench.py as a section (`python bench/bench.py --only consolidate`).

    python bench/consolidate.py --pages 1000 --times 1 10
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import check_output, extract_cmd, make_corpus, run_args  # noqa: E402

# `extract consolidate RUN` in a fresh process that reports its CPU seconds and peak RSS (kB) on stderr.
CHILD = """import resource, sys
from extract.cli import main
try:
    main(["consolidate", sys.argv[1]])
except SystemExit as exc:
    if exc.code:
        raise
use = resource.getrusage(resource.RUSAGE_SELF)
print(use.ru_utime + use.ru_stime, use.ru_maxrss, file=sys.stderr)
"""
TABLES = ("documents", "figures", "authorities", "checks")


def replicate(base: Path, dst: Path, times: int) -> int:
    """`times` replicas of the run `base` as one run in `dst` (its extracted tables and clean texts); documents."""
    (dst / "clean").mkdir(parents=True)
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("files")  # a made-up run: no file list to hold it to
    (dst / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    n = 0
    for name in TABLES:
        with (base / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header, rows = next(reader), list(reader)
        pub = header.index("published") if name == "documents" else -1
        with (dst / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            w = csv.writer(out, lineterminator="\n")
            w.writerow(header)
            for k in range(times):
                for row in rows:
                    row = [f"r{k:02d}_{row[0]}", *row[1:]]
                    if pub >= 0 and row[pub][:4].isdigit():
                        row[pub] = f"{int(row[pub][:4]) + k}{row[pub][4:]}"
                    w.writerow(row)
                    if name == "documents":
                        n += 1
                        clean = base / "clean" / f"{row[0][4:]}.txt"
                        if clean.is_file():
                            os.link(clean, dst / "clean" / f"{row[0]}.txt")
    return n


def consolidate(run: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of `extract consolidate run` in a fresh process."""
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, str(run)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode:
        sys.exit(f"bench: extract consolidate {run} failed:\n{res.stderr[-2000:]}")
    cpu, peak = res.stderr.split()[-2:]
    return wall, float(cpu), int(peak) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000, help="pages extracted for the base run (default 1000)")
    ap.add_argument("--times", type=int, nargs="+", default=[1, 10], help="replicas of the base run (default 1 10)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-consolidate-") as tmp:
        tmpd = Path(tmp)
        make_corpus(tmpd / "corpus", args.pages)
        t0 = time.perf_counter()
        subprocess.run(run_args(tmpd / "corpus", tmpd / "base", 2), capture_output=True, check=False)
        check_output(tmpd / "base", args.pages)
        print(f"  base run: {' '.join(extract_cmd()[-1:])} run over {args.pages} bench pages, --jobs 2: "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        peaks = []
        for times in args.times:
            run = tmpd / f"x{times}"
            docs = replicate(tmpd / "base", run, times)
            rows = {name: sum(1 for _ in (run / f"{name}.csv").open(encoding="utf-8")) - 1 for name in TABLES[1:3]}
            wall, cpu, peak = consolidate(run)
            peaks.append(peak)
            with (run / "figure_series.csv").open(encoding="utf-8") as fh:
                series = sum(1 for _ in fh) - 1
            print(f"  extract consolidate, {docs:>6,} documents ({rows['figures']:>7,} figure rows, "
                  f"{rows['authorities']:>6,} authority rows -> {series:>6,} series rows): {wall:6.2f} s wall, "
                  f"{cpu:6.2f} s CPU, peak RSS {peak:5.0f} MB", flush=True)
            shutil.rmtree(run)
        if len(peaks) > 1:
            print(f"  peak RSS {args.times[-1] // args.times[0]}x the documents: {peaks[-1] / peaks[0]:.2f}x")


if __name__ == "__main__":
    main()
