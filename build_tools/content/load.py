"""Read a whole content tree into a `Corpus`, collecting every problem on the way.

One function per kind of file; each turns text into a validated item or diagnostics
and never stops the run. An item that does not validate is kept in part
(`Corpus.partial`: the fields that did), so that its references are still checked in the
same run. References are not looked at here: the corpus is linked and checked only after
every file has been read, so file order never matters. No path is ever made from an id
or an alias; a file or folder that is a symlink leaving the content folder is not read.

What a file gives depends on its bytes and path alone, so it is kept with the file
(`content/filecache.py`): loading the same project again reads and parses only the files
that changed, and hands out the same item objects for the others. The tree is still
walked, and the corpus assembled and linked, afresh every time.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from build_tools.content import filecache, markdown
from build_tools.content.corpus import Corpus
from build_tools.content.filecache import FileCache, LoadedFile, content_hash
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
from build_tools.content.sourcefile import SourceError, decode, read_bytes, split_front_matter
from build_tools.content.terms import FILE_NAME as TERMS_FILE
from build_tools.content.terms import load_terms
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


# -- one file ---------------------------------------------------------------------------------
# Each of these turns a file's bytes into what the file gives, from the bytes and the path
# alone: what they return is kept with the file (content/filecache.py).


def _markdown_item(raw: bytes, rel: str, model: type[Item], item_id: str, key: str) -> LoadedFile:
    out = LoadedFile(None)
    try:
        parts = split_front_matter(decode(raw, rel), rel)
    except SourceError as exc:
        out.diagnostics.append(exc.diagnostic)
        return out
    doc = parse_yaml(parts.front_matter, rel, parts.front_matter_line - 1, field_names=FIELD_NAMES)
    out.diagnostics.extend(doc.diagnostics)
    body = Body(parts.body, parts.body_line)
    if not doc.usable:
        out.unvalidated = body
        return out
    origin = Origin(rel, doc.source_map, line=parts.front_matter_line - 1)
    _make_item(out, model, doc, origin, item_id, body)
    for panel in (out.item, out.partial):
        if isinstance(panel, Panel):
            panel._hall = key.split("/", 1)[0]  # the hall's folder: its id
    return out


def _yaml_document(out: LoadedFile, raw: bytes, rel: str) -> YamlDocument | None:
    """A YAML file's document, if anything could be read from it (as written or as the
    tolerant pass repaired it)."""
    try:
        text = decode(raw, rel)
    except SourceError as exc:
        out.diagnostics.append(exc.diagnostic)
        return None
    doc = parse_yaml(text, rel, field_names=FIELD_NAMES)
    out.diagnostics.extend(doc.diagnostics)
    return doc if doc.usable else None


def _yaml_item(raw: bytes, rel: str, model: type[Item], item_id: str) -> LoadedFile:
    """An item written as a YAML file (a collection, a hall.yml)."""
    out = LoadedFile(None)
    doc = _yaml_document(out, raw, rel)
    if doc is not None:
        _make_item(out, model, doc, Origin(rel, doc.source_map), item_id)
    return out


def _make_item(
    out: LoadedFile,
    model: type[Item],
    doc: YamlDocument,
    origin: Origin,
    item_id: str,
    body: Body | None = None,
) -> None:
    """The valid item; or the part that validated (a file the tolerant YAML pass had to
    repair is never valid, however well it reads)."""
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        out.diagnostics.append(_not_mapping(origin))
        out.unvalidated = body
        return
    for name, why in _DERIVED.items():
        if name in data:
            out.diagnostics.append(diagnostic("E-FIELD-UNKNOWN", origin.at(name, key=True), why))
            data = {k: v for k, v in data.items() if k != name}
    checked = validate_item(model, data, origin, doc.skipped_keys())
    out.diagnostics.extend(checked.problems)
    if checked.item is not None and doc.ok:
        checked.item.attach(item_id, origin, body)
        out.item = checked.item
        return
    partial = checked.item or checked.partial
    if partial is not None:
        partial.attach(item_id, origin, body)
        out.partial = partial
    out.unvalidated = body


def _list_file(raw: bytes, rel: str, model: type[Unit] | type[Theme], name: str) -> LoadedFile:
    """units.yml or themes.yml: the entries that validated, the keys of those that did not."""
    out = LoadedFile(None)
    key = "id" if model is Unit else "name"
    doc = _yaml_document(out, raw, rel)
    if doc is None or doc.data is None:
        return out
    # Entries the tolerant pass left out are reported there, not where they are used.
    out.broken.extend(doc.skipped_values(key))
    if not isinstance(doc.data, list):
        message = f"{name} 应是一个列表，每一项以“- ”开头"
        out.diagnostics.append(diagnostic("E-FM-NOT-MAPPING", Location(rel, 1, 1), message))
        return out
    for i, data in enumerate(doc.data):
        origin = Origin(rel, doc.source_map).sub(i)
        if not isinstance(data, dict):
            out.diagnostics.append(_not_mapping(origin))
            continue
        entry, problems = validate(model, data, origin)
        out.diagnostics.extend(problems)
        if entry is not None:
            entry._origin = origin
            out.entries.append(entry)
        elif isinstance(data.get(key), str):
            out.broken.append(data[key].strip())
    return out


# -- the tree ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, root: Path, content_dir: Path, cache: FileCache) -> None:
        self.root = root
        self.root_prefix = root.as_posix().rstrip("/") + "/"
        self.content = content_dir
        self.corpus = Corpus(root, content_dir)
        self.diagnostics: list[Diagnostic] = []
        self.cache = cache

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

    # -- one file, through the cache --------------------------------------------------
    def load(self, file: Path, parse: Callable[[bytes, str], LoadedFile]) -> tuple[str, LoadedFile]:
        rel = self.rel(file)
        self.corpus.files += 1
        try:
            loaded = self.cache.load(file, rel, read_bytes, lambda raw: parse(raw, rel))
        except SourceError as exc:  # unreadable or too large: said again every run
            loaded = LoadedFile(None, [exc.diagnostic])
        self.diagnostics.extend(loaded.diagnostics)
        if loaded.digest is not None:
            self.corpus.digests[rel] = loaded.digest
        return rel, loaded

    def read_markdown_item(self, file: Path, model: type[ItemT], key: str) -> ItemT | None:
        def parse(raw: bytes, rel: str) -> LoadedFile:
            return _markdown_item(raw, rel, model, file.stem, key)

        return self.take(*self.load(file, parse), model, key)

    def take(self, rel: str, loaded: LoadedFile, model: type[ItemT], key: str) -> ItemT | None:
        """The valid item a file gave, or None; what it gave in part goes to the corpus
        for the checks."""
        if loaded.partial is not None:
            self.corpus.partial[(model.kind, key)] = loaded.partial
        if loaded.unvalidated is not None:
            self.corpus.unvalidated_bodies.append((rel, loaded.unvalidated))
        return loaded.item  # type: ignore[return-value]

    def read_list(self, file: Path, model: type[Unit] | type[Theme]) -> list[Any]:
        if not file.is_file():
            self.diagnostics.append(
                diagnostic("E-FILE-MISSING", Location(self.rel(file)), f"缺少 {file.name}")
            )
            return []
        if not self.inside(file):
            return []

        def parse(raw: bytes, rel: str) -> LoadedFile:
            return _list_file(raw, rel, model, file.name)

        _, loaded = self.load(file, parse)
        kind = "unit" if model is Unit else "theme"
        self.corpus.broken.update((kind, value) for value in loaded.broken)
        return loaded.entries

    # -- the tree ---------------------------------------------------------------------
    def read_all(self) -> None:
        content = self.content
        for unit in self.read_list(content / "units.yml", Unit):
            self.add_unique(self.corpus.units, unit.id, unit, "单位 id")
        slugs: dict[str, Theme] = {}
        for theme in self.read_list(content / "themes.yml", Theme):
            if self.add_unique(self.corpus.themes, theme.name, theme, "主题名称"):
                self.add_unique(slugs, theme.slug, theme, "主题 slug")
        self.read_terms()
        self.read_folder("red", Story, self.corpus.stories)
        self.read_folder("craftsmen", Craftsman, self.corpus.craftsmen)
        self.read_collections()
        self.read_halls()
        self.report_unknown_files()

    def read_terms(self) -> None:
        """The standard-wording dictionary, if there is one. One small file, parsed afresh
        each run (its entries hold compiled patterns, which the file cache does not keep)."""
        file = self.content / TERMS_FILE
        if not file.is_file() or not self.inside(file):
            return
        rel = self.rel(file)
        try:
            raw = read_bytes(file, rel)
            text = decode(raw, rel)
        except SourceError as exc:
            self.diagnostics.append(exc.diagnostic)
            return
        self.corpus.digests[rel] = content_hash(raw)  # what kept findings depend on
        self.corpus.terms, problems = load_terms(text, rel)
        self.diagnostics.extend(problems)

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
        files = self.files(folder, ".md") if folder else []

        def parse(raw: bytes, rel: str) -> LoadedFile:
            stem = PurePosixPath(rel).stem
            return _markdown_item(raw, rel, model, stem, stem)

        self.cache.prepare([(file, self.rel(file)) for file in files], read_bytes, parse)
        for file in files:
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

            def parse(raw: bytes, rel: str) -> LoadedFile:
                return _yaml_item(raw, rel, model, item_id)

            item = self.take(*self.load(file, parse), model, item_id)
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
            panels: list[Panel] = []
            for file in self.files(folder, ".md"):
                key = f"{folder.name}/{file.stem}"
                panel = self.read_markdown_item(file, Panel, key)
                if panel is not None and hall is not None:
                    panels.append(panel)
                    continue
                if panel is not None:  # a valid panel of a broken hall: checked, not shown
                    self.corpus.partial[("panel", key)] = panel
                    self.corpus.unvalidated_bodies.append((panel.origin.path, panel.body))
                self.corpus.broken.add(("panel", key))
            if hall is not None:
                # A new list each run: the hall may be the one kept from the last run.
                hall._panels = panels

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
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            in_media = rel_folder[:1] == ("media",)  # media/ holds anything but documents
            for name in sorted(names):
                parts = (*rel_folder, name)
                if _hidden(name) or _is_content_file(parts):
                    continue
                where = Location(self.rel(Path(folder) / name))
                if os.path.splitext(name)[1].lower() in WORD_SUFFIXES:
                    self.diagnostics.append(diagnostic("W-FILE-WORD", where, _word_hint(name)))
                elif not in_media:
                    self.diagnostics.append(
                        diagnostic("W-FILE-UNKNOWN", where, _unknown_hint(parts))
                    )


_TOP_LEVEL_FILES = {("units.yml",), ("themes.yml",), (TERMS_FILE,), ("README.md",)}
_FOLDER_SUFFIX = {"red": ".md", "craftsmen": ".md", "collections": ".yml"}


def _is_content_file(parts: tuple[str, ...]) -> bool:
    if parts in _TOP_LEVEL_FILES:
        return True
    suffix = os.path.splitext(parts[-1])[1]
    if len(parts) == 2:
        return _FOLDER_SUFFIX.get(parts[0]) == suffix
    return len(parts) == 3 and parts[0] == "halls" and (parts[2] == "hall.yml" or suffix == ".md")


# Documents editors drop in as they come from the office: Word, WPS, RTF, OpenDocument.
WORD_SUFFIXES = frozenset({".doc", ".docx", ".docm", ".dotx", ".wps", ".rtf", ".odt"})


def _word_hint(name: str) -> str:
    # There is no import command yet (issue #18): say only what works today.
    return (
        f"“{name}”是 Word/WPS 文档，检查和网站都不会读取它：请用 culture new 新建条目"
        "（如 culture new story 标题）后把正文粘贴进去，或把文档另存为纯文本再整理成 .md；"
        "文档中的图片请另存到 media/ 下。整理完后删掉这个文档"
    )


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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes about a million objects that live as long as the corpus, and no
    reference cycles: Python's cyclic collector would walk them again and again for
    nothing (a quarter of the load time at 10,000 stories, and most of the time a new
    process takes to read the cache). Paused meanwhile; nesting is harmless."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            # What was made meanwhile goes straight to the oldest generation (freeze, then
            # unfreeze at once: nothing stays frozen), as the collector would move it after
            # walking it twice in the younger ones, a quarter of a second each time.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def load_corpus(root: Path, content_dir: Path) -> LoadResult:
    """Read every file under `content_dir`; paths in diagnostics are relative to `root`.

    A second load of the same project in this process reads only the files whose bytes
    changed and hands out the very same items for the others; a new process starts from
    what the last one stored (`store_parsed`). Linking is done afresh every time."""
    markdown.new_run()  # parses of the last run may now be evicted
    cache = filecache.for_project(root, content_dir)
    with cache.lock, collector_paused():
        cache.begin()
        reader = _Reader(root, content_dir, cache)
        if not content_dir.is_dir():
            message = f"找不到内容目录 {reader.rel(content_dir)}/"
            problem = diagnostic("E-FILE-MISSING", Location(reader.rel(content_dir)), message)
            return LoadResult(reader.corpus, [problem])
        reader.read_all()
        reader.corpus.link()
        cache.finish()
    return LoadResult(reader.corpus, reader.diagnostics)


def store_parsed(corpus: Corpus) -> None:
    """Keep what loading `corpus` parsed, and what the checks have found in its texts
    since, in `<root>/.cache/parsed/` for the next process. Call it after the checks."""
    cache = filecache.for_project(corpus.root, corpus.content_dir)
    with cache.lock, collector_paused():
        cache.save()
