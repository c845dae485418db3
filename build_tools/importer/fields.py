"""What a submission says about itself: its title, and the lines such as 作者：… 单位：…
时间：… that submissions carry, turned into front-matter values.

Dates are read as written (1985年3月, 一九八五年三月, 1985.3) and kept at that precision;
units are found in `units.yml` by name, short name or former name; people are those named
in a 人物 line or in bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from build_tools.checks.references import PERSON_NAME
from build_tools.content.corpus import Corpus
from build_tools.content.dates import PartialDate
from build_tools.importer.clean import SPACE
from build_tools.importer.docx import Block, Heading, Inline, ListBlock, Paragraph, Quote, Span
from build_tools.suggest import closest_by_names, did_you_mean

# -- dates ---------------------------------------------------------------------------------

_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {
    "零": "0",
    "○": "0",
    "Ｏ": "0",
    "O": "0",
}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")
_ZH_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=\s*年)")
_ZH_NUMBER = re.compile(r"(?<=[年月])\s*([一二三四五六七八九十]{1,3})(?=\s*[月日号])")
_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:(?:年|[./\-])\s*(\d{1,2})(?!\d)\s*(?:(?:月|[./\-])\s*(\d{1,2})(?!\d)\s*[日号]?)?)?"
)


def _zh_number(text: str) -> str:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, 三十 → 30."""
    if "十" not in text:
        return "".join(_DIGITS[c] for c in text)
    tens, _, ones = text.partition("十")
    return str((int(_DIGITS[tens]) if tens else 1) * 10 + (int(_DIGITS[ones]) if ones else 0))


def to_arabic(text: str) -> str:
    """一九八五年三月十二日 → 1985年3月12日; full-width digits as ASCII."""
    text = text.translate(_FULL_WIDTH)
    text = _ZH_YEAR.sub(lambda m: "".join(_DIGITS[c] for c in m.group(0)), text)
    return _ZH_NUMBER.sub(lambda m: _zh_number(m.group(1)), text)


def parse_date(text: str) -> PartialDate | None:
    """The first date written in `text`, at the precision it was written with."""
    match = _DATE.search(to_arabic(text))
    if not match:
        return None
    year, month, day = match.groups()
    iso = (
        year
        + (f"-{int(month):02d}" if month else "")
        + (f"-{int(day):02d}" if month and day else "")
    )
    try:
        return PartialDate.parse(iso)  # the model's own rule: no 2023-02-30, no year 0999
    except ValueError:
        return None


def earliest_year(text: str) -> int | None:
    """The earliest year a text mentions (一九五八年, 1958年), as a hint for the date."""
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)\s*年", to_arabic(text))]
    return min(years) if years else None


# -- units ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitMatch:
    id: str | None
    how: str  # for the editor: 按简称“一矿”; or why there is none


def match_unit(corpus: Corpus, written: str) -> UnitMatch:
    """The unit `written` names, by its name, short name or a former name (also inside a
    longer text, such as 一矿宣传科)."""
    names = corpus.unit_names()
    value = written.strip(SPACE)
    for uid, unit in corpus.units.items():
        if value == unit.name:
            return UnitMatch(uid, "按全称")
        if value == unit.short:
            return UnitMatch(uid, f"按简称“{value}”")
        if value in unit.aliases:
            return UnitMatch(uid, f"按曾用名“{value}”")
    within = sorted(
        (
            (len(name), uid, name)
            for uid, words in names.items()
            for name in words
            if len(name) >= 2 and name in value
        ),
        reverse=True,
    )
    if within:
        longest = [entry for entry in within if entry[0] == within[0][0]]
        if len({uid for _, uid, _ in longest}) == 1:
            _, uid, name = longest[0]
            return UnitMatch(uid, f"按“{value}”中的“{name}”")
    options = closest_by_names(value, names)
    described = {uid: corpus.units[uid].name for uid in options}
    return UnitMatch(None, f"units.yml 中没有“{value}”{did_you_mean(options, described)}")


# -- label lines ---------------------------------------------------------------------------

