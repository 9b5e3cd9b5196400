"""Benchmark: the whole pipeline against spaCy's blank tokenizer, in one process.

Speed is reported as ratios, never seconds alone: the baseline (spaCy's
`spacy.blank("en")` tokenizer over the raw text of every page) runs in the
same process on the same text, so the ratio holds across machines.

    python bench/bench.py [--copies 100] [--jobs 0]

Prints, for a corpus of raw/ pages copied `--copies` times:
- baseline: tokenizer seconds (single process, every character tokenized);
- per stage (single process): clean, figures, authorities, checks, as a
  fraction of the tokenizer's time over the same text;
- the whole run (`extract run` in-process: discovery, workers, CSV writing)
  with --jobs workers, as a speed ratio against the tokenizer (higher is better);
- peak memory of the writer process for N and 4N pages (flat = streaming works).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from extract import authorities, clean, figures, ingest, pipeline, validate  # noqa: E402
from extract.model import Options  # noqa: E402
from extract.nlp import blank  # noqa: E402
from extract.write import Writer  # noqa: E402


def make_corpus(dst: Path, copies: int) -> list[Path]:
    pages = sorted(p for p in (ROOT / "raw").iterdir() if p.suffix in (".txt", ".html"))
    out = []
    for i in range(copies):
        for p in pages:
            q = dst / f"{p.stem}__{i:05d}{p.suffix}"
            shutil.copyfile(p, q)
            out.append(q)
    shutil.copyfile(ROOT / "raw" / "sources.csv", dst / "sources.csv")
    return out


def run_batch(src: Path, out: Path, jobs: int) -> float:
    options = Options(out=out, jobs=jobs, progress=False)
    t0 = time.perf_counter()
    inputs, dupes = pipeline.plan([src])
    with Writer(options) as w:
        for r in pipeline.run(inputs, options):
            w.add(r)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=100, help="copies of each raw/ page in the corpus")
    ap.add_argument("--jobs", type=int, default=0, help="workers for the whole run (0 = one per core)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "corpus"
        src.mkdir()
        files = make_corpus(src, args.copies)
        manifest = ingest.read_manifest(ROOT / "raw")
        raws = [ingest.read(ingest.Input(p, p.stem, manifest.get(p.stem.split("__")[0], ingest.Source(p.stem)))) for p in files]
        chars = sum(len(r.text) for r in raws)
        print(f"corpus: {len(raws)} pages, {chars / 1e6:.2f} M characters")

        tok = blank().tokenizer
        for r in raws[:20]:  # warm-up: vocab and caches
            tok(r.text)
        t0 = time.perf_counter()
        ntok = sum(len(tok(r.text)) for r in raws)
        base = time.perf_counter() - t0
        print(f"baseline spaCy blank tokenizer: {base:.2f} s, {ntok / base / 1e3:.0f} k tokens/s, {chars / base / 1e6:.2f} M chars/s")

        # Warm every stage's caches (rules, matchers) before timing.
        cd0 = clean.clean(raws[0])
        validate.check(cd0, figures.extract(cd0), None)
        authorities.extract(cd0)
        t = time.perf_counter()
        docs = [clean.clean(r) for r in raws]
        t_clean = time.perf_counter() - t
        t = time.perf_counter()
        figs = [figures.extract(d) for d in docs]
        t_fig = time.perf_counter() - t
        t = time.perf_counter()
        for d in docs:
            authorities.extract(d)
        t_auth = time.perf_counter() - t
        t = time.perf_counter()
        for d, f in zip(docs, figs, strict=True):
            validate.check(d, f, None)
        t_chk = time.perf_counter() - t
        single = t_clean + t_fig + t_auth + t_chk
        print("stages, single process, as a fraction of the tokenizer's time:")
        for name, s in [("clean", t_clean), ("figures", t_fig), ("authorities", t_auth), ("checks", t_chk), ("all stages", single)]:
            print(f"  {name:<12} {s / base:5.2f}x tokenizer time")
        del docs, figs

        t_run = run_batch(src, tmpd / "out", args.jobs)
        jobs = pipeline.jobs(Options(jobs=args.jobs), len(files))
        print(f"whole run (extract run, {jobs} workers, CSV writing included): {t_run:.2f} s")
        print(f"SPEED RATIO: whole run is {base / t_run:.2f}x the speed of the blank tokenizer "
              f"(single-process stages alone: {base / single:.2f}x)")

        # Memory: the same run in a fresh process for N and 4N pages; a
        # streaming writer keeps the peak flat as the batch grows.
        src4 = tmpd / "corpus4"
        src4.mkdir()
        make_corpus(src4, args.copies * 4)
        peaks = [peak_rss(s, tmpd / f"mem{i}", args.jobs) for i, s in enumerate((src, src4))]
        print(f"peak RSS of the main process: {peaks[0]:.0f} MB for {len(files)} pages, "
              f"{peaks[1]:.0f} MB for {4 * len(files)} pages")


def peak_rss(src: Path, out: Path, jobs: int) -> float:
    """Peak resident memory (MB) of `extract run` over `src` in a fresh process."""
    code = (
        "import resource, sys; from extract.cli import main\n"
        f"try: main(['run', {str(src)!r}, '--out', {str(out)!r}, '--jobs', '{jobs}', '--no-progress'])\n"
        "except SystemExit: pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return int(res.stderr.strip().splitlines()[-1]) / 1024

if __name__ == "__main__":
    main()
