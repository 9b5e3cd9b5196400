"""Recognising authorities in text, linking them and attaching the judgements pages state."""

from __future__ import annotations

import hashlib

import pytest

from extract import authorities, clean, link
from extract.model import CleanDoc, Mention, RawDoc, Rejected, Source


def doc(text: str, published: str = "2016-01-05", doc_id: str = "t") -> CleanDoc:
    raw = RawDoc(doc_id, f"{doc_id}.txt", "txt", hashlib.sha256(text.encode()).hexdigest(), text, Source(doc_id, published=published))
    return clean.clean(raw)


def found(text: str, published: str = "2016-01-05") -> list[Mention]:
    d = doc(text, published)
    rows = authorities.extract(d)
    for i, m in enumerate(rows, 1):  # the contract of every row
        assert d.text[m.start : m.end] == m.mention
        assert m.mention_id == f"A{i:03d}"
        assert (m.raw_start, m.raw_end) == d.raw_span(m.start, m.end)
        assert m.mention in m.sentence
    assert [m.start for m in rows] == sorted(m.start for m in rows)
    return rows


def names(text: str, published: str = "2016-01-05") -> list[str]:
    return [m.authority for m in found(text, published)]


@pytest.mark.parametrize(
    "text",
    [
        "Reading the report, inspectors found that most councils were improving.",
        "It is time to bury the hatchet and move on.",
        "BASW professional officer Sue Kent and Tricia Gbinigie provide their Top 10 Tips.",
        "Sue Kent, professional officer at BASW, provides locum social workers with tips.",
        "The conference was chaired by Mr Barnet and Dr Poole.",
        "She later moved to New York to work for a charity.",
        "He studied social work at Durham University before qualifying.",
        "She lectures at the University of Kent.",
        "Services in Wales and England differ in how they are inspected.",
        "The family moved from Brighton to Christchurch last year.",
        "FURTHER READING",
        "Councils in the North West and the West Midlands improved.",
        "Children's services in London improved overall.",
        "The team visited Sutton Coldfield and Newcastle-under-Lyme.",
        "OnDemand Webinar Event: How Southampton City Council reduced enquiries by 30,000 with AI",
    ],
)
def test_no_false_authorities(text: str) -> None:
    assert found(text) == []


def test_name_before_its_register_row_is_linked_and_flagged() -> None:
    # Issue 9: a name valid only after the page's date is linked to its row, and `match` says so.
    (b,) = found("A new centre opened in Bedford.", "2007-04")
    assert (b.gss_code, b.match) == ("E06000055", "exact;before-valid")
    assert [(m.authority, m.match) for m in found("A new centre opened in Bedford.", "2012")] == [("Bedford", "exact")]
    (n,) = found("North Northamptonshire was judged good.", "2016-03-01")
    assert (n.gss_code, n.match) == ("E06000061", "exact;before-valid")
    (c,) = found("Buckinghamshire Council welcomed the report.", "2016-03-01")
    assert (c.mention, c.gss_code, c.match) == ("Buckinghamshire Council", "E06000060", "alias;before-valid")
    (h,) = found("Northamptonshire County Council was inspected.", "2022-03-01")
    assert (h.gss_code, h.match) == ("E10000021", "alias;historic")


@pytest.mark.parametrize(
    ("text", "mention", "authority", "match"),
    [
        ("The London Borough of Waltham Forest was inspected.", "London Borough of Waltham Forest", "Waltham Forest", "alias"),
        ("The Royal Borough of Kensington and Chelsea was inspected.", "Royal Borough of Kensington and Chelsea", "Kensington and Chelsea", "alias"),
        ("Kent County Council welcomed the report.", "Kent County Council", "Kent", "alias"),
        ("Southampton City Council welcomed the report.", "Southampton City Council", "Southampton", "alias"),
        ("Wigan MBC welcomed the report.", "Wigan MBC", "Wigan", "alias"),
        ("Inspectors visited Hammersmith & Fulham.", "Hammersmith & Fulham", "Hammersmith and Fulham", "alias"),
        ("KENT COUNTY COUNCIL RESPONDS TO OFSTED", "KENT COUNTY COUNCIL", "Kent", "alias"),
        ("Kent's children's services have improved.", "Kent", "Kent", "exact"),
        ("Inspectors visited Kingston-upon-Thames.", "Kingston-upon-Thames", "Kingston upon Thames", "alias"),
        ("Inspectors visited Leicester City.", "Leicester City", "Leicester", "alias"),
        ("Inspectors visited St Helens.", "St Helens", "St. Helens", "alias"),
        ("Inspectors visited Stoke-on-Trent.", "Stoke-on-Trent", "Stoke-on-Trent", "exact"),
        ("Inspectors visited Hull.", "Hull", "Kingston upon Hull, City of", "alias"),
    ],
)
def test_forms(text: str, mention: str, authority: str, match: str) -> None:
    rows = found(text)
    assert [(m.mention, m.authority, m.match) for m in rows] == [(mention, authority, match)]
    assert rows[0].rule in ("auth.exact", "auth.alias", "auth.title")


