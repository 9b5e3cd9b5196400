"""Time and memory of `extract consolidate` over a large synthetic run.

The run is output/ (the pages of raw/) copied N/29 times: each copy gets new
doc_ids, a page year moved along 2005-2024 (so the statistics fall into many
periods) and its clean text's words shuffled (so no copy is a near-duplicate
of another and every page goes into the LSH index: the worst case). Each size
runs `extract consolidate` in a fresh process; peak RSS is that process's.

    python bench/bench_consolidate.py --docs 2500 10000
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "output"
# `extract consolidate RUN` in a fresh process that reports its own CPU seconds and peak RSS (kB) on stderr
# (CPU time as well as wall time: on a shared machine the wall time says more about the neighbours).
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


def build(run: Path, n_docs: int) -> None:
    (run / "clean").mkdir(parents=True)
    tables = {}
    for name in ("documents", "figures", "authorities", "checks"):
        with (OUTPUT / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            tables[name] = (next(reader), list(reader))
    docs = tables["documents"][1]
    writers = {}
    files = []
    for name, (header, _) in tables.items():
        fh = (run / f"{name}.csv").open("w", encoding="utf-8", newline="")
        files.append(fh)
        writers[name] = csv.writer(fh, lineterminator="\n")
        writers[name].writerow(header)
    pub = tables["documents"][0].index("published")
    made = 0
    copy = 0
    while made < n_docs:
        suffix = f"_c{copy:05d}"
        year = str(2005 + copy % 20)
        for doc in docs:
            if made == n_docs:
                break
            doc_id = doc[0]
            row = [doc_id + suffix, *doc[1:]]
            if row[pub]:
                row[pub] = year + row[pub][4:]
            writers["documents"].writerow(row)
            for name in ("figures", "authorities", "checks"):
                writers[name].writerows([r[0] + suffix, *r[1:]] for r in tables[name][1] if r[0] == doc_id)
            clean = OUTPUT / "clean" / f"{doc_id}.txt"
            if clean.is_file():
                words = clean.read_text(encoding="utf-8").split()
                random.Random(made).shuffle(words)
                (run / "clean" / f"{doc_id}{suffix}.txt").write_text(" ".join(words), encoding="utf-8")
            made += 1
        copy += 1
    for fh in files:
        fh.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[2500, 10000])
    args = ap.parse_args()
    for n in args.docs:
        tmp = Path(tempfile.mkdtemp(prefix="bench-consolidate-"))
        try:
            build(tmp / "run", n)
            rows = sum(1 for _ in (tmp / "run" / "figures.csv").open()) - 1
            t0 = time.perf_counter()
            res = subprocess.run([sys.executable, "-c", CHILD, str(tmp / "run")], capture_output=True, text=True,
                                 check=True)
            seconds = time.perf_counter() - t0
            cpu, peak = res.stderr.split()[-2:]
            print(f"{n:>6} documents, {rows:>7} figure rows: {seconds:6.2f} s wall, {float(cpu):6.2f} s CPU, "
                  f"peak RSS {int(peak) / 1024:.0f} MB"
                  f"  ({res.stdout.strip()})")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
