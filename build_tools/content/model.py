"""Typed content items, field for field as `CONTENT-SPEC.md` describes them.

The models validate one file each; references between items are plain ids here and are
resolved by the corpus once everything has loaded. Field titles are the Chinese words
editors know; they appear in messages and in the JSON Schemas editors' tools read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, WithJsonSchema

from build_tools.content.dates import Date, PartialDate
from build_tools.content.yamlsource import FieldPath, Position, SourceMap
from build_tools.diagnostics import Location

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)

Status = Literal["draft", "review", "published"]
STATUS_LABELS: dict[str, str] = {"draft": "草稿", "review": "待审", "published": "已发布"}
HonorLevel = Literal["国家级", "省部级", "集团级", "公司级"]
PanelKind = Literal["intro", "section", "exhibit"]
PANEL_KIND_LABELS: dict[str, str] = {"intro": "前言", "section": "单元说明", "exhibit": "展品说明"}
PanelSize = Literal["A0", "A1", "A2", "A3", "A4"]
Orientation = Literal["portrait", "landscape"]

# Every text and every list is bounded: a field holds what a page shows, never a pasted
# book (nor what an alias bomb would expand to). Titles and summaries have the spec's own
# limits; the rest are far above anything real content has.
MAX_TEXT = 200  # one line of text: a name, a place, a caption, a path
MAX_LONG_TEXT = 20_000  # narration, a hall's intro, a collection's foreword
MAX_ID = 100
MAX_ENTRIES = 200  # entries of any list
MAX_ITEMS = 1000  # a collection's items: a booklet of a thousand stories is already a book series


def _text(max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Text = Annotated[str, _text(MAX_TEXT)]
LongText = Annotated[str, _text(MAX_LONG_TEXT)]
Id = Annotated[str, _text(MAX_ID)]
Year = Annotated[int, Field(ge=1000, le=9999)]


@dataclass(slots=True)
class Origin:
    """Where an item was written: its file, and the position of each of its values."""

    path: str  # relative to the project root, e.g. stories/red/first-shovel.md
    source_map: SourceMap = field(default_factory=SourceMap)
    prefix: FieldPath = ()  # for items inside a list file such as units.yml
    line: int = 1  # where the item starts

    def at(self, *path: str | int, key: bool = False) -> Location:
        """The location of a value (or of its key), falling back to the nearest parent."""
        full = (*self.prefix, *path)
        found = self.source_map.key(full) if key else None
        while found is None:
            found = self.source_map.value(full)
            if found is None and not full:
                return Location(self.path, self.line, 1)
            full = full[:-1]
        return self._loc(found)

    def sub(self, *path: str | int) -> Origin:
        start = self.at(*path)
        return Origin(self.path, self.source_map, (*self.prefix, *path), start.line)

    def _loc(self, pos: Position) -> Location:
        return Location(self.path, pos.line, pos.column)


@dataclass(frozen=True, slots=True)
class Body:
    """Markdown source of an item's body, with the file line it starts on."""

    markdown: str
    line: int

    def __reduce__(self) -> tuple[Any, ...]:
        # For the loader's cache: rebuilt by a function (a frozen dataclass's own
        # __setstate__ is slow) from the text encoded here, since pickle would leave a UTF-8
        # copy inside every string it writes (CPython keeps it): 30 MB at 10,000 stories.
        return (body_from_utf8, (self.markdown.encode("utf-8"), self.line))

    @property
    def first_text_line(self) -> int:
        """The file line of the first non-blank line (where a reader's text starts)."""
        for offset, text in enumerate(self.markdown.split("\n")):
            if text.strip():
                return self.line + offset
        return self.line


def body_from_utf8(markdown: bytes, line: int) -> Body:
    return Body(markdown.decode("utf-8"), line)


def field_value(model: BaseModel, name: str) -> Any:
    """The value of field `name`, None when the model has no such field (or a partial item
    left it unset): what `getattr(model, name, None)` says of a field, without the failed
    lookup and exception that cost 5 µs each time a story is asked for a `photo`."""
    return model.__dict__.get(name)


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        validate_default=False,
        defer_build=True,
    )


class Image(Model):
    src: Text = Field(title="图片路径", description="相对于引用它的文件，必须在 stories/ 之内")
    caption: Text = Field(title="图片说明", description="必填：既是替代文字，也是印刷图注")
    credit: Text | None = Field(None, title="摄影/来源")
    year: Year | None = Field(None, title="年份")


class Item(Model):
    """A file-backed item: its id is the file name, and it knows where it came from."""

    kind: ClassVar[str]
    kind_label: ClassVar[str]
    _id: str = PrivateAttr(default="")
    _origin: Origin = PrivateAttr(default_factory=lambda: Origin(""))
    _body: Body = PrivateAttr(default_factory=lambda: Body("", 1))

    # Read from pydantic's slot directly: `self._id` goes through BaseModel.__getattr__,
    # some 5 µs a time, and pages, listings and search read ids tens of thousands of
    # times per build.
    @property
    def id(self) -> str:
        return self.__pydantic_private__["_id"]  # type: ignore[index, no-any-return]

    @property
    def origin(self) -> Origin:
        return self.__pydantic_private__["_origin"]  # type: ignore[index, no-any-return]

    @property
    def body(self) -> Body:
        return self.__pydantic_private__["_body"]  # type: ignore[index, no-any-return]

    def attach(self, item_id: str, origin: Origin, body: Body | None = None) -> None:
        self._id = item_id
        self._origin = origin
        if body is not None:
            self._body = body


