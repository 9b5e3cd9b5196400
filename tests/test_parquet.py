"""Parquet tables: the CSVs' columns and rows, in bounded parts, moved into
place only when the run is complete."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import parquet, pipeline
from extract.cli import main
from extract.model import Document, Options, Result, columns

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None,
                                reason="Parquet not tested: no pyarrow (pip install -e '.[spark]')")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"


def test_parquet_parts_hold_the_csv_rows_in_order(tmp_path):
    import pandas as pd

    res = CliRunner().invoke(main, ["run", str(RAW), "--out", str(tmp_path), "--format", "parquet", "--raw-csv",
                                    "--no-progress", "--jobs", "1"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    for name, cls in parquet.TABLES.items():
        csv = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        table = pd.read_parquet(tmp_path / "parquet" / name)
        assert list(table.columns) == columns(cls) == list(csv.columns)
        assert [tuple(map(str, r)) for r in table.itertuples(index=False)] == list(csv.itertuples(index=False))
    figures = pd.read_parquet(tmp_path / "parquet" / "figures")
    assert str(figures["start"].dtype) == "int64" and figures["value"].map(type).eq(str).all()
    assert not list(tmp_path.glob(".parquet-staging-*"))


def test_small_parts_split_a_table_and_read_back_whole(tmp_path):
    import pandas as pd

    inputs, _ = pipeline.plan([RAW])
    results = [pipeline.process(i, Options()) for i in inputs[:6]]
    with parquet.Tables(tmp_path, part_rows=10) as tables:
        for r in results:
            tables.add(r)
    parts = sorted((tmp_path / "parquet" / "figures").iterdir())
    n_figures = sum(len(r.figures) for r in results)
    assert len(parts) == -(-n_figures // 10) > 1
    assert [len(pd.read_parquet(p)) for p in parts[:-1]] == [10] * (len(parts) - 1)
    got = pd.read_parquet(tmp_path / "parquet" / "figures")
    assert list(got["figure_id"]) == [f.figure_id for r in results for f in r.figures]
    assert list(got["doc_id"]) == [f.doc_id for r in results for f in r.figures]
    assert len(pd.read_parquet(tmp_path / "parquet" / "checks").columns) == len(columns(parquet.TABLES["checks"]))


def test_a_failed_run_leaves_the_previous_tables(tmp_path):
    import pandas as pd

    doc = Document("a", "raw/a.txt")
    with parquet.Tables(tmp_path) as tables:
        tables.add(Result(doc))
    with pytest.raises(RuntimeError), parquet.Tables(tmp_path) as tables:
        tables.add(Result(Document("b", "raw/b.txt")))
        raise RuntimeError("killed mid-run")
    assert list(pd.read_parquet(tmp_path / "parquet" / "documents")["doc_id"]) == ["a"]
    assert not list(tmp_path.glob(".parquet-staging-*"))


def test_disabled_tables_write_nothing(tmp_path):
    with parquet.Tables(tmp_path, enabled=False) as tables:
        tables.add(Result(Document("a", "raw/a.txt")))
    assert list(tmp_path.iterdir()) == []
