"""Shared fixtures: the bundled pages, cleaned once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from extract import clean, ingest
from extract.model import CleanDoc

# Property tests draw the same examples on every machine (a CI run is
# reproducible) and keep no example database in the work tree.
settings.register_profile("repo", derandomize=True, database=None)
settings.load_profile("repo")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SEEDS = sorted(p.stem for p in RAW.glob("0*.txt"))


def load_clean(doc_id: str) -> CleanDoc:
    """The clean document of a bundled page, exactly as the pipeline makes it."""
    path = next(RAW.glob(f"{doc_id}.*"))
    manifest = ingest.read_manifest(RAW)
    return clean.clean(ingest.read(ingest.Input(path, doc_id, manifest.get(doc_id, ingest.Source(doc_id)))))


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, CleanDoc]:
    return {d: load_clean(d) for d in SEEDS}


@pytest.fixture(scope="session")
def all_docs() -> dict[str, CleanDoc]:
    return {p.stem: load_clean(p.stem) for p in sorted(RAW.glob("*.txt"))}