class Publishable(Item):
    """An item with an editorial status: drafts and review items are publishable later."""

    status: Status = Field(title="状态", description="draft 草稿 / review 待审 / published 已发布")
    aliases: list[Id] = Field(
        default_factory=list,
        title="曾用 id",
        description="改名前的 id，旧网址会跳转到新网址",
        max_length=MAX_ENTRIES,
    )

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class Unit(Model):
    id: Id = Field(title="单位 id")
    name: Text = Field(title="单位名称")
    short: Text | None = Field(None, title="简称")
    parent: Id | None = Field(None, title="上级单位 id")
    aliases: list[Text] = Field(default_factory=list, title="曾用名", max_length=MAX_ENTRIES)
    renamed: Date | None = Field(
        None,
        title="改用现名的日期",
        description="YYYY、YYYY-MM 或 YYYY-MM-DD；写这以前的事可以用曾用名，不算不规范表述",
    )
    _origin: Origin = PrivateAttr(default_factory=lambda: Origin(""))

    @property
    def origin(self) -> Origin:
        return self.__pydantic_private__["_origin"]  # type: ignore[index, no-any-return]

    def names(self) -> list[str]:
        return [self.name, *([self.short] if self.short else []), *self.aliases]


class Theme(Model):
    name: Text = Field(title="主题名称")
    slug: Id = Field(title="网址用名", description="ASCII，构成主题页网址 /themes/<slug>/")
    description: Text | None = Field(None, title="说明")
    _origin: Origin = PrivateAttr(default_factory=lambda: Origin(""))

    @property
    def origin(self) -> Origin:
        return self.__pydantic_private__["_origin"]  # type: ignore[index, no-any-return]


class Story(Publishable):
    kind: ClassVar[str] = "story"
    kind_label: ClassVar[str] = "故事"
    title: Annotated[str, _text(30)] = Field(title="标题", description="不超过 30 个字")
    subtitle: Text | None = Field(None, title="副标题")
    date: Date = Field(title="日期", description="事件发生的时间，可只写年或年月")
    place: Text | None = Field(None, title="地点")
    unit: Id | None = Field(None, title="所属单位", description="units.yml 中的单位 id")
    craftsmen: list[Id] = Field(
        default_factory=list,
        title="相关工匠",
        description="有工匠风采页的人物 id",
        max_length=MAX_ENTRIES,
    )
    people: list[Text] = Field(
        default_factory=list, title="人物", description="故事中的其他人名", max_length=MAX_ENTRIES
    )
    themes: list[Text] = Field(
        min_length=1, max_length=5, title="主题", description="1–5 个 themes.yml 中的主题名称"
    )
    summary: Annotated[str, _text(120)] = Field(
        title="摘要", description="不超过 120 个字，显示在卡片和搜索结果中"
    )
    cover: Image | None = Field(None, title="题图")
    source: Text | None = Field(None, title="来源", description="如：据口述整理、档案、报道")
    author: Text | None = Field(None, title="撰稿")
    published: Date | None = Field(None, title="发布日期")


class Honor(Model):
    title: Text = Field(title="荣誉名称")
    year: Year = Field(title="年份")
    level: HonorLevel = Field(title="级别")


class Patent(Model):
    number: Text = Field(title="专利号")
    title: Text = Field(title="专利名称")
    year: Year | None = Field(None, title="年份")


class Achievement(Model):
    year: Year = Field(title="年份")
    title: Text = Field(title="成果")


class Craftsman(Publishable):
    kind: ClassVar[str] = "craftsman"
    kind_label: ClassVar[str] = "工匠"
    name: Text = Field(title="姓名")
    unit: Id = Field(title="单位", description="units.yml 中的单位 id")
    position: Text = Field(title="岗位/职务")
    photo: Image | None = Field(None, title="照片")
    honors: list[Honor] = Field(default_factory=list, title="荣誉", max_length=MAX_ENTRIES)
    skills: list[Text] = Field(default_factory=list, title="技能专长", max_length=MAX_ENTRIES)
    patents: list[Patent] = Field(default_factory=list, title="专利", max_length=MAX_ENTRIES)
    achievements: list[Achievement] = Field(
        default_factory=list, title="主要成果", max_length=MAX_ENTRIES
    )
    studio: Text | None = Field(None, title="工作室")
    motto: Text | None = Field(None, title="格言")
    summary: Annotated[str, _text(120)] = Field(title="摘要", description="不超过 120 个字")

    @property
    def title(self) -> str:
        return self.name


# An exhibit's date is free text (“20世纪50年代”) but is usually typed as a bare year.
EraText = Annotated[
    str,
    _text(MAX_TEXT),
    WithJsonSchema(
        {"type": ["string", "integer"], "title": "年代", "examples": ["1958", "20世纪50年代"]}
    ),
]