def test_fuzzy_variant_links_with_a_score() -> None:
    rows = found(
        "The following local authorities were judged to be performing poorly: Birmingham, Calderdale, "
        "Cheshire West and Cheshire, Cornwall and Kent.",
        "2011-11-08",
    )
    cw = next(m for m in rows if m.mention == "Cheshire West and Cheshire")
    assert (cw.authority, cw.gss_code, cw.dfe_la_code) == ("Cheshire West and Chester", "E06000050", "896")
    assert cw.match == "fuzzy"
    assert 88 <= float(cw.score) < 100
    assert cw.judgement == "performs poorly"
    assert cw.rule == "auth.fuzzy+judg.before"
    assert [m.authority for m in rows] == ["Birmingham", "Calderdale", "Cheshire West and Chester", "Cornwall", "Kent"]


def test_dated_codes_in_text() -> None:
    (b,) = found("Bournemouth: No child left unallocated", "2007-04")
    assert (b.gss_code, b.dfe_la_code, b.match) == ("E06000028", "837", "exact")
    (d,) = found("Dorset was judged to be performing excellently.", "2011-11-08")
    assert d.gss_code == "E10000009"
    (u,) = found("Dorset was judged to be inspected next year.", "")
    assert u.gss_code == "E06000059" and u.match == "exact;undated"
    # Undated, but "performing excellently" is the 2009-12 scale's wording: the county then.
    (e,) = found("Dorset was judged to be performing excellently.", "")
    assert e.gss_code == "E10000009" and e.match == "exact;era-dated"


@pytest.mark.parametrize(
    ("text", "gss"),
    [
        # APA wording (2006-08): the county and the pre-2013 code, as the undated dev pages d37-d39 need.
        ("Shropshire scored four in the annual performance assessment.", "E10000026"),
        ("Gateshead scored the top mark in its APA.", "E08000020"),
        # A year stated inside the era narrows the period to 2008: still before the 2013 code.
        ("Gateshead was praised in the 2008 annual performance assessment.", "E08000020"),
        # No era words and no date: the latest row.
        ("Gateshead welcomed the inspectors.", "E08000037"),
        # ... unless the text states a year: the row then ("North Yorkshire" before its 2023 unitary council).
        ("North Yorkshire welcomed the inspectors. " + "Staff met families. " * 30 + "In 2016, referrals rose.", "E10000023"),
    ],
)
def test_undated_page_dated_by_its_scale_wording(text: str, gss: str) -> None:
    (m,) = found(text, "")
    assert m.gss_code == gss


def test_named_twice_gives_two_rows() -> None:
    rows = found("Haringey was rated inadequate. Ministers visited Haringey.")
    assert [m.mention_id for m in rows] == ["A001", "A002"]
    assert [m.judgement for m in rows] == ["inadequate", ""]


def test_judgement_list_in_sentence() -> None:
    rows = found(
        "2. The following local authorities were judged to be performing excellently: Barnet, Buckinghamshire, "
        "Camden and York.",
        "2011-11-08",
    )
    assert [(m.authority, m.judgement) for m in rows] == [
        ("Barnet", "performs excellently"),
        ("Buckinghamshire", "performs excellently"),
        ("Camden", "performs excellently"),
        ("York", "performs excellently"),
    ]
    assert all(m.rule == "auth.exact+judg.before" for m in rows)


def test_judgement_list_in_next_paragraph() -> None:
    rows = found(
        "During this period, the following local authorities have been rated as 'inadequate':\n\n"
        "Barnsley, Bexley, Leicester City, West Sussex and Wiltshire.\n\n"
        "Commissioners have been appointed in Birmingham, Doncaster and Slough.",
        "2016-01-05",
    )
    assert [(m.mention, m.judgement) for m in rows] == [
        ("Barnsley", "inadequate"),
        ("Bexley", "inadequate"),
        ("Leicester City", "inadequate"),
        ("West Sussex", "inadequate"),
        ("Wiltshire", "inadequate"),
        ("Birmingham", ""),
        ("Doncaster", ""),
        ("Slough", ""),
    ]


