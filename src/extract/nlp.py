"""The one spaCy pipeline the project shares.

Built on `spacy.blank("en")` so nothing has to be downloaded; created once per
process. Stages hand it only the sentences a cheap regex scan marked as holding
a candidate, never the whole page.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def blank() -> Language:
    """spaCy's rule-only English pipeline (tokenizer, no statistical model)."""
    return spacy.blank("en")
