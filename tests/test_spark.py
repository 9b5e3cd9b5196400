"""The Spark engine writes the local engine's output, byte for byte.

One local[2] SparkSession serves the whole module; the engine uses the active
context as it would under spark-submit. Skipped, with the reason in pytest's
summary, where Java or pyspark is missing; CI installs both.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import pipeline, rules, spark
from extract.cli import main
from extract.model import Options

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
HOSTILE = ROOT / "tests" / "hostile"

_missing = [what for what, ok in (("Java (java on PATH)", shutil.which("java")),
                                  ("pyspark (pip install -e '.[spark]')", importlib.util.find_spec("pyspark")),
                                  ("pyarrow (pip install -e '.[spark]')", importlib.util.find_spec("pyarrow"))) if not ok]
needs_spark = pytest.mark.skipif(bool(_missing), reason=f"Spark engine not tested: no {', no '.join(_missing)}")


@pytest.fixture(scope="module")
def session():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYSPARK_PYTHON", sys.executable)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark's note on pandas versions
            from pyspark.sql import SparkSession

            s = (SparkSession.builder.master("local[2]").appName("extract-tests")
                 .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.shuffle.partitions", "2").config("spark.default.parallelism", "2")
                 .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.executorEnv.PYTHONWARNINGS", "ignore::FutureWarning")
                 .getOrCreate())
        s.sparkContext.setLogLevel("ERROR")
        yield s
        s.stop()


def extract_run(args: list[str], out: Path, exit_code: int) -> dict[str, bytes]:
    res = CliRunner().invoke(main, ["run", *args, "--out", str(out), "--no-progress"], catch_exceptions=False)
    assert res.exit_code == exit_code, res.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(session, tmp_path_factory):
    """raw/ through both engines, as the README's commands run it."""
    tmp = tmp_path_factory.mktemp("engines")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        local = extract_run(["raw", "--jobs", "2", "--format", "parquet"], tmp / "local", 0)
        remote = extract_run(["raw", "--engine", "spark", "--master", "local[2]", "--format", "parquet"], tmp / "spark", 0)
    return tmp, local, remote


@needs_spark
def test_spark_engine_writes_the_local_engines_bytes(runs):
    _, local, remote = runs
    assert "documents.csv" in remote and "clean/002_7b131e19ac9504d4.txt" in remote
    assert "parquet/figures/part-00000.parquet" in remote
    assert sorted(local) == sorted(remote)
    assert [name for name in local if local[name] != remote[name]] == []


@needs_spark
def test_spark_engine_reads_web_archives_as_the_local_engine_does(session, tmp_path):
    from fixtures.warcs import raw_pages, write_arc, write_warc

    archives = tmp_path / "archives"
    archives.mkdir()
    pages = raw_pages(as_html=True)
    write_warc(archives / "a.warc.gz", pages[:15])
    write_warc(archives / "b.warc", pages[15:25], gzip_records=False)
    write_arc(archives / "c.arc", pages[25:])
    local = extract_run([str(archives), "--jobs", "2", "--no-cache"], tmp_path / "local", 0)
    remote = extract_run([str(archives), "--engine", "spark", "--master", "local[2]", "--no-cache"],
                         tmp_path / "spark", 0)
    assert b"http://www.ofsted.gov.uk/news/" in remote["documents.csv"]
    assert sum(name.startswith("clean/") for name in remote) == len(pages)
    assert [name for name in local if local[name] != remote.get(name)] == [] and sorted(local) == sorted(remote)


@needs_spark
def test_bad_files_and_duplicate_ids_fail_alike_on_spark(session, tmp_path):
    local = extract_run([str(HOSTILE), "--jobs", "2"], tmp_path / "local", 1)
    remote = extract_run([str(HOSTILE), "--engine", "spark"], tmp_path / "spark", 1)
    assert b"duplicate doc_id" in remote["documents.csv"] and b",error," in remote["documents.csv"]
    assert local == remote


@needs_spark
def test_many_partitions_reach_the_writer_in_doc_id_order(session, monkeypatch):
    monkeypatch.setattr(spark, "MAX_PARTITION", 2)  # 30 pages -> 15 contiguous slices
    inputs, _ = pipeline.plan([RAW])
    got = list(spark.run(inputs, Options()))
    assert [r.document.doc_id for r in got] == [i.doc_id for i in inputs]
    want = [pipeline.process(i, Options()) for i in inputs]
    assert [(r.document, r.figures, r.mentions, r.checks, r.clean_text) for r in got] == \
           [(r.document, r.figures, r.mentions, r.checks, r.clean_text) for r in want]


@needs_spark
def test_spark_and_pandas_read_the_parquet_tables_as_the_csvs(session, runs):
    import pandas as pd

    tmp, _, _ = runs
    for name in ("documents", "figures", "authorities", "checks"):
        csv = pd.read_csv(tmp / "spark" / f"{name}.csv", dtype=str, keep_default_na=False)
        folder = tmp / "spark" / "parquet" / name
        table = session.read.parquet(str(folder))
        assert table.columns == list(csv.columns)
        by_spark = sorted(tuple("" if v is None else str(v) for v in r) for r in table.collect())
        by_pandas = [tuple(map(str, r)) for r in pd.read_parquet(folder).itertuples(index=False)]
        assert by_spark == sorted(by_pandas)
        assert len(by_pandas) == len(csv) > 0
        # Same cells in the same order; the CSV alone prefixes would-be formulas with an apostrophe.
        for got, cells in zip(by_pandas, csv.itertuples(index=False), strict=True):
            assert all(c in (v, "'" + v) for v, c in zip(got, cells, strict=True)), (got, cells)


def test_rules_are_written_and_warmed_once_per_executor_process(monkeypatch):
    monkeypatch.setattr(spark, "_LOCAL_RULES", {})
    shipped = spark._rule_files(None)
    inputs, _ = pipeline.plan([RAW])
    first = list(spark._process_partition(shipped, Options(), inputs[:2]))
    folder = spark._LOCAL_RULES[shipped[0]]
    stamp = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    second = list(spark._process_partition(shipped, Options(), inputs[2:4]))
    assert list(spark._LOCAL_RULES.values()) == [folder]  # one copy, reused by the next task
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamp
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == shipped[1]
    assert rules.manifest(folder) == rules.manifest(None)
    want = [pipeline.process(i, Options()) for i in inputs[:4]]
    assert [r.document for r in first + second] == [r.document for r in want]
    assert [r.figures for r in first + second] == [r.figures for r in want]


def test_partitions_are_bounded_slices():
    assert spark.partitions(30, 2) == 4  # two per core
    assert spark.partitions(6000, 2) == 24  # at most MAX_PARTITION pages each
    assert spark.partitions(1, 8) == 1
    assert all(6000 / spark.partitions(6000, p) <= spark.MAX_PARTITION for p in (1, 2, 64))


def test_master_without_the_spark_engine_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["run", str(RAW), "--out", str(tmp_path / "out"), "--master", "local[2]"])
    assert res.exit_code == 2 and "--master needs --engine spark" in res.output
    assert not (tmp_path / "out").exists()


def test_spark_that_cannot_start_is_a_usage_error_before_anything_is_written(tmp_path, monkeypatch):
    def no_java(master):
        raise spark.Unavailable("cannot start Spark (is Java 17 installed?): no java")

    monkeypatch.setattr(spark, "_context", no_java)
    res = CliRunner().invoke(main, ["run", str(RAW), "--out", str(tmp_path / "out"), "--engine", "spark"])
    assert res.exit_code == 2 and "is Java 17 installed?" in res.output
    assert not (tmp_path / "out").exists()
