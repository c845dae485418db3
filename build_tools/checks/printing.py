"""Print: what would stop a collection's booklet, said by `culture check` before anyone
typesets it: a character the print font lacks (the booklet would not be made).

It reads the booklet's own code (`printed_texts`, `fonts.glyph_problems`), so the check
and the booklet cannot disagree. Images too small for print are said by the booklet
(W-PRINT-IMAGE-DPI).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Story
from build_tools.diagnostics import Diagnostic, diagnostic
from build_tools.print import fonts
from build_tools.print.booklet import printed_texts


def _listed(corpus: Corpus, collection: Collection) -> list[Story | Craftsman]:
    # Every listed item that exists, whatever its status: a review item is printed in a
    # proof, and a draft will be printed once it is published. Unknown ids are reported
    # by the collection check.
    return [item for i in collection.items if (item := corpus.find_item(i)) is not None]


# What the glyph check said of each printed text in the last run: the preview checks on
# every save, and most texts of a booklet are the same strings as the time before.
_said: dict[fonts.PrintedText, list[Diagnostic]] = {}


def check_print_glyphs(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    global _said
    collections = list(corpus.collections.values())
    if not collections:
        return
    scope = corpus.scope
    texts = [
        text
        for collection in collections
        for text in printed_texts(corpus, collection, _listed(corpus, collection))
        if scope is None or text.where.path in scope
    ]
    try:
        fonts.glyph_problems([])  # a font that is not installed is said at once
        said: dict[fonts.PrintedText, list[Diagnostic]] = {}
        for printed in dict.fromkeys(texts):  # the same item in two collections: once
            found = _said.get(printed)
            said[printed] = fonts.glyph_problems([printed]) if found is None else found
    except fonts.FontMissing as exc:
        # The site does not need the font; this machine only cannot check or make booklets.
        message = f"{exc}。在安装之前，无法检查故事集中的字能否印出，本机也不能生成小册子"
        yield diagnostic("W-PRINT-FONT", collections[0].origin.at(), message)
        return
    _said = said
    for found in said.values():
        yield from found
