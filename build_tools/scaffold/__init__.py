"""`culture new`: a new item from a template, with a valid front matter and an id made
from its Chinese title (第一锹土 → di-yi-qiao-tu)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from slugify import slugify

from build_tools.checks.references import theme_problem, unit_problem
from build_tools.content.corpus import Corpus
from build_tools.content.model import Hall

KINDS = ("story", "craftsman", "panel", "collection")


class ScaffoldError(Exception):
    """A reason, in Chinese, why the file was not written."""


def make_id(title: str) -> str:
    """An id from a Chinese title or name, through pinyin."""
    # Imported here: its dictionaries take a quarter of a second to load, and a check
    # asks for an id only when a media file name needs one.
    from pypinyin import lazy_pinyin

    return slugify(" ".join(lazy_pinyin(title)), max_length=60, word_boundary=True)


def _yaml_text(value: str) -> str:
    """A YAML scalar for `value`: plain when safe, double-quoted otherwise."""
    if re.fullmatch(r"[^\s:#'\"&*!|>%@`,\[\]{}-][^:#]*", value) and value.strip() == value:
        return value
    return json.dumps(value, ensure_ascii=False)


_env = Environment(
    loader=PackageLoader("build_tools.scaffold", "templates"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # YAML and Markdown, not HTML; values pass the yaml filter
)
_env.filters["yaml"] = _yaml_text


@dataclass(frozen=True, slots=True)
class NewItem:
    kind: str
    title: str
    hall: str | None = None
    zone: str | None = None
    unit: str | None = None
    theme: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


def _pick_hall(corpus: Corpus, wanted: str | None) -> Hall:
    if wanted:
        if wanted not in corpus.halls:
            known = "、".join(corpus.halls) or "（还没有展厅）"
            raise ScaffoldError(f"没有展厅“{wanted}”；现有展厅：{known}")
        return corpus.halls[wanted]
    if len(corpus.halls) == 1:
        return next(iter(corpus.halls.values()))
    known = "、".join(corpus.halls) or "（还没有展厅，请先建立 halls/<展厅>/hall.yml）"
    raise ScaffoldError(f"请用 --hall 指定展厅：{known}")


def _next_number(hall: Hall, zone_id: str) -> str:
    """The number after the last panel of the zone (A-07 → A-08)."""
    numbers = [p.number for p in hall.panels if p.zone == zone_id]
    taken = {p.number.upper() for p in hall.panels}
    if numbers:
        last = max(
            numbers, key=lambda n: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", n)]
        )
        match = re.match(r"^(.*?)(\d+)$", last)
        prefix, width, n = (
            (match.group(1), len(match.group(2)), int(match.group(2)))
            if match
            else (last + "-", 2, 0)
        )
    else:
        index = [z.id for z in hall.zones].index(zone_id)
        prefix, width, n = f"{chr(ord('A') + index % 26)}-", 2, 0
    while True:
        n += 1
        candidate = f"{prefix}{n:0{width}d}"
        if candidate.upper() not in taken:
            return candidate


def _check_choices(corpus: Corpus, request: NewItem) -> None:
    """`--unit` and `--theme` are refused as the check would report them, before anything
    is written: a new file should not start with an error."""
    if request.unit is not None:
        problem = unit_problem(corpus, request.unit)
        if problem:
            raise ScaffoldError(f"--unit {problem}")
    if request.theme is not None:
        problem = theme_problem(corpus, request.theme)
        if problem:
            raise ScaffoldError(f"--theme {problem}")


def create(corpus: Corpus, request: NewItem) -> Path:
    """Write the new file and return its path; never overwrites."""
    item_id = make_id(request.title)
    if not item_id:
        raise ScaffoldError(f"无法从“{request.title}”生成 id，请换一个标题")
    _check_choices(corpus, request)
    content = corpus.content_dir
    values: dict[str, object] = {"title": request.title, "today": request.today}
    if request.kind == "story":
        path = content / "red" / f"{item_id}.md"
        values["theme"] = request.theme or next(iter(corpus.themes), "（请填写主题）")
        values["unit"] = request.unit
    elif request.kind == "craftsman":
        path = content / "craftsmen" / f"{item_id}.md"
        values["unit"] = request.unit or next(iter(corpus.units), "（请填写单位 id）")
    elif request.kind == "panel":
        hall = _pick_hall(corpus, request.hall)
        zone = request.zone or hall.zones[0].id
        if zone not in {z.id for z in hall.zones}:
            raise ScaffoldError(
                f"展厅“{hall.name}”中没有单元“{zone}”；可用：{'、'.join(z.id for z in hall.zones)}"
            )
        path = content / "halls" / hall.id / f"{item_id}.md"
        values |= {"zone": zone, "number": _next_number(hall, zone)}
    elif request.kind == "collection":
        path = content / "collections" / f"{item_id}.yml"
    else:
        raise ScaffoldError(f"不认识的类型“{request.kind}”，可选：{'、'.join(KINDS)}")
    if path.exists():
        raise ScaffoldError(f"文件已存在，不会覆盖：{path.relative_to(corpus.root).as_posix()}")
    text = _env.get_template(f"{request.kind}.j2").render(**values)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": refuse to overwrite even in a race
        out.write(text)
    return path
