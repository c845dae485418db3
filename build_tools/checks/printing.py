"""Print: what would stop a collection's booklet or an exhibition panel, said by
`culture check` before anyone typesets it: a character the print font lacks (it would
print as a box).

It reads the booklet's own code (`printed_texts`, `fonts.glyph_problems`), so the check
and the booklet cannot disagree; a panel's printed texts are listed here
(`panel_printed_texts`), for the same glyph check. Images too small for print are said
by the booklet (W-PRINT-IMAGE-DPI).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Hall, Panel, Story
from build_tools.diagnostics import Diagnostic, diagnostic
from build_tools.print import fonts
from build_tools.print.booklet import printed_texts
from build_tools.print.panels import hall_texts, panel_texts


def _listed(corpus: Corpus, collection: Collection) -> list[Story | Craftsman]:
    # Every listed item that exists, whatever its status: a review item is printed in a
    # proof, and a draft will be printed once it is published. Unknown ids are reported
    # by the collection check.
    return [item for i in collection.items if (item := corpus.find_item(i)) is not None]


def _printed_panels(corpus: Corpus) -> list[Panel]:
    # What a proof or the finished panels print: published and review panels of every hall,
    # partial ones too for the fields that validated (a status that did not is left out).
    panels = [p for p in corpus.loaded("panel") if isinstance(p, Panel)]
    return [p for p in panels if getattr(p, "status", None) and Audience.PROOF.shows(p)]


def _printed_halls(corpus: Corpus, panels: list[Panel]) -> list[Hall]:
    printed = {panel.hall for panel in panels}
    halls = [h for h in corpus.loaded("hall") if isinstance(h, Hall) and h.id in printed]
    return sorted(halls, key=lambda h: h.origin.path)


# What the glyph check said of each printed text in the last run: the preview checks on
# every save, and most texts of a booklet are the same strings as the time before.
_said: dict[fonts.PrintedText, list[Diagnostic]] = {}


def check_print_glyphs(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    global _said
    collections = list(corpus.collections.values())
    panels = _printed_panels(corpus)
    if not collections and not panels:
        return
    scope = corpus.scope
    texts = [
        text
        for collection in collections
        for text in printed_texts(corpus, collection, _listed(corpus, collection))
        if scope is None or text.where.path in scope
    ]
    texts += [
        text
        for owner in (*_printed_halls(corpus, panels), *panels)
        if scope is None or owner.origin.path in scope
        for text in (panel_texts(owner) if isinstance(owner, Panel) else hall_texts(owner))
    ]
    try:
        fonts.glyph_problems([])  # a font that is not installed is said at once
        said: dict[fonts.PrintedText, list[Diagnostic]] = {}
        for printed in dict.fromkeys(texts):  # the same item in two collections: once
            found = _said.get(printed)
            said[printed] = fonts.glyph_problems([printed]) if found is None else found
    except fonts.FontMissing as exc:
        # The site does not need the font; this machine only cannot check or make booklets.
        what = "、".join(w for w, has in (("故事集", collections), ("展板", panels)) if has)
        first = collections[0] if collections else min(panels, key=lambda p: p.origin.path)
        where = first.origin.at()
        message = f"{exc}。在安装之前，无法检查{what}中的字能否印出，本机也不能生成印刷文件"
        yield diagnostic("W-PRINT-FONT", where, message)
        return
    _said = said
    for found in said.values():
        yield from found