# What submissions write before a colon, and the field it fills. 作者单位 and 投稿时间
# are about the writer and the sending, not the story: left in the text.
LABELS: dict[str, str] = {
    "标题": "title",
    "题目": "title",
    "副标题": "subtitle",
    "作者": "author",
    "撰稿": "author",
    "撰稿人": "author",
    "撰文": "author",
    "执笔": "author",
    "供稿": "author",
    "通讯员": "author",
    "记者": "author",
    "整理": "author",
    "文": "author",
    "口述": "source",
    "单位": "unit",
    "所属单位": "unit",
    "时间": "date",
    "日期": "date",
    "发生时间": "date",
    "事件时间": "date",
    "地点": "place",
    "发生地点": "place",
    "人物": "people",
    "主要人物": "people",
    "相关人物": "people",
    "来源": "source",
    "资料来源": "source",
    "主题": "themes",
    "摘要": "summary",
    "内容摘要": "summary",
    "内容提要": "summary",
    "姓名": "name",
    "岗位": "position",
    "职务": "position",
    "岗位职务": "position",
    "工种": "position",
    "工作室": "studio",
    "格言": "motto",
    "座右铭": "motto",
    "技能": "skills",
    "专长": "skills",
    "技能专长": "skills",
    "荣誉": "honors",
    "主要荣誉": "honors",
    "获得荣誉": "honors",
    "编号": "number",
    "展板编号": "number",
    "展品": "exhibit.name",
    "展品名称": "exhibit.name",
    "年代": "exhibit.year",
    "材质": "exhibit.material",
    "尺寸": "exhibit.size",
    "规格": "exhibit.size",
    "讲解词": "narration",
}

# The fields each kind takes from label lines; a label another kind uses stays in the text.
KIND_FIELDS: dict[str, frozenset[str]] = {
    "story": frozenset(
        {
            "title",
            "subtitle",
            "author",
            "unit",
            "date",
            "place",
            "people",
            "source",
            "themes",
            "summary",
        }
    ),
    "craftsman": frozenset(
        {"name", "unit", "position", "studio", "motto", "skills", "honors", "summary"}
    ),
    "panel": frozenset(
        {
            "title",
            "number",
            "exhibit.name",
            "exhibit.year",
            "exhibit.material",
            "exhibit.size",
            "source",
            "narration",
        }
    ),
}
LONG_FIELDS = frozenset({"summary", "narration", "honors"})
LINE_MAX = 80  # a label line longer than this is a paragraph of the story
LONG_LINE_MAX = 600

_LABEL_WORDS = "|".join(sorted(LABELS, key=len, reverse=True))
_LABEL_AT = re.compile(rf"(?:^|(?<=[{SPACE}]))(?P<label>{_LABEL_WORDS})[{SPACE}]*[：:]")
_AUTHOR_SLASH = re.compile(rf"^文[{SPACE}]*[/／][{SPACE}]*(?P<value>.+)$")
_LIST_SPLIT = re.compile(rf"[、，,；;/／{SPACE}]+")


def label_fields(text: str) -> list[tuple[str, str, str]] | None:
    """(label, field, value) for each label in a line such as 作者：张三　单位：一矿; None
    when the line is not (only) label lines."""
    text = text.strip(SPACE)
    slash = _AUTHOR_SLASH.match(text)
    if slash and len(text) <= LINE_MAX:
        return [("文", "author", slash.group("value").strip(SPACE))]
    starts = list(_LABEL_AT.finditer(text))
    if not starts or starts[0].start() != 0:
        return None
    found = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        label = match.group("label")
        value = text[match.end() : end].strip(SPACE).rstrip("；;，,。")
        found.append((label, LABELS[label], value))
    longest = LONG_LINE_MAX if any(f in LONG_FIELDS for _, f, _ in found) else LINE_MAX
    return found if len(text) <= longest else None


def split_names(value: str) -> list[str]:
    return [v for v in (p.strip(SPACE) for p in _LIST_SPLIT.split(value)) if v]


# -- honours -------------------------------------------------------------------------------

_LEVEL_WORDS = (
    ("国家级", ("全国", "国家", "中华全国", "国务院")),
    ("省部级", ("省", "部级", "自治区")),
    ("集团级", ("集团",)),
    ("公司级", ("公司", "矿", "厂")),
)


