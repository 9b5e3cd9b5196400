"""The command line: parses arguments and calls the pure core, nothing more."""

from __future__ import annotations

import heapq
import sys
import time
from pathlib import Path

import click

from . import pipeline, rules
from . import score as scoring
from .model import Options
from .write import Writer

DEFAULT_RAW = Path("raw")
DEFAULT_OUT = Path("output")


class _Main(click.Group):
    """Damaged input files and unwritable output paths are the user's to fix: one
    clear message and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        from .diff import CsvError
        from .rules import RuleError

        try:
            return super().invoke(ctx)
        except (CsvError, RuleError) as exc:
            click.echo(f"error: {exc}", err=True)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        ctx.exit(2)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--doc-timeout", type=click.FloatRange(min=0), default=Options.doc_timeout, show_default=True,
              help="Seconds one document may take before it gets status error (0 = no limit).")
def run(paths: tuple[Path, ...], out: Path, jobs: int, rules_dir: Path | None, max_bytes: int, raw_csv: bool,
        progress: bool | None, doc_timeout: float) -> None:
    """Extract figures and authorities from pages (files or folders; default raw/) into CSVs."""
    roots = list(paths) or [DEFAULT_RAW]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    broken = rules.check_dir(rules_dir)  # before any page is read
    if broken:
        for err in broken:
            click.echo(f"error: {err}", err=True)
        sys.exit(2)
    options = Options(out=out, jobs=jobs, rules_dir=rules_dir, max_bytes=max_bytes,
                      neutralise_formulas=not raw_csv, progress=progress, doc_timeout=doc_timeout)
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


# --- check, diff, review (issue 5) ------------------------------------------------------------------------------
def _is_run(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and not (value / "documents.csv").is_file():
        raise click.BadParameter(f"{value} is not an output folder (no documents.csv)", ctx, param)
    return value


_RUN_DIR = click.Path(path_type=Path, exists=True, file_okay=False)


@main.command()
@click.argument("output", type=_RUN_DIR, default=DEFAULT_OUT, callback=_is_run)
@click.option("--golden", "golden_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Golden folder of <doc_id>/{figures,authorities,checks}.csv [default: the project's tests/golden].")
@click.option("--update", is_flag=True, help="Write the run's rows as the golden files and print the diff applied.")
@click.option("--doc", "docs", multiple=True, metavar="DOC_ID",
              help="Only this document (repeatable); with --update, writes all its golden files, creating them.")
def check(output: Path, golden_dir: Path | None, update: bool, docs: tuple[str, ...]) -> None:
    """Compare a run with the golden files: exit 0 when equal, 1 with a diff when not."""
    from . import golden

    golden_dir = golden_dir or golden.GOLDEN
    if update:
        try:
            applied = golden.update(output, golden_dir, docs or None)
        except golden.GoldenError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(applied, nl=False)
        click.echo("golden: up to date, nothing written" if not applied else f"golden: updated {golden_dir}")
        return
    if not golden.golden_docs(golden_dir) and not docs:
        click.echo(f"golden: no golden documents in {golden_dir}", err=True)
        sys.exit(1)
    differences = golden.compare(output, golden_dir, docs or None)
    if differences:
        click.echo(golden.format_diff(differences, golden_dir, output), nl=False)
    click.echo(golden.summary(differences, golden_dir, docs or None))
    sys.exit(1 if differences else 0)


@main.command()
@click.argument("old", type=_RUN_DIR, callback=_is_run)
@click.argument("new", type=_RUN_DIR, callback=_is_run)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "md", "html"]), default="text", show_default=True,
              help="text for a terminal, csv one row per change, md for a pull-request comment, html a page.")
@click.option("--doc", "docs", multiple=True, metavar="DOC_ID", help="Only this document (repeatable).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def diff(old: Path, new: Path, fmt: str, docs: tuple[str, ...], out: Path | None) -> None:
    """Compare two runs row by row: rows added, removed and changed (exit 1 when they differ)."""
    from . import diff as rundiff

    d = rundiff.compare(old, new, docs=docs or None)
    text = rundiff.render(d, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(d.changes)} changes -> {out}", err=True)
    sys.exit(0 if d.equal else 1)


@main.command()
@click.argument("output", type=_RUN_DIR, default=DEFAULT_OUT, callback=_is_run)
@click.option("--diff", "diff_old", type=_RUN_DIR, default=None, callback=_is_run, help="Mark what changed since this older run.")
@click.option("--doc", "docs", multiple=True, metavar="DOC_ID", help="Only this document (repeatable).")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=Path("report.html"),
              show_default=True, help="The HTML file to write.")
def review(output: Path, diff_old: Path | None, docs: tuple[str, ...], out: Path) -> None:
    """Write one self-contained HTML page to review a run: texts with highlighted rows, tables, checks."""
    from . import review as reviewing

    path = reviewing.write(output, out, diff_old, docs or None)
    click.echo(f"review page: {path}")


@main.group("rules")
def rules_group() -> None:
    """Rule files: validate a rules folder."""


@rules_group.command("check")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True), required=False)
def rules_check(directory: Path | None) -> None:
    """Validate every rule file in DIRECTORY (default: the bundled rules/): exit 0 when sound, 2 with each problem."""
    broken = rules.check_dir(directory)
    for err in broken:
        click.echo(f"error: {err}", err=True)
    if broken:
        sys.exit(2)
    click.echo(f"rules: {rules.rules_dir(directory)} is valid")