def test_heading_over_list() -> None:
    rows = found("Performing poorly:\n\nBirmingham\n\nCornwall (South West)\n\nThe ratings were published today.", "2009-12-08")
    assert [(m.authority, m.judgement) for m in rows] == [("Birmingham", "performs poorly"), ("Cornwall", "performs poorly")]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Waltham Forest and St Helens have become the latest given a 'requires improvement' judgement.",
            "2016-03-01",
            [("Waltham Forest", "requires improvement"), ("St. Helens", "requires improvement")],
        ),
        (
            "Meanwhile, three councils – Hampshire, Leeds and Trafford – were judged outstanding for leadership.",
            "2015-08-13",
            [("Hampshire", "outstanding"), ("Leeds", "outstanding"), ("Trafford", "outstanding")],
        ),
        (
            "As well as Haringey, in north London, the others rated as poor are Birmingham, Cornwall and Essex.",
            "2009-12-08",
            [("Haringey", "performs poorly"), ("Birmingham", "performs poorly"), ("Cornwall", "performs poorly"), ("Essex", "performs poorly")],
        ),
        (
            "Camden, Wandsworth and York are all rated as excellent.",
            "2009-12-08",
            [("Camden", "performs excellently"), ("Wandsworth", "performs excellently"), ("York", "performs excellently")],
        ),
        (
            "Seven authorities – Camden, Gloucestershire and Shropshire – scored four in all three categories.",
            "2006-11-01",
            [("Camden", "outstanding"), ("Gloucestershire", "outstanding"), ("Shropshire", "outstanding")],
        ),
        (
            "Ofsted rated Sandwell inadequate in 2015.",
            "2016-01-01",
            [("Sandwell", "inadequate")],
        ),
        (
            "Inspectors judged Kent, Surrey and Medway to be good.",
            "2016-01-01",
            [("Kent", "good"), ("Surrey", "good"), ("Medway", "good")],
        ),
        (
            "Kent was rated inadequate in 2014 and Surrey was judged good.",
            "2016-01-01",
            [("Kent", "inadequate"), ("Surrey", "good")],
        ),
        (
            # A SEND area inspection's outcome since 2023, in its own words.
            "Inspectors found that Dorset's SEND arrangements typically lead to positive experiences and outcomes.",
            "2024-06-11",
            [("Dorset", "positive experiences and outcomes")],
        ),
    ],
)
def test_judgement_sentence_forms(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.authority, m.judgement) for m in found(text, published)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The recent experience of Northamptonshire should act as a cautionary tale of how the funding situation, "
        "coupled with poor management, can lead to a rapid decline in the quality of children's services.",
        "Good practice example… Bournemouth: No child left unallocated",
        "Commissioners have been appointed in Birmingham, Doncaster, Rotherham, Slough, and Sunderland.",
        "Ofsted inspectors visited Leeds, where good work with families was seen.",
        "Ofsted found Leeds, where good work with families was seen.",
    ],
)
def test_cited_without_judgement(text: str) -> None:
    rows = found(text, "2018-12-04")
    assert rows
    assert all(m.judgement == "" for m in rows)


def test_undated_page_judgements_follow_the_scale_the_page_uses() -> None:
    rows = found("Camden and York are all rated as excellent, while Essex and Leeds are rated as poor.", "")
    assert [(m.authority, m.judgement, m.match) for m in rows] == [
        ("Camden", "performs excellently", "exact;era-dated"),
        ("York", "performs excellently", "exact;era-dated"),
        ("Essex", "performs poorly", "exact;era-dated"),
        ("Leeds", "performs poorly", "exact;era-dated"),
    ]


def test_ambiguous_short_form() -> None:
    (k,) = found("Inspectors praised Kingston for its work.")
    assert (k.match, k.gss_code, k.score) == ("ambiguous", "", "")
    assert k.authority == "Kingston upon Thames | Kingston upon Hull, City of"
    (t,) = found("Inspectors praised the London borough of Kingston for its work.")
    assert (t.gss_code, t.match) == ("E09000021", "alias")
    rows = found("Kingston upon Thames was inspected in May. Kingston was rated good.")
    assert [m.gss_code for m in rows] == ["E09000021", "E09000021"]
    assert rows[1].judgement == "good"


def test_empty_and_nameless_pages() -> None:
    assert found("") == []
    assert found("Most local authorities are making a good contribution.") == []


def test_seed_2011_lists(seed_docs: dict[str, CleanDoc]) -> None:
    rows = authorities.extract(seed_docs["002_7b131e19ac9504d4"])
    excellent = [m for m in rows if m.judgement == "performs excellently"]
    poorly = [m for m in rows if m.judgement == "performs poorly"]
    assert len(excellent) == 28 and len(poorly) == 15 and len(rows) == 43
    assert {m.gss_code for m in rows} >= {"E10000009", "E10000002", "E06000050", "E09000003", "E10000016"}


def test_seed_webinar_and_surname(seed_docs: dict[str, CleanDoc]) -> None:
    assert authorities.extract(seed_docs["001_d18404db5adc9c51"]) == []
    rows = authorities.extract(seed_docs["004_0340248b376c9c03"])
    assert [(m.authority, m.gss_code, m.judgement) for m in rows] == [("Northamptonshire", "E10000021", "")]


def test_every_bundled_page(all_docs: dict[str, CleanDoc]) -> None:
    for d in all_docs.values():
        for m in authorities.extract(d):
            assert d.text[m.start : m.end] == m.mention
            assert m.match.split(";")[0] in {"exact", "alias", "fuzzy", "ambiguous"}


