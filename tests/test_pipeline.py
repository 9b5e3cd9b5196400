"""The batch: pages go to workers in chunks, and the output does not depend on it."""

from __future__ import annotations

import sys
import time
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from extract import pipeline
from extract.cli import main


def test_chunks_are_one_page_for_small_batches_and_a_few_for_large_ones():
    assert pipeline.chunk_size(29, 2) == 1  # every worker busy to the end
    assert pipeline.chunk_size(100, 2) == 3
    assert pipeline.chunk_size(100_000, 2) == 8
    assert pipeline.chunk_size(100_000, 64) == 8
    assert pipeline.chunk_size(0, 2) == 1


def test_a_batch_sent_in_chunks_writes_what_one_process_writes(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    n = 150  # 150 // (2 * 16): chunks of 4 pages, a last chunk of 2
    assert pipeline.chunk_size(n, 2) == 4
    for i in range(n):
        text = (f"Page {i}. Ofsted judged {i % 40} of the 152 councils good in 20{10 + i % 9}.\n"
                f"{'Kent' if i % 3 else 'Durham'} was rated outstanding; {i % 7} in 10 children were seen.\n")
        (pages / f"p{i:03d}.{'txt' if i % 5 else 'html'}").write_text(
            text if i % 5 else f"<html><body><p>{text}</p></body></html>", encoding="utf-8")
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        res = CliRunner().invoke(main, ["run", str(pages), "--out", str(out), "--jobs", str(jobs), "--no-progress",
                                        "--no-cache"], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        outs[jobs] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert len([name for name in outs[1] if name.startswith("clean/")]) == n
    assert outs[1] == outs[2]
    assert outs[1]["figures.csv"].count(b"\n") > n  # pages with figures, not empty runs


def test_a_swallowed_alarm_rings_again_and_none_rings_after_the_block() -> None:
    # An exception raised inside a __del__ is dropped by the interpreter: the page must still time out.
    swallowed = 0
    with pytest.raises(pipeline.DocTimeout):
        with pipeline._budget(0.05):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    time.sleep(0.01)
                except pipeline.DocTimeout:
                    if swallowed:
                        raise
                    swallowed += 1  # the first alarm is lost
    assert swallowed == 1
    time.sleep(0.3)  # no alarm rings once the block is over


def test_a_budgets_alarm_dropped_in_a_finaliser_prints_no_traceback() -> None:
    """An alarm that lands while a __del__ runs is dropped there (and rings again): the hook for such exceptions
    keeps it off stderr inside a budget, and passes any other exception, and any outside a budget, on."""
    seen: list[type] = []
    before = sys.unraisablehook
    sys.unraisablehook = lambda info: seen.append(type(info.exc_value))
    try:
        with pipeline._budget(30):
            sys.unraisablehook(SimpleNamespace(exc_value=pipeline.DocTimeout()))
            sys.unraisablehook(SimpleNamespace(exc_value=ValueError()))
        sys.unraisablehook(SimpleNamespace(exc_value=pipeline.DocTimeout()))
    finally:
        sys.unraisablehook = before
    assert seen == [ValueError, pipeline.DocTimeout]
