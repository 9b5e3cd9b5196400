"""The command line: parses arguments and calls the pure core, nothing more."""

from __future__ import annotations

import heapq
import sys
import time
from collections import Counter
from pathlib import Path

import click

# Only light modules here: `--help` and usage errors must not import the pipeline, spaCy or regex (issue 11).
from .model import Options

DEFAULT_RAW = Path("raw")
DEFAULT_OUT = Path("output")


class _Main(click.Group):
    """Damaged input files and unwritable output paths are the user's to fix: one
    clear message and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            from .diff import CsvError  # here, not above: `--help` must not import regex (issue 11)
            from .rules import RuleError

            if isinstance(exc, CsvError | RuleError):
                click.echo(f"error: {exc}", err=True)
            elif isinstance(exc, OSError):
                where = f"{exc.filename}: " if exc.filename else ""
                click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            else:
                raise
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
@click.option("--explain", is_flag=True, help="Also write rejected.csv: every candidate a rule turned down, and why.")
@click.option("--no-cache", is_flag=True, help="Extract every document again; neither read nor write OUT/.cache.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: worker processes on this machine; spark: Spark tasks (pip install -e '.[spark]').")
@click.option("--master", default=None, help="Spark master URL for --engine spark (default: spark.master, else local[*]).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="parquet: also write OUT/parquet/<table>/part-*.parquet with the CSVs' columns (needs pyarrow).")
@click.option("--doc-timeout", type=click.FloatRange(min=0), default=Options.doc_timeout, show_default=True,
              help="Seconds one document may take before it gets status error (0 = no limit).")
def run(paths: tuple[Path, ...], out: Path, jobs: int, rules_dir: Path | None, max_bytes: int, raw_csv: bool,
        progress: bool | None, explain: bool, no_cache: bool, engine: str, master: str | None, fmt: str,
        doc_timeout: float) -> None:
    """Extract figures and authorities from pages (files or folders; default raw/) into CSVs.

    Pages are .txt and .html files, and the HTML and text pages archived in
    WARC and ARC files (.warc, .warc.gz, .arc, .arc.gz). Unchanged documents
    are reused from OUT/.cache unless --no-cache."""
    roots = list(paths) or [DEFAULT_RAW]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    if master and engine != "spark":
        raise click.UsageError("--master needs --engine spark")
    from . import compiled

    patterns = compiled.Session()  # before the pipeline's imports, so spaCy's own patterns are kept too
    from . import archive, cache, parquet, pipeline, rules, spark
    from .write import WriteError, Writer

    broken = rules.check_dir(rules_dir, cached=True)  # before any page is read; a folder found sound is not re-validated
    if broken:
        patterns.finish()
        for err in broken:
            click.echo(f"error: {err}", err=True)
        sys.exit(2)
    options = Options(out=out, jobs=jobs, rules_dir=rules_dir, max_bytes=max_bytes,
                      neutralise_formulas=not raw_csv, progress=progress, explain=explain, cache=not no_cache,
                      doc_timeout=doc_timeout)
    t0 = time.perf_counter()
    records: Counter[str] = Counter()
    report = pipeline.Report()
    show = sys.stderr.isatty() if progress is None else progress
    try:
        parquet.Tables(out, enabled=fmt == "parquet")  # pyarrow is there, or a usage error before anything
        store = cache.Cache(out / cache.FOLDER, options) if options.cache else None
        inputs, dupes = pipeline.plan(roots, records, store.folder if store else None)
        with Writer(options) as writer, parquet.Tables(writer.stage, enabled=fmt == "parquet") as tables:
            writer.store = store
            # Local workers write their own rows (the main process only copies bytes); Parquet needs the rows here.
            shard = writer.shard() if engine == "local" and not tables.enabled else None

            def compute(ins: list, opts: Options, keys: list | None = None):  # this machine's workers or Spark tasks
                if engine == "spark":
                    return spark.run(ins, opts, master)
                return pipeline.run(ins, opts, shard, patterns.finish, store, keys)

            computed = cache.cached_run(compute, inputs, options, store) if store else compute(inputs, options)
            # Duplicate doc_ids join the stream in doc_id order, after the file that kept the id.
            results = heapq.merge(computed, dupes, key=lambda r: r.document.doc_id)
            if show and len(inputs) > 1:
                from tqdm import tqdm

                results = tqdm(results, total=len(inputs) + len(dupes), unit="doc", file=sys.stderr)
            for result in results:
                writer.add(result)
                tables.add(result)
                report.add(result)
    except (parquet.Unavailable, spark.Unavailable) as exc:
        raise click.UsageError(str(exc)) from exc
    except WriteError as exc:  # disk full, read-only, not a folder: nothing half-written is left
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        patterns.finish()  # a no-op once the pipeline has warmed; restores the libraries if it never did
    for doc_id, error in report.failed:
        click.echo(f"error: {doc_id}: {error}", err=True)
    if records:
        click.echo(archive.describe(records), err=True)
    if store and store.hits:
        click.echo(f"cache: {store.hits} documents reused, {store.misses} extracted", err=True)
    click.echo(report.summary(time.perf_counter() - t0))
    sys.exit(report.exit_code)


@main.command()
@click.argument("output", type=click.Path(path_type=Path, exists=True, file_okay=False), default=DEFAULT_OUT,
                callback=lambda ctx, param, value: _is_run(ctx, param, value))
@click.option("--expected", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Folder with figures.csv, not_figures.csv, authorities.csv annotations [default: tests/corpus/expected].")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary, not each document, miss and false row.")
@click.option("--doc", "docs", multiple=True, metavar="DOC_ID",
              help="Score only these documents (repeatable): a fold of pages no rule was written from.")
def score(output: Path, expected: Path, quiet: bool, docs: tuple[str, ...]) -> None:
    """Precision, recall and agreement of a run against hand-made annotations, overall and per document."""
    from . import score as scoring

    click.echo(scoring.score(output, expected or scoring.EXPECTED, docs or None).report(details=not quiet))


# --- check, diff, review (issue 5) ------------------------------------------------------------------------------
def _is_run(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and not (value / "documents.csv").is_file():
        raise click.BadParameter(f"{value} is not an output folder (no documents.csv)", ctx, param)
    if value is not None:
        from .write import RunError, check_run

        try:
            check_run(value)  # a run whose files disagree with its manifest is refused, never read as a mix
        except RunError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
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
@click.option("--by", type=click.Choice(["doc_id", "url"]), default="doc_id", show_default=True,
              help="Pair documents by doc_id, or by url (two runs over two captures of the same pages).")
def diff(old: Path, new: Path, fmt: str, docs: tuple[str, ...], out: Path | None, by: str) -> None:
    """Compare two runs row by row: rows added, removed and changed (exit 1 when they differ)."""
    from . import diff as rundiff

    d = rundiff.compare(old, new, docs=docs or None, by=by)
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
@click.option("--by", type=click.Choice(["doc_id", "url"]), default="doc_id", show_default=True,
              help="With --diff: pair documents by doc_id, or by url (a page's two captures side by side).")
def review(output: Path, diff_old: Path | None, docs: tuple[str, ...], out: Path, by: str) -> None:
    """Write one self-contained HTML page to review a run: texts with highlighted rows, tables, checks."""
    from . import review as reviewing

    path = reviewing.write(output, out, diff_old, docs or None, by)
    click.echo(f"review page: {path}")


def _is_extracted_run(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A run whose extracted files are whole; its cross-page tables are what `consolidate` (re)writes."""
    if value is not None and not (value / "documents.csv").is_file():
        raise click.BadParameter(f"{value} is not an output folder (no documents.csv)", ctx, param)
    if value is not None:
        from .write import CONSOLIDATED, RunError, check_run

        try:
            check_run(value, ignore=("documents.csv", *CONSOLIDATED))
        except RunError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    return value