# --- Judgements stated in the ways press releases and the trade press put them.
# Each name takes the judgement of its own clause; nothing attaches where the
# sentence does not tie a judgement to the name.


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The London Borough of Tower Hamlets and Wigan MBC were also judged to require improvement, "
            "while Hampshire County Council remained good.",
            "2016-03-01",
            [("Tower Hamlets", "requires improvement"), ("Wigan", "requires improvement"), ("Hampshire", "good")],
        ),
        (
            "The councils performing poorly are Birmingham, Doncaster, Haringey and Calderdale, among others.",
            "2010-12-08",
            [("Birmingham", "performs poorly"), ("Doncaster", "performs poorly"), ("Haringey", "performs poorly"), ("Calderdale", "performs poorly")],
        ),
        ("Ofsted rates Birmingham children's services inadequate again", "2016-03-01", [("Birmingham", "inadequate")]),
        ("Only one council - Trafford - was judged outstanding.", "2016-03-01", [("Trafford", "outstanding")]),
        (
            "Bromley was rated outstanding, while Slough, Sandwell and Doncaster remain inadequate.",
            "2016-03-01",
            [("Bromley", "outstanding"), ("Slough", "inadequate"), ("Sandwell", "inadequate"), ("Doncaster", "inadequate")],
        ),
        ("Inspectors judged Lincolnshire's services for children to be outstanding.", "2016-03-01", [("Lincolnshire", "outstanding")]),
        ("Kent, which was rated good in 2017, has since slipped back.", "2019-03-01", [("Kent", "good")]),
        ("Sandwell remains inadequate, Ofsted said.", "2016-03-01", [("Sandwell", "inadequate")]),
        ("Ofsted has rated Essex as outstanding.", "2016-03-01", [("Essex", "outstanding")]),
        (
            "Three councils are performing poorly: Haringey, Doncaster and Birmingham.",
            "2010-12-08",
            [("Haringey", "performs poorly"), ("Doncaster", "performs poorly"), ("Birmingham", "performs poorly")],
        ),
        (
            "The inadequate councils are: Slough, Sandwell and Doncaster.",
            "2016-03-01",
            [("Slough", "inadequate"), ("Sandwell", "inadequate"), ("Doncaster", "inadequate")],
        ),
        (
            "Essex was judged good while Leeds was rated outstanding.",
            "2016-03-01",
            [("Essex", "good"), ("Leeds", "outstanding")],
        ),
        (
            # The first clause states no judgement: the second one's does not reach back into it.
            "Tower Hamlets was praised for its leadership, while Hampshire remained good.",
            "2016-03-01",
            [("Tower Hamlets", ""), ("Hampshire", "good")],
        ),
        (
            "Wigan, Doncaster and Hull remain inadequate.",
            "2016-03-01",
            [("Wigan", "inadequate"), ("Doncaster", "inadequate"), ("Kingston upon Hull, City of", "inadequate")],
        ),
    ],
)
def test_judgement_general_forms(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.authority, m.judgement) for m in found(text, published)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Leeds has been praised for its restorative practice.",
        "Commissioners were sent into Sandwell.",
        "Surrey's director said the service was unlike Kent, which was not inspected.",
        "The recent experience of Northamptonshire should act as a cautionary tale for other councils.",
        "Councils such as Essex and Leeds have invested heavily in early help.",
        "Good practice from Hampshire and Leeds was shared at the conference.",
        "Kent's director said it was a good day for the county.",
    ],
)
def test_no_judgement_without_a_tie(text: str) -> None:
    rows = found(text, "2016-03-01")
    assert rows
    assert [m.judgement for m in rows] == [""] * len(rows)


def test_judgement_not_shared_across_clauses() -> None:
    rows = found("Surrey was judged good, unlike Kent, which was not inspected.", "2016-03-01")
    assert [(m.authority, m.judgement) for m in rows] == [("Surrey", "good"), ("Kent", "")]


# --- The fast paths say what the slow ones would.


def _sentences(all_docs: dict[str, CleanDoc]) -> list[str]:
    out = [d.text[s:e] for d in all_docs.values() for s, e in d.sentences]
    out += [
        "scored four or three stars, two stars, no stars, Improved; went up a grade, the top two grades",
        "KENT WAS RATED INADEQUATE; requires improvement to be good or inadequate",
        "ſtars ßtars STRAẞE good, at least good, performing excellently or well",
    ]
    return out


def test_fuzzy_choices_keep_the_best_key() -> None:
    from rapidfuzz import fuzz, process

    rec = authorities.load()
    for k in ("cheshire west and cheshire", "meanwhile", "northamptonshre", "kingston upon hul", "buckinghamshire"):
        whole = process.extractOne(k, rec.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=rec.fuzzy_threshold)
        some = process.extractOne(k, authorities._fuzzy_choices(rec, len(k)), scorer=fuzz.ratio, score_cutoff=rec.fuzzy_threshold)
        assert (whole and whole[:2]) == (some and some[:2])


