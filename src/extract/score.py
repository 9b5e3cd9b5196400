"""Score a run against hand-made annotations (tests/corpus/expected/).

Figures: a predicted figure matches an annotation in the same document with
the same kind and value (percentage and proportion count as one kind); each
annotation matches at most one figure. Among matched figures, measure and
category agreement. Not-figures: annotated non-statistics that were extracted.
Authorities: a match is the same document and GSS code; judgement accuracy
over matched authorities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .diff import read_csv

EXPECTED = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "expected"


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return read_csv(path)[1]


def _group(kind: str) -> str:
    return "count" if kind == "count" else "share"


def _num(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        return float("nan")


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("\u2019", "'").split())


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return f"{name:<22} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f}  (tp={self.tp} fp={self.fp} fn={self.fn})"


@dataclass
class Score:
    figures: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    measure_agree: int = 0
    head_agree: int = 0  # the last word of `measure` (its head noun) agrees
    category_agree: int = 0
    matched: int = 0
    not_figures: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)  # matched figures whose measure or category differ
    authorities: PRF = field(default_factory=PRF)
    judgement_ok: int = 0
    judgement_n: int = 0
    authority_errors: list[str] = field(default_factory=list)
    per_doc: dict[str, Score] = field(default_factory=dict)

    @property
    def head_agreement(self) -> float:
        return self.head_agree / self.matched if self.matched else 1.0

    @property
    def measure_agreement(self) -> float:
        return self.measure_agree / self.matched if self.matched else 1.0

    @property
    def category_agreement(self) -> float:
        return self.category_agree / self.matched if self.matched else 1.0

    @property
    def judgement_accuracy(self) -> float:
        return self.judgement_ok / self.judgement_n if self.judgement_n else 1.0

    def doc_lines(self) -> list[str]:
        """One row per document: where the scores above come from."""
        out = [f"{'document':<22} {'fig P':>6} {'fig R':>6} {'meas':>6} {'categ':>6} {'auth F1':>7} {'judg':>6}  "
               "(tp/fp/fn figures; authorities)"]
        for doc_id, d in sorted(self.per_doc.items()):
            f, a = d.figures["overall"], d.authorities
            out.append(f"{doc_id:<22} {f.precision:>6.3f} {f.recall:>6.3f} {d.measure_agreement:>6.3f} "
                       f"{d.category_agreement:>6.3f} {a.f1 if a.tp + a.fp + a.fn else 1.0:>7.3f} "
                       f"{d.judgement_accuracy:>6.3f}  ({f.tp}/{f.fp}/{f.fn}; {a.tp}/{a.fp}/{a.fn})")
        return out

    def report(self, details: bool = True) -> str:
        lines = []
        if details:
            lines += ["Per document:"] + [f"  {line}" for line in self.doc_lines()] + [""]
            lines += ["Missed figures:"] + [f"  {m}" for m in self.misses]
            lines += ["False figures:"] + [f"  {m}" for m in self.false]
            lines += ["Measure or category differs:"] + [f"  {m}" for m in self.disagreements]
            lines += ["Not-figures extracted:"] + [f"  {m}" for m in self.not_figures]
            lines += ["Authority errors:"] + [f"  {m}" for m in self.authority_errors]
            lines.append("")
        for kind in sorted(self.figures):
            if kind != "overall":
                lines.append(self.figures[kind].line(f"figures/{kind}"))
        lines.append(self.figures["overall"].line("figures/overall"))
        lines.append(
            f"measure agreement {self.measure_agreement:.3f} (head noun {self.head_agreement:.3f})  "
            f"category agreement {self.category_agreement:.3f}  (of {self.matched} matched)"
        )
        lines.append(f"not-figures extracted: {len(self.not_figures)}")
        lines.append(self.authorities.line("authorities"))
        lines.append(f"judgement accuracy {self.judgement_accuracy:.3f} (of {self.judgement_n} matched)")
        return "\n".join(lines)


def score(run: Path, expected: Path = EXPECTED, docs: Iterable[str] | None = None) -> Score:
    """Scores of a run against annotations, overall and per document.

    `docs` limits both sides to those documents: score a fold of pages that a
    rule was not written from.
    """
    exp_figs = _read(expected / "figures.csv")
    not_figs = _read(expected / "not_figures.csv")
    exp_auth = _read(expected / "authorities.csv")
    wanted = {r["doc_id"] for r in exp_figs + not_figs + exp_auth}
    if docs is not None:
        wanted &= set(docs)
    pred_figs = [r for r in _read(run / "figures.csv") if r["doc_id"] in wanted]
    pred_auth = [r for r in _read(run / "authorities.csv") if r["doc_id"] in wanted]

    def only(rows: list[dict[str, str]], ids: set[str]) -> list[dict[str, str]]:
        return [r for r in rows if r["doc_id"] in ids]

    sc = _score(only(exp_figs, wanted), only(not_figs, wanted), only(exp_auth, wanted), pred_figs, pred_auth)
    for d in sorted(wanted):
        one = {d}
        sc.per_doc[d] = _score(only(exp_figs, one), only(not_figs, one), only(exp_auth, one),
                               only(pred_figs, one), only(pred_auth, one))
    return sc


def _head(measure: str) -> str:
    words = _norm(measure).split()
    return words[-1] if words else ""


def _score(exp_figs: list[dict[str, str]], not_figs: list[dict[str, str]], exp_auth: list[dict[str, str]],
           pred_figs: list[dict[str, str]], pred_auth: list[dict[str, str]]) -> Score:
    sc = Score()
    by_doc: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in pred_figs:
        by_doc[r["doc_id"]].append(r)
    used: set[int] = set()
    for e in exp_figs:
        cands = [
            p for p in by_doc[e["doc_id"]]
            if id(p) not in used and _group(p["kind"]) == _group(e["kind"]) and abs(_num(p["value"]) - _num(e["value"])) < 0.01
        ]
        kind = e["kind"]
        if not cands:
            sc.figures[kind].fn += 1
            sc.figures["overall"].fn += 1
            sc.misses.append(f"{e['doc_id']} {e['kind']} {e['value']} {e['evidence']!r} ({e['measure']}; {e['category']})")
            continue
        # Prefer the candidate that also agrees on evidence, measure and category.
        best = max(cands, key=lambda p: (
            _norm(p["evidence"]) == _norm(e["evidence"]),
            _norm(p["measure"]) == _norm(e["measure"]),
            _norm(p["category"]) == _norm(e["category"]),
            -int(p["start"]),
        ))
        used.add(id(best))
        sc.figures[kind].tp += 1
        sc.figures["overall"].tp += 1
        sc.matched += 1
        sc.measure_agree += _norm(best["measure"]) == _norm(e["measure"])
        sc.head_agree += _head(best["measure"]) == _head(e["measure"])
        sc.category_agree += _norm(best["category"]) == _norm(e["category"])
        if (_norm(best["measure"]), _norm(best["category"])) != (_norm(e["measure"]), _norm(e["category"])):
            sc.disagreements.append(
                f"{e['doc_id']} {best['figure_id']} {e['evidence']!r}: measure {best['measure']!r} (expected "
                f"{e['measure']!r}), category {best['category']!r} (expected {e['category']!r})")
    for p in pred_figs:
        if id(p) in used:
            continue
        sc.figures[p["kind"]].fp += 1
        sc.figures["overall"].fp += 1
        sc.false.append(f"{p['doc_id']} {p['figure_id']} {p['kind']} {p['value']} {p['evidence']!r} in: {p['sentence'][:160]}")
        for nf in not_figs:
            if nf["doc_id"] == p["doc_id"] and (_norm(p["evidence"]) in _norm(nf["evidence"]) or _norm(nf["evidence"]) in _norm(p["evidence"])):
                sc.not_figures.append(f"{p['doc_id']} {p['evidence']!r} ~ not-figure {nf['evidence']!r} ({nf['reason']})")
                break

    exp_keys = {(r["doc_id"], r["gss_code"]): r for r in exp_auth}
    pred_keys: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in pred_auth:
        if r["gss_code"]:
            pred_keys[(r["doc_id"], r["gss_code"])].append(r)
    for key, e in sorted(exp_keys.items()):
        if key in pred_keys:
            sc.authorities.tp += 1
            sc.judgement_n += 1
            got = next((p["judgement"] for p in pred_keys[key] if p["judgement"]), "")
            if _norm(got) == _norm(e["judgement"]):
                sc.judgement_ok += 1
            else:
                sc.authority_errors.append(f"{key[0]} {e['authority']}: judgement {got!r}, expected {e['judgement']!r}")
        else:
            sc.authorities.fn += 1
            sc.authority_errors.append(f"{key[0]} missed {e['authority']} ({key[1]})")
    for key, rows in sorted(pred_keys.items()):
        if key not in exp_keys:
            sc.authorities.fp += 1
            sc.authority_errors.append(f"{key[0]} false {rows[0]['authority']} ({key[1]}) from {rows[0]['mention']!r}")
    return sc
