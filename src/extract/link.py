"""The register of English children's services authorities, and name + date -> row.

rules/authorities.csv holds one row per authority-period (a new row whenever the
GSS code changes; see rules/authorities.SOURCES.md). The same name can mean
different bodies at different times ("Dorset" is the county E10000009 until
March 2019, then the unitary E06000059), so a name is always resolved together
with the page's date:

- a full date picks the row valid on that day; a partial date ("2007",
  "2007-04") or an interval ("2006-01-01/2008-12-31", an era guessed from the
  page's wording) is read as the middle of its period, falling back to the row
  that overlaps the period most;
- no date: the latest row, flagged `undated`;
- the date is after every row of the name (a 2022 page on "Northamptonshire"):
  the last row, flagged `historic` — the text names the former council;
- the date is before every row ("North Northamptonshire" on a 2016 page): the
  first row, flagged `before-valid` — the name is the register's, the date or
  the page's use of it is off, and a reviewer should see it rather than lose it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from pathlib import Path

import regex

from . import rules

_APOS = regex.compile(r"[’‘`´]")
_POSSESSIVE = regex.compile(r"(?:'s|s')$")
_NON_KEY = regex.compile(r"[^\w\s&]")
_SPACE = regex.compile(r"\s+")
_LEADING_THE = regex.compile(r"^the\s+")
_ISO = regex.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@lru_cache(maxsize=8192)
def key(name: str) -> str:
    """The form names are compared in: case, '&'/'and', hyphens, dots, possessive ignored."""
    k = _APOS.sub("'", name.casefold().strip())
    k = _POSSESSIVE.sub("", k)
    k = k.replace("&", " and ")
    k = _NON_KEY.sub(" ", k)
    k = _SPACE.sub(" ", k).strip()
    return _LEADING_THE.sub("", k)


@lru_cache(maxsize=8192)
def _light(name: str) -> str:
    """Case, spacing and possessive only: what still counts as the register's own spelling."""
    k = _POSSESSIVE.sub("", _APOS.sub("'", name.casefold().strip()))
    return _SPACE.sub(" ", k)


@dataclass(frozen=True)
class Authority:
    """One row of rules/authorities.csv."""

    name: str
    gss_code: str
    dfe_la_code: str
    type: str
    region: str
    valid_from: str  # ISO day, "" = before 2005
    valid_to: str  # ISO day, "" = still exists
    successors: tuple[str, ...]
    aliases: tuple[str, ...]

    def __hash__(self) -> int:
        # A code and its start identify a row; hashing every field (alias tuples
        # included) made each cached `choose` call cost microseconds.
        return hash((self.gss_code, self.valid_from))

    def valid_on(self, day: str) -> bool:
        return (not self.valid_from or self.valid_from <= day) and (not self.valid_to or day <= self.valid_to)

    def overlap(self, first: str, last: str) -> int:
        """Days of [first, last] on which the row is valid."""
        a = max(first, self.valid_from or first)
        b = min(last, self.valid_to or last)
        return (Date.fromisoformat(b) - Date.fromisoformat(a)).days + 1 if a <= b else 0


@dataclass(frozen=True)
class Link:
    """A name resolved to a register row; `flags` are `undated` / `historic` / `before-valid`."""

    authority: Authority
    match: str  # exact | alias
    flags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The `match` column: the kind, then any flags, joined by ';'."""
        return ";".join((self.match, *self.flags))


@dataclass(frozen=True)
class Register:
    rows: tuple[Authority, ...]
    index: dict[str, tuple[Authority, ...]]  # key(name or alias) -> rows, oldest first

    def forms(self) -> list[str]:
        """Every register name and alias, as written in the CSV."""
        seen: dict[str, None] = {}
        for a in self.rows:
            for f in (a.name, *a.aliases):
                seen.setdefault(f, None)
        return list(seen)

    def by_code(self, gss_code: str) -> Authority | None:
        return next((a for a in self.rows if a.gss_code == gss_code), None)


@lru_cache(maxsize=8)
def load(directory: Path | None = None) -> Register:
    """rules/authorities.csv, indexed by the key of every name and alias."""
    path = rules.rules_dir(directory) / "authorities.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append(
                Authority(
                    name=r["name"],
                    gss_code=r["gss_code"],
                    dfe_la_code=r["dfe_la_code"],
                    type=r["type"],
                    region=r["region"],
                    valid_from=r["valid_from"],
                    valid_to=r["valid_to"],
                    successors=tuple(s for s in r["successor_gss_codes"].split(";") if s),
                    aliases=tuple(s.strip() for s in r["aliases"].split(";") if s.strip()),
                )
            )
    index: dict[str, list[Authority]] = {}
    for a in rows:
        for f in (a.name, *a.aliases):
            bucket = index.setdefault(key(f), [])
            if a not in bucket:
                bucket.append(a)
    ordered = {k: tuple(sorted(v, key=lambda a: a.valid_from)) for k, v in index.items()}
    return Register(tuple(rows), ordered)


@lru_cache(maxsize=256)
def period(date: str) -> tuple[str, str, str] | None:
    """(first day, representative day, last day) of an ISO date, maybe partial, or of an
    interval "A/B" of two such dates; None if unusable."""
    if "/" in (date or ""):
        a, _, b = date.partition("/")
        pa, pb = period(a), period(b)
        if pa is None or pb is None or pb[2] < pa[0]:
            return None
        first, last = Date.fromisoformat(pa[0]), Date.fromisoformat(pb[2])
        return pa[0], Date.fromordinal((first.toordinal() + last.toordinal()) // 2).isoformat(), pb[2]
    m = _ISO.match(date or "")
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        if d:
            day = Date(int(y), int(mo), int(d)).isoformat()
            return day, day, day
        if mo:
            first = Date(int(y), int(mo), 1)
            nxt = Date(int(y) + (first.month == 12), first.month % 12 + 1, 1)
            last = Date.fromordinal(nxt.toordinal() - 1)
            return first.isoformat(), f"{y}-{mo}-15", last.isoformat()
        return f"{y}-01-01", f"{y}-07-01", f"{y}-12-31"
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def choose(rows: tuple[Authority, ...], date: str) -> tuple[Authority, tuple[str, ...]] | None:
    """The row of `rows` (one name's rows) meant on `date`, with flags; see the module doc."""
    if not rows:
        return None
    span = period(date)
    if span is None:
        current = [a for a in rows if not a.valid_to]
        latest = current[-1] if current else max(rows, key=lambda a: a.valid_to)
        return latest, ("undated",)
    first, mid, last = span
    valid = [a for a in rows if a.valid_on(mid)]
    if valid:
        return valid[-1], ()
    best = max(rows, key=lambda a: a.overlap(first, last))
    if best.overlap(first, last):
        return best, ()
    ended = [a for a in rows if a.valid_to and a.valid_to < first]
    if ended:
        return max(ended, key=lambda a: a.valid_to), ("historic",)
    return min(rows, key=lambda a: a.valid_from), ("before-valid",)


def resolve(name: str, date: str = "", directory: Path | None = None) -> Link | None:
    """The register row `name` (a register name or alias) means on `date`."""
    reg = load(directory)
    picked = choose(reg.index.get(key(name), ()), date)
    if picked is None:
        return None
    row, flags = picked
    kind = "exact" if _light(name) == _light(row.name) else "alias"
    return Link(row, kind, flags)
