"""Standard wording: the terms dictionary stories/terms.yml and units' former names."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic


def check_terms(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    yield from ()  # filled in by its owner
