"""Each seed's figures.csv, as the pipeline writes it, against its hand-verified golden.

Goldens live in tests/golden/<doc_id>/figures.csv. A difference prints as a
unified diff of CSV lines, so a changed value or category reads at a glance.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import astuple
from pathlib import Path

import pytest

from extract import figures, golden, write
from extract.model import CleanDoc, Figure, columns

GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = sorted(p.stem for p in (GOLDEN.parent.parent / "raw").glob("0*.txt"))


def run_lines(doc: CleanDoc) -> list[str]:
    """The figures.csv lines a run writes for `doc` (header first)."""
    header = columns(Figure)
    rows = [dict(zip(header, (str(write.neutralise(v)) for v in astuple(f)), strict=True)) for f in figures.extract(doc)]
    return golden.csv_lines(header, rows)


def golden_lines(doc_id: str) -> list[str]:
    with (GOLDEN / doc_id / "figures.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return golden.csv_lines(list(reader.fieldnames or []), rows)


@pytest.mark.parametrize("doc_id", SEEDS)
def test_golden_figures(doc_id: str, seed_docs: dict[str, CleanDoc]) -> None:
    expected = golden_lines(doc_id)
    actual = run_lines(seed_docs[doc_id])
    diff = "\n".join(difflib.unified_diff(expected, actual, f"golden/{doc_id}/figures.csv", "run", lineterm=""))
    assert expected == actual, diff
