"""Invariants over arbitrary text (Hypothesis): the cleaner and the number
reader never raise; cleaning what the cleaner produced changes nothing; every
clean character maps back into the raw text, letters and digits to themselves."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract import clean, numbers
from extract.model import RawDoc, Source

# Characters the pipeline treats specially, mixed into arbitrary text so the
# generator finds the interesting cases: line breaks, spaces of every kind,
# quotes, bullets, hyphens, mojibake lead bytes, markup, digits and number words.
SPECIAL = list("\n\r\t \u00a0\u2009\u200b\u00ad\ufeff\u2018\u2019\u201c\u201d•●-–—.,;:%()<>&#/'\"ÂÃâ€™") + [
    "\r\n", "\n\n", "  • ", "<p>", "</p>", "<br>", "<div>", "<script>", "</script>", "<!--", "&amp;", "&nbsp;",
    "&#8217;", "â€™", "Ã©", "per cent", "two thirds", "one in five", "12,000", "23.7%", "Mr.", "e.g.", "Printable version",
]
TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(SPECIAL)), max_size=60).map("".join)
MOJIBAKE_LEAD = set("ÂÃâ")  # the cleaner only repairs words holding one of these
FORMATS = st.sampled_from(["txt", "html"])
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def raw(text: str, fmt: str = "txt") -> RawDoc:
    return RawDoc("p", f"p.{fmt}", fmt, "", text, Source("p"))


@SETTINGS
@given(TEXT, FORMATS)
@example("", "txt")
@example("<p>a</p><p>", "html")
@example("a-\nb", "txt")
def test_clean_never_raises_and_offsets_map_into_raw(text, fmt):
    cd = clean.clean(raw(text, fmt))
    assert len(cd.offsets) == len(cd.text)
    for i, pos in enumerate(cd.offsets):
        assert 0 <= pos < len(text), (i, pos)
        ch = cd.text[i]
        if ch.isalnum() and fmt == "txt":
            # A letter the cleaner repaired from mojibake ("Ã©" -> "é") maps to
            # the first character of the sequence it repaired, never ASCII.
            repaired = MOJIBAKE_LEAD & set(text) and not text[pos].isascii()
            assert text[pos] == ch or repaired, (i, pos, ch, text[pos])
    for s, e in cd.sentences:
        assert 0 <= s < e <= len(cd.text)


@SETTINGS
@given(TEXT)
@example("Performs well 71 41%\nTotal 15 100%\n")
def test_cleaning_clean_text_changes_nothing(text):
    once = clean.clean(raw(text)).text
    assert clean.clean(raw(once)).text == once


@SETTINGS
@given(TEXT)
def test_html_letters_map_to_themselves_or_an_entity(text):
    """In HTML a clean char may come from an entity (`&amp;` -> `&`): then it maps to the `&`
    (and, as in text, a repaired mojibake letter maps to the sequence it came from)."""
    cd = clean.clean(raw(text, "html"))
    for i, pos in enumerate(cd.offsets):
        ch = cd.text[i]
        if ch.isalnum():
            repaired = MOJIBAKE_LEAD & set(text) and not text[pos].isascii()
            assert text[pos] == ch or text[pos] == "&" or repaired, (i, pos, ch)


@SETTINGS
@given(TEXT)
@example("over two thirds (103)")
@example("1" * 400)
@example("one hundred and " * 50)
def test_number_reader_never_raises(text):
    for n in numbers.scan(text):
        assert 0 <= n.start < n.end <= len(text)
        assert n.kind in ("count", "percentage", "proportion")
        assert n.value == n.value  # not NaN
    numbers.parse(text)
