"""Checks over the linked corpus: one small module per family of rules.

A check is a function `(corpus, settings) -> Iterable[Diagnostic]`; it reads the corpus
and yields what a proofreader would flag. Adding a rule means adding a function to a
module here and listing it in `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from build_tools.checks import (
    bodies,
    collections,
    ids,
    images,
    panels,
    printing,
    references,
    units,
)
from build_tools.config import Settings
from build_tools.content import markdown
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic

Check = Callable[[Corpus, Settings], Iterable[Diagnostic]]

CHECKS: list[Check] = [
    ids.check_item_ids,
    ids.check_aliases,
    ids.check_vocabularies,
    references.check_references,
    references.check_unpublished_targets,
    units.check_unit_cycles,
    panels.check_panels,
    bodies.check_bodies,
    images.check_images,
    collections.check_collections,
    printing.check_print_glyphs,
]


def run_checks(corpus: Corpus, settings: Settings) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    with markdown.checking():  # what the checks parse, the site will not parse again
        for check in CHECKS:
            found.extend(check(corpus, settings))
    return found