class Exhibit(Model):
    name: Text = Field(title="展品名称")
    year: EraText | None = Field(None, title="年代")
    material: Text | None = Field(None, title="材质")
    size: Text | None = Field(None, title="尺寸")
    origin: Text | None = Field(None, title="来源")


class Panel(Publishable):
    kind: ClassVar[str] = "panel"
    kind_label: ClassVar[str] = "展板"
    number: Text = Field(title="展板编号", description="如 A-03，在本展厅内唯一，决定参观顺序")
    zone: Id = Field(title="所属单元", description="hall.yml 中的单元 id")
    panel_kind: PanelKind = Field(
        alias="kind", title="类型", description="intro 前言 / section 单元说明 / exhibit 展品说明"
    )
    title: Text = Field(title="标题")
    exhibit: Exhibit | None = Field(None, title="展品信息", description="展品说明（exhibit）必填")
    image: Image | None = Field(None, title="图片")
    narration: LongText | None = Field(None, title="讲解词")
    related: list[Id] = Field(
        default_factory=list,
        title="相关故事或工匠",
        description="故事或工匠的 id",
        max_length=MAX_ENTRIES,
    )
    _hall: str = PrivateAttr(default="")

    @property
    def hall(self) -> str:
        return self.__pydantic_private__["_hall"]  # type: ignore[index, no-any-return]

    @property
    def tour_key(self) -> tuple[Any, ...]:
        """Natural order of panel numbers: A-2 before A-10."""
        return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", self.number))


class Zone(Model):
    id: Id = Field(title="单元 id")
    title: Text = Field(title="单元标题")
    description: LongText | None = Field(None, title="单元说明")


class Hall(Item):
    kind: ClassVar[str] = "hall"
    kind_label: ClassVar[str] = "展厅"
    name: Text = Field(title="展厅名称")
    location: Text | None = Field(None, title="位置")
    opened: Date | None = Field(None, title="开放时间")
    intro: LongText | None = Field(None, title="展厅介绍", description="Markdown")
    zones: list[Zone] = Field(
        min_length=1, title="单元", description="按参观顺序排列", max_length=MAX_ENTRIES
    )
    aliases: list[Id] = Field(
        default_factory=list,
        title="曾用 id",
        description="展厅文件夹改名前的名字，旧网址会跳转",
        max_length=MAX_ENTRIES,
    )
    panel_size: PanelSize = Field(
        "A3", title="展板尺寸", description="印刷展板校样的纸张尺寸：A0–A4，默认 A3"
    )
    panel_orientation: Orientation = Field(
        "portrait", title="展板方向", description="portrait 竖版（默认）/ landscape 横版"
    )
    _panels: list[Panel] = PrivateAttr(default_factory=list)

    @property
    def title(self) -> str:
        return self.name

    @property
    def panels(self) -> list[Panel]:
        """All panels of the hall in tour order."""
        return self.__pydantic_private__["_panels"]  # type: ignore[index, no-any-return]


class Booklet(Model):
    paper: Literal["A5", "A4", "B5"] = Field("A5", title="开本")
    imposition: Literal["none", "saddle"] = Field(
        "none", title="拼版", description="none 单页 / saddle 骑马订"
    )


class Collection(Publishable):
    kind: ClassVar[str] = "collection"
    kind_label: ClassVar[str] = "故事集"
    title: Text = Field(title="书名")
    subtitle: Text | None = Field(None, title="副书名")
    editor: Text | None = Field(None, title="编者")
    edition: Date | None = Field(None, title="版次", description="如 2024-06，印为 2024年6月")
    foreword: LongText | None = Field(None, title="前言", description="Markdown")
    cover: Image | None = Field(None, title="封面图片", description="印在小册子封面上")
    items: list[Id] = Field(
        title="条目", description="按印刷顺序排列的故事或工匠 id", max_length=MAX_ITEMS
    )
    booklet: Booklet = Field(default_factory=Booklet, title="印刷设置")
    status: Status = Field(
        "published",
        title="状态",
        description="默认 published；draft/review 的故事集只在预览中出现，可印校样",
    )


def _field_names(*models: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    for model in models:
        names.update(info.alias or name for name, info in model.model_fields.items())
    return frozenset(names)


# Every key an editor can write, anywhere in the authoring format.
FIELD_NAMES = _field_names(
    Unit,
    Theme,
    Image,
    Story,
    Honor,
    Patent,
    Achievement,
    Craftsman,
    Exhibit,
    Panel,
    Zone,
    Hall,
    Booklet,
    Collection,
)

KINDS: dict[str, type[Item]] = {
    "story": Story,
    "craftsman": Craftsman,
    "panel": Panel,
    "hall": Hall,
    "collection": Collection,
}

__all__ = [
    "ID_PATTERN",
    "KINDS",
    "Body",
    "Collection",
    "Craftsman",
    "Hall",
    "Image",
    "Item",
    "Origin",
    "Panel",
    "PartialDate",
    "Story",
    "Theme",
    "Unit",
]
