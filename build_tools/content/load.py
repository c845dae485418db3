"""Read a whole content tree into a `Corpus`, collecting every problem on the way.

One function per kind of file; each turns text into a validated item or diagnostics
and never stops the run. An item that does not validate is kept in part
(`Corpus.partial`: the fields that did), so that its references are still checked in the
same run. References are not looked at here: the corpus is linked and checked only after
every file has been read, so file order never matters. No path is ever made from an id
or an alias; a file or folder that is a symlink leaving the content folder is not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from build_tools.content import markdown
from build_tools.content.corpus import Corpus
from build_tools.content.model import (
    FIELD_NAMES,
    Body,
    Collection,
    Craftsman,
    Hall,
    Item,
    Origin,
    Panel,
    Story,
    Theme,
    Unit,
)
from build_tools.content.sourcefile import SourceError, read_text, split_front_matter
from build_tools.content.validate import validate, validate_item
from build_tools.content.yamlsource import YamlDocument, parse_yaml
from build_tools.diagnostics import Diagnostic, Location, diagnostic

ItemT = TypeVar("ItemT", bound=Item)

# Keys that the model derives itself and that must not be written in front matter.
_DERIVED = {"id": "id 由文件名决定，不要写在文件里"}


@dataclass(slots=True)
class LoadResult:
    corpus: Corpus
    diagnostics: list[Diagnostic]


class _Reader:
    def __init__(self, root: Path, content_dir: Path) -> None:
        self.root = root
        self.root_prefix = root.as_posix().rstrip("/") + "/"
        self.content = content_dir
        self.corpus = Corpus(root, content_dir)
        self.diagnostics: list[Diagnostic] = []

    def rel(self, file: Path) -> str:
        text = file.as_posix()
        return text[len(self.root_prefix) :] if text.startswith(self.root_prefix) else text

    # -- where files are --------------------------------------------------------------
    def inside(self, path: Path, what: str = "") -> bool:
        """Whether a content file or folder (symlinks followed) stays in the content
        folder; one that does not is reported and never read."""
        if self.corpus.contains(path):
            return True
        rel, folder = self.rel(path), self.content.name
        # Where it points is not said: CI logs are read by many.
        message = (
            f"{what}“{rel}”链接到了 {folder}/ 之外，不会被读取；"
            f"请把{'文件夹' if what else '文件'}本身放进 {folder}/"
        )
        self.diagnostics.append(diagnostic("E-FILE-OUTSIDE", Location(rel), message))
        return False

    def files(self, folder: Path, suffix: str) -> list[Path]:
        """The content files of one folder, in name order; symlinks that leave the
        content folder are reported and left out (only symlinks can: the folder itself
        has been checked)."""
        if not folder.is_dir():
            return []
        found = []
        with os.scandir(folder) as entries:
            for e in entries:
                if not e.name.endswith(suffix) or _hidden(e.name):
                    continue
                link = e.is_symlink()
                # a dangling link is kept, to be reported as unreadable where it is
                if e.is_file() or (link and not os.path.exists(e.path)):
                    found.append((e.name, link))
        return [
            folder / name for name, link in sorted(found) if not link or self.inside(folder / name)
        ]

    # -- generic readers --------------------------------------------------------------
    def read_yaml(self, file: Path) -> tuple[YamlDocument | None, str]:
        """A YAML file's document, if anything could be read from it (as written or as
        the tolerant pass repaired it)."""
        rel = self.rel(file)
        self.corpus.files += 1
        try:
            text = read_text(file, rel)
        except SourceError as exc:
            self.diagnostics.append(exc.diagnostic)
            return None, rel
        doc = parse_yaml(text, rel, field_names=FIELD_NAMES)
        self.diagnostics.extend(doc.diagnostics)
        return (doc if doc.usable else None), rel

    def read_markdown_item(self, file: Path, model: type[ItemT], key: str) -> ItemT | None:
        rel = self.rel(file)
        self.corpus.files += 1
        try:
            text = read_text(file, rel)
            parts = split_front_matter(text, rel)
        except SourceError as exc:
            self.diagnostics.append(exc.diagnostic)
            return None
        doc = parse_yaml(
            parts.front_matter, rel, parts.front_matter_line - 1, field_names=FIELD_NAMES
        )
        self.diagnostics.extend(doc.diagnostics)
        body = Body(parts.body, parts.body_line)
        if not doc.usable:
            self.corpus.unvalidated_bodies.append((rel, body))
            return None
        origin = Origin(rel, doc.source_map, line=parts.front_matter_line - 1)
        return self.make_item(model, doc, origin, file.stem, key, body)

    def make_item(
        self,
        model: type[ItemT],
        doc: YamlDocument,
        origin: Origin,
        item_id: str,
        key: str,
        body: Body | None = None,
    ) -> ItemT | None:
        """The valid item; or None, keeping what validated as a partial item (a file
        the tolerant YAML pass had to repair is never valid, however well it reads)."""
        data = {} if doc.data is None else doc.data
        if not isinstance(data, dict):
            self.diagnostics.append(_not_mapping(origin))
            if body is not None:
                self.corpus.unvalidated_bodies.append((origin.path, body))
            return None
        for name, why in _DERIVED.items():
            if name in data:
                self.diagnostics.append(
                    diagnostic("E-FIELD-UNKNOWN", origin.at(name, key=True), why)
                )
                data = {k: v for k, v in data.items() if k != name}
        checked = validate_item(model, data, origin, doc.skipped_keys())
        self.diagnostics.extend(checked.problems)
        if checked.item is not None and doc.ok:
            checked.item.attach(item_id, origin, body)
            return checked.item
        partial = checked.item or checked.partial
        if partial is not None:
            partial.attach(item_id, origin, body)
            self.corpus.partial[(model.kind, key)] = partial
        if body is not None:
            self.corpus.unvalidated_bodies.append((origin.path, body))
        return None

    def read_list(self, file: Path, model: type[Unit] | type[Theme]) -> list[Any]:
        if not file.is_file():
            self.diagnostics.append(
                diagnostic("E-FILE-MISSING", Location(self.rel(file)), f"缺少 {file.name}")
            )
            return []
        if not self.inside(file):
            return []
        kind, key = ("unit", "id") if model is Unit else ("theme", "name")
        doc, rel = self.read_yaml(file)
        if doc is None or doc.data is None:
            return []
        # Entries the tolerant pass left out are reported there, not where they are used.
        self.corpus.broken.update((kind, value) for value in doc.skipped_values(key))
        if not isinstance(doc.data, list):
            message = f"{file.name} 应是一个列表，每一项以“- ”开头"
            self.diagnostics.append(diagnostic("E-FM-NOT-MAPPING", Location(rel, 1, 1), message))
            return []
        found = []
        for i, data in enumerate(doc.data):
            origin = Origin(rel, doc.source_map).sub(i)
            if not isinstance(data, dict):
                self.diagnostics.append(_not_mapping(origin))
                continue
            entry, problems = validate(model, data, origin)
            self.diagnostics.extend(problems)
            if entry is not None:
                entry._origin = origin
                found.append(entry)
            elif isinstance(data.get(key), str):
                self.corpus.broken.add((kind, data[key].strip()))
        return found

    # -- the tree ---------------------------------------------------------------------
    def read_all(self) -> None:
        content = self.content
        for unit in self.read_list(content / "units.yml", Unit):
            self.add_unique(self.corpus.units, unit.id, unit, "单位 id")
        slugs: dict[str, Theme] = {}
        for theme in self.read_list(content / "themes.yml", Theme):
            if self.add_unique(self.corpus.themes, theme.name, theme, "主题名称"):
                self.add_unique(slugs, theme.slug, theme, "主题 slug")
        self.read_folder("red", Story, self.corpus.stories)
        self.read_folder("craftsmen", Craftsman, self.corpus.craftsmen)
        self.read_collections()
        self.read_halls()
        self.report_unknown_files()

    def add_unique(self, into: dict[str, Any], key: str, entry: Unit | Theme, what: str) -> bool:
        first = into.setdefault(key, entry)
        if first is entry:
            return True
        where = first.origin.at()
        message = f"{what}“{key}”重复，第 {where.line} 行已经定义过"
        self.diagnostics.append(diagnostic("E-ID-DUPLICATE", entry.origin.at(), message))
        return False

    def folder(self, name: str) -> Path | None:
        """A kind's folder (red/, halls/ …), if it is there and inside the content."""
        folder = self.content / name
        if not folder.is_dir() or not self.inside(folder, "文件夹"):
            return None
        return folder

    def read_folder(self, name: str, model: type[ItemT], into: dict[str, ItemT]) -> None:
        folder = self.folder(name)
        for file in self.files(folder, ".md") if folder else ():
            item = self.read_markdown_item(file, model, file.stem)
            if item is None:
                self.corpus.broken.add((model.kind, file.stem))
            else:
                into[item.id] = item

    def read_yaml_item(self, file: Path | None, model: type[ItemT], item_id: str) -> ItemT | None:
        """An item written as a YAML file (a collection, a hall.yml); a file that is
        missing or does not validate leaves the id marked broken."""
        item = None
        if file is not None:
            doc, rel = self.read_yaml(file)
            if doc is not None:
                item = self.make_item(model, doc, Origin(rel, doc.source_map), item_id, item_id)
        if item is None:
            self.corpus.broken.add((model.kind, item_id))
        return item

    def read_collections(self) -> None:
        folder = self.folder("collections")
        for file in self.files(folder, ".yml") if folder else ():
            item = self.read_yaml_item(file, Collection, file.stem)
            if item is not None:
                self.corpus.collections[item.id] = item

    def read_halls(self) -> None:
        halls = self.folder("halls")
        if halls is None:
            return
        for folder in sorted(p for p in halls.iterdir() if p.is_dir() and not _hidden(p)):
            if folder.is_symlink() and not self.inside(folder, "展厅文件夹"):
                self.corpus.broken.add(("hall", folder.name))
                continue
            hall = self.read_hall(folder)
            for file in self.files(folder, ".md"):
                key = f"{folder.name}/{file.stem}"
                panel = self.read_markdown_item(file, Panel, key)
                if panel is not None and hall is not None:
                    panel._hall = hall.id
                    hall.panels.append(panel)
                    continue
                if panel is not None:  # a valid panel of a broken hall: checked, not shown
                    self.corpus.partial[("panel", key)] = panel
                    self.corpus.unvalidated_bodies.append((panel.origin.path, panel.body))
                self.corpus.broken.add(("panel", key))
                partial = self.corpus.partial.get(("panel", key))
                if isinstance(partial, Panel):
                    partial._hall = folder.name

    def read_hall(self, folder: Path) -> Hall | None:
        hall_file: Path | None = folder / "hall.yml"
        assert hall_file is not None
        if not hall_file.is_file():
            message = f"展厅文件夹“{folder.name}”中缺少 hall.yml（展厅名称和单元）"
            self.diagnostics.append(
                diagnostic("E-FILE-MISSING", Location(self.rel(folder)), message)
            )
            hall_file = None
        elif hall_file.is_symlink() and not self.inside(hall_file):
            hall_file = None
        hall = self.read_yaml_item(hall_file, Hall, folder.name)
        if hall is not None:
            self.corpus.halls[hall.id] = hall
        return hall

    def report_unknown_files(self) -> None:
        """Files the loader does not read are ignored, but never silently."""
        content = self.content
        for folder, dirs, names in os.walk(content):
            rel_folder = Path(folder).relative_to(content).parts
            dirs[:] = sorted(d for d in dirs if not _hidden(d) and (rel_folder or d != "media"))
            for name in sorted(names):
                parts = (*rel_folder, name)
                if _hidden(name) or _is_content_file(parts):
                    continue
                self.diagnostics.append(
                    diagnostic(
                        "W-FILE-UNKNOWN",
                        Location(self.rel(Path(folder) / name)),
                        _unknown_hint(parts),
                    )
                )


