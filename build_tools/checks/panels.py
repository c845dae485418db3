"""Exhibition halls: tour numbers, exhibit data, text budgets and narration time."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import count_characters, plain_text
from build_tools.content.model import PANEL_KIND_LABELS, Hall, Panel
from build_tools.diagnostics import Diagnostic, Location, diagnostic


def check_panels(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for hall in corpus.halls.values():
        yield from _numbers(hall)
        yield from _empty_zones(hall)
        for panel in hall.panels:
            yield from _exhibit(panel)
            yield from _budgets(panel, settings)
            yield from _narration(panel, settings)


def _numbers(hall: Hall) -> Iterator[Diagnostic]:
    seen: dict[str, Panel] = {}
    for panel in sorted(hall.panels, key=lambda p: p.origin.path):
        first = seen.setdefault(panel.number.upper(), panel)
        if first is not panel:
            message = (
                f"展板编号“{panel.number}”在展厅“{hall.name}”中重复，{first.origin.path} 已经使用"
            )
            yield diagnostic("E-PANEL-NUMBER-DUPLICATE", panel.origin.at("number"), message)


def _empty_zones(hall: Hall) -> Iterator[Diagnostic]:
    used = {panel.zone for panel in hall.panels}
    for i, zone in enumerate(hall.zones):
        if zone.id not in used:
            message = f"单元“{zone.title}”（{zone.id}）还没有展板"
            yield diagnostic("W-HALL-EMPTY-ZONE", hall.origin.at("zones", i, "id"), message)


def _exhibit(panel: Panel) -> Iterator[Diagnostic]:
    if panel.panel_kind == "exhibit" and panel.exhibit is None:
        message = "展品说明（kind: exhibit）必须有 exhibit 字段，至少写出展品名称 name"
        yield diagnostic("E-PANEL-EXHIBIT-MISSING", panel.origin.at("kind"), message)


def _budgets(panel: Panel, settings: Settings) -> Iterator[Diagnostic]:
    budgets = settings.panel_budgets
    title_length = count_characters(panel.title)
    if title_length > budgets.title:
        message = f"展板标题有 {title_length} 个字，超过预算 {budgets.title} 个字"
        yield diagnostic("E-PANEL-TOO-LONG", panel.origin.at("title"), message)
    limit = getattr(budgets, panel.panel_kind)
    length = count_characters(plain_text(panel.body.markdown))
    if length > limit:
        label = PANEL_KIND_LABELS[panel.panel_kind]
        message = (
            f"{label}展板正文有 {length} 个字（不计标点），超过预算 {limit} 个字，"
            f"需删去 {length - limit} 个字"
        )
        yield diagnostic(
            "E-PANEL-TOO-LONG", Location(panel.origin.path, panel.body.first_text_line, 1), message
        )


def _narration(panel: Panel, settings: Settings) -> Iterator[Diagnostic]:
    if not panel.narration:
        return
    rate = settings.narration.chars_per_minute
    length = count_characters(panel.narration)
    seconds = round(length * 60 / rate)
    if seconds > settings.narration.max_seconds:
        message = (
            f"讲解词 {length} 个字，按每分钟 {rate} 字约需 {seconds} 秒，"
            f"超过每个讲解点 {settings.narration.max_seconds} 秒的上限"
        )
        yield diagnostic("W-NARRATION-LONG", panel.origin.at("narration"), message)