def _spellings(form: str) -> set[str]:
    """Ways pages write one register form: '&'/'and', hyphens for spaces, compounds in lower case, 'St'/'St.'."""
    import regex

    out = {form, form.replace(",", "")}
    for v in list(out):
        out.add(regex.sub(r"\s+&\s+", " and ", v))
        out.add(regex.sub(r"\s+and\s+", " & ", v))
        out.add(regex.sub(r"(?<=\w) (?=\w)", "-", v))
        out.add(regex.sub(r"(?<=\w)-(\w)", lambda m: "-" + m.group(1).lower(), regex.sub(r"(?<=\w) (?=\w)", "-", v)))
        out.add(regex.sub(r"\bSt\.\s", "St ", v))
        out.add(regex.sub(r"\bSt\s", "St. ", v))
    return out | {v.upper() for v in out}


def test_scan_finds_every_form_whole() -> None:
    rec = authorities.load()
    for form in rec.register.forms():
        for w in _spellings(form):
            m = rec.scan.search(f"in {w}.")
            assert m is not None and m.group(0) == w, w


def test_every_spelling_reduces_to_the_form() -> None:
    rec = authorities.load()
    for form in rec.register.forms():
        for w in _spellings(form):
            sent = authorities._Sentence(0, 0, len(w) + 4, f"in {w}.")
            assert [(k, s, e) for k, s, e in authorities._name_matches(rec, sent)] == [(link.key(form), 3, 3 + len(w))], w


def _rejected_by_windows(rec: authorities.Recogniser, text: str, s_start: int, s_end: int, start: int, end: int, k: str) -> str:
    """The context check as first written: every window searched, no shortcut."""
    import regex

    before = text[max(s_start, start - 60) : start]
    after = text[end : min(s_end, end + 60)]
    any_before, any_after, limited = rec.context_gate
    forward = regex.compile(any_before.pattern, any_before.flags & ~regex.REVERSE)
    prev = regex.compile(r"([^\W\d_][\w'-]*)[ \t]+$").search(before[-30:])
    if not (k in limited or (prev and prev.group(1)[:1].isupper()) or forward.search(before) or any_after.search(after)):
        return ""
    for c in rec.context:
        if c.names and k not in c.names:
            continue
        if c.before_words:
            if prev and prev.group(1) in c.before_words:
                return c.id
            continue
        if c.before is not None and not c.before.search(before):
            continue
        if c.after is not None and not c.after.search(after):
            continue
        if c.before is None and c.after is None:
            continue
        return c.id
    return ""


def test_context_shortcuts_agree_with_windows(all_docs: dict[str, CleanDoc]) -> None:
    rec = authorities.load()
    texts = _sentences(all_docs) + [
        "Mr John Kent met Dr Barnet and Professor Sue Poole at the University of Kent, near New York and Bury St Edmunds.",
        "x" * 70 + "Mr Kent and " + "y" * 55 + "Dr Barnet, Kent County Council, Reading the report",
        "The list: Barnet, Camden, Sutton, Harrow, Brent, Ealing, Bexley, Bromley, Croydon, Enfield, Haringey, Hounslow.",
    ]
    for text in texts:
        sent = authorities._Sentence(0, 0, len(text), text)
        for k, s, e in authorities._name_matches(rec, sent):
            assert authorities._rejected(rec, text, sent, s, e, k) == _rejected_by_windows(rec, text, 0, len(text), s, e, k), (text, s)


# --- Names are compared by a normal form (issue 9, item 5): spacing, hyphens, case, "&"/"and" and the dot of
# "St." never matter, and a name never links to a shorter register name inside it.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inspectors visited North-east Lincolnshire.", [("North-east Lincolnshire", "E06000012")]),
        ("NORTH EAST LINCOLNSHIRE COUNCIL WELCOMES REPORT", [("NORTH EAST LINCOLNSHIRE COUNCIL", "E06000012")]),
        ("Inspectors visited North-East Lincolnshire and Kingston-Upon-Hull.",
         [("North-East Lincolnshire", "E06000012"), ("Kingston-Upon-Hull", "E06000010")]),
        ("Inspectors visited North East Lincs.", []),  # not in the register: no shorter name is taken instead
        # A compass point written as one word; a name whose council title is in lower case.
        ("Consultants went into Northeast Lincolnshire.", [("Northeast Lincolnshire", "E06000012")]),
        ("Birmingham city council and North Tyneside council were named.",
         [("Birmingham city council", "E08000025"), ("North Tyneside council", "E08000022")]),
        ("Inspectors visited Kingston-upon-Hull.", [("Kingston-upon-Hull", "E06000010")]),
        ("St. Helens, St Helens, ST HELENS and St.Helens were named.",
         [("St. Helens", "E08000013"), ("St Helens", "E08000013"), ("ST HELENS", "E08000013"), ("St.Helens", "E08000013")]),
        ("Telford & Wrekin and Telford&Wrekin were named.", [("Telford & Wrekin", "E06000020"), ("Telford&Wrekin", "E06000020")]),
        ("Brighton and Hove, Brighton & Hove and Brighton-and-Hove were named.",
         [("Brighton and Hove", "E06000043"), ("Brighton & Hove", "E06000043"), ("Brighton-and-Hove", "E06000043")]),
        ("Inspectors visited Bristol.", [("Bristol", "E06000023")]),
        ("Bristol, City of was inspected.", [("Bristol, City of", "E06000023")]),
        ("Bournemouth, Christchurch and Poole was inspected.", [("Bournemouth, Christchurch and Poole", "E06000058")]),
        ("Inspectors visited Stoke-On-Trent.", [("Stoke-On-Trent", "E06000021")]),
        # A space lost in extraction: the name glued to a lower-case word is still read; glued to a capital it is not.
        ("Stoke-on-Trent andBristol were the only councils.", [("Stoke-on-Trent", "E06000021"), ("Bristol", "E06000023")]),
        ("Knowsley,Shropshire and Camden were named.", [("Knowsley", "E08000011"), ("Shropshire", "E06000051"), ("Camden", "E09000007")]),
        ("The McKent family moved.", []),
        # Compass words and "Greater" make another place of a name that is no register name with them.
        ("The family moved to North Devon, then to Greater Manchester and Mid Sussex.", []),
        ("North Yorkshire and West Sussex were inspected.", [("North Yorkshire", "E10000023"), ("West Sussex", "E10000032")]),
        # A name that only says where another is.
        ("St Helens in Lancashire and Waltham Forest in London were rated.", [("St Helens", "E08000013"), ("Waltham Forest", "E09000031")]),
        ("Hartlepool in County Durham was inspected.", [("Hartlepool", "E06000001")]),
        ("Lancashire and Cumbria were inspected.", [("Lancashire", "E10000017"), ("Cumbria", "E10000006")]),
        # Lower-case words inside a name are not the name.
        ("the brighton and hove area", []),
    ],
)
def test_name_spellings(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.mention, m.gss_code) for m in found(text)] == expected


