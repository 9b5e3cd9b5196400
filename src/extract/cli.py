"""The command line: parses arguments and calls the pure core, nothing more."""

from __future__ import annotations

import heapq
import sys
import time
from pathlib import Path

import click

from . import pipeline, score as scoring
from .model import Options
from .write import Writer

DEFAULT_RAW = Path("raw")
DEFAULT_OUT = Path("output")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Re-extract figures and authorities from archived Ofsted report pages."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True, help="Output folder.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True, help="Worker processes (0 = one per core).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Rules folder (default: the bundled rules/).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=Options.max_bytes, show_default=True,
              help="Refuse files larger than this.")
@click.option("--raw-csv", is_flag=True, help="Do not neutralise cells that a spreadsheet would run as formulas.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def run(paths: tuple[Path, ...], out: Path, jobs: int, rules_dir: Path | None, max_bytes: int, raw_csv: bool,
        progress: bool | None) -> None:
    """Extract figures and authorities from pages (files or folders; default raw/) into CSVs."""
    roots = list(paths) or [DEFAULT_RAW]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    options = Options(out=out, jobs=jobs, rules_dir=rules_dir, max_bytes=max_bytes,
                      neutralise_formulas=not raw_csv, progress=progress)
    t0 = time.perf_counter()
    inputs, dupes = pipeline.plan(roots)
    report = pipeline.Report()
    show = sys.stderr.isatty() if progress is None else progress
    # Duplicate doc_ids join the stream in doc_id order, after the file that kept the id.
    results = heapq.merge(pipeline.run(inputs, options), dupes, key=lambda r: r.document.doc_id)
    with Writer(options) as writer:
        if show and len(inputs) > 1:
            from tqdm import tqdm

            results = tqdm(results, total=len(inputs) + len(dupes), unit="doc", file=sys.stderr)
        for result in results:
            writer.add(result)
            report.add(result)
    for doc_id, error in report.failed:
        click.echo(f"error: {doc_id}: {error}", err=True)
    click.echo(report.summary(time.perf_counter() - t0))
    sys.exit(report.exit_code)


@main.command()
@click.argument("output", type=click.Path(path_type=Path, exists=True, file_okay=False), default=DEFAULT_OUT)
@click.option("--expected", type=click.Path(path_type=Path, exists=True, file_okay=False), default=scoring.EXPECTED,
              show_default=True, help="Folder with figures.csv, not_figures.csv, authorities.csv annotations.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary, not each miss and false row.")
def score(output: Path, expected: Path, quiet: bool) -> None:
    """Precision, recall and agreement of a run against hand-made annotations."""
    click.echo(scoring.score(output, expected).report(details=not quiet))
