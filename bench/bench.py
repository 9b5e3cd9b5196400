"""Benchmark: `extract` as a user runs it, against spaCy's blank tokenizer, in one run.

    python bench/bench.py                      # every section, 2,000 pages, best/median of 3
    python bench/bench.py --quick              # 300 pages, one repeat: a smoke test, not a measurement
    python bench/bench.py --pages 6000 --only run,jobs

Every timing is `extract` in a fresh process (the installed console script)
over distinct pages: the raw/ pages copied with a distinct first line and their
numbers shifted per copy, so no cache sees the same text twice. Start-up is
timed on its own (`extract --help`, `extract run` on one tiny page) and taken
out of the chars/s figures. Baselines run in this process over the same
documents: spaCy's `spacy.blank("en")` tokenizer (the yardstick), a `re` scan
for digits (the floor: no extractor can beat reading the text once), and
quantulum3 (the usual quantity extractor; optional: `pip install quantulum3`)
on a sample. Results are ratios, so they hold across machines.

Sections (`--only a,b`): startup, run, jobs, memory. Another benchmark in
bench/<name>.py with a `main()` joins as section <name> (`--only archive`).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SECTIONS = ("startup", "run", "jobs", "memory")
_NUMBER = re.compile(r"\d+")


@dataclass
class Bench:
    """The corpus and every measurement so far (sections fill `rows`)."""

    tmp: Path
    corpus: Path
    pages: int
    chars: int
    texts: list[str]
    repeat: int
    rows: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def row(self, name: str, value: str) -> None:
        self.rows[name] = value
        print(f"  {name:<58} {value}", flush=True)


# --- corpus ------------------------------------------------------------------------------------------------------


def _shift(text: str, k: int) -> str:
    """Every number in `text` plus k (k=0: unchanged), keeping its width when it had leading zeros."""
    if not k:
        return text
    return _NUMBER.sub(lambda m: str(int(m.group()) + k).zfill(len(m.group())), text)


def make_corpus(dst: Path, pages: int) -> tuple[int, list[str]]:
    """`pages` distinct pages from raw/ (a distinct first line, numbers shifted per copy) and their sources.csv."""
    dst.mkdir(parents=True)
    originals = sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".html"))
    with (RAW / "sources.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, sources = reader.fieldnames or ["doc_id"], {r["doc_id"]: r for r in reader}
    texts, rows = [], []
    for i in range(pages):
        p, copy = originals[i % len(originals)], i // len(originals)
        text = p.read_text(encoding="utf-8", errors="replace")
        if copy:
            first = f"Archived copy {copy} of {p.stem}, snapshot {1000 + copy}\n"
            text = (first if p.suffix == ".txt" else f"<p>{first}</p>") + _shift(text, copy % 7)
        doc_id = f"{p.stem}__{copy:05d}"
        (dst / f"{doc_id}{p.suffix}").write_text(text, encoding="utf-8")
        texts.append(text)
        if p.stem in sources:
            rows.append({**sources[p.stem], "doc_id": doc_id})
    with (dst / "sources.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return sum(len(t) for t in texts), texts


# --- running extract --------------------------------------------------------------------------------------------


COMMAND: list[str] = []  # --command: another build of extract to time (e.g. an older checkout)


def extract_cmd() -> list[str]:
    """The console script a user runs (beside this Python), else the same entry point through -c."""
    if COMMAND:
        return COMMAND
    script = Path(sys.executable).with_name("extract")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from extract.cli import main; sys.exit(main())"]


CPU: dict[str, float] = {}  # command -> best CPU seconds (user + system) of its process tree


def timed(args: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Best and median wall time of a command over `repeat` fresh processes (best CPU time in CPU)."""
    times, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run(args, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if res.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(args)} failed ({res.returncode}):\n{res.stderr[-2000:]}")
    CPU[" ".join(args)] = min(cpus)
    return min(times), statistics.median(times)


def cpu(args: list[str]) -> str:
    return f"CPU {CPU[' '.join(args)]:.2f} s"


def check_output(out: Path, pages: int) -> None:
    """Stop the bench unless the timed run wrote every page without an error (a broken build is fast)."""
    with (out / "documents.csv").open(encoding="utf-8", newline="") as f:
        docs = list(csv.DictReader(f))
    failed = [d for d in docs if d["status"] == "error"]
    if len(docs) != pages or failed:
        sys.exit(f"bench: {out} holds {len(docs)} documents for {pages} pages, {len(failed)} failed"
                 + (f" (first: {failed[0]['error']})" if failed else ""))


def run_args(src: Path, out: Path, jobs: int) -> list[str]:
    return [*extract_cmd(), "run", str(src), "--out", str(out), "--jobs", str(jobs), "--no-progress", "--no-cache"]  # a cold run: the cache is timed by bench/archive.py


