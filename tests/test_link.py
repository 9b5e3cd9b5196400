"""The register resolves a name together with a date (rules/authorities.SOURCES.md)."""

from __future__ import annotations

import csv
from itertools import pairwise

import pytest

from extract import link, rules


def code(name: str, date: str) -> str | None:
    found = link.resolve(name, date)
    return found.authority.gss_code if found else None


@pytest.mark.parametrize(
    ("name", "date", "gss"),
    [
        ("Bournemouth", "2008-06-01", "E06000028"),  # BCP exists only from April 2019
        ("London Corporation", "2023-07-11", "E09000001"),  # Ofsted's inspection-outcome data name the City so
        ("Bournemouth", "2007-04", "E06000028"),
        ("BCP", "2020-01-01", "E06000058"),
        ("Bournemouth, Christchurch and Poole", "2020", "E06000058"),
        ("Dorset", "2011-11-08", "E10000009"),  # the county
        ("Dorset", "2020-05-01", "E06000059"),  # the unitary
        ("Dorset", "2019", "E06000059"),  # mid-2019: the unitary
        ("Dorset", "2019-01", "E10000009"),
        ("Northamptonshire", "2018-12-04", "E10000021"),
        ("North Northamptonshire", "2022-01-01", "E06000061"),
        ("Isles of Scilly", "2005-12-01", "E07000025"),
        ("Isles of Scilly", "2010", "E06000053"),
        ("Shropshire", "2006-11-01", "E10000026"),
        ("Shropshire", "2016", "E06000051"),
        ("Buckinghamshire", "2016-01-05", "E10000002"),
        ("Northumberland", "2012", "E06000048"),
        ("Northumberland", "2014", "E06000057"),
        ("Gateshead", "2010", "E08000020"),
        ("Gateshead", "2013-04-01", "E08000037"),
        ("Barnsley", "2025-03-31", "E08000016"),
        ("Barnsley", "2025-04-01", "E08000038"),
    ],
)
def test_dated_codes(name: str, date: str, gss: str) -> None:
    assert code(name, date) == gss


def test_after_abolition_is_historic() -> None:
    # A 2022 page on "Northamptonshire" names the former county.
    found = link.resolve("Northamptonshire", "2022-03-01")
    assert found is not None
    assert found.authority.gss_code == "E10000021"
    assert found.label == "exact;historic"
    found = link.resolve("Bournemouth", "2020-01-01")
    assert found is not None and found.authority.gss_code == "E06000028" and "historic" in found.flags


def test_before_creation_is_linked_and_flagged() -> None:
    # Bedford was a district until April 2009; North Northamptonshire exists from April 2021.
    found = link.resolve("Bedford", "2007-04")
    assert found is not None and found.authority.gss_code == "E06000055" and found.label == "exact;before-valid"
    assert code("Bedford", "2010") == "E06000055"
    found = link.resolve("North Northamptonshire", "2016")
    assert found is not None and found.authority.gss_code == "E06000061" and found.flags == ("before-valid",)


@pytest.mark.parametrize(
    ("name", "interval", "gss"),
    [
        ("Shropshire", "2006-01-01/2008-12-31", "E10000026"),  # an APA-era page: the county
        ("Gateshead", "2006-01-01/2008-12-31", "E08000020"),
        ("Gateshead", "2009-01-01/2012-12-31", "E08000020"),
        ("Shropshire", "2013-01-01/2100-12-31", "E06000051"),
        ("Dorset", "2018/2019", "E10000009"),  # the middle of 2018-01-01..2019-12-31 is 2018-12-31
    ],
)
def test_interval_dates(name: str, interval: str, gss: str) -> None:
    assert code(name, interval) == gss


def test_period_of_an_interval() -> None:
    assert link.period("2006-01-01/2008-12-31") == ("2006-01-01", "2007-07-02", "2008-12-31")
    assert link.period("2009/2007") is None
    assert link.period("2009/x") is None


def test_undated_takes_the_latest_row_and_says_so() -> None:
    found = link.resolve("Dorset", "")
    assert found is not None
    assert found.authority.gss_code == "E06000059"
    assert found.flags == ("undated",)
    assert found.label == "exact;undated"
    ended = link.resolve("Northamptonshire", "")
    assert ended is not None and ended.authority.gss_code == "E10000021" and ended.flags == ("undated",)


@pytest.mark.parametrize(
    ("name", "register_name", "kind"),
    [
        ("Kingston-upon-Thames", "Kingston upon Thames", "alias"),
        ("Leicester City", "Leicester", "alias"),
        ("Hull", "Kingston upon Hull, City of", "alias"),
        ("Bristol", "Bristol, City of", "alias"),
        ("Herefordshire", "Herefordshire, County of", "alias"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham", "alias"),
        ("KENT COUNTY COUNCIL", "Kent", "alias"),
        ("St Helens", "St. Helens", "alias"),
        ("Kent's", "Kent", "exact"),
        ("kent", "Kent", "exact"),
        ("City of London", "City of London", "exact"),
        ("Richmond-upon-Thames", "Richmond upon Thames", "alias"),
        ("Stoke on Trent", "Stoke-on-Trent", "alias"),
    ],
)
def test_aliases(name: str, register_name: str, kind: str) -> None:
    found = link.resolve(name, "2016-01-01")
    assert found is not None
    assert found.authority.name == register_name
    assert found.match == kind


def test_unknown_names() -> None:
    for name in ("Kingston", "Wales", "England", "London", "Brighton", "Christchurch"):
        assert link.resolve(name, "2016") is None, name


def test_register_is_valid() -> None:
    """Every code once per period; no name or alias means two rows on the same day."""
    reg = link.load()
    path = rules.rules_dir() / "authorities.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "name", "gss_code", "dfe_la_code", "type", "region", "valid_from", "valid_to", "successor_gss_codes", "aliases",
    ]
    codes = [a.gss_code for a in reg.rows]
    assert len(codes) == len(set(codes))
    days = sorted({d for a in reg.rows for d in (a.valid_from, a.valid_to) if d} | {"2005-01-01", "2026-12-31"})
    for key, rows in reg.index.items():
        for day in days:
            valid = [a.gss_code for a in rows if a.valid_on(day)]
            assert len(valid) <= 1, (key, day, valid)
        for a, b in pairwise(rows):
            assert a.valid_from <= b.valid_from


def test_period() -> None:
    assert link.period("2007") == ("2007-01-01", "2007-07-01", "2007-12-31")
    assert link.period("2008-02") == ("2008-02-01", "2008-02-15", "2008-02-29")
    assert link.period("2011-11-08") == ("2011-11-08",) * 3
    assert link.period("") is None
    assert link.period("n.d.") is None

