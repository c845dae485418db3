"""What was recognised, as the front matter of a story, a profile or a panel: the spec's
fields in the templates' order, a placeholder (scaffold/placeholders.py) wherever the
submission did not say, and the list of those for the editor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from build_tools.checks.references import PERSON_NAME
from build_tools.importer.docx import Block, Figure, Heading, Span
from build_tools.importer.fields import Recognised, earliest_year
from build_tools.importer.write import SUMMARY_TODO, Planned
from build_tools.scaffold.placeholders import TO_BE_WRITTEN

MISSING_PHOTO_CAPTION = f"{TO_BE_WRITTEN}：照片说明"
DATE_HINT = "事件发生的时间：1985、1985-03 或 1985-03-12"


@dataclass(slots=True)
class Composed:
    fields: list[tuple[str, Any, str]]  # key, value, comment
    blocks: list[Block]
    todo: list[tuple[str, str]] = field(default_factory=list)
    lead_figure: Figure | None = None  # a profile's photo, a panel's image


def name_of(recognised: Recognised, kind: str) -> str:
    """What the id is made from: a profile's person, anything else's title."""
    values = recognised.values
    if kind == "craftsman":
        return values.get("name") or values.get("title", "")
    return values.get("title", "")


def compose(recognised: Recognised, planned: Planned, unit: str | None, text: str) -> Composed:
    kind = planned.kind
    if kind == "story":
        return _story(recognised, unit, text)
    if kind == "craftsman":
        return _craftsman(recognised, unit)
    return _panel(recognised, planned)


def _story(rec: Recognised, unit: str | None, text: str) -> Composed:
    v, todo = rec.values, list(rec.todo)
    fields: list[tuple[str, Any, str]] = [("title", v["title"], "")]
    if len(v["title"]) > 30:
        todo.append(("title", f"标题有 {len(v['title'])} 个字，请缩短到 30 个字以内"))
    if "subtitle" in v:
        fields.append(("subtitle", v["subtitle"], ""))
    if "date" in v:
        fields.append(("date", v["date"], ""))
    else:
        year = earliest_year(text)
        hint = f"；正文中最早的年份是 {year} 年" if year else ""
        fields.append(("date", TO_BE_WRITTEN, DATE_HINT))
        todo.append(("date", f"写成 1985、1985-03 或 1985-03-12（文中没有“时间：”一行{hint}）"))
    for key in ("place",):
        if key in v:
            fields.append((key, v[key], ""))
    if unit or "unit" in v:
        fields.append(("unit", unit or v["unit"], ""))
    for key in ("craftsmen", "people"):
        if v.get(key):
            fields.append((key, v[key], ""))
    if "themes" in v:
        fields.append(("themes", v["themes"], ""))
    else:
        fields.append(("themes", [TO_BE_WRITTEN], "1–5 个 themes.yml 中的主题"))
        todo.append(("themes", "从 themes.yml 中选 1–5 个"))
    _summary(fields, todo, v, "story")
    for key in ("source", "author"):
        if key in v:
            fields.append((key, v[key], ""))
    fields.append(("status", "draft", ""))
    return Composed(fields, rec.blocks, todo)


def _summary(
    fields: list[tuple[str, Any, str]], todo: list[tuple[str, str]], v: dict[str, Any], kind: str
) -> None:
    if "summary" in v:
        fields.append(("summary", v["summary"], ""))
        if len(v["summary"]) > 120:
            todo.append(("summary", f"摘要有 {len(v['summary'])} 个字，请压缩到 120 个字以内"))
    else:
        fields.append(("summary", SUMMARY_TODO[kind], ""))
        todo.append(("summary", "用一两句话介绍，不超过 120 个字"))


def _lead_figure(blocks: list[Block]) -> tuple[Figure | None, list[Block]]:
    for i, block in enumerate(blocks):
        if isinstance(block, Figure):
            return block, blocks[:i] + blocks[i + 1 :]
    return None, blocks


def _craftsman(rec: Recognised, unit: str | None) -> Composed:
    v, todo = rec.values, list(rec.todo)
    blocks = rec.blocks
    name = v.get("name") or v.get("title", "")
    fields: list[tuple[str, Any, str]] = [("name", name, "")]
    if "name" not in v and not PERSON_NAME.fullmatch(name):
        todo.append(("name", f"文中没有“姓名：”一行，暂用标题“{name}”"))
    title = v.get("title")
    if title and title != name:
        blocks = [Heading(2, [Span(title)]), *blocks]  # the article's title, kept in the text
    if unit or "unit" in v:
        fields.append(("unit", unit or v["unit"], ""))
    else:
        fields.append(("unit", TO_BE_WRITTEN, "单位，写 units.yml 中的 id"))
        todo.append(("unit", "写 units.yml 中的 id（或导入时用 --unit）"))
    if "position" in v:
        fields.append(("position", v["position"], ""))
    else:
        fields.append(("position", TO_BE_WRITTEN, "岗位/职务，如 采煤机司机"))
        todo.append(("position", "如 采煤机司机"))
    figure, blocks = _lead_figure(blocks)
    if figure is not None:
        fields.append(
            ("photo", {"src": "", "caption": figure.caption or MISSING_PHOTO_CAPTION}, "")
        )
        if not figure.caption:
            todo.append(("photo.caption", "照片下面没有“图为……”一行"))
    for key in ("honors", "skills", "studio", "motto"):
        if v.get(key):
            fields.append((key, v[key], ""))
    _summary(fields, todo, v, "craftsman")
    fields.append(("status", "draft", ""))
    return Composed(fields, blocks, todo, figure)


def _panel(rec: Recognised, planned: Planned) -> Composed:
    v, todo = rec.values, list(rec.todo)
    exhibit = {
        k.split(".")[1]: v[k]
        for k in (
            "exhibit.name",
            "exhibit.year",
            "exhibit.material",
            "exhibit.size",
            "exhibit.origin",
        )
        if k in v
    }
    panel_kind = "exhibit" if exhibit else "section"
    fields: list[tuple[str, Any, str]] = [
        ("number", v.get("number") or planned.number, ""),
        ("zone", planned.zone, ""),
        ("kind", panel_kind, "intro 前言 / section 单元说明 / exhibit 展品说明"),
        ("title", v["title"], ""),
    ]
    if exhibit:
        fields.append(("exhibit", {"name": exhibit.pop("name", v["title"]), **exhibit}, ""))
    figure, blocks = _lead_figure(rec.blocks)
    if figure is not None:
        fields.append(
            ("image", {"src": "", "caption": figure.caption or f"{TO_BE_WRITTEN}：图片说明"}, "")
        )
        if not figure.caption:
            todo.append(("image.caption", "图片下面没有“图为……”一行"))
    if "narration" in v:
        fields.append(("narration", v["narration"], ""))
    fields.append(("status", "draft", ""))
    return Composed(fields, blocks, todo, figure)
