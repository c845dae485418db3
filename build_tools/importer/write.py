"""A recognised submission as a new item file (and its pictures), never overwriting,
never writing outside `stories/`."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools.content.corpus import Corpus
from build_tools.content.dates import PartialDate
from build_tools.content.model import Panel
from build_tools.scaffold import ScaffoldError, _next_number, _pick_hall, make_id
from build_tools.scaffold.placeholders import TO_BE_WRITTEN

SUMMARY_TODO = {
    "story": f"{TO_BE_WRITTEN}：用一两句话介绍这个故事（不超过 120 个字）。",
    "craftsman": f"{TO_BE_WRITTEN}：用一两句话介绍这位工匠（不超过 120 个字）。",
}
_YAML_SPECIAL = re.compile(r"[:#\[\]{},&*!|>'\"%@`\\]|^[-?\s]|\s$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


class WriteRefused(Exception):
    """Why nothing was written (Chinese)."""


@dataclass(slots=True)
class Planned:
    """Where the item goes: its kind's folder under stories/, and its hall for a panel."""

    kind: str
    folder: Path
    hall: str | None = None
    zone: str | None = None
    number: str | None = None


@dataclass(slots=True)
class Written:
    path: Path
    item_id: str
    media: list[Path] = field(default_factory=list)
    renamed_from: str | None = None  # the id the title gave, when it was taken


def plan(corpus: Corpus, kind: str, hall: str | None, zone: str | None) -> Planned:
    content = corpus.content_dir
    if kind == "story":
        return Planned(kind, content / "red")
    if kind == "craftsman":
        return Planned(kind, content / "craftsmen")
    try:
        found = _pick_hall(corpus, hall)  # the same choice and message as culture new
    except ScaffoldError as exc:
        raise WriteRefused(str(exc)) from exc
    zone = zone or found.zones[0].id
    if zone not in {z.id for z in found.zones}:
        zones = "、".join(z.id for z in found.zones)
        raise WriteRefused(f"展厅“{found.name}”中没有单元“{zone}”；可用：{zones}")
    return Planned(kind, content / "halls" / found.id, found.id, zone)  # numbered per file


def numbered(corpus: Corpus, planned: Planned) -> Planned:
    """A panel with the number after the last of its zone (the ones this run wrote
    included, see `reserve`)."""
    if planned.kind != "panel" or planned.hall is None or planned.zone is None:
        return planned
    number = _next_number(corpus.halls[planned.hall], planned.zone)
    return Planned(planned.kind, planned.folder, planned.hall, planned.zone, number)


def reserve(corpus: Corpus, planned: Planned) -> None:
    """Count a panel written in this run in its hall (in this run's corpus only), so the
    next one is numbered after it."""
    if planned.kind == "panel" and planned.hall and planned.number and planned.zone:
        panel = Panel.model_construct(number=planned.number, zone=planned.zone)
        corpus.halls[planned.hall].panels.append(panel)


def _inside(corpus: Corpus, path: Path, what: str) -> None:
    if not corpus.contains(path):
        raise WriteRefused(f"{what} {_rel(corpus, path)} 指向 stories/ 之外（符号链接），不会写入")


def _rel(corpus: Corpus, path: Path) -> str:
    try:
        return path.relative_to(corpus.root).as_posix()
    except ValueError:
        return path.as_posix()


def _taken(corpus: Corpus, planned: Planned, item_id: str, pictures: bool) -> bool:
    media = corpus.content_dir / "media" / item_id
    if os.path.lexists(planned.folder / f"{item_id}.md") or (pictures and os.path.lexists(media)):
        return True
    kind = planned.kind
    if kind == "panel":
        panels = {p.id for p in corpus.panels()} | {
            p.split("/")[-1] for k, p in corpus.broken if k == "panel"
        }
        aliases = {a for p in corpus.panels() for a in p.aliases}
        return item_id in panels or item_id in aliases
    known = corpus.stories if kind == "story" else corpus.craftsmen
    return (
        item_id in known
        or corpus.is_broken(kind, item_id)
        or corpus.alias_target(kind, item_id) is not None
    )


def choose_id(
    corpus: Corpus, planned: Planned, title: str, pictures: bool
) -> tuple[str, str | None]:
    """The id from the title's pinyin; if it is taken (a file, an item, an old id), the
    first free one of -2, -3 … and the id that was wanted."""
    base = make_id(title) or "import"
    if not _taken(corpus, planned, base, pictures):
        return base, None
    for n in range(2, 1000):
        candidate = f"{base}-{n}"
        if not _taken(corpus, planned, candidate, pictures):
            return candidate, base
    raise WriteRefused(f"id {base} 及 {base}-2 … {base}-999 都已被占用")


def write_item(
    corpus: Corpus,
    planned: Planned,
    item_id: str,
    front_matter: str,
    body: str,
    pictures: list[tuple[str, bytes]],
) -> list[Path]:
    """Write the pictures to stories/media/<id>/ and the item file; on any failure remove
    what was written. Returns the pictures' paths."""
    _inside(corpus, planned.folder, "目标文件夹")
    media_dir = corpus.content_dir / "media" / item_id
    if pictures:
        _inside(corpus, media_dir.parent, "图片文件夹")
        _inside(corpus, media_dir, "图片文件夹")
    target = planned.folder / f"{item_id}.md"
    made: list[Path] = []
    try:
        planned.folder.mkdir(parents=True, exist_ok=True)
        if pictures:
            media_dir.mkdir(parents=True, exist_ok=False)
            made.append(media_dir)
            for name, data in pictures:
                with (media_dir / name).open("xb") as out:
                    out.write(data)
        with target.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(f"---\n{front_matter}---\n\n{body}")
    except FileExistsError as exc:
        _undo(made)
        raise WriteRefused(
            f"{_rel(corpus, Path(exc.filename or target))} 已存在，不会覆盖"
        ) from exc
    except OSError as exc:
        _undo(made)
        raise WriteRefused(f"无法写入 {_rel(corpus, target)}（{exc.strerror or exc}）") from exc
    return [media_dir / name for name, _ in pictures]


def _undo(made: list[Path]) -> None:
    for path in reversed(made):
        shutil.rmtree(path, ignore_errors=True)


# -- front matter --------------------------------------------------------------------------


def scalar(value: Any) -> str:
    """A YAML scalar: plain for ordinary Chinese text and numbers, quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | PartialDate):
        return str(value)
    text = str(value)
    if _CJK.search(text) and not _YAML_SPECIAL.search(text):
        return text
    if _PLAIN_WORD.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text  # ids and choices: mine-1, draft
    return json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def front_matter(fields: list[tuple[str, Any, str]]) -> str:
    """`key: value  # comment` lines; lists of mappings one entry a line."""
    lines = []
    for key, value, comment in fields:
        note = f"  # {comment}" if comment else ""
        if isinstance(value, dict) and key == "exhibit":
            lines.append(f"{key}:{note}")
            lines += [f"  {k}: {scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:{note}")
            lines += [f"  - {flow(entry)}" for entry in value]
        else:
            lines.append(f"{key}: {flow(value)}{note}")
    return "\n".join(lines) + "\n"