def test_rejected_names_say_which_rule_and_why() -> None:
    text = ("Sue Kent met staff at Durham University. Inspectors praised Kingston. "
            "The following councils were judged to be performing poorly: Birmingham, Chesh Wst and Chstr, Kent. "
            "St Helens in Lancashire was rated. FURTHER READING")
    d = doc(text, "2011-11-08")
    rejected: list[Rejected] = []
    rows = authorities.extract(d, rejected=rejected)
    got = {(r.text, r.rule) for r in rejected}
    assert ("Kent", "ctx.person-first-name") in got
    assert ("Durham", "ctx.institution-after") in got
    assert ("Kingston", "amb.kingston") in got  # written as ambiguous, and listed as undecided
    assert ("Lancashire", "ctx.locator") in got
    assert ("READING", "auth.common-word") in got
    (fuzzy,) = [r for r in rejected if r.rule == "auth.fuzzy" and r.text == "Chesh Wst and Chstr"]
    assert fuzzy.reason == "closest register name 'cheshire west and chester' scores 86 < 88"
    for r in rejected:
        assert (r.doc_id, d.text[r.start : r.end]) == ("t", r.text) and r.reason
    assert [r.start for r in rejected] == sorted(r.start for r in rejected)
    # The rows are the same with or without the record.
    assert rows == authorities.extract(d)
    assert [m.mention for m in rows] == ["Kingston", "Birmingham", "Kent", "St Helens"]


# Probe sentences from real pages found after the rules were written (trade press, council and BBC pages on
# Ofsted children's services ratings, 2015-2022), shortened: names only.
@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("The seven judged inadequate in this latest report are: Birmingham; Buckinghamshire; Coventry Knowsley; "
         "Manchester Rotherham and Slough.", "2015-01-23",
         ["E08000025", "E10000002", "E08000026", "E08000011", "E08000003", "E08000018", "E06000039"]),
        ("THE protection and support of young people in North East Lincolnshire is a top priority.", "2021-11-26", ["E06000012"]),
        ("Follow BBC East Yorkshire and Lincolnshire on Facebook, external, Twitter, external.", "2022-01-14", []),
        ("It was reported that Bournemouth Christchurch and Poole [BCP] plans to increase its budget.", "2022-06-01",
         ["E06000058", "E06000058"]),
        ("Leader of North Lincolnshire Council, Councillor Rob Waltham, said it was incredible.", "2017-09-04", ["E06000013"]),
        ("Two further authorities - Waltham Forest in London and St Helens in Lancashire - were rated.", "2015-01-23",
         ["E09000031", "E08000013"]),
        ("Children and families in Telford and Wrekin continue to experience exceptional practice.", "2024-07-12", ["E06000020"]),
        ("Cllr Shirley Reynolds, Telford & Wrekin Council's cabinet member, commented.", "2020-03-03", ["E06000020"]),
        ("LOCAL AUTHORITIES RATED INADEQUATE\n\nBOURNEMOUTH CHRISTCHURCH AND POOLE\n\nBRADFORD", "2023-01-01",
         ["E06000058", "E08000032"]),
    ],
)
def test_probe_sentences_from_unseen_pages(text: str, published: str, expected: list[str]) -> None:
    assert [m.gss_code for m in found(text, published)] == expected


