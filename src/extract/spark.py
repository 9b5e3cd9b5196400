"""The batch on Apache Spark: the same per-document function as Spark tasks.

The driver plans the inputs exactly as the local engine does (`pipeline.plan`:
same doc_ids, same order) and cuts the sorted list into partitions that are
contiguous doc_id ranges. Each task runs `pipeline.process` over its range; the
results stay on the executors' local disks until every task is
done, then reach the driver one partition at a time, in partition order, so
the writer gets them in doc_id order and the driver holds one partition's
results at most, however large the corpus.

Rules and the register are shipped once, as a broadcast of the rule folder's
bytes: each executor's Python process writes them to a private folder and warms
every stage's caches on its first task, then reuses them for every later page.
Inputs are `ingest.Input` values (picklable frozen dataclasses) and travel to
the tasks unchanged, whatever kind of record they describe.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import ingest, pipeline, rules
from .model import Options, Result

# Pages per partition at most: the driver holds one partition's results (two
# while the next one is prefetched), so this bounds its memory; each partition
# costs the driver one small Spark job to fetch.
MAX_PARTITION = 256
# Partitions per core at least, so a slow page does not leave cores idle.
PER_CORE = 2

# Rule folder digest -> the local copy this Python process wrote and warmed.
_LOCAL_RULES: dict[str, Path] = {}


class Unavailable(RuntimeError):
    """pyspark is not installed (or cannot start Java)."""


def run(inputs: list[ingest.Input], options: Options, master: str | None = None) -> Iterator[Result]:
    """Results in input order, computed as Spark tasks.

    Uses the active SparkContext if there is one (spark-submit, a notebook, a
    test), else starts one on `master` (default: spark.master from the
    Spark configuration, else local[*]) and stops it at the end. Raises
    `Unavailable` now, not when iterated, when Spark cannot start."""
    rules.manifest(options.rules_dir)  # validate every rule file on the driver, before any task starts
    if not inputs:
        return iter(())
    sc, own = _context(master)
    return _stream(sc, own, inputs, options)


def _stream(sc, own: bool, inputs: list[ingest.Input], options: Options) -> Iterator[Result]:
    """Compute every partition, then hand the results over one partition at a time."""
    try:
        from pyspark import StorageLevel

        shipped = sc.broadcast(_rule_files(options.rules_dir))
        rdd = sc.parallelize(inputs, partitions(len(inputs), sc.defaultParallelism))
        rdd = rdd.mapPartitions(lambda part: _process_partition(shipped.value, options, part), preservesPartitioning=True)
        rdd.persist(StorageLevel.DISK_ONLY)  # executors keep results on local disk, not in their heap
        # Every partition computed in parallel; the results wait on the executors. Counted on the
        # JVM side: rdd.count() would unpickle every result again in Python only to count it.
        rdd._jrdd.count()
        yield from rdd.toLocalIterator(prefetchPartitions=True)
        rdd.unpersist()
        shipped.destroy()
    finally:
        if own:
            sc.stop()


def partitions(n_inputs: int, parallelism: int) -> int:
    """How many contiguous slices to cut `n_inputs` into."""
    return max(1, min(n_inputs, max(parallelism * PER_CORE, math.ceil(n_inputs / MAX_PARTITION))))


def _context(master: str | None):  # -> tuple[SparkContext, bool]
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError as exc:
        raise Unavailable("--engine spark needs pyspark: pip install -e '.[spark]' (and Java 17)") from exc
    active = SparkContext._active_spark_context
    if active is not None:
        return active, False
    conf = SparkConf().setAppName("extract")
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    if conf.get("spark.master", "").startswith("local"):
        # Local executors run on this machine: this interpreter (and its packages), the loopback address.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1")
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    # pyspark's workers warn about pandas versions on import; extract's tasks do not use pyspark.pandas.
    conf.setIfMissing("spark.executorEnv.PYTHONWARNINGS", "ignore::FutureWarning")
    try:
        sc = SparkContext(conf=conf)
    except Exception as exc:  # noqa: BLE001 - py4j raises plain Exceptions when the JVM cannot start
        raise Unavailable(f"cannot start Spark (is Java 17 installed?): {exc}") from exc
    sc.setLogLevel(os.environ.get("EXTRACT_SPARK_LOG_LEVEL", "WARN"))
    return sc, True


def _rule_files(rules_dir: Path | None) -> tuple[str, dict[str, bytes]]:
    """The rule folder as (digest, {file name: bytes}): what is broadcast."""
    folder = rules.rules_dir(rules_dir)
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    h = hashlib.sha256()
    for name, data in files.items():
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest(), files


def _local_rules(shipped: tuple[str, dict[str, bytes]]) -> Path:
    """This executor process's copy of the shipped rules, written and warmed
    on its first task only."""
    digest, files = shipped
    folder = _LOCAL_RULES.get(digest)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix=f"extract-rules-{digest[:12]}-"))
        atexit.register(shutil.rmtree, folder, True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        pipeline.warm(Options(rules_dir=folder))
        _LOCAL_RULES[digest] = folder
    return folder


def _process_partition(shipped: tuple[str, dict[str, bytes]], options: Options,
                       inputs: Iterable[ingest.Input]) -> Iterator[Result]:
    """One task: `pipeline.process` over a contiguous doc_id range."""
    local = dataclasses.replace(options, rules_dir=_local_rules(shipped))
    for inp in inputs:
        yield pipeline.process(inp, local)
