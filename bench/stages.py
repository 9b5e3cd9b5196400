"""CPU time per stage of `pipeline.process` over distinct bench pages, in one warm process.

Where a page's time goes, to choose what to make faster and to measure a change
stage by stage (bench.py times the whole command, which is what counts). The
pages are bench.py's (raw/ copied with a distinct first line and shifted
numbers); the rules are loaded first, so start-up is not in any row. Each pass
runs every page; a row is the best of `--repeat` passes (CPU seconds of this
process). Nested stages are indented under the stage that calls them. Joins
bench.py as a section (`python bench/bench.py --only stages`); for a before and
after, run it against each checkout (`PYTHONPATH=<checkout>/src`).

    python bench/stages.py --pages 300 --repeat 3
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import make_corpus  # noqa: E402

# (module, function, depth): each is timed where the pipeline calls it (through its module).
STAGES = [
    ("pipeline", "_process", 0),
    ("ingest", "read", 1),
    ("clean", "clean", 1),
    ("figures", "extract", 1),
    ("numbers", "scan", 2),
    ("figures", "_not_figures", 2),
    ("figures", "_tables", 2),
    ("figures", "_sentences", 2),
    ("authorities", "extract", 1),
    ("validate", "check", 1),
    ("consolidate", "signature", 1),
]


def _timed(spent: dict[str, float], key: str, f: Any) -> Any:
    @functools.wraps(f)
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[key] += time.process_time() - t0

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="distinct pages (default 300)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the pages; each row is the best (default 3)")
    args = ap.parse_args()
    import importlib

    from extract import pipeline
    from extract.model import Options

    spent: dict[str, float] = {}
    for mod, name, _depth in STAGES:
        module = importlib.import_module(f"extract.{mod}")
        key = f"{mod}.{name}"
        spent[key] = 0.0
        setattr(module, name, _timed(spent, key, getattr(module, name)))
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        chars, _texts = make_corpus(Path(tmp) / "corpus", args.pages)
        inputs, _ = pipeline.plan([Path(tmp) / "corpus"])
        options = Options(jobs=1)
        pipeline.warm(options)
        pipeline.process(inputs[0], options)  # numpy and the lazily built tables, as after a worker's first page
        best = {key: float("inf") for key in spent}
        for _ in range(args.repeat):
            for key in spent:
                spent[key] = 0.0
            for inp in inputs:
                pipeline.process(inp, options)
            best = {key: min(best[key], spent[key]) for key in spent}
    total = best["pipeline._process"]
    print(f"  {args.pages} pages, {chars / 1e6:.2f} M characters; CPU seconds, best of {args.repeat} passes; "
          f"{chars / total / 1e6:.2f} M chars/s through the whole of `process`")
    for mod, name, depth in STAGES:
        key = f"{mod}.{name}"
        print(f"  {'  ' * depth}{key:<{36 - 2 * depth}} {best[key] * 1e3:8.1f} ms  {best[key] / args.pages * 1e6:7.0f} us/page"
              f"  {best[key] / total:6.1%}", flush=True)


if __name__ == "__main__":
    main()