def parse_honor(text: str) -> dict[str, Any] | None:
    """2015年全国劳动模范 → {title: 全国劳动模范, year: 2015, level: 国家级}."""
    text = to_arabic(text)
    match = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)\s*年?", text)
    if not match:
        return None
    title = (text[: match.start()] + text[match.end() :]).strip(
        SPACE + "，,：:（）()被授予获评荣获获得"
    )
    level = next((lv for lv, words in _LEVEL_WORDS if any(w in title for w in words)), None)
    if not title or level is None:
        return None
    return {"title": title, "year": int(match.group(1)), "level": level}


# -- the whole submission ------------------------------------------------------------------


@dataclass(slots=True)
class Recognised:
    """What was found, field by field, and what the editor still has to write."""

    values: dict[str, Any] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)  # 标题：第一锹土 … for the output
    todo: list[tuple[str, str]] = field(default_factory=list)  # (field, what to write)
    notes: list[str] = field(default_factory=list)  # other things the editor should know
    blocks: list[Block] = field(default_factory=list)  # the body, without what was taken

    def need(self, name: str, hint: str) -> None:
        self.todo.append((name, hint))


FIELD_LABELS: dict[str, str] = {
    "title": "标题",
    "subtitle": "副标题",
    "author": "撰稿",
    "unit": "单位",
    "date": "时间",
    "place": "地点",
    "people": "人物",
    "craftsmen": "工匠",
    "source": "来源",
    "themes": "主题",
    "summary": "摘要",
    "name": "姓名",
    "position": "岗位",
    "studio": "工作室",
    "motto": "格言",
    "skills": "技能",
    "honors": "荣誉",
    "number": "编号",
    "exhibit.name": "展品名称",
    "exhibit.year": "年代",
    "exhibit.material": "材质",
    "exhibit.size": "尺寸",
    "exhibit.origin": "来源",
    "narration": "讲解词",
    "photo.caption": "照片说明",
    "image.caption": "图片说明",
    "body": "正文",
}


def recognise(
    blocks: list[Block], kind: str, corpus: Corpus, core_title: str = "", file_title: str = ""
) -> Recognised:
    """The fields of a submission; the title from its text, else from the document's
    properties, else from the file's name."""
    result = Recognised()
    blocks = _take_title(blocks, result, core_title)
    wanted = KIND_FIELDS[kind]
    body: list[Block] = []
    for block in blocks:
        lines = label_fields(block.text) if isinstance(block, Paragraph) else None
        if lines and all(f in wanted for _, f, _ in lines):
            for label, name, value in lines:
                _take(result, kind, corpus, label, name, value)
        else:
            body.append(block)
    result.blocks = body
    if "title" not in result.values:
        result.values["title"] = file_title or "未命名"
        result.found.append(f"标题：{result.values['title']}（取自文件名，请核对）")
    _people_in_bold(result, kind, corpus)
    return result


def _take_title(blocks: list[Block], result: Recognised, core_title: str) -> list[Block]:
    """The title: a Title-styled line, a first heading, or a first short centred line;
    then a subtitle right under it (Subtitle style, or a line starting with ——)."""
    index = None
    for i, block in enumerate(blocks[:3]):
        if isinstance(block, Paragraph) and block.role == "title":
            index = i
            break
    if index is None and blocks:
        first = blocks[0]
        short = len(first.text) <= 40 if isinstance(first, Paragraph | Heading) else False
        # A first heading is the title only if no heading as high follows: otherwise it
        # is the first section of a submission that has no title.
        alone = isinstance(first, Heading) and not any(
            isinstance(b, Heading) and b.level <= first.level for b in blocks[1:]
        )
        if short and (alone or (isinstance(first, Paragraph) and first.role == "centred")):
            index = 0
    if index is None:
        if core_title:
            result.values["title"] = core_title
            result.found.append(f"标题：{core_title}（取自文档属性，请核对）")
        return blocks
    title = blocks[index].text  # type: ignore[union-attr]
    result.values["title"] = title
    result.found.append(f"标题：{title}")
    rest = blocks[:index] + blocks[index + 1 :]
    if index < len(rest):
        following = rest[index]
        if isinstance(following, Paragraph) and (
            following.role == "subtitle"
            or (following.text.startswith(("——", "—", "－－")) and len(following.text) <= 40)
            or (
                following.role == "centred"
                and len(following.text) <= 40
                and not label_fields(following.text)
            )
        ):
            result.values["subtitle"] = following.text
            result.found.append(f"副标题：{following.text}")
            rest = rest[:index] + rest[index + 1 :]
    return rest


