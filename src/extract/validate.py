"""Consistency checks over one page's figures (placeholder until issue 6)."""

from __future__ import annotations

from pathlib import Path

from .model import Check, CleanDoc, Figure


def check(doc: CleanDoc, figures: list[Figure], directory: Path | None = None) -> list[Check]:
    return []