def test_a_capitalised_word_before_a_name_does_not_become_part_of_it() -> None:
    # Probe from an unseen page: fuzzy matching once took "Both Halton Borough Council" as one misspelt name.
    rows = found("Both Halton Borough Council, in the north west, and Hull City Council, in East Yorkshire, were rated.",
                 "2015-02-03")
    assert [(m.mention, m.gss_code, m.match) for m in rows] == [
        ("Halton Borough Council", "E06000006", "alias"), ("Hull City Council", "E06000010", "alias")]
    # A misspelt longer name around a shorter one still links to the longer one.
    (n,) = found("The following councils were judged good: Notrh Somerset, Kent.", "2016-03-01")[:1]
    assert (n.mention, n.authority, n.match) == ("Notrh Somerset", "North Somerset", "fuzzy")


def test_page_date_of_an_undated_page() -> None:
    assert authorities.page_date(doc("Kent was rated good.", "2016-03-01")) == ("2016-03-01", ())
    assert authorities.page_date(doc("Kent welcomed the inspectors.", "")) == ("", ())
    # No era wording, but the text states years: the page is no older than the latest (a target past the
    # register's years is no date).
    body = "Kent welcomed the inspectors.\n\n" + "Inspectors met staff and families. " * 40
    assert authorities.page_date(doc(body + "Referrals rose in 2014 and in 2016, against a target for 2030.", "")) == (
        "2016-12-31", ("year-dated",))
    # APA wording dates the page to its era (November 2005 to 2008); a year the text states within that period
    # (further down than the opening lines, where the clean stage would take it as the date) narrows it; one outside
    # it does not.
    apa = "Kent scored four in its annual performance assessment.\n\n" + "Inspectors met staff and families. " * 40
    assert authorities.page_date(doc(apa, "")) == ("2005-11-01/2008-12-31", ("era-dated",))
    assert authorities.page_date(doc(apa + "The 2007 results were published.", "")) == ("2007-01-01/2008-12-31", ("era-dated",))
    assert authorities.page_date(doc(apa + "Its 2015 plan.", "")) == ("2005-11-01/2008-12-31", ("era-dated",))


def test_heading_of_a_judgement_before_its_noun() -> None:
    # A fact box's heading puts the grade before the noun ("Zero star councils") over its names.
    rows = found("Cumbria was given a zero star rating.\n\nZero star councils\nWaltham Forest\n\nThe ratings were "
                 "published today.", "2003-11-13")
    assert [(m.authority, m.judgement) for m in rows] == [("Cumbria", "zero stars"), ("Waltham Forest", "zero stars")]


def test_the_only_council_a_page_names_by_its_fourth_sentence_is_its_subject() -> None:
    # A headline and standfirst judge "children's services" before the page names its one council.
    text = ("Improvement notice issued to 'inadequate' children's services\n\nInspectors said relationships had "
            "broken down.\n\nThe Department for Education has issued an improvement notice to a council.\n\n"
            "Ofsted inspectors gave a damning verdict of Gloucestershire county council's children's services in "
            "June.")
    assert [(m.authority, m.judgement) for m in found(text, "2017-08-15")] == [("Gloucestershire", "inadequate")]
    # With another council named, the page has no one subject.
    other = text.replace("in June.", "in June, as Ofsted had of Sandwell's.")
    assert [(m.authority, m.judgement) for m in found(other, "2017-08-15")] == [
        ("Gloucestershire", ""), ("Sandwell", "")]


def test_the_subject_council_takes_its_headlines_judgement() -> None:
    # Named in the sentence after the headline: the headline still judges it.
    text = ("Row breaks out at town hall over inadequate children's services\n\n"
            "Torbay's two main parties traded blame in a heated meeting on Tuesday.")
    assert [(m.authority, m.judgement) for m in found(text, "2015-03-02")] == [("Torbay", "inadequate")]
    # Named only in the sixth sentence, after a headline, byline, date and standfirst; "the quality of children's
    # services" is what was rated.
    text = ("Trust-run services judged 'inadequate'\n\nJo Bloggs\n\nMonday, 7 March 2016\n\n"
            "Inspectors visited in January.\n\nThe quality of children's services run by an independent trust has "
            "been rated as 'inadequate' by Ofsted.\n\nDoncaster Council was told in 2014 that a trust would "
            "take over.")
    assert [(m.authority, m.judgement) for m in found(text, "2016-03-07")] == [("Doncaster", "inadequate")]


def test_the_page_councils_children_s_service_singular_is_its_subject() -> None:
    # "the Children's Service", singular as UK pages write it, is the page's one council's service.
    text = ("Consultants to help social services\n\nExperts are to advise Plymouth City Council in October.\n\n"
            "The critical report came from the inspectorate, which visited in May.\n\n"
            "It concluded the Children's Service was not serving people well.")
    assert [(m.authority, m.judgement) for m in found(text, "2003-09-03")] == [
        ("Plymouth", "not serving people well")]


def test_an_apa_score_out_of_four_is_its_grade() -> None:
    # "scores of 3 out of 4", as "a score of 3": the APA's grade 3, good.
    text = "Kent's grades recognised continued high performance with scores of 3 out of 4 for current performance."
    assert [(m.authority, m.judgement) for m in found(text, "2007-12-01")] == [("Kent", "good")]