def _tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def profile(args: list[str]) -> dict[str, float]:
    """Run once: wall time, CPU of the main process and of its workers, and the process tree's peak PSS
    (proportional set size: shared pages divided among the processes sharing them), sampled every 50 ms."""
    # The run's final step (Writer.commit: the cross-page tables, the manifest, the swap) is timed on its own,
    # so the rows can say what the per-document batch costs without it.
    code = ("import resource, sys, time\nfrom extract.cli import main\nfrom extract import write\n"
            "final = [0.0, 0.0]\ncommit = write.Writer.commit\n"
            "def timed_commit(self):\n    t, c = time.perf_counter(), time.process_time()\n"
            "    try:\n        commit(self)\n    finally:\n"
            "        final[:] = [time.perf_counter() - t, time.process_time() - c]\n"
            "write.Writer.commit = timed_commit\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print('CPU', s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime, s.ru_maxrss, *final, file=sys.stderr)\n")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args[len(extract_cmd()):]], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    wall = time.perf_counter() - t0
    cpu = [ln for ln in err.splitlines() if ln.startswith("CPU ")]
    if not cpu:
        sys.exit(f"bench: {' '.join(args)} failed:\n{err[-2000:]}")
    _, main_cpu, workers_cpu, main_rss, final_wall, final_cpu = cpu[-1].split()
    return {"wall": wall, "main_cpu": float(main_cpu), "workers_cpu": float(workers_cpu),
            "peak_pss_mb": peak[0] / 1024, "main_rss_mb": int(main_rss) / 1024,
            "final_wall": float(final_wall), "final_cpu": float(final_cpu)}


# --- sections ------------------------------------------------------------------------------------------------------


def startup(b: Bench) -> None:
    print("start-up (fresh processes):")
    py_best, _ = timed([sys.executable, "-c", "pass"], b.repeat)
    help_args = [*extract_cmd(), "--help"]
    help_best, help_med = timed(help_args, b.repeat)
    tiny = b.tmp / "tiny"
    tiny.mkdir(exist_ok=True)
    (tiny / "tiny.txt").write_text("Ofsted judged 3 of the 10 councils outstanding.\n", encoding="utf-8")
    tiny_args = run_args(tiny / "tiny.txt", b.tmp / "tiny_out", 1)
    # A first run (nothing kept yet: it validates the rules and compiles every pattern), in its own empty cache.
    first, _ = timed(tiny_args, 1, env={**os.environ, "EXTRACT_CACHE": str(b.tmp / "first-run-cache")})
    first_cpu = CPU[" ".join(tiny_args)]
    tiny_best, tiny_med = timed(tiny_args, b.repeat)
    check_output(b.tmp / "tiny_out", 1)
    b.seconds.update(python=py_best, help=help_best, tiny=tiny_best)
    b.row("python -c pass (the interpreter alone)", f"{py_best:.2f} s")
    b.row("extract --help", f"{help_best:.2f} s best, {help_med:.2f} s median, {cpu(help_args)} (wanted <= 0.3 s)")
    b.row("extract run on one tiny page",
          f"{tiny_best:.2f} s best, {tiny_med:.2f} s median, {cpu(tiny_args)} (wanted <= 1.0 s)")
    b.row("  the same, first run (empty cache: rules validated, patterns compiled)",
          f"{first:.2f} s, CPU {first_cpu:.2f} s")