_TOP_LEVEL_FILES = {("units.yml",), ("themes.yml",), ("README.md",)}
_FOLDER_SUFFIX = {"red": ".md", "craftsmen": ".md", "collections": ".yml"}


def _is_content_file(parts: tuple[str, ...]) -> bool:
    if parts in _TOP_LEVEL_FILES:
        return True
    suffix = os.path.splitext(parts[-1])[1]
    if len(parts) == 2:
        return _FOLDER_SUFFIX.get(parts[0]) == suffix
    return len(parts) == 3 and parts[0] == "halls" and (parts[2] == "hall.yml" or suffix == ".md")


def _unknown_hint(parts: tuple[str, ...]) -> str:
    name = parts[-1]
    if parts[0] in _FOLDER_SUFFIX and name.endswith((".yaml", ".markdown", ".txt", ".md", ".yml")):
        return f"不认识的文件“{name}”，已忽略：故事和工匠用 .md，故事集用 .yml"
    if parts[0] in ("red", "craftsmen", "collections") and len(parts) > 2:
        return "子文件夹中的文件不会被读取，请直接放在上一级文件夹中"
    return f"不认识的文件“{'/'.join(parts)}”，已忽略；图片请放在 media/ 下"


def _not_mapping(origin: Origin) -> Diagnostic:
    message = "这里应是“字段: 值”的映射（每行一个字段，字段名后用半角冒号加空格）"
    return diagnostic("E-FM-NOT-MAPPING", origin.at(), message)


def _hidden(path: Path | str) -> bool:
    name = path.name if isinstance(path, Path) else path
    return name.startswith((".", "_"))


def load_corpus(root: Path, content_dir: Path) -> LoadResult:
    """Read every file under `content_dir`; paths in diagnostics are relative to `root`."""
    markdown.new_run()  # parses of the last run may now be evicted
    reader = _Reader(root, content_dir)
    if not content_dir.is_dir():
        message = f"找不到内容目录 {reader.rel(content_dir)}/"
        problem = diagnostic("E-FILE-MISSING", Location(reader.rel(content_dir)), message)
        return LoadResult(reader.corpus, [problem])
    reader.read_all()
    reader.corpus.link()
    return LoadResult(reader.corpus, reader.diagnostics)