def test_the_size_of_a_move_on_the_star_scale_is_no_grade() -> None:
    text = "Four councils (Barnet, Kent, Luton and Sefton) have moved down one star since last year."
    assert [m.judgement for m in found(text, "2005-11-30")] == ["", "", "", ""]
    # Where it moved to is its grade.
    assert [m.judgement for m in found("Luton dropped to one star this year.", "2005-11-30")] == ["one star"]


def test_a_grade_made_the_names_adjective_is_its_own() -> None:
    # "from the" before it would start a move ("from the three-star ..."): before a name it is the name's adjective.
    text = "Experts from the three-star Hampshire County Council were brought in to help."
    assert [(m.authority, m.judgement) for m in found(text, "2004-06-01")] == [("Hampshire", "three stars")]


def test_others_opens_a_list_of_the_group_before() -> None:
    text = ("Those rated excellent include four London boroughs. Others praised are Dorset, Kent and Wigan.")
    assert [m.judgement for m in found(text, "2009-12-09")] == ["performs excellently"] * 3


def test_among_them_opens_a_list_of_the_group_before() -> None:
    text = ("The eight councils each received zero star ratings in tables published on Thursday. Among them was "
            "Lambeth social services, whose director has resigned.")
    assert [(m.authority, m.judgement) for m in found(text, "2002-05-20")] == [("Lambeth", "zero stars")]


def test_a_list_of_a_scales_grades_names_the_scale_and_judges_no_one() -> None:
    text = ("Leeds was inspected in May. Ofsted has four levels of ranking for local authority children's services "
            "– Outstanding, Good, Requires Improvement and Inadequate.")
    assert [(m.authority, m.judgement) for m in found(text, "2016-01-01")] == [("Leeds", "")]


def test_a_newspapers_masthead_is_not_the_authority() -> None:
    rows = found("Shropshire Star\n\nTelford and Wrekin requires improvement, the Birmingham Post and the Yorkshire "
                 "Post reported.", "2016-01-01")
    assert [(m.authority, m.judgement) for m in rows] == [("Telford and Wrekin", "requires improvement")]


def test_a_council_named_as_a_section_heading_takes_the_judgement_heading_above() -> None:
    text = ("Inadequate LAs receive quarterly monitoring visits from Ofsted.\nLOCAL AUTHORITIES RATED INADEQUATE\n"
            "BOURNEMOUTH CHRISTCHURCH AND POOLE\n- Ofsted full inspection February 2022 found serious weaknesses\n"
            "————————\nBRADFORD\n- Ofsted ILACS October 2018: some children made to wait\n")
    assert [(m.mention, m.judgement) for m in found(text, "2023-01-01")] == [
        ("BOURNEMOUTH CHRISTCHURCH AND POOLE", "inadequate"), ("BRADFORD", "inadequate")]
    # A name line with no judgement heading above it takes none.
    assert [(m.mention, m.judgement) for m in found("Council news\nBRADFORD\n- A new director was appointed.\n",
                                                     "2023-01-01")] == [("BRADFORD", "")]


def test_a_councils_title_before_its_name_may_be_in_lower_case() -> None:
    text = "No stars went to Kingston-upon-Hull and the London borough of Hackney; Somerset council got one star."
    assert [(m.mention, m.gss_code) for m in found(text, "2002-12-12")] == [
        ("Kingston-upon-Hull", "E06000010"), ("London borough of Hackney", "E09000012"),
        ("Somerset council", "E10000027")]
    assert [m.mention for m in found("It was the london borough of hackney.", "2002-12-12")] == []


@pytest.mark.parametrize("published, expected", [
    # An undated page: the council title names the county's row, and the bare name after it means the same council.
    ("", ["E10000023", "E10000023"]),
    # A dated page links each mention at its date: the title is the county's (historic), the bare name the unitary.
    ("2024-05-01", ["E10000023", "E06000065"]),
])
def test_a_council_title_pins_the_row_of_a_pages_bare_mentions_when_its_date_is_a_guess(
        published: str, expected: list[str]) -> None:
    text = "North Yorkshire County Council has been rated outstanding by Ofsted.\n\nNorth Yorkshire is one of the best."
    assert [m.gss_code for m in authorities.extract(doc(text, published))] == expected


def test_a_one_council_page_s_present_judgement_outranks_a_past_one_in_its_own_sentence() -> None:
    text = ("Children's services at Warrington - slammed as \"inadequate\" only two years ago - have won praise from "
            "Ofsted. Inspectors said the council was \"performing well\" and had made rapid progress.")
    assert [(m.authority, m.judgement) for m in found(text, "2011-12-09")] == [("Warrington", "performs well")]
    # A judgement of its own sentence that is not past stays.
    assert [(m.authority, m.judgement) for m in found("Warrington was rated inadequate. Inspectors said the council "
                                                      "was now good.", "2016-01-05")] == [("Warrington", "inadequate")]