def _take(result: Recognised, kind: str, corpus: Corpus, label: str, name: str, value: str) -> None:
    if kind == "panel" and name == "source":
        name = "exhibit.origin"
    if not value:
        return
    if name in result.values:
        result.notes.append(f"“{label}：{value}”重复出现，只用了第一次的")
        return
    shown = f"{label}：{value}"
    if name == "date":
        date = parse_date(value)
        if date is None:
            result.notes.append(
                f"“{shown}”不是能识别的日期，请在 date 中写成 1985、1985-03 或 1985-03-12"
            )
            return
        result.values["date"] = date
        shown = f"{label}：{value} → {date}"
    elif name == "unit":
        unit = match_unit(corpus, value)
        if unit.id is None:
            result.notes.append(f"单位：{unit.how}")
            return
        result.values["unit"] = unit.id
        shown = f"单位：{value} → {unit.id}（{corpus.units[unit.id].name}，{unit.how}）"
    elif name == "people":
        result.values["people"] = split_names(value)
    elif name == "skills":
        result.values["skills"] = split_names(value)
    elif name == "themes":
        names = split_names(value)
        known = [n for n in names if n in corpus.themes]
        unknown = [n for n in names if n not in corpus.themes]
        if unknown:
            result.notes.append(f"主题“{'、'.join(unknown)}”不在 themes.yml 中，未填入")
        if not known:
            return
        result.values["themes"] = known[:5]
    elif name == "honors":
        honors, unread = [], []
        for part in re.split(r"[；;。\n]+", value):
            if part.strip(SPACE):
                honor = parse_honor(part)
                if honor:
                    honors.append(honor)
                else:
                    unread.append(part.strip(SPACE))
        if unread:
            result.notes.append(f"荣誉“{'；'.join(unread)}”没能识别出年份和级别，请手工写进 honors")
        if not honors:
            return
        result.values["honors"] = honors
    elif label == "口述":
        result.values["source"] = f"据{value}口述整理"
        shown = f"{shown} → 来源：据{value}口述整理"
    else:
        result.values[name] = value
    result.found.append(shown)


def _people_in_bold(result: Recognised, kind: str, corpus: Corpus) -> None:
    """Names set in bold in the text (how submissions mark the people they are about)."""
    if kind != "story":
        return
    named = list(result.values.get("people", []))
    for span in _spans(result.blocks):
        text = span.text.strip(SPACE)
        if span.bold and PERSON_NAME.fullmatch(text) and text not in named:
            named.append(text)
    if not named:
        return
    by_name = {c.name: cid for cid, c in corpus.craftsmen.items()}
    craftsmen = [by_name[n] for n in named if n in by_name]
    people = [n for n in named if n not in by_name]
    bold = [n for n in named if n not in result.values.get("people", [])]
    if people:
        result.values["people"] = people
    else:
        result.values.pop("people", None)
    if craftsmen:
        result.values["craftsmen"] = craftsmen
        result.found.append(f"工匠：{'、'.join(craftsmen)}（有工匠风采页的人物）")
    if bold:
        result.found.append(f"人物（正文加粗）：{'、'.join(bold)}")


def _spans(blocks: list[Block]) -> list[Span]:
    found: list[Span] = []
    for block in blocks:
        inlines: list[Inline] = []
        if isinstance(block, Paragraph | Heading):
            inlines = block.inlines
        elif isinstance(block, Quote):
            found.extend(_spans(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(_spans(item))
        found.extend(i for i in inlines if isinstance(i, Span))
    return found
