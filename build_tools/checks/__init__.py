"""Checks over the linked corpus: one small module per family of rules.

A check is a function `(corpus, settings) -> Iterable[Diagnostic]`; it reads the corpus
and yields what a proofreader would flag. Adding a rule means adding a function to a
module here and listing it in `CHECKS`.

The editorial families (`FAMILIES`) can be switched off or given one severity in
`culture.yml`, and their findings can be exempted line by line with a comment
(`# culture: ignore CODE` in front matter, `[//]: # (culture: ignore CODE)` in Markdown).
What breaks a build or a page cannot be switched off or exempted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from build_tools.checks import (
    bodies,
    collections,
    gate,
    ids,
    images,
    media,
    memo,
    panels,
    personal,
    printing,
    references,
    terms,
    typography,
    units,
)
from build_tools.config import Settings
from build_tools.content import markdown, prose
from build_tools.content.corpus import Corpus
from build_tools.content.prose import body_ignores, exempted, field_markdown
from build_tools.diagnostics import Diagnostic, Severity, with_severity

Check = Callable[[Corpus, Settings], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Family:
    """Editorial rules that go together: one switch in `culture.yml` (`checks.<name>`)."""

    name: str
    label: str
    prefixes: tuple[str, ...]  # the codes it reports: these, or these followed by `-…`
    checks: tuple[Check, ...]  # the functions that report nothing else

    def owns(self, code: str) -> bool:
        return any(code == p or code.startswith(p + "-") for p in self.prefixes)


FAMILIES: tuple[Family, ...] = (
    Family("typography", "标点与排版", ("W-TYPO",), (typography.check_typography,)),
    Family("terms", "规范表述", ("W-TERM", "E-TERM"), (terms.check_terms,)),
    Family("personal_data", "个人信息", ("E-PII",), (personal.check_personal_data,)),
    Family(
        "placeholders",
        "占位文字与模板预填值",
        ("W-PLACEHOLDER", "E-PLACEHOLDER", "E-TEMPLATE-DEFAULT"),
        (gate.check_publishing_gate,),
    ),
    Family("media", "图片与媒体文件", ("W-MEDIA",), (media.check_media,)),
    # Said by the image and body checks, among what cannot be switched off: no checks here.
    Family("accessibility", "无障碍写作", ("W-IMAGE-ALT-PLACEHOLDER", "W-BODY-HEADING"), ()),
)

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
    gate.check_publishing_gate,
    media.check_media,
    typography.check_typography,
    terms.check_terms,
    personal.check_personal_data,
]
# Checks that read each file's prose on its own: their findings are kept per file
# (checks/memo.py), so a run reads only the files that changed.
PER_FILE: tuple[Check, ...] = (
    typography.check_typography,
    terms.check_terms,
    personal.check_personal_data,
)


def family_of(code: str) -> Family | None:
    for family in FAMILIES:
        if family.owns(code):
            return family
    return None


def run_checks(corpus: Corpus, settings: Settings, *, parallel: bool = True) -> list[Diagnostic]:
    """Every check; `parallel` lets the per-file families use a second core."""
    switched_off = {f.name for f in FAMILIES if getattr(settings.checks, f.name) == "off"}
    skipped = {check for f in FAMILIES if f.name in switched_off for check in f.checks}
    found: list[Diagnostic] = []
    # What the checks parse, the site will not parse again; the prose is found once.
    with markdown.checking(), prose.shared():

        def the_others() -> None:
            for check in CHECKS:
                if check not in skipped and check not in PER_FILE:
                    found.extend(check(corpus, settings))

        per_file = [check for check in PER_FILE if check not in skipped]
        found.extend(
            memo.run_kept(corpus, per_file, settings, parallel=parallel, meanwhile=the_others)
        )
    return apply_settings(found, corpus, settings)


def apply_settings(
    found: Iterable[Diagnostic], corpus: Corpus, settings: Settings
) -> list[Diagnostic]:
    """The findings as `culture.yml` and the ignore comments want them: families switched
    off dropped, severities changed, exempted lines left out."""
    ignores = line_ignores(corpus)
    kept: list[Diagnostic] = []
    for d in found:
        family = family_of(d.code)
        if family is None:
            kept.append(d)
            continue
        setting = getattr(settings.checks, family.name)
        if setting == "off":
            continue
        codes = ignores.get(d.location.path, {}).get(d.location.line)
        if codes and exempted(d.code, codes):
            continue
        if setting in ("warning", "error"):
            d = with_severity(d, Severity(setting))
        kept.append(d)
    return kept


def line_ignores(corpus: Corpus) -> dict[str, dict[int, tuple[str, ...]]]:
    """path → file line → the codes ignore comments exempt there."""
    found: dict[str, dict[int, tuple[str, ...]]] = {}

    def add(path: str, lines: dict[int, tuple[str, ...]]) -> None:
        if lines:
            into = found.setdefault(path, {})
            for line, codes in lines.items():
                into[line] = into.get(line, ()) + codes

    maps = set()
    owners = (
        *corpus.items(),
        *corpus.partial.values(),
        *corpus.units.values(),
        *corpus.themes.values(),
    )
    for owner in owners:
        origin = owner.origin
        if corpus.scope is not None and origin.path not in corpus.scope:
            continue
        if id(origin.source_map) not in maps:
            maps.add(id(origin.source_map))
            add(origin.path, origin.source_map.ignores)
        body = getattr(owner, "body", None)
        if body is not None and body.markdown:
            add(origin.path, body_ignores(body.markdown, body.line))
        kind = getattr(owner, "kind", "")
        for _, text, where in field_markdown(owner, kind, origin):
            add(origin.path, body_ignores(text, where.line))
    for path, body in corpus.unvalidated_bodies:
        if corpus.scope is None or path in corpus.scope:
            add(path, body_ignores(body.markdown, body.line))
    return found
