"""What the live preview adds: problems shown where the editor looks, and never a freeze.

`culture serve` (or `mkdocs serve`) rebuilds on every save. Each rebuild runs the whole
pipeline; here its diagnostics are printed to the terminal (in Chinese, as `culture
check` prints them), counted for the banner on every page, and an item whose file is
broken right now is shown in its last good version, with its problems above it, until
the next good save. Nothing here runs in a production build.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from build_tools import report
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Hall, Item, Panel, Story
from build_tools.diagnostics import Diagnostic, Severity

# Not under "mkdocs": MkDocs counts its own warnings in strict mode and would stop the
# preview on the first content error ("The server will appear stuck…").
_log = logging.getLogger("culture.preview")


def terminal() -> logging.Logger:
    if not _log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.INFO)
        _log.propagate = False
    return _log


def print_diagnostics(diagnostics: list[Diagnostic], files: int) -> None:
    """Every diagnostic of this rebuild, then the one-line summary."""
    out = terminal()
    if diagnostics:
        out.info(report.format_text(diagnostics))
    out.info("culture：" + report.summary_line(diagnostics, files))


def own_logs(logger: logging.Logger, preview: bool) -> None:
    """In the preview, what the plugin's own modules log (an image that could not be
    resized, a search record refused) goes to the editor's terminal and not through
    MkDocs' logger, whose strict mode would count it and stop the server; in a build it
    goes through MkDocs' logger as usual (a strict build fails on it)."""
    handler = next((h for h in logger.handlers if getattr(h, "_culture", False)), None)
    if preview and handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("culture：%(message)s"))
        handler._culture = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    elif not preview and handler is not None:
        logger.removeHandler(handler)
    logger.propagate = not preview


def banner(diagnostics: list[Diagnostic]) -> dict[str, int]:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return {"errors": errors, "warnings": len(diagnostics) - errors}


@dataclass(slots=True)
class LastGood:
    """The last version of each item that loaded, per project, across rebuilds."""

    items: dict[tuple[str, str], Item] = field(default_factory=dict)

    def update(self, corpus: Corpus) -> set[str]:
        """Remember what loaded now; put back what is broken now. Returns the files
        shown in an older version."""
        restored: set[str] = set()
        for key in sorted(corpus.broken):
            old = self.items.get(key)
            if old is not None and _put_back(corpus, old):
                restored.add(old.origin.path)
        if restored:
            corpus.link()
        for item in corpus.items():
            if item.origin.path not in restored:
                self.items[_key(item)] = item
        return restored


def _key(item: Item) -> tuple[str, str]:
    if isinstance(item, Panel):
        return ("panel", f"{item.hall}/{item.id}")
    return (item.kind, item.id)


def _put_back(corpus: Corpus, item: Item) -> bool:
    if isinstance(item, Story):
        corpus.stories.setdefault(item.id, item)
    elif isinstance(item, Craftsman):
        corpus.craftsmen.setdefault(item.id, item)
    elif isinstance(item, Collection):
        corpus.collections.setdefault(item.id, item)
    elif isinstance(item, Panel):
        hall = corpus.halls.get(item.hall)
        if hall is None:
            return False
        if all(p.id != item.id for p in hall.panels):
            hall.panels.append(item)
    elif isinstance(item, Hall):
        if item.id in corpus.halls:
            return False
        corpus.halls[item.id] = item  # with its panels as they were then
    else:
        return False
    return True


_memory: dict[Path, LastGood] = {}


def last_good(root: Path) -> LastGood:
    """One memory per project for the life of the process (MkDocs makes a new plugin
    for every rebuild, so it cannot live on the plugin)."""
    return _memory.setdefault(root.resolve(), LastGood())
