"""Exhibition halls: tour numbers, exhibit data and photos, text budgets, narration time,
texts copied from another panel, and related items a proof would not show.

Panels whose front matter has other errors (partial panels, and the panels of a hall
whose hall.yml has errors) are checked too, for the fields that validated. Whether the
fonts can print a panel's characters is said by `checks/printing.py`, with the booklets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import count_characters, plain_text
from build_tools.content.model import PANEL_KIND_LABELS, STATUS_LABELS, Hall, Panel
from build_tools.content.tour import narration_seconds
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.scaffold.placeholders import WRITE_HERE


def check_panels(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    by_hall: defaultdict[str, list[Panel]] = defaultdict(list)
    for panel in corpus.loaded("panel"):
        assert isinstance(panel, Panel)
        by_hall[panel.hall].append(panel)
    for hall in corpus.loaded("hall"):
        assert isinstance(hall, Hall)
        panels = by_hall.get(hall.id, [])
        yield from _numbers(hall, panels)
        yield from _empty_zones(hall, panels)
    partial = {id(item) for item in corpus.partial.values()}
    for panels in by_hall.values():
        yield from _same_text(panels)
        for panel in panels:
            yield from _exhibit(panel, id(panel) in partial)
            yield from _no_image(panel, id(panel) in partial)
            yield from _budgets(panel, settings)
            yield from _narration(panel, settings)
            yield from _related_unpublished(corpus, panel)


def _numbers(hall: Hall, panels: list[Panel]) -> Iterator[Diagnostic]:
    seen: dict[str, Panel] = {}
    for panel in sorted(panels, key=lambda p: p.origin.path):
        if not panel.number:
            continue
        first = seen.setdefault(panel.number.upper(), panel)
        if first is not panel:
            message = (
                f"展板编号“{panel.number}”在展厅“{hall.name or hall.id}”中重复，"
                f"{first.origin.path} 已经使用"
            )
            yield diagnostic("E-PANEL-NUMBER-DUPLICATE", panel.origin.at("number"), message)


def _empty_zones(hall: Hall, panels: list[Panel]) -> Iterator[Diagnostic]:
    if not hall.zones or any(panel.zone is None for panel in panels):
        return  # a panel whose zone is not known may be the one in the "empty" zone
    used = {panel.zone for panel in panels}
    for i, zone in enumerate(hall.zones):
        if zone.id not in used:
            message = f"单元“{zone.title}”（{zone.id}）还没有展板"
            yield diagnostic("W-HALL-EMPTY-ZONE", hall.origin.at("zones", i, "id"), message)


def _exhibit(panel: Panel, partial: bool) -> Iterator[Diagnostic]:
    if partial and panel.origin.source_map.key(("exhibit",)) is not None:
        return  # written, but wrong: reported where it is written
    if panel.panel_kind == "exhibit" and panel.exhibit is None:
        message = "展品说明（kind: exhibit）必须有 exhibit 字段，至少写出展品名称 name"
        yield diagnostic("E-PANEL-EXHIBIT-MISSING", panel.origin.at("kind"), message)


def _no_image(panel: Panel, partial: bool) -> Iterator[Diagnostic]:
    if panel.panel_kind != "exhibit" or panel.image is not None:
        return
    if partial and panel.origin.source_map.key(("image",)) is not None:
        return  # written, but wrong: reported where it is written
    message = (
        "展品说明还没有图片（image）：展板的网页（扫二维码打开）和印出的展板上都看不到展品；"
        "请补上展品照片，写成 image: {src: ../../media/halls/文件名.jpg, caption: 图片说明}"
    )
    yield diagnostic("W-PANEL-NO-IMAGE", panel.origin.at("kind"), message)


def _normalised(markdown: str) -> str:
    return " ".join(plain_text(markdown).split())


def _same_text(panels: list[Panel]) -> Iterator[Diagnostic]:
    """Two panels of one hall printing the same words: one was copied and not rewritten.
    Only within a hall: another hall may show the same exhibit with the same label."""
    first: dict[str, Panel] = {}
    for panel in sorted(panels, key=_tour_order):
        text = _normalised(panel.body.markdown)
        if not text or any(sentence in text for sentence in WRITE_HERE):
            continue  # empty (W-BODY-EMPTY) or the template's (W-PLACEHOLDER)
        earlier = first.setdefault(text, panel)
        if earlier is not panel:
            number = f"展板 {earlier.number}" if earlier.number else "展板"
            message = (
                f"展板正文与同一展厅的{number}（{earlier.origin.path} 第 "
                f"{earlier.body.first_text_line} 行起）完全相同，可能是复制后忘了改写；"
                "请改写其中一块"
            )
            where = Location(panel.origin.path, panel.body.first_text_line, 1)
            yield diagnostic("W-PANEL-DUPLICATE-TEXT", where, message)


def _tour_order(panel: Panel) -> tuple[bool, tuple[object, ...], str]:
    # A panel whose number did not validate goes last; the path settles ties.
    return (not panel.number, panel.tour_key if panel.number else (), panel.origin.path)


def _related_unpublished(corpus: Corpus, panel: Panel) -> Iterator[Diagnostic]:
    """A panel in review relating to an item that is not published: its proof is printed
    without that item, and publishing the panel as it stands would be E-REF-UNPUBLISHED
    (which is what a published panel gets; a draft panel is seen in the preview only)."""
    if getattr(panel, "status", None) != "review":
        return
    for i, value in enumerate(panel.related or []):
        target = corpus.find_loaded(value)
        status = getattr(target, "status", None)
        if target is None or status is None or status == "published":
            continue  # unknown ids are reported by check_references
        if status == "draft":
            consequence = "草稿只出现在本地预览中，展板的校样上没有这个关联；展板发布前须先发布对方"
        else:
            consequence = "展板发布前须先发布对方，否则正式网站上会成为死链接"
        message = (
            f"待审的展板关联了{STATUS_LABELS[status]}状态的{target.kind_label}“{value}”"
            f"（{target.origin.path}）：{consequence}，或删去这个关联"
        )
        yield diagnostic("W-PANEL-RELATED-UNPUBLISHED", panel.origin.at("related", i), message)


def _budgets(panel: Panel, settings: Settings) -> Iterator[Diagnostic]:
    budgets = settings.panel_budgets
    title_length = count_characters(panel.title or "")
    if title_length > budgets.title:
        message = f"展板标题有 {title_length} 个字，超过预算 {budgets.title} 个字"
        yield diagnostic("E-PANEL-TOO-LONG", panel.origin.at("title"), message)
    if panel.panel_kind is None:
        return
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
    seconds = narration_seconds(length, settings)  # as the tour and the script count it
    if seconds > settings.narration.max_seconds:
        message = (
            f"讲解词 {length} 个字，按每分钟 {rate} 字约需 {seconds} 秒，"
            f"超过每个讲解点 {settings.narration.max_seconds} 秒的上限"
        )
        yield diagnostic("W-NARRATION-LONG", panel.origin.at("narration"), message)
