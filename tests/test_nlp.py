"""extract inside spaCy: the same rows as span groups of a Doc."""

from __future__ import annotations

from extract import nlp


def test_figures_authorities_and_judgements_as_span_groups() -> None:
    text = "Ofsted rated 12 councils inadequate. Two councils were rated outstanding - Hartlepool and Wigan."
    doc = nlp.pipeline(published="2016-03-01")(text)
    assert [(s.text, s.label_) for s in doc.spans["figures"]] == [
        ("12", "count|councils|inadequate"), ("Two", "count|councils|outstanding")]
    assert [(s.text, s.label_) for s in doc.spans["authorities"]] == [
        ("Hartlepool", "E06000001|outstanding"), ("Wigan", "E08000010|outstanding")]
    assert [s.text for s in doc.spans["judgements"]] == ["inadequate", "outstanding"]


def test_spans_point_into_the_docs_own_text_after_cleaning() -> None:
    # The cleaner rejoins a hard-wrapped line; the spans still sit on the Doc's (raw) text.
    text = "Share this page\nOf the 150 councils, 12 were\nrated inadequate.\n"
    doc = nlp.pipeline(published="2016-03-01")(text)
    assert [(s.text, s.start_char) for s in doc.spans["figures"]] == [("150", 23), ("12", 37)]
