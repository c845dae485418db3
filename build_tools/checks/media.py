"""Media files: covers wide enough, files not too heavy, none unused, names a URL keeps."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic


def check_media(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    yield from ()  # filled in by its owner