def _baselines(b: Bench) -> dict[str, float]:
    """Seconds per pass over every document (best of `repeat`), in this process."""
    import spacy

    tok = spacy.blank("en").tokenizer
    for t in b.texts[:20]:
        tok(t)  # warm-up: vocabulary and caches, as in a worker that has seen a few pages
    out = {"tokenizer": float("inf"), "tokenizer_cpu": float("inf"), "re": float("inf")}
    for _ in range(b.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for t in b.texts:
            tok(t)
        out["tokenizer"] = min(out["tokenizer"], time.perf_counter() - t0)
        out["tokenizer_cpu"] = min(out["tokenizer_cpu"], time.process_time() - c0)
        t0 = time.perf_counter()
        for t in b.texts:
            for _m in _NUMBER.finditer(t):
                pass
        out["re"] = min(out["re"], time.perf_counter() - t0)
    return out


def _quantulum(b: Bench, sample: int) -> tuple[float, int] | None:
    """Seconds and characters for quantulum3 over the first `sample` documents, or None if not installed."""
    if importlib.util.find_spec("quantulum3") is None:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        parser.parse(b.texts[0][:200])  # load its unit tables and classifier first
        texts = b.texts[:sample]
        t0 = time.perf_counter()
        for t in texts:
            parser.parse(t)
        return time.perf_counter() - t0, sum(len(t) for t in texts)


def run(b: Bench) -> None:
    print(f"extract run --jobs 1 vs baselines in one process ({b.pages} pages, {b.chars / 1e6:.2f} M chars):")
    base = _baselines(b)
    one_args = run_args(b.corpus, b.tmp / "out1", 1)
    best, med = timed(one_args, b.repeat)
    check_output(b.tmp / "out1", b.pages)
    tiny = b.seconds.get("tiny")
    if tiny is None:
        (b.tmp / "tiny").mkdir(exist_ok=True)
        tiny_in = b.tmp / "tiny" / "tiny.txt"
        tiny_in.write_text("Ofsted judged 3 of the 10 councils outstanding.\n", encoding="utf-8")
        tiny = timed(run_args(tiny_in, b.tmp / "tiny_out", 1), b.repeat)[0]
    work = max(best - tiny, 1e-9)
    b.seconds.update(jobs1=best, jobs1_median=med)
    tok_cps = b.chars / base["tokenizer"]
    b.row("spaCy blank tokenizer (one process)", f"{tok_cps / 1e6:.2f} M chars/s")
    b.row("re digit scan (the floor)", f"{b.chars / base['re'] / 1e6:.2f} M chars/s, "
          f"{base['tokenizer'] / base['re']:.1f}x the tokenizer")
    b.row("extract run --jobs 1, wall", f"{best:.2f} s best, {med:.2f} s median, {cpu(one_args)}")
    b.row("extract run --jobs 1, start-up excluded, vs tokenizer", f"{base['tokenizer'] / work:.2f}x (wanted >= 1.5x)")
    tiny_cpu = CPU.get(" ".join(run_args(b.tmp / "tiny" / "tiny.txt", b.tmp / "tiny_out", 1)))
    if tiny_cpu is not None:  # CPU seconds: steadier than wall time on a shared machine
        b.row("  the same in CPU time (run CPU - tiny-page CPU vs tokenizer CPU)",
              f"{base['tokenizer_cpu'] / max(CPU[' '.join(one_args)] - tiny_cpu, 1e-9):.2f}x")
    q = _quantulum(b, sample=max(10, b.pages // 20))
    if q is None:
        b.row("vs quantulum3", "not installed (pip install quantulum3)")
    else:
        q_sec, q_chars = q
        b.row("vs quantulum3 (chars/s, extract --jobs 1 start-up excluded)",
              f"{(b.chars / work) / (q_chars / q_sec):.0f}x (wanted >= 100x; quantulum3 "
              f"{q_chars / q_sec / 1e3:.0f} k chars/s on {max(10, b.pages // 20)} pages)")


def jobs(b: Bench) -> None:
    print("both cores:")
    two_args = run_args(b.corpus, b.tmp / "out2", 2)
    best, med = timed(two_args, b.repeat)
    check_output(b.tmp / "out2", b.pages)
    one = b.seconds.get("jobs1") or timed(run_args(b.corpus, b.tmp / "out1", 1), b.repeat)[0]
    b.row("extract run --jobs 2, wall", f"{best:.2f} s best, {med:.2f} s median, {cpu(two_args)}")
    b.row("--jobs 2 / --jobs 1, wall time as a user sees it", f"{one / best:.2f}x (wanted >= 1.7x)")
    p = profile(run_args(b.corpus, b.tmp / "out2", 2))
    share = p["main_cpu"] / max(p["main_cpu"] + p["workers_cpu"], 1e-9)
    b.row("main process share of CPU with --jobs 2", f"{share:.0%} (main {p['main_cpu']:.2f} s, "
          f"workers {p['workers_cpu']:.2f} s)")
    tiny_cpu = CPU.get(" ".join(run_args(b.tmp / "tiny" / "tiny.txt", b.tmp / "tiny_out", 1)))
    if tiny_cpu is not None:  # the main process pays the start-up once, before forking; the rest is per page
        batch = max(p["main_cpu"] - tiny_cpu, 0.0)
        b.row("  main process beyond start-up (minus the tiny-page run's CPU)",
              f"{batch / max(batch + p['workers_cpu'], 1e-9):.0%} of the batch's CPU ({batch:.2f} s)")
    # Without the final step (cross-page tables, manifest, swap: serial, after the batch): best of `repeat` each.
    def batch(r: dict[str, float]) -> float:
        return r["wall"] - r["final_wall"]

    p1 = min((profile(run_args(b.corpus, b.tmp / "out1", 1)) for _ in range(b.repeat)), key=batch)
    p2 = min([p, *(profile(run_args(b.corpus, b.tmp / "out2", 2)) for _ in range(b.repeat - 1))], key=batch)
    w1, w2 = batch(p1), batch(p2)
    b.row("  without the final step (consolidation, manifest, swap)",
          f"--jobs 2 / --jobs 1 {w1 / max(w2, 1e-9):.2f}x (--jobs 1 {w1:.2f} s, --jobs 2 {w2:.2f} s; the step "
          f"took {p1['final_wall']:.2f} s and {p2['final_wall']:.2f} s, CPU {p2['final_cpu']:.2f} s with --jobs 2)")
    own = max(p["main_cpu"] - p["final_cpu"], 0.0)
    b.row("  main process share of CPU with --jobs 2, final step excluded",
          f"{own / max(own + p['workers_cpu'], 1e-9):.0%} (main {own:.2f} s, start-up included)")


def memory(b: Bench) -> None:
    print("memory (--jobs 2, peak PSS of the whole process tree, sampled from /proc every 50 ms):")
    big = b.tmp / "corpus10"
    make_corpus(big, b.pages * 10)
    small_p = profile(run_args(b.corpus, b.tmp / "mem1", 2))
    big_p = profile(run_args(big, b.tmp / "mem10", 2))
    shutil.rmtree(big, ignore_errors=True)
    b.row(f"peak memory {b.pages:,} -> {b.pages * 10:,} pages",
          f"{small_p['peak_pss_mb']:.0f} MB -> {big_p['peak_pss_mb']:.0f} MB PSS "
          f"({big_p['peak_pss_mb'] / max(small_p['peak_pss_mb'], 1e-9):.2f}x; main process max RSS "
          f"{small_p['main_rss_mb']:.0f} -> {big_p['main_rss_mb']:.0f} MB)")


def _as_installed(tmp: Path) -> None:
    """Time extract as an installed user runs it: the bytecode of its modules written (what pip does for a
    wheel, and Python for an editable install's first run, unless PYTHONDONTWRITEBYTECODE is set), and a
    cache of its own (kept rules and patterns; `~/.cache/extract` is shared with other checkouts' runs),
    filled by one untimed run: every timed run but the "first run" row is a user's second run."""
    spec = importlib.util.find_spec("extract")
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and spec and spec.submodule_search_locations and not COMMAND:
        import compileall

        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
        print("  (PYTHONDONTWRITEBYTECODE is set here: extract's modules were byte-compiled first, as an install does)")
    os.environ.setdefault("EXTRACT_CACHE", str(tmp / "cache"))
    (tmp / "warm").mkdir()
    (tmp / "warm" / "warm.txt").write_text("Ofsted judged 3 of the 10 councils outstanding.\n", encoding="utf-8")
    timed(run_args(tmp / "warm" / "warm.txt", tmp / "warm_out", 1), 1)


BUILTIN: dict[str, Callable[[Bench], None]] = {"startup": startup, "run": run, "jobs": jobs, "memory": memory}


def extra(name: str) -> None:
    """Run bench/<name>.py's main() as a section."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).with_name(f"{name}.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(f"{name}:")
    argv, sys.argv = sys.argv, [str(Path(__file__).with_name(f"{name}.py"))]  # its own defaults, not bench.py's flags
    try:
        module.main()
    finally:
        sys.argv = argv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000, help="distinct pages in the corpus (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per timing; best and median (default 3)")
    ap.add_argument("--quick", action="store_true", help="300 pages, one repeat: checks the bench runs")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"sections, comma-separated ({', '.join(SECTIONS)}, "
                    "or <name> for bench/<name>.py)")
    ap.add_argument("--command", default="", help="the extract command to time (default: the console script beside "
                    "this Python); memory and CPU rows use `python -c` with extract from PYTHONPATH")
    args = ap.parse_args()
    COMMAND[:] = shlex.split(args.command)
    if args.quick:
        args.pages, args.repeat = min(args.pages, 300), 1
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in BUILTIN and not Path(__file__).with_name(f"{s}.py").exists()]
    if unknown:
        ap.error(f"unknown section(s): {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        tmpd = Path(tmp)
        chars, texts = make_corpus(tmpd / "corpus", args.pages)
        b = Bench(tmpd, tmpd / "corpus", args.pages, chars, texts, args.repeat)
        print(f"corpus: {args.pages} distinct pages from raw/, {chars / 1e6:.2f} M characters; "
              f"{os.cpu_count()} cores; best and median of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
        _as_installed(tmpd)
        for name in wanted:
            BUILTIN[name](b) if name in BUILTIN else extra(name)
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (above ~0.5 on 2 cores, other work shared the "
              "machine: trust the CPU-time rows over wall times)")


if __name__ == "__main__":
    main()
