"""Typography of the prose: CJK–Latin spacing, punctuation widths (autocorrect), quotes and brackets in pairs, repeated punctuation, ellipses and dashes."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic


def check_typography(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    yield from ()  # filled in by its owner