@main.command()
@click.argument("output", type=_RUN_DIR, default=DEFAULT_OUT, callback=_is_extracted_run)
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Rules folder (default: the bundled rules/).")
@click.option("--raw-csv", is_flag=True, help="Do not neutralise cells that a spreadsheet would run as formulas.")
def consolidate(output: Path, rules_dir: Path | None, raw_csv: bool) -> None:
    """Across pages: authority_judgements.csv, figure_series.csv and documents.csv's duplicate_of (as `run` does)."""
    from . import consolidate as consolidating
    from .write import CONSOLIDATED, refresh_manifest

    summary = consolidating.write(output, rules_dir, safe=not raw_csv)
    refresh_manifest(output, ("documents.csv", *CONSOLIDATED))  # the run stays one whole run
    click.echo(summary)


@main.group("rules")
def rules_group() -> None:
    """Rule files: validate a rules folder."""


@rules_group.command("check")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True), required=False)
def rules_check(directory: Path | None) -> None:
    """Validate every rule file in DIRECTORY (default: the bundled rules/): exit 0 when sound, 2 with each problem."""
    from . import rules

    broken = rules.check_dir(directory)
    for err in broken:
        click.echo(f"error: {err}", err=True)
    if broken:
        sys.exit(2)
    click.echo(f"rules: {rules.rules_dir(directory)} is valid")
