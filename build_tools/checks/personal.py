"""Personal data that must never be published: ID numbers, phone numbers, bank cards, e-mail addresses."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic


def check_personal_data(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    yield from ()  # filled in by its owner
