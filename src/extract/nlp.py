"""extract inside spaCy: the pipeline's rows as span groups of a spaCy `Doc`.

The batch pipeline never runs spaCy on a page (its own regex stages read the
text; README's Speed compares them with spaCy's tokenizer); this module is for
users who already work in spaCy. The
`extract_spans` component runs the same pure core (clean, figures,
authorities) on a `Doc`'s text and adds three span groups, in the spirit of
spaCy's `Doc.spans`: `figures` (label: kind, measure and category),
`authorities` (label: GSS code and judgement) and `judgements` (every judgement
phrase the span layer found, label: its category). Built on
`spacy.blank("en")`; a statistical model is used when one is installed and
named, never required.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import authorities, clean, figures, spans
from .model import RawDoc, Source


@lru_cache(maxsize=1)
def blank() -> Language:
    """spaCy's rule-only English pipeline (tokenizer, no statistical model)."""
    return spacy.blank("en")


@Language.factory("extract_spans", default_config={"published": ""})
def _make(nlp: Language, name: str, published: str) -> ExtractSpans:
    return ExtractSpans(published)


class ExtractSpans:
    """A spaCy component: figures, authorities and judgement phrases as span groups."""

    def __init__(self, published: str = ""):
        self.published = published

    def __call__(self, doc: Doc) -> Doc:
        raw = RawDoc("spacy", "spacy.txt", "txt", "", doc.text, Source("spacy", published=self.published))
        cd = clean.clean(raw)

        def span(start: int, end: int, label: str) -> object:
            # Offsets are in the clean text; map them back to the Doc's text (the raw page).
            rs, re_ = cd.raw_span(start, end)
            return doc.char_span(rs, re_, label=label, alignment_mode="expand")

        figs = [span(f.start, f.end, f"{f.kind}|{f.measure}|{f.category}") for f in figures.extract(cd)]
        names = [span(m.start, m.end, f"{m.gss_code}|{m.judgement}") for m in authorities.extract(cd)]
        layer = spans.Layer(cd)
        phrases = [span(p.start, p.end, p.category) for s in cd.sentences for p in layer.phrases(s)]
        doc.spans["figures"] = [s for s in figs if s is not None]
        doc.spans["authorities"] = [s for s in names if s is not None]
        doc.spans["judgements"] = [s for s in phrases if s is not None]
        return doc


def pipeline(model: str | None = None, published: str = "") -> Language:
    """spaCy with the `extract_spans` component: on `spacy.blank("en")`, or on an installed
    model named by `model` (e.g. "en_core_web_sm"; it must be installed, nothing is downloaded)."""
    nlp = spacy.load(model) if model else spacy.blank("en")
    nlp.add_pipe("extract_spans", config={"published": published})
    return nlp
